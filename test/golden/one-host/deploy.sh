# deploy, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- lock, fetch and resolve [prepare, sudo -n bash -s]
# step: prepare
__step=prepare
__begin 1
{ deploy_require_setup /opt/django/apps/NOME_APP/repo NOME_APP
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_5da57d7e2866'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_git deploy_fetch __commit_of deploy_resolve_ref deploy_lock deploy_page_left deploy_ctl_current deploy_require_services deploy_require_this_version deploy_release_meta deploy_live_fingerprint deploy_clock __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=prepare
__begin 2
( deploy_lock /opt/django/apps/NOME_APP/deploy.lock '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}'
) </dev/null
__mark changed
__begin 3
( deploy_require_services 'the site is down' nginx supervisor
) </dev/null
__begin 4
( deploy_require_this_version /opt/django/apps/NOME_APP/slots/live-b /etc/nginx/sites-available/NOME_APP /opt/django/apps/NOME_APP/slots NOME_APP
) </dev/null
__begin 5
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__begin 6
( deploy_clear_leftovers /opt/django/apps/NOME_APP/current /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP
) </dev/null
__begin 7
( deploy_finish_deletes /opt/django/apps/NOME_APP/releases /opt/django/virtualenvs/NOME_APP
) </dev/null
__begin 8
( deploy_page_left /opt/django/apps/NOME_APP/maintenance.html '"run":"'
) </dev/null
__begin 9
( deploy_fetch /opt/django/apps/NOME_APP/repo /opt/django/.ssh/id_ed25519 /opt/django/.ssh/git-%C
) </dev/null
__begin 10
( deploy_resolve_ref /opt/django/apps/NOME_APP/repo main git@bitbucket.org:znc/e-hall.git
) </dev/null
__begin 11
( deploy_clock /opt/django/apps/NOME_APP/releases
) </dev/null
__begin 12
( deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__begin 13
( deploy_live_fingerprint /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" [redacted]
) </dev/null
__begin 14
( deploy_ctl_current c3a77d172be5d34f4c723bebde964891a17a00967d0f724c65e8fbb294f291f6 /usr/local/sbin/deploy-ctl NOME_APP
) </dev/null
__DEPLOY_EOF_5da57d7e2866
__begin 15
{ deploy_ctl_conf /var/lib/deploy/apps/NOME_APP /var/lib/deploy/apps/NOME_APP/ctl.conf NOME_APP
} <<'__DEPLOY_EOF_981ba4918084'
# NOME_APP: written by `deploy NOME_APP setup`; read by /usr/local/sbin/deploy-ctl.
manager supervisor
programs NOME_APP-a NOME_APP-b
logs /var/log/deploy/NOME_APP
site_logs /var/log/nginx/NOME_APP.access.log /var/log/nginx/NOME_APP.error.log
__DEPLOY_EOF_981ba4918084

# ---- build release NEW [build, sudo -n bash -s]
# step: build
__step=build
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_b5e4e731ceb5'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env __load_env __pip __venv_key deploy_virtualenv deploy_gunicorn __requirements_met deploy_requirements deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_reuse_static __migration_files __release_commit __print_file deploy_changes deploy_release_dir deploy_release_file deploy_release_config deploy_refresh_secrets deploy_live_slot __live_dir deploy_read deploy_read_live deploy_read_live_config deploy_read_live_env
__step=build
__begin 1
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/NOME_APP/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/NOME_APP/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/NOME_APP/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_d0677a8d0ef6'
DJANGO_SETTINGS_MODULE=NOME_APP.settings.prod
APP_CONFIG_FILE=/opt/django/apps/NOME_APP/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_d0677a8d0ef6
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/NOME_APP/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_7af06ab54e3c'
# gunicorn settings for NOME_APP: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
# gunicorn_workers is not set: gunicorn's advice, 2 x the host's CPUs + 1 (at most 12).
import multiprocessing
workers = min(2 * multiprocessing.cpu_count() + 1, 12)
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/NOME_APP/shared/log, systemd to the journal.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"


def worker_exit(server, worker):
    # A worker that stopped as asked (booted, then told to exit) ends here once the app's exit
    # handlers ran. Python's own teardown would free every object the app made, and with
    # preload_app each free writes to a page shared with the master, which is then copied:
    # half a second of CPU per worker, so a slot's stop took seconds. A worker that failed keeps
    # the usual exit and its status.
    if worker.booted and not worker.alive:
        import atexit, logging, os, sys
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
__DEPLOY_EOF_7af06ab54e3c
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_4ff2d1ab0650'
# How a slot of NOME_APP starts gunicorn: written into each release (.deploy/gunicorn-start.py)
# by deploy from templates/gunicorn-start.py, and run by the slot's program in place of
# `python -m gunicorn` (a release without this file is started that way).
#
# gunicorn 20 (Debian 12's) imports pkg_resources at start-up, only to load a worker class named
# "egg:...". pkg_resources reads the metadata of every installed distribution: a fifth of a
# slot's boot, and more on a busy host, while the new release is not answering yet. Here it is
# imported lazily: on first use, by gunicorn or the app, it loads as it always would.
import importlib.util
import os
import sys

spec = importlib.util.find_spec("pkg_resources")
if spec is not None and spec.loader is not None and "pkg_resources" not in sys.modules:
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["pkg_resources"] = module
    spec.loader.exec_module(module)

# As `python -m gunicorn` would: the release directory (the slot's), not this file's, first on
# the path, and gunicorn's own name in its messages.
sys.path[0] = os.getcwd()
sys.argv[0] = "gunicorn"

from gunicorn.app.wsgiapp import run  # noqa: E402

sys.exit(run())
__DEPLOY_EOF_4ff2d1ab0650
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/NOME_APP.conf NOME_APP /opt/django/apps/NOME_APP/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_6181fcf27f6f'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6181fcf27f6f
__mark changed
__begin 9
( deploy_refresh_secrets /opt/django/apps/NOME_APP/releases database_url,email_host_password
) <<'__DEPLOY_EOF_58a325c7a9c7'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/current/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_58a325c7a9c7
__begin 10
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_virtualenv /opt/django/apps/NOME_APP/releases/NEW /opt/django/virtualenvs/NOME_APP python3 false
) </dev/null
__mark changed
fi
__begin 11
if ( /opt/django/apps/NOME_APP/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_gunicorn /opt/django/apps/NOME_APP/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 12
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_requirements /opt/django/apps/NOME_APP/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 13
( deploy_changes /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" /opt/django/apps/NOME_APP/repo yes
) </dev/null
__begin 14
( deploy_read_live /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy/gunicorn.conf.py /opt/django/apps/NOME_APP/gunicorn.conf.py
) </dev/null
__begin 15
( deploy_read_live /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy/gunicorn-start.py
) </dev/null
__begin 16
( deploy_read_live_config /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy/app.conf /opt/django/configs/apps/NOME_APP.conf
) </dev/null
__begin 17
( deploy_read_live_env /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy-env
) </dev/null
__begin 18
( deploy_read /etc/nginx/sites-available/NOME_APP
) </dev/null
__begin 19
( deploy_read /etc/supervisor/conf.d/NOME_APP-a.conf
) </dev/null
__begin 20
( deploy_read /etc/supervisor/conf.d/NOME_APP-b.conf
) </dev/null
__begin 21
if ( deploy_django_same /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/NOME_APP/releases/NEW "c('collectstatic', interactive=False, verbosity=1)" "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 22
( deploy_reuse_static /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"
) </dev/null
__begin 23
( deploy_django_record /opt/django/apps/NOME_APP/releases/NEW
) </dev/null
__begin 24
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_b5e4e731ceb5

# ---- build release NEW [build-asking, sudo -n bash -s]
# step: build-asking
__step=build-asking
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_015253a8ee85'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env __load_env __pip __venv_key deploy_virtualenv deploy_gunicorn __requirements_met deploy_requirements deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_reuse_static __migration_files __release_commit __print_file deploy_changes deploy_release_dir deploy_release_file deploy_release_config deploy_refresh_secrets deploy_live_slot __live_dir deploy_read deploy_read_live deploy_read_live_config deploy_read_live_env
__step=build-asking
__begin 1
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/NOME_APP/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/NOME_APP/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/NOME_APP/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_d0677a8d0ef6'
DJANGO_SETTINGS_MODULE=NOME_APP.settings.prod
APP_CONFIG_FILE=/opt/django/apps/NOME_APP/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_d0677a8d0ef6
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/NOME_APP/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_7af06ab54e3c'
# gunicorn settings for NOME_APP: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
# gunicorn_workers is not set: gunicorn's advice, 2 x the host's CPUs + 1 (at most 12).
import multiprocessing
workers = min(2 * multiprocessing.cpu_count() + 1, 12)
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/NOME_APP/shared/log, systemd to the journal.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"


def worker_exit(server, worker):
    # A worker that stopped as asked (booted, then told to exit) ends here once the app's exit
    # handlers ran. Python's own teardown would free every object the app made, and with
    # preload_app each free writes to a page shared with the master, which is then copied:
    # half a second of CPU per worker, so a slot's stop took seconds. A worker that failed keeps
    # the usual exit and its status.
    if worker.booted and not worker.alive:
        import atexit, logging, os, sys
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
__DEPLOY_EOF_7af06ab54e3c
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_4ff2d1ab0650'
# How a slot of NOME_APP starts gunicorn: written into each release (.deploy/gunicorn-start.py)
# by deploy from templates/gunicorn-start.py, and run by the slot's program in place of
# `python -m gunicorn` (a release without this file is started that way).
#
# gunicorn 20 (Debian 12's) imports pkg_resources at start-up, only to load a worker class named
# "egg:...". pkg_resources reads the metadata of every installed distribution: a fifth of a
# slot's boot, and more on a busy host, while the new release is not answering yet. Here it is
# imported lazily: on first use, by gunicorn or the app, it loads as it always would.
import importlib.util
import os
import sys

spec = importlib.util.find_spec("pkg_resources")
if spec is not None and spec.loader is not None and "pkg_resources" not in sys.modules:
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["pkg_resources"] = module
    spec.loader.exec_module(module)

# As `python -m gunicorn` would: the release directory (the slot's), not this file's, first on
# the path, and gunicorn's own name in its messages.
sys.path[0] = os.getcwd()
sys.argv[0] = "gunicorn"

from gunicorn.app.wsgiapp import run  # noqa: E402

sys.exit(run())
__DEPLOY_EOF_4ff2d1ab0650
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/NOME_APP.conf NOME_APP /opt/django/apps/NOME_APP/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_6181fcf27f6f'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6181fcf27f6f
__mark changed
__begin 9
( deploy_refresh_secrets /opt/django/apps/NOME_APP/releases database_url,email_host_password
) <<'__DEPLOY_EOF_58a325c7a9c7'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/current/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_58a325c7a9c7
__begin 10
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_virtualenv /opt/django/apps/NOME_APP/releases/NEW /opt/django/virtualenvs/NOME_APP python3 false
) </dev/null
__mark changed
fi
__begin 11
if ( /opt/django/apps/NOME_APP/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_gunicorn /opt/django/apps/NOME_APP/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 12
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_requirements /opt/django/apps/NOME_APP/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 13
( deploy_changes /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" /opt/django/apps/NOME_APP/repo yes
) </dev/null
__begin 14
( deploy_read_live /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy/gunicorn.conf.py /opt/django/apps/NOME_APP/gunicorn.conf.py
) </dev/null
__begin 15
( deploy_read_live /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy/gunicorn-start.py
) </dev/null
__begin 16
( deploy_read_live_config /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy/app.conf /opt/django/configs/apps/NOME_APP.conf
) </dev/null
__begin 17
( deploy_read_live_env /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy-env
) </dev/null
__begin 18
( deploy_read /etc/nginx/sites-available/NOME_APP
) </dev/null
__begin 19
( deploy_read /etc/supervisor/conf.d/NOME_APP-a.conf
) </dev/null
__begin 20
( deploy_read /etc/supervisor/conf.d/NOME_APP-b.conf
) </dev/null
__begin 21
if ( deploy_django_same /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/NOME_APP/releases/NEW "c('collectstatic', interactive=False, verbosity=1)"
) </dev/null
__mark changed
fi
__begin 22
( deploy_reuse_static /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"
) </dev/null
__DEPLOY_EOF_015253a8ee85

# ---- migrate and complete release NEW [migrate, sudo -n bash -s]
# step: migrate
__step=migrate
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_0396c0d5c548'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_live_slot
__step=migrate
__begin 1
if ( deploy_django_same /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/NOME_APP/releases/NEW "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 2
( deploy_django_record /opt/django/apps/NOME_APP/releases/NEW
) </dev/null
__begin 3
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_0396c0d5c548

# ---- build release NEW: its files [build, sudo -n bash -s]
# step: build
__step=build
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_8128681c588e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env __venv_key deploy_venv_state deploy_release_dir deploy_release_file deploy_release_config deploy_refresh_secrets
__step=build
__begin 1
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/NOME_APP/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/NOME_APP/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/NOME_APP/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_d0677a8d0ef6'
DJANGO_SETTINGS_MODULE=NOME_APP.settings.prod
APP_CONFIG_FILE=/opt/django/apps/NOME_APP/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_d0677a8d0ef6
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/NOME_APP/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_7af06ab54e3c'
# gunicorn settings for NOME_APP: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
# gunicorn_workers is not set: gunicorn's advice, 2 x the host's CPUs + 1 (at most 12).
import multiprocessing
workers = min(2 * multiprocessing.cpu_count() + 1, 12)
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/NOME_APP/shared/log, systemd to the journal.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"


def worker_exit(server, worker):
    # A worker that stopped as asked (booted, then told to exit) ends here once the app's exit
    # handlers ran. Python's own teardown would free every object the app made, and with
    # preload_app each free writes to a page shared with the master, which is then copied:
    # half a second of CPU per worker, so a slot's stop took seconds. A worker that failed keeps
    # the usual exit and its status.
    if worker.booted and not worker.alive:
        import atexit, logging, os, sys
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
__DEPLOY_EOF_7af06ab54e3c
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_4ff2d1ab0650'
# How a slot of NOME_APP starts gunicorn: written into each release (.deploy/gunicorn-start.py)
# by deploy from templates/gunicorn-start.py, and run by the slot's program in place of
# `python -m gunicorn` (a release without this file is started that way).
#
# gunicorn 20 (Debian 12's) imports pkg_resources at start-up, only to load a worker class named
# "egg:...". pkg_resources reads the metadata of every installed distribution: a fifth of a
# slot's boot, and more on a busy host, while the new release is not answering yet. Here it is
# imported lazily: on first use, by gunicorn or the app, it loads as it always would.
import importlib.util
import os
import sys

spec = importlib.util.find_spec("pkg_resources")
if spec is not None and spec.loader is not None and "pkg_resources" not in sys.modules:
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["pkg_resources"] = module
    spec.loader.exec_module(module)

# As `python -m gunicorn` would: the release directory (the slot's), not this file's, first on
# the path, and gunicorn's own name in its messages.
sys.path[0] = os.getcwd()
sys.argv[0] = "gunicorn"

from gunicorn.app.wsgiapp import run  # noqa: E402

sys.exit(run())
__DEPLOY_EOF_4ff2d1ab0650
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/NOME_APP/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/NOME_APP.conf NOME_APP /opt/django/apps/NOME_APP/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_6181fcf27f6f'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6181fcf27f6f
__mark changed
__begin 9
( deploy_refresh_secrets /opt/django/apps/NOME_APP/releases database_url,email_host_password
) <<'__DEPLOY_EOF_58a325c7a9c7'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/current/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_58a325c7a9c7
__begin 10
( deploy_venv_state /opt/django/apps/NOME_APP/releases/NEW /opt/django/virtualenvs/NOME_APP python3 false
) </dev/null
__DEPLOY_EOF_8128681c588e

# ---- build release NEW: its environment, static files and migrations [build-env, sudo -n bash -s]
# step: build-env
__step=build-env
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_f9e127ff8343'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env __pip __venv_key deploy_virtualenv deploy_gunicorn __requirements_met deploy_requirements deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_reuse_static __migration_files __release_commit __print_file deploy_changes deploy_live_slot __live_dir deploy_read deploy_read_live deploy_read_live_config deploy_read_live_env
__step=build-env
__begin 1
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_virtualenv /opt/django/apps/NOME_APP/releases/NEW /opt/django/virtualenvs/NOME_APP python3 false
) </dev/null
__mark changed
fi
__begin 2
if ( /opt/django/apps/NOME_APP/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_gunicorn /opt/django/apps/NOME_APP/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 3
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_requirements /opt/django/apps/NOME_APP/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 4
( deploy_changes /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" /opt/django/apps/NOME_APP/repo yes
) </dev/null
__begin 5
( deploy_read_live /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy/gunicorn.conf.py /opt/django/apps/NOME_APP/gunicorn.conf.py
) </dev/null
__begin 6
( deploy_read_live /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy/gunicorn-start.py
) </dev/null
__begin 7
( deploy_read_live_config /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy/app.conf /opt/django/configs/apps/NOME_APP.conf
) </dev/null
__begin 8
( deploy_read_live_env /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b .deploy-env
) </dev/null
__begin 9
( deploy_read /etc/nginx/sites-available/NOME_APP
) </dev/null
__begin 10
( deploy_read /etc/supervisor/conf.d/NOME_APP-a.conf
) </dev/null
__begin 11
( deploy_read /etc/supervisor/conf.d/NOME_APP-b.conf
) </dev/null
__begin 12
if ( deploy_django_same /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/NOME_APP/releases/NEW "c('collectstatic', interactive=False, verbosity=1)" "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 13
( deploy_reuse_static /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"
) </dev/null
__begin 14
( deploy_django_record /opt/django/apps/NOME_APP/releases/NEW
) </dev/null
__begin 15
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_f9e127ff8343

# ---- fetch the environment it built (/opt/django/virtualenvs/NOME_APP/0123456789abcdef) to send it to the other hosts [send-environment, sudo -n bash -s]
# step: send-environment
__step=send-environment
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_aa272c51d5b0'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_send_venv
{ deploy_send_venv /opt/django/virtualenvs/NOME_APP/0123456789abcdef
} </dev/null
__DEPLOY_EOF_aa272c51d5b0

# ---- receive the environment built on ubuntu@primary (121 kB), instead of building it here [receive-environment, sudo -n bash -s]
# step: receive-environment
__step=receive-environment
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_0ba528972d4f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_receive_venv
{ deploy_receive_venv /opt/django/virtualenvs/NOME_APP/0123456789abcdef eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ubuntu@primary
} </dev/null
__DEPLOY_EOF_0ba528972d4f
__mark changed

# ---- run once in NEW [run-once, sudo -n bash -s]
# step: run-once
__step=run-once


# ---- start NEW in slot b, health check, switch traffic [start+switch, sudo -n bash -s]
# step: start+switch
__step=start+switch
__begin 1
{ deploy_program_file /etc/supervisor/conf.d/NOME_APP-b.conf
} <<'__DEPLOY_EOF_1c8f6fac555c'
; NOME_APP gunicorn, slot b: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:NOME_APP-b]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/NOME_APP/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$r" --config "$c" --bind 127.0.0.1:8033 NOME_APP.wsgi:application'
directory=/opt/django/apps/NOME_APP/slots/b
user=django
environment=HOME="/opt/django",USER="django"
; Not started by supervisord itself: deploy-NOME_APP-boot.service starts only the live slot
; (a started idle slot would answer as nginx's backup while the live one boots).
autostart=false
autorestart=true
startsecs=0
startretries=3
stopsignal=TERM
stopwaitsecs=35
; TERM goes to the gunicorn master only: it stops its workers gracefully itself (sending TERM
; to the whole group makes workers die mid-request and gunicorn 20's logging trip over it).
stopasgroup=false
killasgroup=true
redirect_stderr=true
stdout_logfile=/var/log/deploy/NOME_APP/gunicorn-b.log
; Rotated by logrotate (templates/logrotate.conf), not by supervisor: one rotation for every log.
stdout_logfile_maxbytes=0
stdout_logfile_backups=0
__DEPLOY_EOF_1c8f6fac555c
__begin 2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_3c829210b883'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_wait_stopped
{ deploy_wait_stopped /opt/django/apps/NOME_APP/slots/b.stopping 45
} </dev/null
__DEPLOY_EOF_3c829210b883
__begin 3
{ deploy_stop_programs NOME_APP NOME_APP-b
} </dev/null
__begin 4
{ deploy_require_free 127.0.0.1:8033 b
} </dev/null
__i=5
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_d81b34cf4976'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start+switch
__begin 5
( deploy_require_venv /opt/django/apps/NOME_APP/releases/NEW
) </dev/null
__begin 6
( deploy_link_slot /opt/django/apps/NOME_APP/slots b /opt/django/apps/NOME_APP/releases/NEW 'NEW f9f6d7fc1b08'
) </dev/null
__mark changed
__DEPLOY_EOF_d81b34cf4976
__begin 7
{ deploy_slot_log_mark supervisor /var/log/deploy/NOME_APP/gunicorn-b.log
} </dev/null
__begin 8
{ __ctl NOME_APP start NOME_APP-b
} </dev/null
__mark changed
__begin 9
{ deploy_keep_file /var/lib/deploy/apps/NOME_APP/releases/NEW/nginx.conf
} <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__begin 10
{ deploy_keep_file /var/lib/deploy/apps/NOME_APP/releases/NEW/app.conf
} <<'__DEPLOY_EOF_6181fcf27f6f'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6181fcf27f6f
__begin 11
{ deploy_keep_sums /var/lib/deploy/apps/NOME_APP/releases/NEW nginx.conf app.conf
} </dev/null
__begin 12
{ deploy_health_check 30 http://127.0.0.1:8033/ /var/log/deploy/NOME_APP/gunicorn-b.log 127.0.0.1:8033 -H 'Host: 107.22.193.179'
} </dev/null
__begin 13
{ deploy_install_site /var/lib/deploy/apps/NOME_APP/releases/NEW /etc/nginx/sites-available/NOME_APP NEW yes
} <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__begin 14
{ deploy_nginx_reload file /etc/nginx/sites-available/NOME_APP
} </dev/null
__i=15
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_fde7cdcd84b7'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_abort_point deploy_follow_current
__step=start+switch
__begin 15
( deploy_abort_point /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 16
if ( test -e /opt/django/apps/NOME_APP/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__mark changed
fi
__begin 17
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__DEPLOY_EOF_fde7cdcd84b7
__begin 18
{ deploy_sync_config /var/lib/deploy/apps/NOME_APP/releases/NEW /opt/django/configs/apps/NOME_APP.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_58a325c7a9c7'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/current/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_58a325c7a9c7
__begin 19
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/NOME_APP-process-*.conf
} </dev/null
__begin 20
{ deploy_update_programs supervisor
} </dev/null
__i=21
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_8f09368ca281'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune
__step=start+switch
__begin 21
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 22
( deploy_prune 5 /opt/django/apps/NOME_APP/releases /opt/django/apps/NOME_APP/current /opt/django/apps/NOME_APP/slots /opt/django/virtualenvs/NOME_APP
) </dev/null
__DEPLOY_EOF_8f09368ca281
__begin 23
{ deploy_prune_kept /var/lib/deploy/apps/NOME_APP/releases /opt/django/apps/NOME_APP/releases
} </dev/null
__i=24
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_312b42df2415'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start+switch
__begin 24
( deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
) </dev/null
__begin 25
( deploy_log /opt/django/apps/NOME_APP/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_312b42df2415

# ---- start NEW in slot b, health check [start, sudo -n bash -s]
# step: start
__step=start
__begin 1
{ deploy_program_file /etc/supervisor/conf.d/NOME_APP-b.conf
} <<'__DEPLOY_EOF_1c8f6fac555c'
; NOME_APP gunicorn, slot b: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:NOME_APP-b]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/NOME_APP/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$r" --config "$c" --bind 127.0.0.1:8033 NOME_APP.wsgi:application'
directory=/opt/django/apps/NOME_APP/slots/b
user=django
environment=HOME="/opt/django",USER="django"
; Not started by supervisord itself: deploy-NOME_APP-boot.service starts only the live slot
; (a started idle slot would answer as nginx's backup while the live one boots).
autostart=false
autorestart=true
startsecs=0
startretries=3
stopsignal=TERM
stopwaitsecs=35
; TERM goes to the gunicorn master only: it stops its workers gracefully itself (sending TERM
; to the whole group makes workers die mid-request and gunicorn 20's logging trip over it).
stopasgroup=false
killasgroup=true
redirect_stderr=true
stdout_logfile=/var/log/deploy/NOME_APP/gunicorn-b.log
; Rotated by logrotate (templates/logrotate.conf), not by supervisor: one rotation for every log.
stdout_logfile_maxbytes=0
stdout_logfile_backups=0
__DEPLOY_EOF_1c8f6fac555c
__begin 2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_3c829210b883'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_wait_stopped
{ deploy_wait_stopped /opt/django/apps/NOME_APP/slots/b.stopping 45
} </dev/null
__DEPLOY_EOF_3c829210b883
__begin 3
{ deploy_stop_programs NOME_APP NOME_APP-b
} </dev/null
__begin 4
{ deploy_require_free 127.0.0.1:8033 b
} </dev/null
__i=5
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_928b67f8f184'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start
__begin 5
( deploy_require_venv /opt/django/apps/NOME_APP/releases/NEW
) </dev/null
__begin 6
( deploy_link_slot /opt/django/apps/NOME_APP/slots b /opt/django/apps/NOME_APP/releases/NEW 'NEW f9f6d7fc1b08'
) </dev/null
__mark changed
__DEPLOY_EOF_928b67f8f184
__begin 7
{ deploy_slot_log_mark supervisor /var/log/deploy/NOME_APP/gunicorn-b.log
} </dev/null
__begin 8
{ __ctl NOME_APP start NOME_APP-b
} </dev/null
__mark changed
__begin 9
{ deploy_keep_file /var/lib/deploy/apps/NOME_APP/releases/NEW/nginx.conf
} <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__begin 10
{ deploy_keep_file /var/lib/deploy/apps/NOME_APP/releases/NEW/app.conf
} <<'__DEPLOY_EOF_6181fcf27f6f'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6181fcf27f6f
__begin 11
{ deploy_keep_sums /var/lib/deploy/apps/NOME_APP/releases/NEW nginx.conf app.conf
} </dev/null
__begin 12
{ deploy_health_check 30 http://127.0.0.1:8033/ /var/log/deploy/NOME_APP/gunicorn-b.log 127.0.0.1:8033 -H 'Host: 107.22.193.179'
} </dev/null
__begin 13
{ deploy_install_site /var/lib/deploy/apps/NOME_APP/releases/NEW /etc/nginx/sites-available/NOME_APP NEW yes
} <<'__DEPLOY_EOF_328d73c2c153'
# NOME_APP: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/NOME_APP/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_NOME_APP_a {
    server 127.0.0.1:8032 max_fails=0;
    server 127.0.0.1:8033 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_NOME_APP_b {
    server 127.0.0.1:8033 max_fails=0;
    server 127.0.0.1:8032 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_NOME_APP_site {
    127.0.0.1 NOME_APP;
    ::1 NOME_APP;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_NOME_APP_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_NOME_APP_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_NOME_APP_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_NOME_APP_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_NOME_APP_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
    access_log /var/log/nginx/NOME_APP.access.log;
    error_log /var/log/nginx/NOME_APP.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_NOME_APP_a;
    set $deploy_static /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/NOME_APP/slots/b/.deploy-www;
    if (-f /opt/django/apps/NOME_APP/slots/live-b) {
        set $deploy_upstream deploy_NOME_APP_b;
        set $deploy_static /opt/django/apps/NOME_APP/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/NOME_APP/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy NOME_APP maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/NOME_APP/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_NOME_APP_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_NOME_APP_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/NOME_APP/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_NOME_APP_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }
    location @deploy_NOME_APP_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Cache-Control $deploy_NOME_APP_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/NOME_APP/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_NOME_APP_site always;
    add_header X-Content-Type-Options $deploy_NOME_APP_nosniff always;
    add_header Referrer-Policy $deploy_NOME_APP_referrer always;
        add_header Content-Security-Policy "sandbox" always;
    }

    location / {
        proxy_pass http://$deploy_upstream;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_redirect off;
        proxy_read_timeout 35s;
    }
}
__DEPLOY_EOF_328d73c2c153
__begin 14
{ deploy_nginx_reload file /etc/nginx/sites-available/NOME_APP
} </dev/null

# ---- ask the running step to stop before the switch [abort, sudo -n bash -s]
# step: abort
__step=abort
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_36f98d7d3801'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_abort_request
{ deploy_abort_request /opt/django/apps/NOME_APP/deploy.decision-TOKEN
} </dev/null
__DEPLOY_EOF_36f98d7d3801

# ---- switch traffic to NEW [switch, sudo -n bash -s]
# step: switch
__step=switch
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_06dfb6e41c17'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=switch
__begin 1
if ( test -e /opt/django/apps/NOME_APP/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__mark changed
fi
__begin 2
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__DEPLOY_EOF_06dfb6e41c17
__begin 3
{ deploy_sync_config /var/lib/deploy/apps/NOME_APP/releases/NEW /opt/django/configs/apps/NOME_APP.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_58a325c7a9c7'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/current/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_58a325c7a9c7
__begin 4
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/NOME_APP-process-*.conf
} </dev/null
__begin 5
{ deploy_update_programs supervisor
} </dev/null
__i=6
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_4ef671b42bd6'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune
__step=switch
__begin 6
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 7
( deploy_prune 5 /opt/django/apps/NOME_APP/releases /opt/django/apps/NOME_APP/current /opt/django/apps/NOME_APP/slots /opt/django/virtualenvs/NOME_APP
) </dev/null
__DEPLOY_EOF_4ef671b42bd6
__begin 8
{ deploy_prune_kept /var/lib/deploy/apps/NOME_APP/releases /opt/django/apps/NOME_APP/releases
} </dev/null
__i=9
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_3246ac2c55b5'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=switch
__begin 9
( deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
) </dev/null
__begin 10
( deploy_log /opt/django/apps/NOME_APP/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_3246ac2c55b5

# ---- switch traffic to NEW, check through nginx [switch, sudo -n bash -s]
# step: switch
__step=switch
__begin 1
{ date +%s
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_b8030fdce772'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=switch
__begin 2
if ( test -e /opt/django/apps/NOME_APP/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__mark changed
fi
__begin 3
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__DEPLOY_EOF_b8030fdce772
__begin 4
{ deploy_check_through_nginx NOME_APP http://127.0.0.1:80/ -H 'Host: 107.22.193.179'
} </dev/null

# ---- watch the canary for 60 s (health path, 5xx answers) [canary, sudo -n bash -s]
# step: canary
__step=canary
__begin 1
{ deploy_canary_watch NOME_APP 60 1796439600 NOME_APP http://127.0.0.1:80/ -H 'Host: 107.22.193.179'
} </dev/null

# ---- back to the previous release [revert, sudo -n bash -s]
# step: revert
__step=revert
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_18bd21b943cb'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=revert
__begin 1
if ( test ! -e /opt/django/apps/NOME_APP/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( rm -f /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__mark changed
fi
__begin 2
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__DEPLOY_EOF_18bd21b943cb

# ---- stop the old slot, clean up [finish, sudo -n bash -s]
# step: finish
__step=finish
__begin 1
{ deploy_sync_config /var/lib/deploy/apps/NOME_APP/releases/NEW /opt/django/configs/apps/NOME_APP.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_58a325c7a9c7'
# NOME_APP: the app's configuration, written by `deploy NOME_APP setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = 107.22.193.179,localhost,127.0.0.1
static_root = /opt/django/apps/NOME_APP/current/.deploy-www/static
media_root = /opt/django/apps/NOME_APP/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_58a325c7a9c7
__begin 2
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/NOME_APP-process-*.conf
} </dev/null
__begin 3
{ deploy_update_programs supervisor
} </dev/null
__i=4
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_02dd9496ab84'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune
__step=finish
__begin 4
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 5
( deploy_prune 5 /opt/django/apps/NOME_APP/releases /opt/django/apps/NOME_APP/current /opt/django/apps/NOME_APP/slots /opt/django/virtualenvs/NOME_APP
) </dev/null
__DEPLOY_EOF_02dd9496ab84
__begin 6
{ deploy_prune_kept /var/lib/deploy/apps/NOME_APP/releases /opt/django/apps/NOME_APP/releases
} </dev/null
__i=7
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_da568c515564'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=finish
__begin 7
( deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
) </dev/null
__begin 8
( deploy_log /opt/django/apps/NOME_APP/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_da568c515564

# ---- clean up [abandon, sudo -n bash -s]
# step: abandon
__step=abandon
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_06c66fca1916'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_page_off
{ deploy_page_off /opt/django/apps/NOME_APP/maintenance.html '"run":"TOKEN"'
} </dev/null
__DEPLOY_EOF_06c66fca1916
__begin 2
{ deploy_stop_idle "$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" b NOME_APP NOME_APP-b
} </dev/null
__i=3
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_d9e9c9a016f4'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune deploy_abandon_release deploy_live_slot
__step=abandon
__begin 3
( deploy_abandon_release /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots
) </dev/null
__begin 4
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 5
( deploy_prune 5 /opt/django/apps/NOME_APP/releases /opt/django/apps/NOME_APP/current /opt/django/apps/NOME_APP/slots /opt/django/virtualenvs/NOME_APP NEW
) </dev/null
__DEPLOY_EOF_d9e9c9a016f4
__begin 6
{ deploy_prune_kept /var/lib/deploy/apps/NOME_APP/releases /opt/django/apps/NOME_APP/releases
} </dev/null
__i=7
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_5e0f2bd85907'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_live_now deploy_log deploy_live_slot
__step=abandon
__begin 7
( deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
) </dev/null
__begin 8
( deploy_log /opt/django/apps/NOME_APP/deploy.log.jsonl \{\}
) </dev/null
__begin 9
( deploy_live_now /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots
) </dev/null
__DEPLOY_EOF_5e0f2bd85907

# ---- release the lock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_7134f7eff387'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=unlock
__begin 1
( deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
) </dev/null
__begin 2
( deploy_log /opt/django/apps/NOME_APP/deploy.log.jsonl \{\}
) </dev/null
__DEPLOY_EOF_7134f7eff387
