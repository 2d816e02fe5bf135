# start, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- lock and read releases [inspect, bash -s]
# step: inspect
__step=inspect
__begin 1
{ deploy_require_setup /opt/django/apps/blog/releases blog
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_b65e40a5f35a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock deploy_lock_info deploy_page_left deploy_require_services deploy_require_this_version deploy_release_meta deploy_releases deploy_live_name __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=inspect
__begin 2
( deploy_lock /opt/django/apps/blog/deploy.lock '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}'
) </dev/null
__mark changed
__begin 3
( deploy_require_services 'the site is down' nginx supervisor
) </dev/null
__begin 4
( deploy_require_this_version /opt/django/apps/blog/slots/live-b /etc/nginx/sites-available/blog /opt/django/apps/blog/slots blog
) </dev/null
__begin 5
( deploy_follow_current /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/slots /opt/django/apps/blog/current
) </dev/null
__begin 6
( deploy_clear_leftovers /opt/django/apps/blog/current /opt/django/apps/blog/slots /opt/django/apps/blog
) </dev/null
__begin 7
( deploy_finish_deletes /opt/django/apps/blog/releases /opt/django/virtualenvs/blog
) </dev/null
__begin 8
( deploy_page_left /opt/django/apps/blog/maintenance.html '"run":"'
) </dev/null
__begin 9
( deploy_releases /opt/django/apps/blog/releases
) </dev/null
__begin 10
( deploy_live_name /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" /opt/django/apps/blog/current
) </dev/null
__begin 11
( deploy_live_slot /opt/django/apps/blog/slots/live-b
) </dev/null
__begin 12
( deploy_lock_info /opt/django/apps/blog/deploy.lock
) </dev/null
__DEPLOY_EOF_b65e40a5f35a

# ---- start every process [start, bash -s]
# step: start
__step=start
__begin 1
{ deploy_when_live /opt/django/apps/blog/slots/live-b a deploy_slot_log_mark supervisor /var/log/deploy/blog/gunicorn-a.log
} </dev/null
__begin 2
{ deploy_when_live /opt/django/apps/blog/slots/live-b b deploy_slot_log_mark supervisor /var/log/deploy/blog/gunicorn-b.log
} </dev/null
__begin 3
{ __ctl blog start blog-"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"
} </dev/null
__mark changed
__begin 4
{ deploy_when_live /opt/django/apps/blog/slots/live-b a deploy_health_check 30 http://127.0.0.1:8050/ /var/log/deploy/blog/gunicorn-a.log 127.0.0.1:8050 -H 'Host: blog.example.org'
} </dev/null
__begin 5
{ deploy_when_live /opt/django/apps/blog/slots/live-b b deploy_health_check 30 http://127.0.0.1:8051/ /var/log/deploy/blog/gunicorn-b.log 127.0.0.1:8051 -H 'Host: blog.example.org'
} </dev/null
__i=6
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_fc37863f993f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start
__begin 6
( deploy_unlock /opt/django/apps/blog/deploy.lock TOKEN
) </dev/null
__begin 7
( deploy_log /opt/django/apps/blog/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_fc37863f993f
