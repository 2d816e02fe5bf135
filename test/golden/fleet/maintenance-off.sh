# maintenance off, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- maintenance page off [maintenance, sudo -n bash -s]
# step: maintenance
__step=maintenance
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_30bf922ad755'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_set_up
__step=maintenance
__begin 1
( deploy_require_set_up /opt/django/apps/shop shop
) </dev/null
__begin 2
if ( test ! -e /opt/django/apps/shop/maintenance.html
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( rm -f /opt/django/apps/shop/maintenance.html
) </dev/null
__mark changed
fi
__DEPLOY_EOF_30bf922ad755
