#!/usr/bin/env bash
# Server setup for the peers (Fabric, Capistrano, the bare script): what a hand-written setup
# leaves, on the same layout `deploy setup` makes (README, "Server layout"), so that every
# contender deploys into /opt/django/apps/NAME and only the deploy itself differs.
# Not timed. Run as root on a fresh `ready` test host (nginx, supervisor, Django, gunicorn):
#   setup-host.sh REPO_URL NAME WORKERS   exit 3 (and the deploy key on stdout) until the git server knows the key
# NAME: the example app (demo or shop: its Python package, settings NAME.settings.prod);
# WORKERS: gunicorn's workers, the count `deploy` runs at its default.
set -euo pipefail
REPO=${1-} NAME=${2-} WORKERS=${3-}
[[ $REPO && $NAME =~ ^[a-z_]+$ && $WORKERS =~ ^[1-9][0-9]*$ ]] || { echo "usage: setup-host.sh REPO_URL NAME WORKERS" >&2; exit 2; }
HOME_DIR=/opt/django
cd /
APP=$HOME_DIR/apps/$NAME
U="sudo -u django -H"

# The deploy user of seed 002's fabfile: Fabric and Capistrano log in as it, with the bench's key.
id django >/dev/null 2>&1 || useradd --system --home-dir $HOME_DIR --create-home --shell /bin/bash django
install -d -o django -g django -m 700 $HOME_DIR/.ssh
install -o django -g django -m 600 ~ubuntu/.ssh/authorized_keys $HOME_DIR/.ssh/authorized_keys
# Restarting gunicorn is the one thing it needs root for.
echo "django ALL=(root) NOPASSWD: /usr/bin/supervisorctl restart $NAME-a" > /etc/sudoers.d/bench-django
chmod 440 /etc/sudoers.d/bench-django

install -d -o django -g django $HOME_DIR/apps $APP
for d in releases slots shared/static shared/media shared/data shared/log; do install -d -o django -g django $APP/$d; done
install -d -o django -g django $HOME_DIR/virtualenvs/$NAME $HOME_DIR/configs/apps
[ -f $HOME_DIR/.ssh/id_ed25519 ] || $U ssh-keygen -q -t ed25519 -N '' -f $HOME_DIR/.ssh/id_ed25519
# The same gate as `deploy setup`: no access to the repository yet, show the key, exit 3.
export GIT_SSH_COMMAND='ssh -o StrictHostKeyChecking=accept-new -o BatchMode=yes'
if ! $U --preserve-env=GIT_SSH_COMMAND git ls-remote "$REPO" >/dev/null 2>&1; then
  cat $HOME_DIR/.ssh/id_ed25519.pub
  exit 3
fi
[ -f $APP/repo/HEAD ] || $U --preserve-env=GIT_SSH_COMMAND git clone -q --mirror "$REPO" $APP/repo

conf=$HOME_DIR/configs/apps/$NAME.conf
if [ ! -f $conf ]; then
  cat > $conf <<CONF
[django]
secret_key = $(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
debug = False
allowed_hosts = *
static_root = $APP/shared/static
media_root = $APP/shared/media
database_url = sqlite:///$APP/shared/data/db.sqlite3
CONF
  chown root:django $conf && chmod 640 $conf
fi

# One gunicorn, restarted by every deploy (the usual supervisor setup; its name is the one
# bench/bare-deploy.sh restarts). Stock startsecs (1 s), no preload. Nothing to run before the first deploy.
cat > /etc/supervisor/conf.d/$NAME-a.conf <<CONF
[program:$NAME-a]
command=$APP/current/.venv/bin/python -m gunicorn --workers $WORKERS --bind 127.0.0.1:8032 $NAME.wsgi
directory=$APP/current
user=django
environment=HOME="$HOME_DIR",USER="django",DJANGO_SETTINGS_MODULE="$NAME.settings.prod",APP_CONFIG_FILE="$conf"
autostart=false
autorestart=true
stopasgroup=true
redirect_stderr=true
stdout_logfile=$APP/shared/log/gunicorn.log
CONF
supervisorctl update >/dev/null

cat > /etc/nginx/sites-available/$NAME <<CONF
server {
    listen 80 default_server;
    server_name _;
    location /static/ { alias $APP/shared/static/; }
    location / {
        proxy_pass http://127.0.0.1:8032;
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
}
CONF
ln -sfn ../sites-available/$NAME /etc/nginx/sites-enabled/$NAME
rm -f /etc/nginx/sites-enabled/default
nginx -t -q && systemctl reload nginx
