# start, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- lock and read releases [inspect, sudo -n bash -s]
# step: inspect
__step=inspect
__begin 1
{ deploy_require_setup /opt/django/apps/shop/releases shop
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_35e234ae9bd3'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock deploy_lock_info deploy_page_left deploy_require_services deploy_require_this_version deploy_release_meta deploy_releases deploy_live_name __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=inspect
__begin 2
( deploy_lock /opt/django/apps/shop/deploy.lock '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}'
) </dev/null
__mark changed
__begin 3
( deploy_require_services 'the site is down' nginx
) </dev/null
__begin 4
( deploy_require_this_version /opt/django/apps/shop/slots/live-b /etc/nginx/sites-available/shop /opt/django/apps/shop/slots shop
) </dev/null
__begin 5
( deploy_follow_current /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots /opt/django/apps/shop/current
) </dev/null
__begin 6
( deploy_clear_leftovers /opt/django/apps/shop/current /opt/django/apps/shop/slots /opt/django/apps/shop
) </dev/null
__begin 7
( deploy_finish_deletes /opt/django/apps/shop/releases /opt/django/virtualenvs/shop
) </dev/null
__begin 8
( deploy_page_left /opt/django/apps/shop/maintenance.html '"run":"'
) </dev/null
__begin 9
( deploy_releases /opt/django/apps/shop/releases
) </dev/null
__begin 10
( deploy_live_name /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" /opt/django/apps/shop/current
) </dev/null
__begin 11
( deploy_live_slot /opt/django/apps/shop/slots/live-b
) </dev/null
__begin 12
( deploy_lock_info /opt/django/apps/shop/deploy.lock
) </dev/null
__DEPLOY_EOF_35e234ae9bd3

# ---- start every process [start, sudo -n bash -s]
# step: start
__step=start
__begin 1
{ deploy_when_live /opt/django/apps/shop/slots/live-b a deploy_slot_log_mark systemd shop-a.service
} </dev/null
__begin 2
{ deploy_when_live /opt/django/apps/shop/slots/live-b b deploy_slot_log_mark systemd shop-b.service
} </dev/null
__begin 3
{ __ctl shop start shop-"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"
} </dev/null
__mark changed
__begin 4
{ deploy_when_live /opt/django/apps/shop/slots/live-b a deploy_health_check 30 http://127.0.0.1:8040/ shop-a.service 127.0.0.1:8040 -H 'Host: shop.example.com'
} </dev/null
__begin 5
{ deploy_when_live /opt/django/apps/shop/slots/live-b b deploy_health_check 30 http://127.0.0.1:8041/ shop-b.service 127.0.0.1:8041 -H 'Host: shop.example.com'
} </dev/null
__i=6
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_6b77d5d56e56'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start
__begin 6
( deploy_unlock /opt/django/apps/shop/deploy.lock TOKEN
) </dev/null
__begin 7
( deploy_log /opt/django/apps/shop/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_6b77d5d56e56
