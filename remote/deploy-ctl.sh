#!/bin/bash
# deploy-ctl: what may be done as root to one app's programs, and nothing else.
# Installed by `deploy APP setup` as /usr/local/sbin/deploy-ctl (from remote/deploy-ctl.sh).
# A deploy user runs it through sudo, pinned to its own app by its sudoers rule
# (`deploy-ctl APP *`); root's own runs use it too, so both go the same way.
# It trusts only what root wrote: the app's list of programs and logs in
# /var/lib/deploy/apps/APP/ctl.conf (setup and root's deploys write it from the settings).
#
#   deploy-ctl APP start PROGRAM             start it (its program file re-read first when it changed)
#   deploy-ctl APP stop PROGRAM...           stop each and wait for it; a stopped or unknown one is fine
#   deploy-ctl APP status PROGRAM...         "<program> <STATE> <detail>" per program
#   deploy-ctl APP log PROGRAM LINES         the end of one program's log
#   deploy-ctl APP logs LINES [follow]       the programs' logs and the site's nginx logs
#   deploy-ctl APP access-log                the end of the site's nginx access log (a canary's watch counts its answers)
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
readonly SOCKET=/var/run/supervisor.sock

die() {
  printf 'deploy-ctl: %s\n' "$1" >&2
  exit "${2:-2}"
}

[ "$#" -ge 2 ] || die 'usage: deploy-ctl APP start|stop|status|log|logs|access-log ...'
app=$1 action=$2
shift 2
[[ $app =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$ ]] || die "not an app name: ${app@Q}"
conf=/var/lib/deploy/apps/$app/ctl.conf
{ [ -f "$conf" ] && [ ! -L "$conf" ]; } || die "$app is not set up for deploy-ctl on this server: run \`deploy $app setup\`" 1
manager='' programs=' ' logdir='' sitelogs=()
while read -r key value; do
  case $key in
    manager) manager=$value ;;
    programs) programs=" $value " ;;
    logs) logdir=$value ;;
    site_logs) read -r -a sitelogs <<<"$value" ;;
  esac
done <"$conf"
[ "$manager" = supervisor ] || [ "$manager" = systemd ] || die "$conf names no process manager" 1

# known PROGRAM: one of this app's programs (never another app's: the list is root's, from the settings).
known() {
  case $programs in *" $1 "*) return 0 ;; esac
  die "not a program of $app: ${1@Q}"
}

# rpc METHOD [STRING [BOOLEAN]]: supervisord's XML-RPC over its socket, the answer on one line
# (curl: ~15 ms, where each supervisorctl start-up costs ~170 ms). Fails when nothing answers.
rpc() {
  local params=''
  if [ "$#" -ge 2 ]; then params="<param><value><string>$2</string></value></param>"; fi
  if [ "$#" -ge 3 ]; then params="$params<param><value><boolean>$3</boolean></value></param>"; fi
  curl -s --max-time 60 --unix-socket "$SOCKET" http://localhost/RPC2 -H 'Content-Type: text/xml' \
    -d "<?xml version='1.0'?><methodCall><methodName>supervisor.$1</methodName><params>$params</params></methodCall>" | tr -d '\n'
}

# fault ANSWER: the fault's name (ALREADY_STARTED, NOT_RUNNING, SPAWN_ERROR...), empty when none.
fault() {
  case $1 in *'<fault>'*) sed -n 's:.*<name>faultString</name><value><string>\([A-Z_]*\).*:\1:p' <<<"$1" ;; esac
}

supervisor_up() {
  [ -S "$SOCKET" ] || die "supervisor is not running on this server (no $SOCKET): systemctl start supervisor" 1
}

start() {
  local p=$1 out f
  known "$p"
  if [ "$manager" = systemd ]; then
    if [ "$(systemctl show -p NeedDaemonReload --value "$p.service")" = yes ]; then systemctl daemon-reload; fi
    systemctl start "$p.service"
    return
  fi
  supervisor_up
  # A program added or changed since supervisord read it: update it first (stops and re-adds it).
  if rpc reloadConfig | grep -qF "<string>$p</string>"; then supervisorctl update "$p" >/dev/null; fi
  out=$(rpc startProcess "$p" 1) || die "supervisor did not answer on $SOCKET" 1
  f=$(fault "$out")
  case $f in
    '' | ALREADY_STARTED) ;;
    *) die "$p did not start: $f" 1 ;;
  esac
}

