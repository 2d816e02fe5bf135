# start, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- lock and read releases [inspect, sudo -n bash -s]
# step: inspect
__step=inspect
__begin 1
{ deploy_require_setup /opt/django/apps/NOME_APP/releases NOME_APP
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_5a22e02ed6d3'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock deploy_lock_info deploy_page_left deploy_require_services deploy_require_this_version deploy_release_meta deploy_releases deploy_live_name __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=inspect
__begin 2
( deploy_lock /opt/django/apps/NOME_APP/deploy.lock '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}'
) </dev/null
__mark changed
__begin 3
( deploy_require_services 'the site is down' nginx supervisor
) </dev/null
__begin 4
( deploy_require_this_version /opt/django/apps/NOME_APP/slots/live-b /etc/nginx/sites-available/NOME_APP /opt/django/apps/NOME_APP/slots NOME_APP
) </dev/null
__begin 5
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__begin 6
( deploy_clear_leftovers /opt/django/apps/NOME_APP/current /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP
) </dev/null
__begin 7
( deploy_finish_deletes /opt/django/apps/NOME_APP/releases /opt/django/virtualenvs/NOME_APP
) </dev/null
__begin 8
( deploy_page_left /opt/django/apps/NOME_APP/maintenance.html '"run":"'
) </dev/null
__begin 9
( deploy_releases /opt/django/apps/NOME_APP/releases
) </dev/null
__begin 10
( deploy_live_name /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" /opt/django/apps/NOME_APP/current
) </dev/null
__begin 11
( deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__begin 12
( deploy_lock_info /opt/django/apps/NOME_APP/deploy.lock
) </dev/null
__DEPLOY_EOF_5a22e02ed6d3

# ---- start every process [start, sudo -n bash -s]
# step: start
__step=start
__begin 1
{ deploy_when_live /opt/django/apps/NOME_APP/slots/live-b a deploy_slot_log_mark supervisor /var/log/deploy/NOME_APP/gunicorn-a.log
} </dev/null
__begin 2
{ deploy_when_live /opt/django/apps/NOME_APP/slots/live-b b deploy_slot_log_mark supervisor /var/log/deploy/NOME_APP/gunicorn-b.log
} </dev/null
__begin 3
{ __ctl NOME_APP start NOME_APP-"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"
} </dev/null
__mark changed
__begin 4
{ deploy_when_live /opt/django/apps/NOME_APP/slots/live-b a deploy_health_check 30 http://127.0.0.1:8032/ /var/log/deploy/NOME_APP/gunicorn-a.log 127.0.0.1:8032 -H 'Host: 107.22.193.179'
} </dev/null
__begin 5
{ deploy_when_live /opt/django/apps/NOME_APP/slots/live-b b deploy_health_check 30 http://127.0.0.1:8033/ /var/log/deploy/NOME_APP/gunicorn-b.log 127.0.0.1:8033 -H 'Host: 107.22.193.179'
} </dev/null
__i=6
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_472728641b3d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start
__begin 6
( deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
) </dev/null
__begin 7
( deploy_log /opt/django/apps/NOME_APP/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_472728641b3d
