# logs, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- logs [logs, sudo -n bash -s]
# step: logs
__step=logs
__begin 1
{ __ctl shop logs 10 
} </dev/null
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_85759bb4bf8e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ tail -v -n 10  /opt/django/apps/shop/shared/log/*.log 2>/dev/null || true
} </dev/null
__DEPLOY_EOF_85759bb4bf8e

# ---- follow logs [logs, sudo -n bash -s]
# step: logs
__step=logs
__begin 1
{ __ctl shop logs 10 follow & sudo -n -H -u django -- bash -c 'tail -v -n 10 -F /opt/django/apps/shop/shared/log/*.log 2>/dev/null || true'; wait
} </dev/null
