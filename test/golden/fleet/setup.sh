# setup, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
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
{ deploy_binds_free shop 127.0.0.1:8040 127.0.0.1:8041
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
{ deploy_packages_present python3 yes nginx openssl git curl python3
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
{ __give_to_app --dir django /opt/django/apps/shop
} </dev/null
__begin 8
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_546c68f47815'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ [ "$(stat -c '%a %U' /opt/django/apps/shop)" = '755 django' ]
} </dev/null
__DEPLOY_EOF_546c68f47815
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_3483b6c12f16'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_own_dir
{ deploy_own_dir 00755 /opt/django/apps/shop
} </dev/null
__DEPLOY_EOF_3483b6c12f16
__mark changed
fi
__begin 9
{ __give_to_app django /opt/django/apps/shop/slots /opt/django/apps/shop/deploy.lock
} </dev/null
__begin 10
{ __give_to_app --dir django /opt/django/apps/shop/releases
} </dev/null
__begin 11
{ __give_to_app --dir django /opt/django/apps/shop/shared
} </dev/null
__begin 12
{ __give_to_app --dir django /opt/django/apps/shop/shared/media
} </dev/null
__begin 13
{ __give_to_app --dir django /opt/django/apps/shop/shared/static
} </dev/null
__begin 14
{ __give_to_app --dir django /opt/django/apps/shop/shared/data
} </dev/null
__begin 15
{ __give_to_app --dir django /opt/django/apps/shop/shared/log
} </dev/null
__begin 16
{ __give_to_app --dir django /opt/django/virtualenvs/shop
} </dev/null
__i=17
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_de87f23d186e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_own_dir
__step=user
__begin 17
if ( [ "$(stat -c '%a %U' /opt/django/apps/shop/releases)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/shop/releases
) </dev/null
__mark changed
fi
__begin 18
if ( [ "$(stat -c '%a %U' /opt/django/apps/shop/slots)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/shop/slots
) </dev/null
__mark changed
fi
__begin 19
if ( [ "$(stat -c '%a %U' /opt/django/apps/shop/shared)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/shop/shared
) </dev/null
__mark changed
fi
__begin 20
if ( [ "$(stat -c '%a %U' /opt/django/apps/shop/shared/media)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/shop/shared/media
) </dev/null
__mark changed
fi
__begin 21
if ( [ "$(stat -c '%a %U' /opt/django/apps/shop/shared/static)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/apps/shop/shared/static
) </dev/null
__mark changed
fi
__begin 22
if ( [ "$(stat -c '%a %U' /opt/django/apps/shop/shared/data)" = '750 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00750 /opt/django/apps/shop/shared/data
) </dev/null
__mark changed
fi
__begin 23
if ( [ "$(stat -c '%a %U' /opt/django/apps/shop/shared/log)" = '750 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00750 /opt/django/apps/shop/shared/log
) </dev/null
__mark changed
fi
__begin 24
if ( [ "$(stat -c '%a %U' /opt/django/virtualenvs/shop)" = '755 django' ]
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_own_dir 00755 /opt/django/virtualenvs/shop
) </dev/null
__mark changed
fi
__DEPLOY_EOF_de87f23d186e
__begin 25
{ __root_dir 0750 root:django /opt/django/configs/apps
} </dev/null
__begin 26
{ __root_dir 0750 root:django /var/log/deploy/shop
} </dev/null
__begin 27
{ __root_dir 0755 root:root /var/lib/deploy/apps/shop/releases
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
{ deploy_ctl_conf /var/lib/deploy/apps/shop /var/lib/deploy/apps/shop/ctl.conf shop
} <<'__DEPLOY_EOF_46cb8dd143b3'
# shop: written by `deploy shop setup`; read by /usr/local/sbin/deploy-ctl.
manager systemd
programs shop-a shop-b shop-worker shop-clock
logs /var/log/deploy/shop
site_logs /var/log/nginx/shop.access.log /var/log/nginx/shop.error.log
__DEPLOY_EOF_46cb8dd143b3
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
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_89d758293ee4'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock deploy_page_left __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=lock
__begin 1
( deploy_lock /opt/django/apps/shop/deploy.lock '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}'
) </dev/null
__mark changed
__begin 2
( deploy_follow_current /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots /opt/django/apps/shop/current
) </dev/null
__begin 3
( deploy_clear_leftovers /opt/django/apps/shop/current /opt/django/apps/shop/slots /opt/django/apps/shop
) </dev/null
__begin 4
( deploy_finish_deletes /opt/django/apps/shop/releases /opt/django/virtualenvs/shop
) </dev/null
__begin 5
( deploy_page_left /opt/django/apps/shop/maintenance.html '"run":"'
) </dev/null
__DEPLOY_EOF_89d758293ee4

# ---- deploy key [deploy-key, sudo -n bash -s]
# step: deploy-key
__step=deploy-key
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_bcc18d8419d3'
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
( ssh-keygen -q -t ed25519 -N '' -C django@shop-deploy -f /opt/django/.ssh/id_ed25519
) </dev/null
__mark changed
fi
__begin 2
( cat /opt/django/.ssh/id_ed25519.pub
) </dev/null
__DEPLOY_EOF_bcc18d8419d3

# ---- repository access [repo-access, sudo -n bash -s]
# step: repo-access
__step=repo-access
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_c550b333f561'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_git
{ deploy_git /opt/django/.ssh/id_ed25519 /opt/django/.ssh/git-%C ls-remote --symref git@github.com:example/shop.git HEAD
} </dev/null
__DEPLOY_EOF_c550b333f561

# ---- virtualenvs directory [virtualenvs, sudo -n bash -s]
# step: virtualenvs
__step=virtualenvs
__begin 1
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_13dd9a54097c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ test -d /opt/django/virtualenvs/shop
} </dev/null
__DEPLOY_EOF_13dd9a54097c
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_d80bf3a5b46d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ mkdir -p /opt/django/virtualenvs/shop
} </dev/null
__DEPLOY_EOF_d80bf3a5b46d
__mark changed
fi

# ---- git clone (repository cache) [clone, sudo -n bash -s]
# step: clone
__step=clone
__begin 1
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_43984bc6c7ec'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ test -d /opt/django/apps/shop/repo
} </dev/null
__DEPLOY_EOF_43984bc6c7ec
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_6fb1fa99fd9f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_git
{ deploy_git /opt/django/.ssh/id_ed25519 /opt/django/.ssh/git-%C clone --quiet --mirror git@github.com:example/shop.git /opt/django/apps/shop/repo
} </dev/null
__DEPLOY_EOF_6fb1fa99fd9f
__mark changed
fi

# ---- config file /opt/django/configs/apps/shop.conf [config, sudo -n bash -s]
# step: config
__step=config
__begin 1
{ deploy_config_file /opt/django/configs/apps/shop.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_31c2b73f15e4'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/current/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_31c2b73f15e4
__begin 2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_d72af4a0d0de'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_refresh_secrets
{ deploy_refresh_secrets /opt/django/apps/shop/releases database_url,email_host_password
} <<'__DEPLOY_EOF_31c2b73f15e4'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/current/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_31c2b73f15e4
__DEPLOY_EOF_d72af4a0d0de

# ---- log rotation [logrotate, sudo -n bash -s]
# step: logrotate
__step=logrotate
__begin 1
{ deploy_put_mkdir /etc/logrotate.d/deploy-shop 0644 root:root
} <<'__DEPLOY_EOF_f788bc705791'
# shop: written by `deploy shop setup` from templates/logrotate.conf.
# The programs' logs (gunicorn's slots and the processes'): supervisor writes them, appending, into
# a directory only root can write, and does not rotate them itself. copytruncate: no process has
# to reopen its log.
/var/log/deploy/shop/*.log {
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
/opt/django/apps/shop/shared/log/*.log {
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
__DEPLOY_EOF_f788bc705791

# ---- virtualenv [virtualenv, sudo -n bash -s]
# step: virtualenv
__step=virtualenv
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_864fc4715a88'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env deploy_release_dir deploy_release_file deploy_release_config
__step=virtualenv
__begin 1
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/shop/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/shop/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/shop/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_79f2bc9d2e35'
STRIPE_KEY=[redacted]
DJANGO_SETTINGS_MODULE=shop.settings.prod
APP_CONFIG_FILE=/opt/django/apps/shop/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_79f2bc9d2e35
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/shop/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_2fddec2ff070'
# gunicorn settings for shop: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
workers = 3
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/shop/shared/log, systemd to the journal.
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
__DEPLOY_EOF_2fddec2ff070
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_016a7fe785e9'
# How a slot of shop starts gunicorn: written into each release (.deploy/gunicorn-start.py)
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
__DEPLOY_EOF_016a7fe785e9
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/shop.conf shop /opt/django/apps/shop/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_a8e3b5c6fc65'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_a8e3b5c6fc65
__mark changed
__begin 9
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/processes/worker 0750
) <<'__DEPLOY_EOF_ff9fa98ee353'
#!/bin/sh
# shop process "worker": written into each release by deploy from templates/process.sh.
# systemd runs it as django through /opt/django/apps/shop/current, so it starts in the live release.
# cd -P: the release itself, not the `current` link (a later switch moves the link, not this process).
cd -P "$(dirname "$0")/../.." || exit 1
set -a && . ./.deploy-env && set +a
PATH="$(pwd)/.venv/bin:$PATH"
export PATH
exec celery -A shop worker
__DEPLOY_EOF_ff9fa98ee353
__mark changed
__begin 10
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/processes/clock 0750
) <<'__DEPLOY_EOF_8d838ff9f1d0'
#!/bin/sh
# shop process "clock": written into each release by deploy from templates/process.sh.
# systemd runs it as django through /opt/django/apps/shop/current, so it starts in the live release.
# cd -P: the release itself, not the `current` link (a later switch moves the link, not this process).
cd -P "$(dirname "$0")/../.." || exit 1
set -a && . ./.deploy-env && set +a
PATH="$(pwd)/.venv/bin:$PATH"
export PATH
exec python manage.py run_clock
__DEPLOY_EOF_8d838ff9f1d0
__mark changed
__DEPLOY_EOF_864fc4715a88
__begin 11
{ deploy_keep_file /var/lib/deploy/apps/shop/releases/NEW/nginx.conf
} <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__begin 12
{ deploy_keep_file /var/lib/deploy/apps/shop/releases/NEW/app.conf
} <<'__DEPLOY_EOF_a8e3b5c6fc65'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_a8e3b5c6fc65
__begin 13
{ deploy_keep_sums /var/lib/deploy/apps/shop/releases/NEW nginx.conf app.conf
} </dev/null
__begin 14
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_96388877d7b8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ test -f /opt/django/apps/shop/releases/NEW/.venv/.deploy-complete
} </dev/null
__DEPLOY_EOF_96388877d7b8
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_439abc8ab185'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: __pip __venv_key deploy_virtualenv
{ deploy_virtualenv /opt/django/apps/shop/releases/NEW /opt/django/virtualenvs/shop python3 false
} </dev/null
__DEPLOY_EOF_439abc8ab185
__mark changed
fi

# ---- gunicorn [gunicorn, sudo -n bash -s]
# step: gunicorn
__step=gunicorn
__begin 1
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_74702b6566b9'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ /opt/django/apps/shop/releases/NEW/.venv/bin/python -c 'import gunicorn'
} </dev/null
__DEPLOY_EOF_74702b6566b9
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_5e07d23425de'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: __pip deploy_gunicorn
{ deploy_gunicorn /opt/django/apps/shop/releases/NEW python3
} </dev/null
__DEPLOY_EOF_5e07d23425de
__mark changed
fi

# ---- gunicorn config [gunicorn-config, sudo -n bash -s]
# step: gunicorn-config
__step=gunicorn-config
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_477dc1777a99'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_own_file
__step=gunicorn-config
__begin 1
( deploy_own_file /opt/django/apps/shop/gunicorn.conf.py 0644
) <<'__DEPLOY_EOF_2fddec2ff070'
# gunicorn settings for shop: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
workers = 3
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/shop/shared/log, systemd to the journal.
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
__DEPLOY_EOF_2fddec2ff070
__DEPLOY_EOF_477dc1777a99

# ---- supervisor config [supervisor-config, sudo -n bash -s]
# step: supervisor-config
__step=supervisor-config
__begin 1
{ __put /etc/systemd/system/deploy-shop-boot.service 0644 root:root
} <<'__DEPLOY_EOF_ffa08239ea19'
# shop: written by `deploy shop setup` from templates/boot-systemd.service.
# At boot, start the live gunicorn slot only: the one nginx sends traffic to (/opt/django/apps/shop/slots/live-b
# present: slot b, else slot a). The slot units are not enabled: a started idle slot would
# answer as nginx's backup.
[Unit]
Description=Start the live slot of shop (deploy)
After=network.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'if [ -e /opt/django/apps/shop/slots/live-b ]; then slot=b; else slot=a; fi; [ -e /opt/django/apps/shop/slots/$slot ] || exit 0; exec systemctl start --no-block shop-$slot.service'

[Install]
WantedBy=multi-user.target
__DEPLOY_EOF_ffa08239ea19
__begin 2
{ __put /etc/systemd/system/shop-a.service 0644 root:root
} <<'__DEPLOY_EOF_cbce29880eb0'
# shop gunicorn, slot a: written by deploy from templates/slot.service.
# The slot directory is a symlink to the release this slot runs; deploy points it at a new
# release only while the slot is stopped. Not enabled: deploy-shop-boot.service starts
# only the live slot at boot (a started idle slot would answer as nginx's backup).
# The app's environment ([ENV], secrets included) is in the release's .deploy-env (0600).
[Unit]
Description=shop gunicorn slot a (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/slots/a
ExecStart=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$$c" ] || c=/opt/django/apps/shop/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$$r" --config "$$c" --bind 127.0.0.1:8040 shop.wsgi:application'
# TERM to the gunicorn master only: it stops its workers gracefully itself.
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=35
Restart=on-failure
RestartSec=1
SyslogIdentifier=shop-a
__DEPLOY_EOF_cbce29880eb0
__begin 3
{ __put /etc/systemd/system/shop-b.service 0644 root:root
} <<'__DEPLOY_EOF_8f83084c6eaa'
# shop gunicorn, slot b: written by deploy from templates/slot.service.
# The slot directory is a symlink to the release this slot runs; deploy points it at a new
# release only while the slot is stopped. Not enabled: deploy-shop-boot.service starts
# only the live slot at boot (a started idle slot would answer as nginx's backup).
# The app's environment ([ENV], secrets included) is in the release's .deploy-env (0600).
[Unit]
Description=shop gunicorn slot b (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/slots/b
ExecStart=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$$c" ] || c=/opt/django/apps/shop/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$$r" --config "$$c" --bind 127.0.0.1:8041 shop.wsgi:application'
# TERM to the gunicorn master only: it stops its workers gracefully itself.
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=35
Restart=on-failure
RestartSec=1
SyslogIdentifier=shop-b
__DEPLOY_EOF_8f83084c6eaa
__begin 4
if { { deploy_boot_enabled deploy-shop-boot.service /etc/systemd/system/deploy-shop-boot.service
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ deploy_enable_boot deploy-shop-boot.service
} </dev/null
__mark changed
fi
__begin 5
{ deploy_if_changed "$__step_changed" deploy_reread_programs systemd 1
} </dev/null

# ---- check the certificate (ssl_certificate) [certificate-check, sudo -n bash -s]
# step: certificate-check
__step=certificate-check
__begin 1
{ deploy_tls_check /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt /etc/ssl/private/httpd/shop.example.com/shop.example.com.key
} <<'__DEPLOY_EOF_c6f8f0aa52a2'
shop.example.com
www.shop.example.com
__DEPLOY_EOF_c6f8f0aa52a2

# ---- nginx serves the certificate file [certificate-reload, sudo -n bash -s]
# step: certificate-reload
__step=certificate-reload
__begin 1
{ deploy_tls_reload_if_new 443 shop.example.com /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt
} </dev/null

# ---- nginx config [nginx-config, sudo -n bash -s]
# step: nginx-config
__step=nginx-config
__begin 1
{ deploy_nginx_pending /etc/nginx/sites-available/shop.reload-pending
} </dev/null
__begin 2
if { sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_2eec9bc8e11c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ test ! -e /opt/django/apps/shop/slots/live
} </dev/null
__DEPLOY_EOF_2eec9bc8e11c
} </dev/null >/dev/null 2>&1; then
__mark ok
else
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_10629ee94755'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_live_from_legacy
{ deploy_live_from_legacy /opt/django/apps/shop/slots/live /opt/django/apps/shop/slots/live-b
} </dev/null
__DEPLOY_EOF_10629ee94755
__mark changed
fi
__begin 3
{ __put /etc/nginx/sites-available/shop 0644 root:root
} <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__begin 4
{ __link /etc/nginx/sites-available/shop /etc/nginx/sites-enabled/shop
} </dev/null
__begin 5
{ __put /etc/nginx/sites-available/deploy-default-80 0644 root:root
} <<'__DEPLOY_EOF_d0a06643df92'
# Written by deploy from templates/nginx-default.conf: nginx's default server on port 80.
# A request for a host name no site claims gets no answer at all (the connection is closed),
# so no app's page or certificate ever answers for a name that is not its own.
# Every app deployed to this server with server_name names shares this file.
server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    access_log off;
    return 444;
}
__DEPLOY_EOF_d0a06643df92
__begin 6
{ __link /etc/nginx/sites-available/deploy-default-80 /etc/nginx/sites-enabled/deploy-default-80
} </dev/null
__begin 7
{ __put /etc/nginx/sites-available/deploy-default-443 0644 root:root
} <<'__DEPLOY_EOF_9939138d3adc'
# Written by deploy from templates/nginx-default.conf: nginx's default server on port 443.
# A request for a host name no site claims gets no answer at all (the TLS handshake is refused),
# so no app's page or certificate ever answers for a name that is not its own.
# Every app deployed to this server with server_name names shares this file.
server {
    listen 443 ssl http2 default_server;
    listen [::]:443 ssl http2 default_server;
    ssl_reject_handshake on;
    # The handshake's protocol is settled before the name is known: this server's list applies to all.
    ssl_protocols TLSv1.2 TLSv1.3;
    server_name _;
    server_tokens off;
    access_log off;
    return 444;
}
__DEPLOY_EOF_9939138d3adc
__begin 8
{ __link /etc/nginx/sites-available/deploy-default-443 /etc/nginx/sites-enabled/deploy-default-443
} </dev/null
__begin 9
{ __unlink /etc/nginx/sites-enabled/default
} </dev/null
__begin 10
if { { [ "$(stat -c '%a %U:%G' /var/log/nginx/shop.access.log /var/log/nginx/shop.error.log 2>/dev/null | sort -u)" = '640 www-data:adm' ]
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ deploy_nginx_logs /var/log/nginx/shop.access.log /var/log/nginx/shop.error.log
} </dev/null
__mark changed
fi
__begin 11
{ deploy_nginx_reload pending
} </dev/null
__begin 12
{ rm -f /etc/nginx/sites-available/shop.reload-pending
} </dev/null
__begin 13
if { { test ! -e /etc/nginx/sites-available/shop.upstream
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ rm -f /etc/nginx/sites-available/shop.upstream /etc/nginx/sites-available/shop.upstream.deploy-prev
} </dev/null
__mark changed
fi

# ---- django [django, sudo -n bash -s]
# step: django
__step=django
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_8a463d7417cd'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_manage deploy_django deploy_release_bash __django_inputs deploy_django_same deploy_django_record deploy_reuse_static deploy_live_slot
__step=django
__begin 1
if ( deploy_django_same /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/shop/releases/NEW "c('collectstatic', interactive=False, verbosity=1)"
) </dev/null
__mark changed
fi
__begin 2
( deploy_reuse_static /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"
) </dev/null
__begin 3
( deploy_release_bash /opt/django/apps/shop/releases/NEW 'python manage.py check --deploy'
) </dev/null
__mark changed
__begin 4
if ( deploy_django_same /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/shop/releases/NEW "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 5
( deploy_django_record /opt/django/apps/shop/releases/NEW
) </dev/null
__begin 6
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_8a463d7417cd

# ---- live slot [live, sudo -n bash -s]
# step: live
__step=live
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_e16f936eddd2'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_live_slot_release deploy_live_slot
{ deploy_live_slot_release /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots
} </dev/null
__DEPLOY_EOF_e16f936eddd2
__begin 2
{ deploy_program_states shop shop-a shop-b
} </dev/null

# ---- start [start, sudo -n bash -s]
# step: start
__step=start
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_472023a1e4ac'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_wait_stopped
{ deploy_wait_stopped /opt/django/apps/shop/slots/a.stopping 45
} </dev/null
__DEPLOY_EOF_472023a1e4ac
__begin 2
{ deploy_stop_programs shop shop-a
} </dev/null
__begin 3
{ deploy_require_free 127.0.0.1:8040 a
} </dev/null
__i=4
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_1460d28b3778'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start
__begin 4
( deploy_require_venv /opt/django/apps/shop/releases/NEW
) </dev/null
__begin 5
( deploy_link_slot /opt/django/apps/shop/slots a /opt/django/apps/shop/releases/NEW 'NEW 652540e7ad1d'
) </dev/null
__mark changed
__DEPLOY_EOF_1460d28b3778
__begin 6
{ deploy_slot_log_mark systemd shop-a.service
} </dev/null
__begin 7
{ __ctl shop start shop-a
} </dev/null
__mark changed
__begin 8
{ deploy_health_check 30 http://127.0.0.1:8040/ shop-a.service 127.0.0.1:8040 -H 'Host: shop.example.com'
} </dev/null
__i=9
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_e1ef136d5431'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=start
__begin 9
if ( test ! -e /opt/django/apps/shop/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( rm -f /opt/django/apps/shop/slots/live-b
) </dev/null
__mark changed
fi
__begin 10
( deploy_follow_current /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots /opt/django/apps/shop/current
) </dev/null
__DEPLOY_EOF_e1ef136d5431

# ---- site answers through nginx [verify, sudo -n bash -s]
# step: verify
__step=verify
__begin 1
{ deploy_nginx_verify shop /var/log/nginx/shop.error.log https://shop.example.com:443/ -k --resolve shop.example.com:443:127.0.0.1
} </dev/null

# ---- processes [processes, sudo -n bash -s]
# step: processes
__step=processes
__begin 1
{ deploy_put_program /etc/systemd/system/shop-worker.service
} <<'__DEPLOY_EOF_4cdb8342ce01'
# shop process "worker": written by deploy from templates/process.service.
# It starts in the release `current` points to; deploy and rollback restart it after the switch.
# deploy-process: shop
[Unit]
Description=shop worker (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/current
ExecStart=/opt/django/apps/shop/current/.deploy/processes/worker
Restart=always
RestartSec=1
KillSignal=SIGTERM
TimeoutStopSec=30
KillMode=mixed
SyslogIdentifier=shop-worker

[Install]
WantedBy=multi-user.target
__DEPLOY_EOF_4cdb8342ce01
__begin 2
{ deploy_put_program /etc/systemd/system/shop-clock.service
} <<'__DEPLOY_EOF_9b20bb0768ff'
# shop process "clock": written by deploy from templates/process.service.
# It starts in the release `current` points to; deploy and rollback restart it after the switch.
# deploy-process: shop
[Unit]
Description=shop clock (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/current
ExecStart=/opt/django/apps/shop/current/.deploy/processes/clock
Restart=always
RestartSec=1
KillSignal=SIGTERM
TimeoutStopSec=30
KillMode=mixed
SyslogIdentifier=shop-clock

[Install]
WantedBy=multi-user.target
__DEPLOY_EOF_9b20bb0768ff
__begin 3
{ deploy_drop_programs systemd '/etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service' /etc/systemd/system/shop-*.service
} </dev/null
__begin 4
{ deploy_update_programs systemd /etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service
} </dev/null
__begin 5
if { { deploy_units_enabled shop-worker.service shop-clock.service
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ systemctl enable --quiet shop-worker.service shop-clock.service
} </dev/null
__mark changed
fi
__begin 6
{ deploy_start_processes systemd shop worker clock
} </dev/null
__mark changed

# ---- unlock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_e30d3a3ab186'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_unlock
{ deploy_unlock /opt/django/apps/shop/deploy.lock TOKEN
} </dev/null
__DEPLOY_EOF_e30d3a3ab186
