# status, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- status [status, sudo -n bash -s]
# step: status
__step=status
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_d27a3b55d5c8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_release_meta deploy_live_slot
__step=status
__begin 1
( deploy_live_slot /opt/django/apps/shop/slots/live-b
) </dev/null
__begin 2
( readlink /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" || true
) </dev/null
__begin 3
( deploy_release_meta /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"/.deploy-release || deploy_release_meta /opt/django/apps/shop/current/.deploy-release || true
) </dev/null
__begin 4
( basename "$(readlink /opt/django/apps/shop/current)" 2>/dev/null || true
) </dev/null
__DEPLOY_EOF_d27a3b55d5c8
__begin 5
{ for u in nginx redis-server; do echo "$u $(systemctl is-active "$u" 2>/dev/null || true)"; done
} </dev/null
__begin 6
{ __ctl shop status shop-a shop-b || true
} </dev/null
__begin 7
{ if [ "$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" = b ]; then curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -H 'Host: shop.example.com' http://127.0.0.1:8041/ || true; else curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -H 'Host: shop.example.com' http://127.0.0.1:8040/ || true; fi
} </dev/null
__begin 8
{ curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -k --resolve shop.example.com:443:127.0.0.1 https://shop.example.com:443/ || true
} </dev/null
__begin 9
{ deploy_tls_served 443 shop.example.com -serial -enddate -ext subjectAltName
} </dev/null
__begin 10
{ echo custom
} </dev/null
__i=11
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_6927ff25fe6c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock_info
__step=status
__begin 11
( if [ -e /opt/django/apps/shop/maintenance.html ]; then stat -c %Y /opt/django/apps/shop/maintenance.html; grep -F '<!-- deploy-maintenance ' /opt/django/apps/shop/maintenance.html | tail -n 1 || true; else echo off; fi
) </dev/null
__begin 12
( deploy_lock_info /opt/django/apps/shop/deploy.lock
) </dev/null
__begin 13
( echo "$(ls -1 /opt/django/apps/shop/releases 2>/dev/null | wc -l) $(du -sh /opt/django/apps/shop/releases 2>/dev/null | cut -f1)"
) </dev/null
__begin 14
( echo "$(ls -1 /opt/django/virtualenvs/shop 2>/dev/null | wc -l) $(du -sh /opt/django/virtualenvs/shop 2>/dev/null | cut -f1)"
) </dev/null
__DEPLOY_EOF_6927ff25fe6c
__begin 15
{ { df -h --output=avail /opt/django 2>/dev/null || true; } | tail -n 1 | tr -d ' '
} </dev/null
