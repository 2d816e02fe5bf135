# status, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- status [status, sudo -n bash -s]
# step: status
__step=status
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_b058ceb1f1e2'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __accepts __addr_in_use deploy_live_slot deploy_idle_record __live_dir deploy_live_link deploy_live_release deploy_link_name
__step=status
__begin 1
( deploy_live_slot /opt/django/apps/shop/slots/live-b
) </dev/null
__begin 2
( deploy_live_link /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b
) </dev/null
__begin 3
( deploy_idle_record /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b 127.0.0.1:8040 127.0.0.1:8041
) </dev/null
__begin 4
( deploy_live_release /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/current
) </dev/null
__begin 5
( deploy_link_name /opt/django/apps/shop/current
) </dev/null
__DEPLOY_EOF_b058ceb1f1e2
__begin 6
{ deploy_services_state nginx redis-server
} </dev/null
__begin 7
{ deploy_program_states shop shop-a shop-b
} </dev/null
__begin 8
{ deploy_live_http /opt/django/apps/shop/slots/live-b -H 'Host: shop.example.com' http://127.0.0.1:8040/ -- -H 'Host: shop.example.com' http://127.0.0.1:8041/
} </dev/null
__begin 9
{ deploy_http_status -k --resolve shop.example.com:443:127.0.0.1 https://shop.example.com:443/
} </dev/null
__begin 10
{ deploy_tls_served 443 shop.example.com -serial -enddate -ext subjectAltName
} </dev/null
__begin 11
{ echo custom
} </dev/null
__i=12
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_175167c576e0'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock_info deploy_page_state
__step=status
__begin 12
( deploy_page_state /opt/django/apps/shop/maintenance.html '<!-- deploy-maintenance '
) </dev/null
__begin 13
( deploy_lock_info /opt/django/apps/shop/deploy.lock
) </dev/null
__begin 14
( echo "$(ls -1 /opt/django/apps/shop/releases 2>/dev/null | wc -l) $(du -sh /opt/django/apps/shop/releases 2>/dev/null | cut -f1)"
) </dev/null
__begin 15
( echo "$(ls -1 /opt/django/virtualenvs/shop 2>/dev/null | wc -l) $(du -sh /opt/django/virtualenvs/shop 2>/dev/null | cut -f1)"
) </dev/null
__DEPLOY_EOF_175167c576e0
__begin 16
{ deploy_disk_free /opt/django
} </dev/null