stop() {
  local p out f
  for p in "$@"; do known "$p"; done
  for p in "$@"; do
    if [ "$manager" = systemd ]; then
      systemctl stop "$p.service" 2>/dev/null || true
      continue
    fi
    [ -S "$SOCKET" ] || return 0
    out=$(rpc stopProcess "$p" 1) || die "supervisor did not answer on $SOCKET" 1
    f=$(fault "$out")
    case $f in
      '' | NOT_RUNNING | BAD_NAME) ;;
      *) die "$p did not stop: $f" 1 ;;
    esac
  done
}

status() {
  local p st pid since
  for p in "$@"; do known "$p"; done
  if [ "$manager" = supervisor ]; then
    supervisor_up
    supervisorctl status "$@" 2>/dev/null || true
    return
  fi
  for p in "$@"; do
    st=$(systemctl show -p ActiveState --value "$p.service" 2>/dev/null || true)
    pid=$(systemctl show -p MainPID --value "$p.service" 2>/dev/null || true)
    since=$(systemctl show -p ActiveEnterTimestamp --value "$p.service" 2>/dev/null || true)
    case $st in
      active) echo "$p RUNNING pid $pid, since $since" ;;
      activating) echo "$p STARTING" ;;
      failed) echo "$p FATAL (systemd: failed)" ;;
      *) echo "$p STOPPED" ;;
    esac
  done
}

lines() {
  [[ $1 =~ ^[0-9]{1,7}$ ]] || die "not a number of lines: ${1@Q}"
}

log() {
  local p=$1 n=$2
  known "$p"
  lines "$n"
  if [ "$manager" = systemd ]; then
    journalctl -q --no-pager -o cat -n "$n" -u "$p.service" 2>/dev/null || true
  else
    local name=${p#"$app"-}
    case $name in a | b) name=gunicorn-$name ;; esac
    tail -n "$n" "$logdir/$name.log" 2>/dev/null || true
  fi
}

logs() {
  local n=$1 follow=${2:-} files=() units=() p
  lines "$n"
  [ -z "$follow" ] || [ "$follow" = follow ] || die "logs LINES [follow], not ${follow@Q}"
  for p in $programs; do units+=(-u "$p.service"); done
  if [ "$manager" = supervisor ]; then
    for p in "$logdir"/*.log; do [ -f "$p" ] && files+=("$p"); done
  fi
  for p in "${sitelogs[@]}"; do [ -f "$p" ] && files+=("$p"); done
  if [ "$manager" = systemd ] && [ -n "$follow" ]; then
    { echo '==> journal <=='; journalctl -q --no-pager -o short-iso -n "$n" -f "${units[@]}"; } &
  elif [ "$manager" = systemd ]; then
    echo '==> journal <=='
    journalctl -q --no-pager -o short-iso -n "$n" "${units[@]}" 2>/dev/null || true
  fi
  if [ "${#files[@]}" -gt 0 ]; then
    # One file alone gets no "==> file <==" heading from tail: ask for it.
    tail -v -n "$n" ${follow:+-F} "${files[@]}" 2>/dev/null || true
  fi
  wait
}

# access_log: the last 64 MB of the site's access log, at most (a canary looks minutes back, not days).
access_log() {
  [ "${#sitelogs[@]}" -gt 0 ] || return 0
  tail -c 67108864 "${sitelogs[0]}" 2>/dev/null || true
}

case $action in
  start) [ "$#" = 1 ] || die 'start PROGRAM'; start "$1" ;;
  stop) [ "$#" -ge 1 ] || die 'stop PROGRAM...'; stop "$@" ;;
  status) [ "$#" -ge 1 ] || die 'status PROGRAM...'; status "$@" ;;
  log) [ "$#" = 2 ] || die 'log PROGRAM LINES'; log "$1" "$2" ;;
  logs) { [ "$#" -ge 1 ] && [ "$#" -le 2 ]; } || die 'logs LINES [follow]'; logs "$@" ;;
  access-log) [ "$#" = 0 ] || die 'access-log'; access_log ;;
  *) die "unknown action ${action@Q}: start, stop, status, log, logs or access-log" ;;
esac
