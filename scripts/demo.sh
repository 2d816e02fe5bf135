#!/usr/bin/env bash
# The demo: boots two local sandbox servers (a git server holding examples/demo, and a
# Debian server), runs `deploy demo setup` against the server and shows the app answering
# over HTTP. `scripts/demo.sh down` tears the sandbox down.
set -euo pipefail
cd "$(dirname "$0")/.."
TB=test/testbed/testbed.sh
DIR=.demo
if [ "${1:-}" = down ]; then
  bash "$TB" down demo-git demo-web
  rm -rf "$DIR"
  echo "demo: sandbox torn down"
  exit 0
fi
bash scripts/prepare.sh
bash "$TB" down demo-git demo-web >/dev/null 2>&1 || true
rm -rf "$DIR" && mkdir -p "$DIR/home"
DIR=$(cd "$DIR" && pwd)

echo "demo: booting a git server and a fresh Debian server (base image: no nginx yet)"
git_ip=$(bash "$TB" up demo-git ready)
web_ip=$(bash "$TB" up demo-web base)
bash "$TB" gitserver demo-git
repo=$(bash "$TB" gitrepo demo-git demo)
cp -r examples/demo "$DIR/repo"
git -C "$DIR/repo" init -q -b main
git -C "$DIR/repo" add -A
git -C "$DIR/repo" -c user.email=demo@example.com -c user.name=demo commit -qm "demo v1"
bash "$TB" gitpush demo-git demo "$DIR/repo" main >/dev/null

cat > "$DIR/settings.ini" <<INI
[DEPLOY]
project_name = demo
repositorio = $repo
deploy_hosts = ubuntu@$web_ip
identity_file = $(bash "$TB" key)
gunicorn_bind = "127.0.0.1:8032"  # ip e porta
system_site_packages = yes
extra_packages = python3-django gunicorn

[APP]
settings_file = demo.settings.prod
debug = False

[EMAIL]
default_from_email = demo@example.com
INI
echo "demo: settings in $DIR/settings.ini"

deploy() { HOME="$DIR/home" node bin/deploy.js "$@"; }
echo
echo "demo: \$ deploy demo setup --yes -c $DIR/settings.ini"
set +e
deploy demo setup --yes -c "$DIR/settings.ini"
status=$?
set -e
if [ "$status" = 3 ]; then
  echo
  echo "demo: exit 3 = operator action: the server's deploy key must be allowed to read the repository."
  echo "demo: playing the git host's admin (as you would on GitHub > Deploy keys)..."
  bash "$TB" gitauth demo-git "$(bash "$TB" ssh demo-web cat /opt/django/.ssh/id_ed25519.pub)"
  echo "demo: \$ deploy demo setup --yes -c $DIR/settings.ini   (again)"
  deploy demo setup --yes -c "$DIR/settings.ini"
elif [ "$status" != 0 ]; then
  exit "$status"
fi
echo
echo "demo: \$ curl http://$web_ip/"
curl -fsS "http://$web_ip/"
echo
echo "demo: a new version: VERSION=v2, committed and pushed"
echo v2 > "$DIR/repo/VERSION"
git -C "$DIR/repo" -c user.email=demo@example.com -c user.name=demo commit -qam "demo v2"
bash "$TB" gitpush demo-git demo "$DIR/repo" main >/dev/null
echo "demo: \$ deploy demo deploy --yes"
deploy demo deploy --yes -c "$DIR/settings.ini"
echo "demo: \$ curl -s http://$web_ip/ | grep h1"
curl -fsS "http://$web_ip/" | grep h1
echo "demo: \$ deploy demo rollback --yes"
deploy demo rollback --yes -c "$DIR/settings.ini"
curl -fsS "http://$web_ip/" | grep h1
echo
echo "demo: the app is live at http://$web_ip/ (from this machine)."
echo "demo: try: HOME=$DIR/home node bin/deploy.js demo status -c $DIR/settings.ini"
echo "demo: try: HOME=$DIR/home node bin/deploy.js demo setup -c $DIR/settings.ini --dry-run"
echo "demo: tear the sandbox down with: bash scripts/demo.sh down"
