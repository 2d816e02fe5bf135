# setup, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- sudo works [sudo, bash -s]
# step: sudo
__step=sudo
__begin 1
{ sudo -n true
} </dev/null

# ---- app user's home /opt/django [home, sudo -n bash -s]
# step: home
__step=home
__begin 1
{ deploy_home_state /opt/django django .ssh .cache apps virtualenvs configs
} </dev/null

# ---- gunicorn ports free of other apps [ports, sudo -n bash -s]
# step: ports
__step=ports
__begin 1
{ deploy_binds_free NOME_APP 127.0.0.1:8032 127.0.0.1:8033
} </dev/null

# ---- django is a service account [app-user-check, sudo -n bash -s]
# step: app-user-check
__step=app-user-check
__begin 1
{ deploy_app_user_risks django sudo adm wheel docker lxd disk shadow root
} </dev/null

# ---- system packages present [packages, sudo -n bash -s]
# step: packages
__step=packages
__begin 1
{ deploy_packages_present python3 no nginx supervisorctl git curl python3
} </dev/null

# ---- app user django and its directories [user, sudo -n bash -s]
# step: user
__step=user
__begin 1
if { { id -u django
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ useradd --system --user-group --home-dir /opt/django --create-home --shell /usr/sbin/nologin django
} </dev/null
__mark changed
fi
__begin 2
if { { deploy_home_is_roots /opt/django
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ deploy_home_to_root /opt/django
} </dev/null
__mark changed
fi
__begin 3
{ __app_dir_in_root_dir 0700 django /opt/django/.ssh
} </dev/null
__begin 4
{ __app_dir_in_root_dir 0700 django /opt/django/.cache
} </dev/null
__begin 5
{ __app_dir_in_root_dir 0755 django /opt/django/apps
} </dev/null
__begin 6
{ __app_dir_in_root_dir 0755 django /opt/django/virtualenvs
} </dev/null
__begin 7
{ __give_to_app --dir django /opt/django/apps/NOME_APP
} </dev/null
__begin 8
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_9e2d89fe8c8a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ [ "$(stat -c '%a %U' /opt/django/apps/NOME_APP)" = '755 django' ]
} </dev/null
__DEPLOY_EOF_9e2d89fe8c8a
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_cf0ab346c03c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_own_dir
{ deploy_own_dir 00755 /opt/django/apps/NOME_APP
} </dev/null
__DEPLOY_EOF_cf0ab346c03c
__mark changed
fi
__begin 9
{ __give_to_app django /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/deploy.lock
} </dev/null
__begin 10
{ __give_to_app --dir django /opt/django/apps/NOME_APP/releases
} </dev/null
__begin 11
{ __give_to_app --dir django /opt/django/apps/NOME_APP/shared
} </dev/null
__begin 12
{ __give_to_app --dir django /opt/django/apps/NOME_APP/shared/media
} </dev/null
__begin 13
{ __give_to_app --dir django /opt/django/apps/NOME_APP/shared/static
} </dev/null
__begin 14
{ __give_to_app --dir django /opt/django/apps/NOME_APP/shared/data
} </dev/null
__begin 15
{ __give_to_app --dir django /opt/django/apps/NOME_APP/shared/log
} </dev/null
__begin 16
{ __give_to_app --dir django /opt/django/virtualenvs/NOME_APP
} </dev/null
__i=17
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_f9d7997a9154'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_own_dir
__step=user
__begin 17
if ( [ "$(stat -c '%a %U' /opt/django/apps/NOME_APP/releases)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/NOME_APP/releases
) </dev/null
__mark changed
fi
__begin 18
if ( [ "$(stat -c '%a %U' /opt/django/apps/NOME_APP/slots)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/NOME_APP/slots
) </dev/null
__mark changed
fi
__begin 19
if ( [ "$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/NOME_APP/shared
) </dev/null
__mark changed
fi
__begin 20
if ( [ "$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared/media)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/NOME_APP/shared/media
) </dev/null
__mark changed
fi
__begin 21
if ( [ "$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared/static)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/NOME_APP/shared/static
) </dev/null
__mark changed
fi
__begin 22
if ( [ "$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared/data)" = '750 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00750 /opt/django/apps/NOME_APP/shared/data
) </dev/null
__mark changed
fi
__begin 23
if ( [ "$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared/log)" = '750 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00750 /opt/django/apps/NOME_APP/shared/log
) </dev/null
__mark changed
fi
__begin 24
if ( [ "$(stat -c '%a %U' /opt/django/virtualenvs/NOME_APP)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/virtualenvs/NOME_APP
) </dev/null
__mark changed
fi
__DEPLOY_EOF_f9d7997a9154
__begin 25
{ __root_dir 0750 root:django /opt/django/configs/apps
} </dev/null
__begin 26
{ __root_dir 0750 root:django /var/log/deploy/NOME_APP
} </dev/null
__begin 27
{ __root_dir 0755 root:root /var/lib/deploy/apps/NOME_APP/releases
} </dev/null

# ---- deploy-ctl (start, stop and logs of the app's programs) [control, sudo -n bash -s]
# step: control
__step=control
__begin 1
{ __put /usr/local/sbin/deploy-ctl 0755 root:root
} <<'__DEPLOY_EOF_c3a77d172be5'
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
__DEPLOY_EOF_c3a77d172be5
__begin 2
{ deploy_ctl_conf /var/lib/deploy/apps/NOME_APP /var/lib/deploy/apps/NOME_APP/ctl.conf NOME_APP
} <<'__DEPLOY_EOF_981ba4918084'
# NOME_APP: written by `deploy NOME_APP setup`; read by /usr/local/sbin/deploy-ctl.
manager supervisor
programs NOME_APP-a NOME_APP-b
logs /var/log/deploy/NOME_APP
site_logs /var/log/nginx/NOME_APP.access.log /var/log/nginx/NOME_APP.error.log
__DEPLOY_EOF_981ba4918084
__begin 3
if { { ! grep -qs 'Written by .deploy' /etc/supervisor/conf.d/00-deploy-socket.conf
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ rm -f /etc/supervisor/conf.d/00-deploy-socket.conf
} </dev/null
__mark changed
fi
__begin 4
if { { deploy_socket_is_roots /var/run/supervisor.sock /etc/supervisor/conf.d/00-deploy-socket.conf
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ deploy_socket_to_root /var/run/supervisor.sock
} </dev/null
__mark changed
fi

# ---- lock [lock, sudo -n bash -s]
# step: lock
__step=lock
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_7cee245886c1'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock deploy_page_left __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=lock
__begin 1
( deploy_lock /opt/django/apps/NOME_APP/deploy.lock '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}'
) </dev/null
__mark changed
__begin 2
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__begin 3
( deploy_clear_leftovers /opt/django/apps/NOME_APP/current /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP
) </dev/null
__begin 4
( deploy_finish_deletes /opt/django/apps/NOME_APP/releases /opt/django/virtualenvs/NOME_APP
) </dev/null
__begin 5
( deploy_page_left /opt/django/apps/NOME_APP/maintenance.html '"run":"'
) </dev/null
__DEPLOY_EOF_7cee245886c1

# ---- deploy key [deploy-key, sudo -n bash -s]
# step: deploy-key
__step=deploy-key
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_b2b57f573b9c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=deploy-key
__begin 1
if ( test -f /opt/django/.ssh/id_ed25519
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( ssh-keygen -q -t ed25519 -N '' -C django@NOME_APP-deploy -f /opt/django/.ssh/id_ed25519
) </dev/null
__mark changed
fi
__begin 2
( cat /opt/django/.ssh/id_ed25519.pub
) </dev/null
__DEPLOY_EOF_b2b57f573b9c

# ---- repository access [repo-access, sudo -n bash -s]
# step: repo-access
__step=repo-access
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_34295d272fc8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_git
{ deploy_git /opt/django/.ssh/id_ed25519 /opt/django/.ssh/git-%C ls-remote --symref git@bitbucket.org:znc/e-hall.git HEAD
} </dev/null
__DEPLOY_EOF_34295d272fc8

# ---- virtualenvs directory [virtualenvs, sudo -n bash -s]
# step: virtualenvs
__step=virtualenvs
__begin 1
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_19a31c1da775'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ test -d /opt/django/virtualenvs/NOME_APP
} </dev/null
__DEPLOY_EOF_19a31c1da775
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_801dcb39fe9f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ mkdir -p /opt/django/virtualenvs/NOME_APP
} </dev/null
__DEPLOY_EOF_801dcb39fe9f
__mark changed
fi

# ---- git clone (repository cache) [clone, sudo -n bash -s]
# step: clone
__step=clone
__begin 1
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_61eba0e032ee'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ test -d /opt/django/apps/NOME_APP/repo
} </dev/null
__DEPLOY_EOF_61eba0e032ee
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_641b972aa599'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_git
{ deploy_git /opt/django/.ssh/id_ed25519 /opt/django/.ssh/git-%C clone --quiet --mirror git@bitbucket.org:znc/e-hall.git /opt/django/apps/NOME_APP/repo
} </dev/null
__DEPLOY_EOF_641b972aa599
__mark changed
fi

# ---- config file /opt/django/configs/apps/NOME_APP.conf [config, sudo -n bash -s]
# step: config
__step=config
__begin 1
{ deploy_config_file /opt/django/configs/apps/NOME_APP.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_58a325c7a9c7'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/current/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_58a325c7a9c7
__begin 2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_49775124154e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_refresh_secrets
{ deploy_refresh_secrets /opt/django/apps/NOME_APP/releases database_url,email_host_password
} <<'__DEPLOY_EOF_58a325c7a9c7'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/current/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_58a325c7a9c7
__DEPLOY_EOF_49775124154e

# ---- log rotation [logrotate, sudo -n bash -s]
# step: logrotate
__step=logrotate
__begin 1
{ deploy_put_mkdir /etc/logrotate.d/deploy-NOME_APP 0644 root:root
} <<'__DEPLOY_EOF_aa7eef07141b'
# NOME_APP: written by `deploy NOME_APP setup` from templates/logrotate.conf.
# The programs' logs (gunicorn's slots and the processes'): supervisor writes them, appending, into
# a directory only root can write, and does not rotate them itself. copytruncate: no process has
# to reopen its log.
/var/log/deploy/NOME_APP/*.log {
    weekly
    rotate 8
    maxsize 50M
    missingok
    notifempty
    compress
    delaycompress
    copytruncate
}
# The app's own logs, in its own directory: rotated as the app user (root never writes there).
/opt/django/apps/NOME_APP/shared/log/*.log {
    weekly
    rotate 8
    maxsize 50M
    missingok
    notifempty
    compress
    delaycompress
    copytruncate
    su django django
}
__DEPLOY_EOF_aa7eef07141b

# ---- virtualenv [virtualenv, sudo -n bash -s]
# step: virtualenv
__step=virtualenv
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_ba3933ee1578'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env deploy_release_dir deploy_release_file deploy_release_config
__step=virtualenv
__begin 1
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/NOME_APP/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/NOME_APP/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/NOME_APP/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_d0677a8d0ef6'
DJANGO_SETTINGS_MODULE=NOME_APP.settings.prod
APP_CONFIG_FILE=/opt/django/apps/NOME_APP/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_d0677a8d0ef6
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/NOME_APP/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_7af06ab54e3c'
# gunicorn settings for NOME_APP: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
# gunicorn_workers is not set: gunicorn's advice, 2 x the host's CPUs + 1 (at most 12).
import multiprocessing
workers = min(2 * multiprocessing.cpu_count() + 1, 12)
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/NOME_APP/shared/log, systemd to the journal.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"


def worker_exit(server, worker):
    # A worker that stopped as asked (booted, then told to exit) ends here once the app's exit
    # handlers ran. Python's own teardown would free every object the app made, and with
    # preload_app each free writes to a page shared with the master, which is then copied:
    # half a second of CPU per worker, so a slot's stop took seconds. A worker that failed keeps
    # the usual exit and its status.
    if worker.booted and not worker.alive:
        import atexit, logging, os, sys
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
__DEPLOY_EOF_7af06ab54e3c
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_4ff2d1ab0650'
# How a slot of NOME_APP starts gunicorn: written into each release (.deploy/gunicorn-start.py)
# by deploy from templates/gunicorn-start.py, and run by the slot's program in place of
# `python -m gunicorn` (a release without this file is started that way).
#
# gunicorn 20 (Debian 12's) imports pkg_resources at start-up, only to load a worker class named
# "egg:...". pkg_resources reads the metadata of every installed distribution: a fifth of a
# slot's boot, and more on a busy host, while the new release is not answering yet. Here it is
# imported lazily: on first use, by gunicorn or the app, it loads as it always would.
import importlib.util
import os
import sys

spec = importlib.util.find_spec("pkg_resources")
if spec is not None and spec.loader is not None and "pkg_resources" not in sys.modules:
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["pkg_resources"] = module
    spec.loader.exec_module(module)

# As `python -m gunicorn` would: the release directory (the slot's), not this file's, first on
# the path, and gunicorn's own name in its messages.
sys.path[0] = os.getcwd()
sys.argv[0] = "gunicorn"

from gunicorn.app.wsgiapp import run  # noqa: E402

sys.exit(run())
__DEPLOY_EOF_4ff2d1ab0650
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/NOME_APP.conf NOME_APP /opt/django/apps/NOME_APP/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_6181fcf27f6f'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6181fcf27f6f
__mark changed
__DEPLOY_EOF_ba3933ee1578
__begin 9
{ deploy_keep_file /var/lib/deploy/apps/NOME_APP/releases/NEW/nginx.conf
} <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__begin 10
{ deploy_keep_file /var/lib/deploy/apps/NOME_APP/releases/NEW/app.conf
} <<'__DEPLOY_EOF_6181fcf27f6f'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6181fcf27f6f
__begin 11
{ deploy_keep_sums /var/lib/deploy/apps/NOME_APP/releases/NEW nginx.conf app.conf
} </dev/null
__begin 12
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_1caa96535fc2'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ test -f /opt/django/apps/NOME_APP/releases/NEW/.venv/.deploy-complete
} </dev/null
__DEPLOY_EOF_1caa96535fc2
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_be4af63af866'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: __pip __venv_key deploy_virtualenv
{ deploy_virtualenv /opt/django/apps/NOME_APP/releases/NEW /opt/django/virtualenvs/NOME_APP python3 false
} </dev/null
__DEPLOY_EOF_be4af63af866
__mark changed
fi

# ---- gunicorn [gunicorn, sudo -n bash -s]
# step: gunicorn
__step=gunicorn
__begin 1
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_faeaebb68c6a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ /opt/django/apps/NOME_APP/releases/NEW/.venv/bin/python -c 'import gunicorn'
} </dev/null
__DEPLOY_EOF_faeaebb68c6a
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_3e14c9423b32'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: __pip deploy_gunicorn
{ deploy_gunicorn /opt/django/apps/NOME_APP/releases/NEW python3
} </dev/null
__DEPLOY_EOF_3e14c9423b32
__mark changed
fi

# ---- gunicorn config [gunicorn-config, sudo -n bash -s]
# step: gunicorn-config
__step=gunicorn-config
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_a861f507fa69'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_own_file
__step=gunicorn-config
__begin 1
( deploy_own_file /opt/django/apps/NOME_APP/gunicorn.conf.py 0644
) <<'__DEPLOY_EOF_7af06ab54e3c'
# gunicorn settings for NOME_APP: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
# gunicorn_workers is not set: gunicorn's advice, 2 x the host's CPUs + 1 (at most 12).
import multiprocessing
workers = min(2 * multiprocessing.cpu_count() + 1, 12)
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/NOME_APP/shared/log, systemd to the journal.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"


def worker_exit(server, worker):
    # A worker that stopped as asked (booted, then told to exit) ends here once the app's exit
    # handlers ran. Python's own teardown would free every object the app made, and with
    # preload_app each free writes to a page shared with the master, which is then copied:
    # half a second of CPU per worker, so a slot's stop took seconds. A worker that failed keeps
    # the usual exit and its status.
    if worker.booted and not worker.alive:
        import atexit, logging, os, sys
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
__DEPLOY_EOF_7af06ab54e3c
__DEPLOY_EOF_a861f507fa69

# ---- supervisor config [supervisor-config, sudo -n bash -s]
# step: supervisor-config
__step=supervisor-config
__begin 1
{ __put /etc/systemd/system/deploy-NOME_APP-boot.service 0644 root:root
} <<'__DEPLOY_EOF_29257ebf22cc'
# NOME_APP: written by `deploy NOME_APP setup` from templates/boot.service.
# Whenever supervisor (re)starts (boot, package upgrade, restart), start the live gunicorn slot
# only: the one nginx sends traffic to (/opt/django/apps/NOME_APP/slots/live-b present: slot b, else slot a). The
# slot programs do not start by themselves: a started idle slot would answer as nginx's backup.
[Unit]
Description=Start the live slot of NOME_APP (deploy)
After=supervisor.service
PartOf=supervisor.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'for i in $(seq 120); do supervisorctl pid >/dev/null 2>&1 && break; sleep 0.5; done; if [ -e /opt/django/apps/NOME_APP/slots/live-b ]; then slot=b; else slot=a; fi; [ -e /opt/django/apps/NOME_APP/slots/$slot ] || exit 0; exec supervisorctl start NOME_APP-$slot'

[Install]
WantedBy=supervisor.service
__DEPLOY_EOF_29257ebf22cc
__begin 2
{ __put /etc/supervisor/conf.d/NOME_APP-a.conf 0644 root:root
} <<'__DEPLOY_EOF_738a07a39a0e'
; NOME_APP gunicorn, slot a: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:NOME_APP-a]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/NOME_APP/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$r" --config "$c" --bind 127.0.0.1:8032 NOME_APP.wsgi:application'
directory=/opt/django/apps/NOME_APP/slots/a
user=django
environment=HOME="/opt/django",USER="django"
; Not started by supervisord itself: deploy-NOME_APP-boot.service starts only the live slot
; (a started idle slot would answer as nginx's backup while the live one boots).
autostart=false
autorestart=true
startsecs=0
startretries=3
stopsignal=TERM
stopwaitsecs=35
; TERM goes to the gunicorn master only: it stops its workers gracefully itself (sending TERM
; to the whole group makes workers die mid-request and gunicorn 20's logging trip over it).
stopasgroup=false
killasgroup=true
redirect_stderr=true
stdout_logfile=/var/log/deploy/NOME_APP/gunicorn-a.log
; Rotated by logrotate (templates/logrotate.conf), not by supervisor: one rotation for every log.
stdout_logfile_maxbytes=0
stdout_logfile_backups=0
__DEPLOY_EOF_738a07a39a0e
__begin 3
{ __put /etc/supervisor/conf.d/NOME_APP-b.conf 0644 root:root
} <<'__DEPLOY_EOF_1c8f6fac555c'
; NOME_APP gunicorn, slot b: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:NOME_APP-b]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/NOME_APP/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$r" --config "$c" --bind 127.0.0.1:8033 NOME_APP.wsgi:application'
directory=/opt/django/apps/NOME_APP/slots/b
user=django
environment=HOME="/opt/django",USER="django"
; Not started by supervisord itself: deploy-NOME_APP-boot.service starts only the live slot
; (a started idle slot would answer as nginx's backup while the live one boots).
autostart=false
autorestart=true
startsecs=0
startretries=3
stopsignal=TERM
stopwaitsecs=35
; TERM goes to the gunicorn master only: it stops its workers gracefully itself (sending TERM
; to the whole group makes workers die mid-request and gunicorn 20's logging trip over it).
stopasgroup=false
killasgroup=true
redirect_stderr=true
stdout_logfile=/var/log/deploy/NOME_APP/gunicorn-b.log
; Rotated by logrotate (templates/logrotate.conf), not by supervisor: one rotation for every log.
stdout_logfile_maxbytes=0
stdout_logfile_backups=0
__DEPLOY_EOF_1c8f6fac555c
__begin 4
if { { deploy_boot_enabled deploy-NOME_APP-boot.service /etc/systemd/system/deploy-NOME_APP-boot.service
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ deploy_enable_boot deploy-NOME_APP-boot.service
} </dev/null
__mark changed
fi
__begin 5
{ deploy_if_changed "$__step_changed" deploy_reread_programs supervisor 1
} </dev/null

# ---- nginx config [nginx-config, sudo -n bash -s]
# step: nginx-config
__step=nginx-config
__begin 1
{ deploy_nginx_pending /etc/nginx/sites-available/NOME_APP.reload-pending
} </dev/null
__begin 2
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_4a305b6d46f8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ test ! -e /opt/django/apps/NOME_APP/slots/live
} </dev/null
__DEPLOY_EOF_4a305b6d46f8
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_3fecc1ae2674'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_live_from_legacy
{ deploy_live_from_legacy /opt/django/apps/NOME_APP/slots/live /opt/django/apps/NOME_APP/slots/live-b
} </dev/null
__DEPLOY_EOF_3fecc1ae2674
__mark changed
fi
__begin 3
{ __put /etc/nginx/sites-available/NOME_APP 0644 root:root
} <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__begin 4
{ __link /etc/nginx/sites-available/NOME_APP /etc/nginx/sites-enabled/NOME_APP
} </dev/null
__begin 5
{ __unlink /etc/nginx/sites-enabled/default
} </dev/null
__begin 6
if { { [ "$(stat -c '%a %U:%G' /var/log/nginx/NOME_APP.access.log /var/log/nginx/NOME_APP.error.log 2>/dev/null | sort -u)" = '640 www-data:adm' ]
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ deploy_nginx_logs /var/log/nginx/NOME_APP.access.log /var/log/nginx/NOME_APP.error.log
} </dev/null
__mark changed
fi
__begin 7
{ deploy_nginx_reload pending
} </dev/null
__begin 8
{ rm -f /etc/nginx/sites-available/NOME_APP.reload-pending
} </dev/null
__begin 9
if { { test ! -e /etc/nginx/sites-available/NOME_APP.upstream
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ rm -f /etc/nginx/sites-available/NOME_APP.upstream /etc/nginx/sites-available/NOME_APP.upstream.deploy-prev
} </dev/null
__mark changed
fi

# ---- django [django, sudo -n bash -s]
# step: django
__step=django
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_0cde6654622d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_reuse_static deploy_live_slot
__step=django
__begin 1
if ( deploy_django_same /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/NOME_APP/releases/NEW "c('collectstatic', interactive=False, verbosity=1)" "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 2
( deploy_reuse_static /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"
) </dev/null
__begin 3
( deploy_django_record /opt/django/apps/NOME_APP/releases/NEW
) </dev/null
__begin 4
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_0cde6654622d

# ---- live slot [live, sudo -n bash -s]
# step: live
__step=live
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_748ef345c6b1'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_live_slot_release deploy_live_slot
{ deploy_live_slot_release /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots
} </dev/null
__DEPLOY_EOF_748ef345c6b1
__begin 2
{ deploy_program_states NOME_APP NOME_APP-a NOME_APP-b
} </dev/null

# ---- start [start, sudo -n bash -s]
# step: start
__step=start
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_66fa3cecfdb1'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_wait_stopped
{ deploy_wait_stopped /opt/django/apps/NOME_APP/slots/a.stopping 45
} </dev/null
__DEPLOY_EOF_66fa3cecfdb1
__begin 2
{ deploy_stop_programs NOME_APP NOME_APP-a
} </dev/null
__begin 3
{ deploy_require_free 127.0.0.1:8032 a
} </dev/null
__i=4
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_fb2b609f9d19'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start
__begin 4
( deploy_require_venv /opt/django/apps/NOME_APP/releases/NEW
) </dev/null
__begin 5
( deploy_link_slot /opt/django/apps/NOME_APP/slots a /opt/django/apps/NOME_APP/releases/NEW 'NEW f9f6d7fc1b08'
) </dev/null
__mark changed
__DEPLOY_EOF_fb2b609f9d19
__begin 6
{ deploy_slot_log_mark supervisor /var/log/deploy/NOME_APP/gunicorn-a.log
} </dev/null
__begin 7
{ __ctl NOME_APP start NOME_APP-a
} </dev/null
__mark changed
__begin 8
{ deploy_health_check 30 http://127.0.0.1:8032/ /var/log/deploy/NOME_APP/gunicorn-a.log 127.0.0.1:8032 -H 'Host: 107.22.193.179'
} </dev/null
__i=9
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_1b9ddf404eea'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=start
__begin 9
if ( test ! -e /opt/django/apps/NOME_APP/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( rm -f /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__mark changed
fi
__begin 10
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__DEPLOY_EOF_1b9ddf404eea

# ---- site answers through nginx [verify, sudo -n bash -s]
# step: verify
__step=verify
__begin 1
{ deploy_nginx_verify NOME_APP /var/log/nginx/NOME_APP.error.log http://127.0.0.1:80/ -H 'Host: 107.22.193.179'
} </dev/null

# ---- processes [processes, sudo -n bash -s]
# step: processes
__step=processes
__begin 1
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/NOME_APP-process-*.conf
} </dev/null
__begin 2
{ deploy_update_programs supervisor
} </dev/null

# ---- unlock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_7de37dcf054f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_unlock
{ deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
} </dev/null
__DEPLOY_EOF_7de37dcf054f
