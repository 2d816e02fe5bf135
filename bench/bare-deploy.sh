#!/usr/bin/env bash
# The baseline the benchmark compares against: the same release deploy as `deploy`, on the
# same layout, written as a bare bash script sent over one `ssh host sudo bash -s`.
# Usage (on the server, as root): [BENCH_APP=demo|shop] bare-deploy.sh deploy|rollback
set -euo pipefail
NAME=${BENCH_APP:-demo}
APP=/opt/django/apps/$NAME
U="sudo -u django -H"
ENV="DJANGO_SETTINGS_MODULE=$NAME.settings.prod APP_CONFIG_FILE=/opt/django/configs/apps/$NAME.conf"
cd /
if [ "$1" = deploy ]; then
  $U git -C $APP/repo -c core.sshCommand='ssh -i /opt/django/.ssh/id_ed25519 -o StrictHostKeyChecking=accept-new' fetch --prune --quiet origin
  commit=$($U git -C $APP/repo rev-parse 'main^{commit}')
  rel=$APP/releases/$(date -u +%Y%m%dT%H%M%S)-${commit:0:8}
  $U mkdir -p "$rel"
  $U sh -c "git -C $APP/repo archive $commit | tar -x -C $rel"
  for d in media data log; do $U ln -sfn "$APP/shared/$d" "$rel/$d"; done
  # The app's environment, read by the slot's program (as deploy's releases have it).
  $U sh -c "umask 077 && printf '%s\n' $ENV > $rel/.deploy-env"
  key=$( { cat "$rel/requirements.txt"; python3 --version; } | sha256sum | cut -c1-16)
  venv=/opt/django/virtualenvs/$NAME/bare-$key
  if [ ! -f "$venv/.ok" ]; then
    $U python3 -m venv --system-site-packages "$venv"
    $U "$venv/bin/pip" install -q --disable-pip-version-check --no-index -r "$rel/requirements.txt"
    $U touch "$venv/.ok"
  fi
  $U ln -sfn "$venv" "$rel/.venv"
  (cd "$rel" && $U env $ENV .venv/bin/python manage.py collectstatic --noinput -v0)
  (cd "$rel" && $U env $ENV .venv/bin/python manage.py migrate --noinput -v0)
else
  cur=$(basename "$(readlink $APP/current)")
  prev=$(ls -1 $APP/releases | sort | grep -B1 -x "$cur" | head -n 1)
  [ "$prev" != "$cur" ] || { echo "nothing older" >&2; exit 1; }
  rel=$APP/releases/$prev
fi
ln -sfn "$rel" $APP/slots/a
ln -sfn "$rel" $APP/current.tmp && mv -T $APP/current.tmp $APP/current
supervisorctl restart "$NAME-a" >/dev/null
# Keep 5 releases, as the others do (a new deploy's oldest first).
[ "$1" != deploy ] || ls -1 $APP/releases | sort | head -n -5 | sed "s|^|$APP/releases/|" | xargs -r rm -rf
