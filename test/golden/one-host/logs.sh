# logs, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- logs [logs, sudo -n bash -s]
# step: logs
__step=logs
__begin 1
{ __ctl NOME_APP logs 10
} </dev/null
__begin 2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_c122858292a1'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_app_logs
{ deploy_app_logs 10 /opt/django/apps/NOME_APP/shared/log
} </dev/null
__DEPLOY_EOF_c122858292a1

# ---- follow logs [logs, sudo -n bash -s]
# step: logs
__step=logs
__begin 1
{ deploy_follow_logs NOME_APP 10 django /opt/django/apps/NOME_APP/shared/log
} </dev/null
