# status, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- status [status, sudo -n bash -s]
# step: status
__step=status
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_0a9583d8c362'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __accepts __addr_in_use deploy_live_slot deploy_idle_record __live_dir deploy_live_link deploy_live_release deploy_link_name
__step=status
__begin 1
( deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__begin 2
( deploy_live_link /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__begin 3
( deploy_idle_record /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b 127.0.0.1:8032 127.0.0.1:8033
) </dev/null
__begin 4
( deploy_live_release /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/current
) </dev/null
__begin 5
( deploy_link_name /opt/django/apps/NOME_APP/current
) </dev/null
__DEPLOY_EOF_0a9583d8c362
__begin 6
{ deploy_services_state nginx supervisor
} </dev/null
__begin 7
{ deploy_program_states NOME_APP NOME_APP-a NOME_APP-b
} </dev/null
__begin 8
{ deploy_live_http /opt/django/apps/NOME_APP/slots/live-b -H 'Host: 107.22.193.179' http://127.0.0.1:8032/ -- -H 'Host: 107.22.193.179' http://127.0.0.1:8033/
} </dev/null
__begin 9
{ deploy_http_status -H 'Host: 107.22.193.179' http://127.0.0.1:80/
} </dev/null
__i=10
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_01c40452ec17'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock_info deploy_page_state
__step=status
__begin 10
( deploy_page_state /opt/django/apps/NOME_APP/maintenance.html '<!-- deploy-maintenance '
) </dev/null
__begin 11
( deploy_lock_info /opt/django/apps/NOME_APP/deploy.lock
) </dev/null
__begin 12
( echo "$(ls -1 /opt/django/apps/NOME_APP/releases 2>/dev/null | wc -l) $(du -sh /opt/django/apps/NOME_APP/releases 2>/dev/null | cut -f1)"
) </dev/null
__begin 13
( echo "$(ls -1 /opt/django/virtualenvs/NOME_APP 2>/dev/null | wc -l) $(du -sh /opt/django/virtualenvs/NOME_APP 2>/dev/null | cut -f1)"
) </dev/null
__DEPLOY_EOF_01c40452ec17
__begin 14
{ deploy_disk_free /opt/django
} </dev/null
