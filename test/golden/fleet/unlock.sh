# unlock, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- read the lock [lock-info, sudo -n bash -s]
# step: lock-info
__step=lock-info
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_d53a11e07bdb'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_lock_info
{ deploy_lock_info /opt/django/apps/shop/deploy.lock
} </dev/null
__DEPLOY_EOF_d53a11e07bdb

# ---- remove the lock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_f616792d7181'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_remove_lock
{ deploy_remove_lock /opt/django/apps/shop/deploy.lock TOKEN
} </dev/null
__DEPLOY_EOF_f616792d7181
__mark changed
