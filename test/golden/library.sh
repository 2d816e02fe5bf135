# Every step's script starts with this (remote/markers.sh, remote/prelude.sh):
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
# shellcheck shell=bash
# What every step script starts with, after markers.sh: the shell's settings and the exit trap.
# The functions a script calls follow, from remote/lib/ (src/library.ts picks them), then the step.
umask 022
cd /
export LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
__changed_files='' __undo='' __undo_dir=''
# On success the copies __put kept for __restore go: they may hold old secrets.
# (Replaces markers.sh's __on_exit, which the EXIT trap calls by name.)
__on_exit() {
  local rc=$? f
  if [ "$rc" -ne 0 ]; then printf '\036fail %s %s\n' "$__i" "$rc" >&2; return; fi
  for f in $__changed_files; do rm -f "$f.deploy-prev"; if [ -f "$f" ]; then __written "$f"; fi; done
  if [ -n "$__undo_dir" ]; then rm -rf "$__undo_dir"; fi
}
trap __on_exit EXIT

# then the functions of remote/lib/ it calls, of these:
# __config KEYS TEMPLATE CONFIG < current: TEMPLATE (the config as a release made it; - for stdin)
# with CONFIG's secret_key (a new one when it has none) and, for every key matching KEYS (a regex),
# the value of stdin's line (the config as the settings make it now): secrets come from root's
# sources only, never from a file another user can write.
__config() {
  local key='' current
  current=$(cat)
  if [ -f "$3" ]; then key=$(sed -n 's/^secret_key[[:space:]]*=[[:space:]]*//p' "$3" | head -n 1); fi
  if [ -z "$key" ]; then key=$(head -c 48 /dev/urandom | base64 -w0 | tr '+/' '-_'); fi
  if [ "$2" = - ]; then printf '%s\n' "$current"; else cat -- "$2"; fi |
    KEY="$key" CURRENT="$current" awk -v keys="$1" '
      BEGIN { n = split(ENVIRON["CURRENT"], lines, "\n"); for (i = 1; i <= n; i++) if (lines[i] ~ keys) { k = lines[i]; sub(/[ \t]*=.*/, "", k); v[k] = lines[i] } }
      { i = index($0, "@@SECRET_KEY@@"); if (i) $0 = substr($0, 1, i - 1) ENVIRON["KEY"] substr($0, i + 14) }
      { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v)) print v[k]; else print }'
}
# __store_verify DIR: the files root kept for a release are the ones it wrote (SHA256SUMS).
__store_verify() {
  (cd -- "$1" && sha256sum --quiet --strict -c SHA256SUMS) || { echo "$1: the server files root kept for this release do not match their SHA256SUMS: refusing to install them" >&2; return 1; }
}
# Files root writes: only where nobody but root can write (docs/threat-model.md), each change
# kept until its step succeeds (__restore puts it back when nginx -t rejects the new config).
# __root_only_dir DIR: DIR and every directory above it are real directories (no link on the
# way) that only root can write. Root writes nothing anywhere else: in a directory another user
# can write, that user could swap a file or a link in under root's hands (docs/threat-model.md).
__root_only_dir() {
  local p=$1 st
  while :; do
    if [ ! -d "$p" ] || [ -L "$p" ]; then echo "refusing to write in $1 as root: $p is not a plain directory" >&2; return 1; fi
    st=$(stat -c '%u %a' -- "$p")
    if [ "${st%% *}" != 0 ] || (( 8#${st#* } & 8#022 )); then echo "refusing to write in $1 as root: $p can be written by another user than root" >&2; return 1; fi
    if [ "$p" = / ]; then return 0; fi
    p=$(dirname -- "$p")
  done
}
# __root_dir MODE OWNER:GROUP DIR: DIR exists, with that mode and owner, below directories only
# root can write (those it has to make are root's, 0755).
__root_dir() {
  local up=$3
  while [ ! -e "$up" ] && [ ! -L "$up" ]; do up=$(dirname -- "$up"); done
  if [ "$up" = "$3" ]; then
    __root_only_dir "$(dirname -- "$3")"
    if [ ! -d "$3" ] || [ -L "$3" ]; then echo "$3 is not a plain directory: refusing to use it" >&2; return 1; fi
    if [ "$(stat -c '%a %U:%G' -- "$3")" = "${1#0} $2" ]; then __mark ok; return 0; fi
  else
    __root_only_dir "$up"
  fi
  install -d -m "$1" -o "${2%%:*}" -g "${2#*:}" -- "$3"
  __mark changed
}
# __put PATH MODE OWNER:GROUP < content: replace PATH only when content or mode differ, keeping the old one for __restore.
__put() {
  local dst=$1 tmp
  __root_only_dir "$(dirname -- "$dst")"
  tmp=$(mktemp "$dst.deploy-XXXXXX")
  cat >"$tmp"
  chmod "$2" "$tmp"
  chown "$3" "$tmp"
  if [ -f "$dst" ] && cmp -s "$tmp" "$dst" && [ "$(stat -c '%a %U:%G' "$dst")" = "$(stat -c '%a %U:%G' "$tmp")" ]; then
    rm -f "$tmp"; __mark ok; return 0
  fi
  if [ -e "$dst" ]; then cp -p "$dst" "$dst.deploy-prev"; else rm -f "$dst.deploy-prev"; fi
  # Edited by hand since deploy wrote it: the settings win, the edited copy is kept and the change shown.
  local mark kept=''
  mark=$(__written_mark "$dst")
  if [ -f "$dst" ] && [ -f "$mark" ] && ! sha256sum --quiet --status -c "$mark" 2>/dev/null; then
    # Kept out of the way: beside it, a directory read whole (logrotate.d, conf.d) would read it too.
    kept="/var/lib/deploy/hand-edited/$(printf '%s' "$dst" | sed 's#/#%#g').$(date +%Y%m%dT%H%M%S)"
    install -d -m 0700 /var/lib/deploy/hand-edited && cp -p "$dst" "$kept"
  fi
  mv -f "$tmp" "$dst"
  if [ -n "$kept" ]; then
    __warn "$dst was edited by hand since deploy wrote it: it is written from the settings again (make the change there); the edited copy is $kept"
    diff -u "$kept" "$dst" | sed -E 's/^([-+ ]?[[:space:]]*(secret_key|database_url|email_host_password)[[:space:]]*=).*/\1 [redacted]/' >&2 || true
  fi
  __changed_files="$__changed_files $dst"
  __mark changed
}
# __was_changed FILE: did __put (or __link, __unlink) change FILE in this step?
__was_changed() { case " $__changed_files " in *" $1 "*) return 0;; esac; return 1; }
# __written_mark FILE: where the digest of what __put last wrote to FILE is kept (a file that
# differs from it was edited by hand).
__written_mark() { printf '/var/lib/deploy/written/%s.sha256' "$(printf '%s' "$1" | sed 's#/#%#g')"; }
# __written FILE: record what deploy wrote to FILE (root only).
__written() { if [ "$EUID" = 0 ]; then install -d -m 0700 /var/lib/deploy/written && sha256sum "$1" >"$(__written_mark "$1")"; fi; }
# __link TARGET LINK: point LINK at TARGET; __restore points it back (or removes it).
# Links live in nginx's sites-enabled, which nginx reads whole: no backup may sit beside them.
__link() {
  local old
  __root_only_dir "$(dirname -- "$2")"
  old=$(readlink "$2" 2>/dev/null || true)
  if [ -L "$2" ] && [ "$old" = "$1" ]; then __mark ok; return 0; fi
  if [ -L "$2" ]; then __undo="ln -sfn $(printf '%q' "$old") $(printf '%q' "$2"); $__undo"
  elif [ -e "$2" ]; then __keep_aside "$2"
  else __undo="rm -f $(printf '%q' "$2"); $__undo"; fi
  ln -sfn "$1" "$2"
  __mark changed
}
# __unlink PATH: remove PATH (a link or a file); __restore puts it back.
__unlink() {
  __root_only_dir "$(dirname -- "$1")"
  if [ -L "$1" ]; then __undo="ln -sfn $(printf '%q' "$(readlink "$1")") $(printf '%q' "$1"); $__undo"; rm -f "$1"
  elif [ -e "$1" ]; then __keep_aside "$1"
  else __mark ok; return 0; fi
  __mark changed
}
# __keep_aside PATH: move PATH into this step's undo directory; __restore moves it back.
__keep_aside() {
  if [ -z "$__undo_dir" ]; then __undo_dir=$(mktemp -d /tmp/deploy-undo-XXXXXX); fi
  local kept
  kept=$(mktemp "$__undo_dir/f-XXXXXX")
  mv -f "$1" "$kept"
  __undo="mv -f $(printf '%q' "$kept") $(printf '%q' "$1"); $__undo"
}
# __restore: put back every file this step replaced, linked or removed (nginx -t rejected the new config).
__restore() {
  local f
  for f in $__changed_files; do
    if [ -e "$f.deploy-prev" ]; then mv -f "$f.deploy-prev" "$f"; else rm -f "$f"; fi
  done
  eval "$__undo"
  __undo=''
}
# __app_dir_in_root_dir MODE USER DIR: DIR, directly inside a directory only root can write, is USER's.
# Nobody but root can have put a link there; one left by an older version is refused.
__app_dir_in_root_dir() {
  __root_only_dir "$(dirname -- "$3")"
  if [ -L "$3" ]; then echo "$3 is a symbolic link: refusing to give it to $2" >&2; return 1; fi
  if [ "$(stat -c '%a %U:%G' -- "$3" 2>/dev/null)" = "${1#0} $2:$2" ]; then __mark ok; return 0; fi
  install -d -m "$1" -o "$2" -g "$2" -- "$3"
  __mark changed
}
# __give_to_app DIR USER: an older version left DIR, inside the app's tree, to root; it becomes
# USER's. Done from inside DIR (cd pins it; its real path is checked), so no link is followed.
__give_to_app() {
  (
    cd -P -- "$1" 2>/dev/null || exit 0
    if [ "$(pwd -P)" != "$1" ]; then echo "$1 is reached through a symbolic link: refusing to touch it" >&2; exit 1; fi
    if [ "$(stat -c %u .)" != 0 ]; then exit 0; fi
    find . -mindepth 1 -maxdepth 1 -exec chown -h "$2:$2" {} +
    chown "$2:$2" .
    __mark changed
  )
}
# deploy_require_set_up DIR APP: fail, saying to run setup first, when DIR (which setup makes) is missing.
deploy_require_set_up() {
  if [ ! -d "$1" ]; then
    echo "$2 is not set up on this server: run \`deploy $2 setup\` first" >&2
    return 1
  fi
}
# deploy_site_knows_page PAGE SITE APP: fail, saying to run setup again, when the nginx site SITE does not name PAGE (it predates maintenance mode).
deploy_site_knows_page() {
  if ! grep -qF "$1" "$2" 2>/dev/null; then
    echo "the nginx site of $3 does not know the maintenance page yet: run \`deploy $3 setup\` again first" >&2
    return 1
  fi
}
# deploy_put_page PAGE < page: put the page up in one step (a temp file beside it, 0644 for nginx, then mv): nginx never reads half a page.
deploy_put_page() {
  local tmp=''
  if tmp=$(mktemp "$1.XXXXXX") && cat >"$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$1"; then return 0; fi
  rm -f "$tmp"
  return 1
}
# deploy_page_up_or PAGE COMMAND...: succeed when the page is up; else as COMMAND does (the caller's own reason to skip).
deploy_page_up_or() { test -e "$1" || "${@:2}"; }
# deploy_page_off PAGE TEXT: take the page down when it holds TEXT (the mark of the deploy run that put it up); never fails.
deploy_page_off() {
  if grep -qsF "$2" "$1"; then rm -f "$1" || true; fi
}
# deploy_page_left PAGE TEXT: a page a deploy run put up (it holds TEXT), left when the run did not finish, goes, with a warning.
deploy_page_left() {
  if grep -qsF "$2" "$1"; then
    rm -f "$1"
    __warn "took down the maintenance page a deploy --maintenance left when it did not finish: the site answers again"
  fi
}
# deploy_page_state PAGE MARK: "off"; or when the page went up (its mtime, epoch seconds), then its last line holding MARK.
deploy_page_state() {
  if [ -e "$1" ]; then
    stat -c %Y "$1"
    grep -F "$2" "$1" | tail -n 1 || true
  else
    echo off
  fi
}
# __ctl APP ACTION ARG...: the app's programs through deploy-ctl (remote/deploy-ctl.sh): directly
# as root, through sudo for a deploy user (its sudoers rule allows exactly this, for its app).
__ctl() {
  if [ "$EUID" = 0 ]; then /usr/local/sbin/deploy-ctl "$@"; else sudo -n /usr/local/sbin/deploy-ctl "$@"; fi
}
# __addr_in_use BIND: is something listening on host:port or unix:/path?
__addr_in_use() {
  case "$1" in
    unix:*) ss -Hlx | grep -qF " $(printf '%s' "$1" | cut -d: -f2-) " ;;
    *) [ -n "$(ss -Hltn "sport = :$(printf '%s' "$1" | awk -F: '{ print $NF }')")" ] ;;
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
# deploy_services_state UNIT...: "<unit> <state>" per unit, the state as systemctl is-active says it.
deploy_services_state() {
  local u
  for u in "$@"; do
    echo "$u $(systemctl is-active "$u" 2>/dev/null || true)"
  done
}
# deploy_require_services WHY UNIT...: every UNIT runs; else fail, naming it, saying WHY that matters and how to start it.
deploy_require_services() {
  local why=$1 u
  shift
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
# deploy_live_slot FLAG: print the live slot (b while FLAG, the switch file, exists; else a), as nginx decides it.
deploy_live_slot() { if [ -e "$1" ]; then echo b; else echo a; fi; }
# __live_dir DIR FLAG: the live release's directory (with FLAG empty: DIR).
__live_dir() {
  if [ -n "$2" ]; then printf '%s/%s\n' "$1" "$(deploy_live_slot "$2")"; else printf '%s\n' "$1"; fi
}
# deploy_live_link DIR FLAG: where the live slot's link points.
deploy_live_link() { readlink "$(__live_dir "$1" "$2")" || true; }
# deploy_live_release DIR FLAG CURRENT: the live release's .deploy-release (its first line, without the fingerprint), else CURRENT's.
deploy_live_release() {
  local f
  for f in "$(__live_dir "$1" "$2")/.deploy-release" "$3/.deploy-release"; do
    if head -n 1 "$f" 2>/dev/null | sed 's/,"fingerprint":"[^"]*"//'; then return 0; fi
  done
}
# deploy_link_name LINK: the name of what LINK points to.
deploy_link_name() { basename "$(readlink "$1")" 2>/dev/null || true; }
# deploy_http_status ARG... URL: "<HTTP status> <seconds>" of a GET of URL (curl's ARG... first; 5 s at most).
deploy_http_status() { curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "$@" || true; }
# deploy_live_http FLAG ARG... URL -- ARG... URL: deploy_http_status of slot a's URL, or of slot b's (after --) when b is live.
deploy_live_http() {
  local flag=$1 a=()
  shift
  while [ "$1" != -- ]; do
    a+=("$1")
    shift
  done
  shift
  if [ "$(deploy_live_slot "$flag")" = b ]; then deploy_http_status "$@"; else deploy_http_status "${a[@]}"; fi
}
# deploy_disk_free DIR: the space left on DIR's file system (df -h).
deploy_disk_free() { { df -h --output=avail "$1" 2>/dev/null || true; } | tail -n 1 | tr -d ' '; }
# deploy_app_logs LINES DIR: the last LINES of each of the app's own logs (DIR/*.log), each under its whole path.
deploy_app_logs() { tail -v -n "$1" "$2"/*.log 2>/dev/null || true; }
# deploy_follow_logs APP LINES USER DIR: the programs' and the site's logs (deploy-ctl), and as USER the app's own, as they grow.
deploy_follow_logs() {
  __ctl "$1" logs "$2" follow &
  # The app user expands the glob: root lists nothing in the app's tree.
  sudo -n -H -u "$3" -- bash -c "tail -v -n $(printf '%q' "$2") -F $(printf '%q' "$4")/*.log 2>/dev/null || true"
  wait
}
# deploy_read FILE...: the first FILE that can be read.
deploy_read() {
  local f
  for f in "$@"; do
    if cat "$f" 2>/dev/null; then return 0; fi
  done
}
# deploy_read_live DIR FLAG FILE [ELSE]: the live release's FILE (a path inside it), or ELSE.
deploy_read_live() { deploy_read "$(__live_dir "$1" "$2")/$3" "${@:4}"; }
# deploy_read_live_config DIR FLAG FILE [ELSE]: as deploy_read_live, a config file, with the values of its secrets redacted.
deploy_read_live_config() {
  deploy_read_live "$@" | sed -E 's/^(secret_key|database_url|email_host_password)([[:space:]]*=[[:space:]]*).*/\1\2[redacted]/'
}
# deploy_read_live_env DIR FLAG FILE: the names of the variables the live release's environment FILE sets (no values; no APP_CONFIG_FILE).
deploy_read_live_env() {
  sed -E 's/=.*/=[redacted]/' "$(__live_dir "$1" "$2")/$3" 2>/dev/null | grep -v '^APP_CONFIG_FILE=' || true
}
