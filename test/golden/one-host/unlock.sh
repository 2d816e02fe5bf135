# unlock, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- read the lock [lock-info, sudo -n bash -s]
# step: lock-info
__step=lock-info
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_7c457eeed0d4'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ cat /opt/django/apps/NOME_APP/deploy.lock/info 2>/dev/null || true
} </dev/null
__DEPLOY_EOF_7c457eeed0d4

# ---- remove the lock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_10d412cca6ab'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if grep -qF TOKEN /opt/django/apps/NOME_APP/deploy.lock/info 2>/dev/null || [ ! -s /opt/django/apps/NOME_APP/deploy.lock/info ]; then rm -rf /opt/django/apps/NOME_APP/deploy.lock; else echo "the lock changed hands meanwhile: left in place" >&2; exit 1; fi
} </dev/null
__DEPLOY_EOF_10d412cca6ab
__mark changed
