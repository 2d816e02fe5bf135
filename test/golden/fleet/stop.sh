# stop, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- lock and read releases [inspect, sudo -n bash -s]
# step: inspect
__step=inspect
__begin 1
{ test -d /opt/django/apps/shop/releases || { echo "shop is not set up on this server: run \`deploy shop setup\` first" >&2; exit 1; }
} </dev/null
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_328e5238c338'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if mkdir -m 0755 /opt/django/apps/shop/deploy.lock 2>/dev/null; then printf '%s\n' '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}' > /opt/django/apps/shop/deploy.lock/info; else echo "locked: $(cat /opt/django/apps/shop/deploy.lock/info 2>/dev/null || echo '{}')" >&2; exit 75; fi
} </dev/null
__DEPLOY_EOF_328e5238c338
__mark changed
__begin 3
{ for u in nginx; do if ! systemctl is-active --quiet "$u"; then echo "$u is not running on this server ($(systemctl is-active "$u" 2>/dev/null || true)): the site is down; start it (sudo systemctl start $u), then run this again" >&2; exit 1; fi; done
} </dev/null
__i=4
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_fbd986e5dc86'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_page_left deploy_live_slot
__step=inspect
__begin 4
( { grep -qF /opt/django/apps/shop/slots/live-b /etc/nginx/sites-available/shop 2>/dev/null && test -w /opt/django/apps/shop/slots; } || { echo "shop was set up by an older version of deploy: run \`deploy shop setup\` again first" >&2; exit 1; }
) </dev/null
__begin 5
( live=$(deploy_live_slot /opt/django/apps/shop/slots/live-b); want=$(readlink /opt/django/apps/shop/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/shop/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/shop/current.tmp && mv -T /opt/django/apps/shop/current.tmp /opt/django/apps/shop/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 6
( rm -f /opt/django/apps/shop/current.tmp /opt/django/apps/shop/slots/a.tmp /opt/django/apps/shop/slots/b.tmp /opt/django/apps/shop/deploy.decision-*
) </dev/null
__begin 7
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && for d in /opt/django/apps/shop/releases/.deleting-* /opt/django/virtualenvs/shop/.deleting-*; do if [ -e "$d" ]; then __delete "$d"; fi; done
) </dev/null
__begin 8
( deploy_page_left /opt/django/apps/shop/maintenance.html '"run":"'
) </dev/null
__begin 9
( cd /opt/django/apps/shop/releases && for d in */; do d=${d%/}; [ -d "$d" ] || continue; if [ -f "$d/.deploy-built" ]; then st=built; elif [ -f "$d/.deploy-failed" ]; then st=failed; else st=incomplete; fi; printf '%s\t%s\t%s\n' "$d" "$st" "$(head -n 1 "$d/.deploy-release" 2>/dev/null | sed 's/,"fingerprint":"[^"]*"//')"; done
) </dev/null
__begin 10
( basename "$(readlink /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" || readlink /opt/django/apps/shop/current)" 2>/dev/null || true
) </dev/null
__begin 11
( deploy_live_slot /opt/django/apps/shop/slots/live-b
) </dev/null
__begin 12
( cat /opt/django/apps/shop/deploy.lock/info 2>/dev/null || true
) </dev/null
__DEPLOY_EOF_fbd986e5dc86

# ---- stop [stop, sudo -n bash -s]
# step: stop
__step=stop
__begin 1
{ __ctl shop stop shop-"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"
} </dev/null
__mark changed
__i=2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_3f6a69d7c605'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=stop
__begin 2
( if grep -qF TOKEN /opt/django/apps/shop/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/shop/deploy.lock; fi
) </dev/null
__begin 3
( printf '%s\n' \{\} >> /opt/django/apps/shop/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_3f6a69d7c605
