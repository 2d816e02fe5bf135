# shellcheck shell=bash
# The app's programs (the two gunicorn slots and [PROCESSES]) under supervisor or systemd, their
# addresses, and the host's system services they need. MANAGER is process_manager's value. Both
# managers start, stop and read programs through deploy-ctl; what differs lives in these functions.

# __ctl APP ACTION ARG...: the app's programs through deploy-ctl (remote/deploy-ctl.sh): directly
# as root, through sudo for a deploy user (its sudoers rule allows exactly this, for its app).
__ctl() {
  if [ "$EUID" = 0 ]; then /usr/local/sbin/deploy-ctl "$@"; else sudo -n /usr/local/sbin/deploy-ctl "$@"; fi
}
# __accepts HOST PORT: does something accept connections on HOST:PORT? Asked by bash itself (/dev/tcp): no process is started.
__accepts() {
  { : <>"/dev/tcp/$1/$2"; } 2>/dev/null
}
# __addr_in_use BIND: is something listening on host:port or unix:/path?
__addr_in_use() {
  local host=${1%:*}
  case "$1" in
    unix:*) ss -Hlx | grep -qF " ${1#unix:} " ;;
    # Loopback (or every address, reached on 127.0.0.1): bash's own connect says it, no process started.
    # (Elsewhere a firewall that drops could leave a connect waiting for minutes: ss asks.)
    127.*:[0-9]* | 0.0.0.0:[0-9]*) __accepts "${host/#0.0.0.0/127.0.0.1}" "${1##*:}" ;;
    *) [ -n "$(ss -Hltn "sport = :${1##*:}")" ] ;;
  esac
}
# deploy_ctl_current SHA256 CTL APP: deploy-ctl (CTL) is the one this version installs (its digest); else fail, saying to run setup.
deploy_ctl_current() {
  if ! printf '%s  %s\n' "$1" "$2" | sha256sum --quiet --strict -c 2>/dev/null; then
    echo "$2 is not the one this version of deploy needs: run \`deploy $3 setup\`" >&2
    return 1
  fi
}
# deploy_ctl_conf STORE CONF APP < content: root writes deploy-ctl's list of the app's programs, CONF in STORE; a deploy user checks it is current.
deploy_ctl_conf() {
  if [ "$(id -u)" = 0 ]; then
    # (A refused STORE leaves CONF as it is and the step goes on, as it always did.)
    if __root_dir 0755 root:root "$1"; then __put "$2" 0644 root:root; fi
  elif ! cmp -s - "$2"; then
    echo "$2 is not the one this version of deploy needs: run \`deploy $3 setup\` (deploy_user cannot)" >&2
    return 1
  fi
}
# deploy_stop_programs APP PROGRAM...: stop each and wait for its graceful stop; a stopped, missing or unknown one is fine.
deploy_stop_programs() { __ctl "$1" stop "${@:2}" || true; }
# deploy_program_states APP PROGRAM...: "<program> <STATE> <detail>" per program (supervisorctl status's shape, either manager).
deploy_program_states() { __ctl "$1" status "${@:2}" || true; }
# deploy_put_program FILE < content: root writes the program file FILE; a deploy user, who cannot, checks it says content already.
deploy_put_program() {
  if [ "$(id -u)" = 0 ]; then
    __put "$1" 0644 root:root
  elif ! cmp -s - "$1"; then
    echo "$1 differs from what the settings make: run setup to apply the change (deploy_user cannot)" >&2
    return 1
  fi
}
# deploy_reread_programs MANAGER CHANGED: when CHANGED is 1, the manager reads the program files again (without restarting any).
deploy_reread_programs() {
  if [ "$2" != 1 ]; then return 0; fi
  if [ "$1" = systemd ]; then systemctl daemon-reload; else supervisorctl reread >/dev/null; fi
}
# deploy_drop_programs MANAGER KEEP FILE...: stop and remove each process program FILE that KEEP (program files, space-separated) does not name.
deploy_drop_programs() {
  local manager=$1 keep=" $2 " f
  shift 2
  for f in "$@"; do
    [ -f "$f" ] || continue
    case $keep in *" $f "*) continue ;; esac
    if [ "$manager" = systemd ]; then
      # The slots' units and the boot unit match the same glob: only a process's unit says so.
      grep -q '^# deploy-process: ' "$f" || continue
      systemctl disable --now "$(basename "$f")" >/dev/null 2>&1 || true
    else
      supervisorctl stop "$(sed -n 's/^\[program:\(.*\)\]$/\1/p' "$f")" >/dev/null 2>&1 || true
    fi
    rm -f "$f"
    __changed_files="$__changed_files $f"
    __programs_removed=1
    __mark changed
  done
}
# deploy_update_programs MANAGER FILE...: when a process program went in this step or FILE... changed, the manager applies them.
deploy_update_programs() {
  local manager=$1 changed=${__programs_removed:-0} f
  shift
  for f in "$@"; do
    if __was_changed "$f"; then changed=1; fi
  done
  if [ "$changed" != 1 ]; then return 0; fi
  # Only then: a reread costs supervisor ~0.7 s of every deploy.
  if [ "$manager" = systemd ]; then
    systemctl daemon-reload
  elif supervisorctl reread >/dev/null; then
    supervisorctl update >/dev/null
  fi
}
# deploy_units_enabled UNIT...: every systemd UNIT starts at boot.
deploy_units_enabled() {
  local u
  for u in "$@"; do
    systemctl is-enabled --quiet "$u" || return 1
  done
}
# deploy_start_processes MANAGER APP NAME...: start each process (one running stays so); one that does not stay up fails, with its log.
deploy_start_processes() {
  local manager=$1 app=$2 n
  shift 2
  for n in "$@"; do
    if ! __process_started "$manager" "$app" "$app-$n"; then
      echo "process $n did not stay up; its log ends with:" >&2
      __ctl "$app" log "$app-$n" 20 >&2 || true
      return 1
    fi
  done
}
# __process_started MANAGER APP PROGRAM: start PROGRAM; supervisor counts it started once up startsecs (1 s), systemd's is checked after 1 s.
__process_started() {
  __ctl "$2" start "$3" || return 1
  if [ "$1" = systemd ]; then
    sleep 1
    systemctl is-active --quiet "$3.service"
  fi
}
# deploy_boot_unit_enable UNIT: systemd reads its units again and starts UNIT (the live slot's starter) at boot.
deploy_boot_unit_enable() {
  if systemctl daemon-reload; then systemctl enable --quiet "$1"; fi
}
# deploy_boot_unit_enabled UNIT FILE: UNIT starts at boot and its FILE did not change in this step.
deploy_boot_unit_enabled() { systemctl is-enabled --quiet "$1" && ! __was_changed "$2"; }
# deploy_socket_root_only SOCKET: only root may use supervisor's control socket.
deploy_socket_root_only() {
  if chown root:root "$1"; then chmod 0700 "$1"; fi
}
# deploy_socket_is_root_only SOCKET DROP: SOCKET is root's only (0700), or is not there, or DROP (a drop-in not deploy's) configures it.
deploy_socket_is_root_only() { [ ! -S "$1" ] || [ -e "$2" ] || [ "$(stat -L -c '%a %U:%G' "$1")" = '700 root:root' ]; }
# deploy_slot_log_mark MANAGER LOG: note where a slot's log stands before it starts (LOG: its log file, or its systemd unit).
deploy_slot_log_mark() {
  if [ "$1" = systemd ]; then
    __log_since=$(date '+%Y-%m-%d %H:%M:%S')
    __restarts_from=$(systemctl show -p NRestarts --value "$2" 2>/dev/null || echo 0)
  else
    __log_from=$(($(stat -c %s "$2" 2>/dev/null || echo 0) + 1))
  fi
}
# deploy_slot_log MANAGER LOG: what the slot logged since its mark (the whole log when none was made).
deploy_slot_log() {
  if [ "$1" = systemd ]; then
    journalctl -q --no-pager -o cat -u "$2" --since "${__log_since:-today}" 2>/dev/null
  else
    tail -c +"${__log_from:-1}" "$2" 2>/dev/null
  fi
}
# deploy_slot_crashed MANAGER LOG: did systemd restart the slot since its mark? (Under supervisor, its log tells: never.)
deploy_slot_crashed() {
  local n
  if [ "$1" != systemd ]; then return 1; fi
  n=$(systemctl show -p NRestarts --value "$2" 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 0 ] && [ "$n" != "${__restarts_from:-0}" ]
}
# deploy_when_live FLAG SLOT COMMAND...: run COMMAND (in this shell) when SLOT is the live slot (FLAG: the switch file).
deploy_when_live() {
  if [ "$(deploy_live_slot "$1")" = "$2" ]; then "${@:3}"; fi
}
# deploy_when_idle FLAG SLOT COMMAND...: run COMMAND (in this shell) when SLOT is not the live slot (FLAG: the switch file).
deploy_when_idle() {
  if [ "$(deploy_live_slot "$1")" != "$2" ]; then "${@:3}"; fi
}

