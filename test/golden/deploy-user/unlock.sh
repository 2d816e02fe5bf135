# unlock, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- read the lock [lock-info, bash -s]
# step: lock-info
__step=lock-info
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_cf299affc465'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_lock_info
{ deploy_lock_info /opt/django/apps/blog/deploy.lock
} </dev/null
__DEPLOY_EOF_cf299affc465

# ---- remove the lock [unlock, bash -s]
# step: unlock
__step=unlock
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_97c363eb6b15'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_remove_lock
{ deploy_remove_lock /opt/django/apps/blog/deploy.lock TOKEN
} </dev/null
__DEPLOY_EOF_97c363eb6b15
__mark changed
