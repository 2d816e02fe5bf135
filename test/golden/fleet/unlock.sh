# unlock, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- read the lock [lock-info, sudo -n bash -s]
# step: lock-info
__step=lock-info
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_317b598af29b'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ cat /opt/django/apps/shop/deploy.lock/info 2>/dev/null || true
} </dev/null
__DEPLOY_EOF_317b598af29b

# ---- remove the lock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_8f01cf643c1f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if grep -qF TOKEN /opt/django/apps/shop/deploy.lock/info 2>/dev/null || [ ! -s /opt/django/apps/shop/deploy.lock/info ]; then rm -rf /opt/django/apps/shop/deploy.lock; else echo "the lock changed hands meanwhile: left in place" >&2; exit 1; fi
} </dev/null
__DEPLOY_EOF_8f01cf643c1f
__mark changed
