# logs, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- logs [logs, bash -s]
# step: logs
__step=logs
__begin 1
{ __ctl blog logs 10 
} </dev/null
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_ad0c9d013edb'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ tail -v -n 10  /opt/django/apps/blog/shared/log/*.log 2>/dev/null || true
} </dev/null
__DEPLOY_EOF_ad0c9d013edb

# ---- follow logs [logs, bash -s]
# step: logs
__step=logs
__begin 1
{ __ctl blog logs 10 follow & sudo -n -H -u django -- bash -c 'tail -v -n 10 -F /opt/django/apps/blog/shared/log/*.log 2>/dev/null || true'; wait
} </dev/null
