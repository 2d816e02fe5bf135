# status, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- status [status, bash -s]
# step: status
__step=status
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_6628ae311040'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_release_meta deploy_live_slot
__step=status
__begin 1
( deploy_live_slot /opt/django/apps/blog/slots/live-b
) </dev/null
__begin 2
( readlink /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" || true
) </dev/null
__begin 3
( deploy_release_meta /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"/.deploy-release || deploy_release_meta /opt/django/apps/blog/current/.deploy-release || true
) </dev/null
__begin 4
( basename "$(readlink /opt/django/apps/blog/current)" 2>/dev/null || true
) </dev/null
__DEPLOY_EOF_6628ae311040
__begin 5
{ for u in nginx supervisor; do echo "$u $(systemctl is-active "$u" 2>/dev/null || true)"; done
} </dev/null
__begin 6
{ __ctl blog status blog-a blog-b || true
} </dev/null
__begin 7
{ if [ "$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" = b ]; then curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -H 'Host: blog.example.org' http://127.0.0.1:8051/ || true; else curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -H 'Host: blog.example.org' http://127.0.0.1:8050/ || true; fi
} </dev/null
__begin 8
{ curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -k --resolve blog.example.org:443:127.0.0.1 https://blog.example.org:443/ || true
} </dev/null
__begin 9
{ deploy_tls_served 443 blog.example.org -serial -enddate -ext subjectAltName
} </dev/null
__begin 10
{ deploy_tls_renewal
} </dev/null
__i=11
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_0638ecc03ce1'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock_info
__step=status
__begin 11
( if [ -e /opt/django/apps/blog/maintenance.html ]; then stat -c %Y /opt/django/apps/blog/maintenance.html; grep -F '<!-- deploy-maintenance ' /opt/django/apps/blog/maintenance.html | tail -n 1 || true; else echo off; fi
) </dev/null
__begin 12
( deploy_lock_info /opt/django/apps/blog/deploy.lock
) </dev/null
__begin 13
( echo "$(ls -1 /opt/django/apps/blog/releases 2>/dev/null | wc -l) $(du -sh /opt/django/apps/blog/releases 2>/dev/null | cut -f1)"
) </dev/null
__begin 14
( echo "$(ls -1 /opt/django/virtualenvs/blog 2>/dev/null | wc -l) $(du -sh /opt/django/virtualenvs/blog 2>/dev/null | cut -f1)"
) </dev/null
__DEPLOY_EOF_0638ecc03ce1
__begin 15
{ { df -h --output=avail /opt/django 2>/dev/null || true; } | tail -n 1 | tr -d ' '
} </dev/null