# The host's system services (systemd units with either process manager: nginx, supervisor, services).

# deploy_services_state UNIT...: "<unit> <state>" per unit, the state as systemctl is-active says it.
deploy_services_state() {
  local u
  for u in "$@"; do
    echo "$u $(systemctl is-active "$u" 2>/dev/null || true)"
  done
}
# deploy_require_services WHY UNIT...: every UNIT runs; else fail, naming it, saying WHY that matters and how to start it.
deploy_require_services() {
  local why=$1 u states st n=0 up=1
  shift
  # One process for all: is-active prints a state per unit (its status says only whether any is
  # active). Which one is not is found only when one is not.
  states=$(systemctl is-active "$@" 2>/dev/null) || true
  while read -r st; do n=$((n + 1)); [ "$st" = active ] || up=0; done <<<"$states"
  if [ "$up" = 1 ] && [ "$n" = "$#" ]; then return 0; fi
  for u in "$@"; do
    if ! systemctl is-active --quiet "$u"; then
      echo "$u is not running on this server ($(systemctl is-active "$u" 2>/dev/null || true)): $why; start it (sudo systemctl start $u), then run this again" >&2
      return 1
    fi
  done
}
# deploy_enable_services UNIT...: each starts at boot, and now.
deploy_enable_services() { systemctl enable --quiet --now "$@"; }
# deploy_services_on UNIT...: every UNIT starts at boot and runs now.
deploy_services_on() {
  local u
  for u in "$@"; do
    { systemctl is-enabled --quiet "$u" && systemctl is-active --quiet "$u"; } || return 1
  done
}
# deploy_timer_state UNIT: "<enabled> <active> <next run>" of a systemd timer, a word empty when unknown.
deploy_timer_state() {
  echo "$(systemctl is-enabled "$1" 2>/dev/null || true) $(systemctl is-active "$1" 2>/dev/null || true) $(systemctl show -p NextElapseUSecRealtime --value "$1" 2>/dev/null || true)"
}
