# shellcheck shell=bash
# The deploy lock: a directory made with mkdir (atomic), holding who took it (info). The app user
# takes and gives it back, in the app's own directory: root never writes there.

# deploy_lock LOCK INFO: take the lock, recording INFO (JSON); held by another run: say whose, status 75.
deploy_lock() {
  if mkdir -m 0755 "$1" 2>/dev/null; then
    printf '%s\n' "$2" >"$1/info"
  else
    # 75 is src/steps/lock.ts's LOCKED_STATUS: the operator is told who holds it, not that the run failed.
    echo "locked: $(cat "$1/info" 2>/dev/null || echo '{}')" >&2
    return 75
  fi
}
# deploy_unlock LOCK TOKEN: give the lock back, only if the run TOKEN holds it.
deploy_unlock() {
  if grep -qF "$2" "$1/info" 2>/dev/null; then rm -rf "$1"; fi
}
# deploy_lock_info LOCK: print who holds the lock (its info; nothing when nobody does).
deploy_lock_info() {
  cat "$1/info" 2>/dev/null || true
}
# deploy_remove_lock LOCK TOKEN: remove the lock the operator was shown (TOKEN's, or one without info); a newer run's stays.
deploy_remove_lock() {
  if grep -qF "$2" "$1/info" 2>/dev/null || [ ! -s "$1/info" ]; then
    rm -rf "$1"
  else
    echo "the lock changed hands meanwhile: left in place" >&2
    return 1
  fi
}
