# status, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- status [status, sudo -n bash -s]
# step: status
__step=status
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_fee349449f14'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_release_meta deploy_live_slot
__step=status
__begin 1
( deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__begin 2
( readlink /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" || true
) </dev/null
__begin 3
( deploy_release_meta /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"/.deploy-release || deploy_release_meta /opt/django/apps/NOME_APP/current/.deploy-release || true
) </dev/null
__begin 4
( basename "$(readlink /opt/django/apps/NOME_APP/current)" 2>/dev/null || true
) </dev/null
__DEPLOY_EOF_fee349449f14
__begin 5
{ for u in nginx supervisor; do echo "$u $(systemctl is-active "$u" 2>/dev/null || true)"; done
} </dev/null
__begin 6
{ __ctl NOME_APP status NOME_APP-a NOME_APP-b || true
} </dev/null
__begin 7
{ if [ "$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" = b ]; then curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -H 'Host: 107.22.193.179' http://127.0.0.1:8033/ || true; else curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -H 'Host: 107.22.193.179' http://127.0.0.1:8032/ || true; fi
} </dev/null
__begin 8
{ curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -H 'Host: 107.22.193.179' http://127.0.0.1:80/ || true
} </dev/null
__i=9
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_69f4087b429e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock_info
__step=status
__begin 9
( if [ -e /opt/django/apps/NOME_APP/maintenance.html ]; then stat -c %Y /opt/django/apps/NOME_APP/maintenance.html; grep -F '<!-- deploy-maintenance ' /opt/django/apps/NOME_APP/maintenance.html | tail -n 1 || true; else echo off; fi
) </dev/null
__begin 10
( deploy_lock_info /opt/django/apps/NOME_APP/deploy.lock
) </dev/null
__begin 11
( echo "$(ls -1 /opt/django/apps/NOME_APP/releases 2>/dev/null | wc -l) $(du -sh /opt/django/apps/NOME_APP/releases 2>/dev/null | cut -f1)"
) </dev/null
__begin 12
( echo "$(ls -1 /opt/django/virtualenvs/NOME_APP 2>/dev/null | wc -l) $(du -sh /opt/django/virtualenvs/NOME_APP 2>/dev/null | cut -f1)"
) </dev/null
__DEPLOY_EOF_69f4087b429e
__begin 13
{ { df -h --output=avail /opt/django 2>/dev/null || true; } | tail -n 1 | tr -d ' '
} </dev/null
