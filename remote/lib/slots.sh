# shellcheck shell=bash
# The two gunicorn slots: which one is live, starting one, proving it answers, stopping the old.

# deploy_live_slot FLAG: print the live slot (b while FLAG, the switch file, exists; else a), as nginx decides it.
deploy_live_slot() { if [ -e "$1" ]; then echo b; else echo a; fi; }
# deploy_program_file FILE: as root, write the slot's program FILE from stdin (__put); a deploy user can only check it is that.
deploy_program_file() {
  if [ "$(id -u)" = 0 ]; then
    __put "$1" 0644 root:root
  elif ! cmp -s - "$1"; then
    echo "$1 differs from what the settings make: run setup to apply the change (deploy_user cannot)" >&2
    return 1
  fi
}
# deploy_wait_stopped MARKER SECONDS: wait while the slot's last stop (MARKER, younger than SECONDS) runs, then forget it.
deploy_wait_stopped() {
  # gunicorn may take up to its graceful timeout and the manager then kills it: an older marker is stale.
  while [ -e "$1" ] && [ $(($(date +%s) - $(stat -c %Y "$1" 2>/dev/null || echo 0))) -lt "$2" ]; do sleep 0.1; done
  rm -f "$1"
}
# deploy_require_free BIND SLOT: fail, saying what listens there, when something already answers on the slot's address.
deploy_require_free() {
  # It would pass the health check in the slot's place.
  if __addr_in_use "$1"; then
    echo "$1 (slot $2) is already in use by another process:" >&2
    ss -Hltnp >&2 || true
    return 1
  fi
}
# deploy_require_venv DIR: fail, saying how to build one, when the release DIR has no virtualenv (it could not start).
deploy_require_venv() {
  [ -x "$1/.venv/bin/python" ] || { echo "release ${1##*/} cannot start: its virtualenv is gone (.venv -> $(readlink "$1/.venv" || echo nothing)); deploy its commit again to build one (deploy --ref <its commit> --force)" >&2; return 1; }
}
# deploy_replace_link TARGET LINK: point LINK at TARGET atomically (a new link renamed over the old one).
deploy_replace_link() {
  ln -sfn "$1" "$2.tmp" && mv -T "$2.tmp" "$2"
}
# deploy_link_slot SLOTS SLOT DIR RECORD: point the (stopped) slot SLOT at the release DIR; its record (SLOT.run) says what it runs now.
deploy_link_slot() {
  # The record: the release and the settings' fingerprint, for a rollback that may find the slot still running.
  mkdir -p "$1" && rm -f "$1/$2.run" && deploy_replace_link "$3" "$1/$2" && printf '%s\n' "$4" >"$1/$2.run"
}
# deploy_idle_record SLOTS FLAG BIND_A BIND_B: what the idle slot runs (its record), when it still runs: not being stopped, listening on its address.
deploy_idle_record() {
  local idle=b bind=$4 had=
  # FLAG present: b is live (deploy_live_slot).
  if [ -e "$2" ]; then idle=a bind=$3; fi
  if [ -f "$1/$idle.run" ] && [ ! -e "$1/$idle.stopping" ] && read -r had <"$1/$idle.run" && __addr_in_use "$bind"; then
    echo "$had"
  fi
}
# __slot_log LOG: print the slot's output since its start began: LOG is its log file (supervisor) or its unit (systemd).
__slot_log() {
  # Where it began: __log_from, or __log_since, set by the step's mark (src/steps/manager.ts slotLog).
  case $1 in
    /*) tail -c +"${__log_from:-1}" "$1" 2>/dev/null ;;
    *) journalctl -q --no-pager -o cat -u "$1" --since "${__log_since:-today}" 2>/dev/null ;;
  esac
}
# __slot_crashed LOG: has systemd restarted the slot (unit LOG) since its start began? (supervisor's own log says so)
__slot_crashed() {
  local n
  case $1 in
    /*) return 1 ;;
    *)
      n=$(systemctl show -p NRestarts --value "$1" 2>/dev/null || echo 0)
      [ "${n:-0}" -gt 0 ] && [ "$n" != "${__restarts_from:-0}" ]
      ;;
  esac
}
# deploy_health_check SECONDS URL LOG BIND CURL_ARG...: wait until URL answers 2xx/3xx and print its status; fail with the slot's log (LOG). BIND: the slot's address.
deploy_health_check() {
  local url=$2 deadline why code err n=0
  deadline=$((SECONDS + $1))
  why="for $1 s"
  # While the slot boots it competes for the CPU with this wait: curl only once the slot listens
  # on its address (on loopback, asked with no process started); the log is read every tenth time.
  until __addr_in_use "$4" && code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${@:5}" "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do
    # An app that cannot boot fails at once, not after SECONDS.
    if [ $((n++ % 10)) = 0 ] && { __slot_crashed "$3" || __slot_log "$3" | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; }; then
      why="(gunicorn could not start the app)"
      deadline=0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      # The verdict comes last: an error shows the last lines, and they must say what failed.
      echo "the slot's log ends with:" >&2
      __slot_log "$3" | tail -n 25 >&2 || true
      echo "health check failed: $url answered ${code:-nothing} $why" >&2
      # A traceback's last line; or, when the app was imported in gunicorn's master
      # (gunicorn_preload) and raised a RuntimeError, the one line gunicorn prints for it.
      err=$(__slot_log "$3" | grep -E '^([A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)|Error: )' | grep -v HaltServer | tail -n 1) || true
      if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi
      return 1
    fi
    sleep 0.02
  done
  echo "$code"
}
# __stop_slot_job APP PROGRAM APP_USER MARKER [PORT|-]: the background stop: once PORT has no open connection (-: at once), stop PROGRAM, then drop MARKER.
__stop_slot_job() {
  # -: an idle slot (no traffic since an earlier switch), stopped at once.
  if [ "${5:-}" = - ]; then
    :
  # Requests routed to the slot just before the switch are answered first (5 s at most; a socket: 1 s).
  elif [ -n "${5:-}" ]; then
    sleep 0.2
    for _ in $(seq 100); do
      [ -z "$(ss -Htn state established dport = :"$5" 2>/dev/null)" ] && break
      sleep 0.05
    done
  else
    sleep 1.2
  fi
  __ctl "$1" stop "$2" || true
  # MARKER is SLOTS/SLOT.stopping; the slot's record (SLOTS/SLOT.run) goes with it.
  sudo -n -u "$3" rm -f "$4" "${4%.stopping}.run"
}
# deploy_stop_in_background APP PROGRAM APP_USER MARKER [PORT]: stop the retired slot's PROGRAM in a job of its own (__stop_slot_job).
deploy_stop_in_background() {
  local job
  # The job is a new shell: it gets the functions it runs.
  job="$(declare -f __ctl __stop_slot_job)
__stop_slot_job \"\$@\""
  # systemd-run hands the job to systemd at once; a plain background job would hold the SSH
  # session open until it ends. A deploy user's job runs as itself (__ctl then goes through sudo).
  if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then
    # systemd expands $VAR, ${...} and % specifiers in a command line: $$ and %% keep them as the shell's.
    job=${job//\$/\$\$}
    systemd-run --quiet --no-block --collect bash -c "${job//%/%%}" deploy-stop "$@"
  else
    setsid nohup bash -c "$job" deploy-stop "$@" >/dev/null 2>&1 </dev/null &
  fi
}
# deploy_stop_idle LIVE SLOT APP PROGRAM: stop the slot SLOT's PROGRAM unless SLOT is the live one (LIVE); a stopped one is fine.
deploy_stop_idle() {
  if [ "$1" != "$2" ]; then __ctl "$3" stop "$4" || true; fi
}
# deploy_enable_boot UNIT: make systemd read its units again, then start UNIT (the live slot at boot) with the system.
deploy_enable_boot() {
  if systemctl daemon-reload; then systemctl enable --quiet "$1"; fi
}
# deploy_boot_enabled UNIT FILE: is UNIT enabled, its file (FILE) unchanged in this step?
deploy_boot_enabled() {
  systemctl is-enabled --quiet "$1" && ! __was_changed "$2"
}
# deploy_if_changed CHANGED COMMAND...: run COMMAND when CHANGED (the step's __step_changed) is 1.
deploy_if_changed() {
  if [ "$1" = 1 ]; then "${@:2}"; fi
}
