# shellcheck shell=bash
# The switch's decision and what follows its commit point (src/steps/switch.ts says why each is
# crash-consistent): the slot the switch file names is the truth, `current` and the rest follow it.

# deploy_abort_point DECISION: this run passes its last stop point, unless Ctrl-C decided first (then status 130).
deploy_abort_point() {
  # set -C: whichever of this and Ctrl-C's request creates the file first decides.
  if ! (set -C; echo switch >"$1") 2>/dev/null; then
    # 130 is src/steps/switch.ts's INTERRUPTED_STATUS.
    echo "interrupted: stopped before switching traffic" >&2
    return 130
  fi
}
# deploy_abort_request DECISION: Ctrl-C asks the run to stop before the switch; print stopping, or too-late.
deploy_abort_request() {
  if (set -C; echo abort >"$1") 2>/dev/null || grep -qx abort "$1"; then echo stopping; else echo too-late; fi
}
# deploy_follow_current FLAG SLOTS CURRENT: point CURRENT at the live slot's release (FLAG decides), saying so.
deploy_follow_current() {
  local live want
  live=$(deploy_live_slot "$1")
  want=$(readlink "$2/$live" || true)
  if [ -n "$want" ] && [ "$(readlink "$3")" != "$want" ]; then
    # A failed link leaves current as it was: the next run's repair tries again.
    ln -sfn "$want" "$3.tmp" && mv -T "$3.tmp" "$3"
    echo "current -> $(basename "$want") (slot $live)"
  fi
}
# deploy_clear_leftovers CURRENT SLOTS ROOT: remove the half-made links and the dead runs' decisions killed runs left.
deploy_clear_leftovers() {
  rm -f "$1.tmp" "$2/a.tmp" "$2/b.tmp" "$3"/deploy.decision-*
}
