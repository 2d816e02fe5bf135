# shellcheck shell=bash
# Markers: \036 + word + command index on stdout/stderr tell which command printed what,
# which were already done and which failed. Every step script starts with this (then
# prelude.sh's helpers); so does each group of the app user's commands inside it (src/render.ts).
set -euo pipefail
__i=0 __step_changed=0 __step='' __pause_at='' __pause_for=3600
__mark() { printf '\036%s %s\n' "$1" "$__i"; if [ "$1" = changed ]; then __step_changed=1; fi; }
__begin() {
  __i=$1
  if [ -n "$__pause_at" ] && [ "$__step:$1" = "$__pause_at" ]; then __pause; fi
  printf '\036begin %s\n' "$1"; printf '\036begin %s\n' "$1" >&2
}
# __warn TEXT: a warning the operator reads whatever becomes of the step (one line, on stderr).
__warn() {
  local text="$*"
  printf '\036warn %s\n' "${text//$'\n'/ }" >&2
}
# A tick every 50 ms: once the client is gone, writing one ends the script (SIGPIPE) right here.
__pause() {
  local end=$((SECONDS + __pause_for))
  printf '\036paused %s\n' "$__step:$__i"
  while [ "$SECONDS" -lt "$end" ]; do printf '\036tick\n'; sleep 0.05; done
}
# Step scripts replace it with prelude.sh's (the trap calls it by name); app groups keep this one.
# shellcheck disable=SC2317
__on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then printf '\036fail %s %s\n' "$__i" "$rc" >&2; fi
}
trap __on_exit EXIT
