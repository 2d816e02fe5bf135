# maintenance off, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- maintenance page off [maintenance, bash -s]
# step: maintenance
__step=maintenance
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_e62ee960516d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_set_up
__step=maintenance
__begin 1
( deploy_require_set_up /opt/django/apps/blog blog
) </dev/null
__begin 2
if ( test ! -e /opt/django/apps/blog/maintenance.html
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( rm -f /opt/django/apps/blog/maintenance.html
) </dev/null
__mark changed
fi
__DEPLOY_EOF_e62ee960516d
