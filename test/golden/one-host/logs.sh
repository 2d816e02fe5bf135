# logs, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- logs [logs, sudo -n bash -s]
# step: logs
__step=logs
__begin 1
{ __ctl NOME_APP logs 10 
} </dev/null
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_2252863c3d81'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ tail -v -n 10  /opt/django/apps/NOME_APP/shared/log/*.log 2>/dev/null || true
} </dev/null
__DEPLOY_EOF_2252863c3d81

# ---- follow logs [logs, sudo -n bash -s]
# step: logs
__step=logs
__begin 1
{ __ctl NOME_APP logs 10 follow & sudo -n -H -u django -- bash -c 'tail -v -n 10 -F /opt/django/apps/NOME_APP/shared/log/*.log 2>/dev/null || true'; wait
} </dev/null
