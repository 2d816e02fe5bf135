# unlock, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- read the lock [lock-info, sudo -n bash -s]
# step: lock-info
__step=lock-info
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_1d27b50a9ed0'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_lock_info
{ deploy_lock_info /opt/django/apps/NOME_APP/deploy.lock
} </dev/null
__DEPLOY_EOF_1d27b50a9ed0

# ---- remove the lock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_a9c056b3c7fd'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_remove_lock
{ deploy_remove_lock /opt/django/apps/NOME_APP/deploy.lock TOKEN
} </dev/null
__DEPLOY_EOF_a9c056b3c7fd
__mark changed
