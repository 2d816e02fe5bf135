# status, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- status [status, bash -s]
# step: status
__step=status
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_fe4abe860a59'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __accepts __addr_in_use deploy_live_slot deploy_idle_record __live_dir deploy_live_link deploy_live_release deploy_link_name
__step=status
__begin 1
( deploy_live_slot /opt/django/apps/blog/slots/live-b
) </dev/null
__begin 2
( deploy_live_link /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b
) </dev/null
__begin 3
( deploy_idle_record /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b 127.0.0.1:8050 127.0.0.1:8051
) </dev/null
__begin 4
( deploy_live_release /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/current
) </dev/null
__begin 5
( deploy_link_name /opt/django/apps/blog/current
) </dev/null
__DEPLOY_EOF_fe4abe860a59
__begin 6
{ deploy_services_state nginx supervisor
} </dev/null
__begin 7
{ deploy_program_states blog blog-a blog-b
} </dev/null
__begin 8
{ deploy_live_http /opt/django/apps/blog/slots/live-b -H 'Host: blog.example.org' http://127.0.0.1:8050/ -- -H 'Host: blog.example.org' http://127.0.0.1:8051/
} </dev/null
__begin 9
{ deploy_http_status -k --resolve blog.example.org:443:127.0.0.1 https://blog.example.org:443/
} </dev/null
__begin 10
{ deploy_tls_served 443 blog.example.org -serial -enddate -ext subjectAltName
} </dev/null
__begin 11
{ deploy_tls_renewal
} </dev/null
__i=12
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_39c3ce6cad69'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock_info deploy_page_state
__step=status
__begin 12
( deploy_page_state /opt/django/apps/blog/maintenance.html '<!-- deploy-maintenance '
) </dev/null
__begin 13
( deploy_lock_info /opt/django/apps/blog/deploy.lock
) </dev/null
__begin 14
( echo "$(ls -1 /opt/django/apps/blog/releases 2>/dev/null | wc -l) $(du -sh /opt/django/apps/blog/releases 2>/dev/null | cut -f1)"
) </dev/null
__begin 15
( echo "$(ls -1 /opt/django/virtualenvs/blog 2>/dev/null | wc -l) $(du -sh /opt/django/virtualenvs/blog 2>/dev/null | cut -f1)"
) </dev/null
__DEPLOY_EOF_39c3ce6cad69
__begin 16
{ deploy_disk_free /opt/django
} </dev/null
