# deploy, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- lock, fetch and resolve [prepare, sudo -n bash -s]
# step: prepare
__step=prepare
__begin 1
{ deploy_require_setup /opt/django/apps/shop/repo shop
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_1aa5f60799dd'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_git deploy_fetch __commit_of deploy_resolve_ref deploy_lock deploy_page_left deploy_ctl_current deploy_require_services deploy_require_this_version deploy_release_meta deploy_live_fingerprint deploy_clock __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=prepare
__begin 2
( deploy_lock /opt/django/apps/shop/deploy.lock '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}'
) </dev/null
__mark changed
__begin 3
( deploy_require_services 'the site is down' nginx
) </dev/null
__begin 4
( deploy_require_this_version /opt/django/apps/shop/slots/live-b /etc/nginx/sites-available/shop /opt/django/apps/shop/slots shop
) </dev/null
__begin 5
( deploy_follow_current /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots /opt/django/apps/shop/current
) </dev/null
__begin 6
( deploy_clear_leftovers /opt/django/apps/shop/current /opt/django/apps/shop/slots /opt/django/apps/shop
) </dev/null
__begin 7
( deploy_finish_deletes /opt/django/apps/shop/releases /opt/django/virtualenvs/shop
) </dev/null
__begin 8
( deploy_page_left /opt/django/apps/shop/maintenance.html '"run":"'
) </dev/null
__begin 9
( deploy_fetch /opt/django/apps/shop/repo /opt/django/.ssh/id_ed25519 /opt/django/.ssh/git-%C
) </dev/null
__begin 10
( deploy_resolve_ref /opt/django/apps/shop/repo main git@github.com:example/shop.git
) </dev/null
__begin 11
( deploy_clock /opt/django/apps/shop/releases
) </dev/null
__begin 12
( deploy_live_slot /opt/django/apps/shop/slots/live-b
) </dev/null
__begin 13
( deploy_live_fingerprint /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" [redacted]
) </dev/null
__begin 14
( deploy_ctl_current c3a77d172be5d34f4c723bebde964891a17a00967d0f724c65e8fbb294f291f6 /usr/local/sbin/deploy-ctl shop
) </dev/null
__DEPLOY_EOF_1aa5f60799dd
__begin 15
{ deploy_ctl_conf /var/lib/deploy/apps/shop /var/lib/deploy/apps/shop/ctl.conf shop
} <<'__DEPLOY_EOF_46cb8dd143b3'
# shop: written by `deploy shop setup`; read by /usr/local/sbin/deploy-ctl.
manager systemd
programs shop-a shop-b shop-worker shop-clock
logs /var/log/deploy/shop
site_logs /var/log/nginx/shop.access.log /var/log/nginx/shop.error.log
__DEPLOY_EOF_46cb8dd143b3

# ---- build release NEW [build, sudo -n bash -s]
# step: build
__step=build
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_8ebb5eb5d493'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env __load_env __pip __venv_key deploy_virtualenv deploy_gunicorn __requirements_met deploy_requirements deploy_manage deploy_django deploy_release_bash __django_inputs deploy_django_same deploy_django_record deploy_reuse_static __migration_files __release_commit __print_file deploy_changes deploy_release_dir deploy_release_file deploy_release_config deploy_refresh_secrets deploy_live_slot __live_dir deploy_read deploy_read_live deploy_read_live_config deploy_read_live_env
__step=build
__begin 1
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/shop/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/shop/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/shop/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_79f2bc9d2e35'
STRIPE_KEY=[redacted]
DJANGO_SETTINGS_MODULE=shop.settings.prod
APP_CONFIG_FILE=/opt/django/apps/shop/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_79f2bc9d2e35
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/shop/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_2fddec2ff070'
# gunicorn settings for shop: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
workers = 3
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/shop/shared/log, systemd to the journal.
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
__DEPLOY_EOF_2fddec2ff070
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_016a7fe785e9'
# How a slot of shop starts gunicorn: written into each release (.deploy/gunicorn-start.py)
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
__DEPLOY_EOF_016a7fe785e9
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/shop.conf shop /opt/django/apps/shop/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_a8e3b5c6fc65'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_a8e3b5c6fc65
__mark changed
__begin 9
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/processes/worker 0750
) <<'__DEPLOY_EOF_ff9fa98ee353'
#!/bin/sh
# shop process "worker": written into each release by deploy from templates/process.sh.
# systemd runs it as django through /opt/django/apps/shop/current, so it starts in the live release.
# cd -P: the release itself, not the `current` link (a later switch moves the link, not this process).
cd -P "$(dirname "$0")/../.." || exit 1
set -a && . ./.deploy-env && set +a
PATH="$(pwd)/.venv/bin:$PATH"
export PATH
exec celery -A shop worker
__DEPLOY_EOF_ff9fa98ee353
__mark changed
__begin 10
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/processes/clock 0750
) <<'__DEPLOY_EOF_8d838ff9f1d0'
#!/bin/sh
# shop process "clock": written into each release by deploy from templates/process.sh.
# systemd runs it as django through /opt/django/apps/shop/current, so it starts in the live release.
# cd -P: the release itself, not the `current` link (a later switch moves the link, not this process).
cd -P "$(dirname "$0")/../.." || exit 1
set -a && . ./.deploy-env && set +a
PATH="$(pwd)/.venv/bin:$PATH"
export PATH
exec python manage.py run_clock
__DEPLOY_EOF_8d838ff9f1d0
__mark changed
__begin 11
( deploy_refresh_secrets /opt/django/apps/shop/releases database_url,email_host_password
) <<'__DEPLOY_EOF_31c2b73f15e4'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/current/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_31c2b73f15e4
__begin 12
if ( test -f /opt/django/apps/shop/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_virtualenv /opt/django/apps/shop/releases/NEW /opt/django/virtualenvs/shop python3 false
) </dev/null
__mark changed
fi
__begin 13
if ( /opt/django/apps/shop/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_gunicorn /opt/django/apps/shop/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 14
if ( test -f /opt/django/apps/shop/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_requirements /opt/django/apps/shop/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 15
( deploy_changes /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" /opt/django/apps/shop/repo yes
) </dev/null
__begin 16
( deploy_read_live /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy/gunicorn.conf.py /opt/django/apps/shop/gunicorn.conf.py
) </dev/null
__begin 17
( deploy_read_live /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy/gunicorn-start.py
) </dev/null
__begin 18
( deploy_read_live_config /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy/app.conf /opt/django/configs/apps/shop.conf
) </dev/null
__begin 19
( deploy_read_live_env /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy-env
) </dev/null
__begin 20
( deploy_read /etc/nginx/sites-available/shop
) </dev/null
__begin 21
( deploy_read /etc/systemd/system/shop-a.service
) </dev/null
__begin 22
( deploy_read /etc/systemd/system/shop-b.service
) </dev/null
__begin 23
if ( deploy_django_same /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/shop/releases/NEW "c('collectstatic', interactive=False, verbosity=1)"
) </dev/null
__mark changed
fi
__begin 24
( deploy_reuse_static /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"
) </dev/null
__begin 25
( deploy_release_bash /opt/django/apps/shop/releases/NEW 'python manage.py check --deploy'
) </dev/null
__mark changed
__begin 26
if ( deploy_django_same /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/shop/releases/NEW "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 27
( deploy_django_record /opt/django/apps/shop/releases/NEW
) </dev/null
__begin 28
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_8ebb5eb5d493

# ---- build release NEW [build-asking, sudo -n bash -s]
# step: build-asking
__step=build-asking
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_e27b9d1f5ff2'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env __load_env __pip __venv_key deploy_virtualenv deploy_gunicorn __requirements_met deploy_requirements deploy_manage deploy_django deploy_release_bash __django_inputs deploy_django_same deploy_django_record deploy_reuse_static __migration_files __release_commit __print_file deploy_changes deploy_release_dir deploy_release_file deploy_release_config deploy_refresh_secrets deploy_live_slot __live_dir deploy_read deploy_read_live deploy_read_live_config deploy_read_live_env
__step=build-asking
__begin 1
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/shop/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/shop/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/shop/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_79f2bc9d2e35'
STRIPE_KEY=[redacted]
DJANGO_SETTINGS_MODULE=shop.settings.prod
APP_CONFIG_FILE=/opt/django/apps/shop/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_79f2bc9d2e35
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/shop/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_2fddec2ff070'
# gunicorn settings for shop: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
workers = 3
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/shop/shared/log, systemd to the journal.
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
__DEPLOY_EOF_2fddec2ff070
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_016a7fe785e9'
# How a slot of shop starts gunicorn: written into each release (.deploy/gunicorn-start.py)
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
__DEPLOY_EOF_016a7fe785e9
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/shop.conf shop /opt/django/apps/shop/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_a8e3b5c6fc65'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_a8e3b5c6fc65
__mark changed
__begin 9
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/processes/worker 0750
) <<'__DEPLOY_EOF_ff9fa98ee353'
#!/bin/sh
# shop process "worker": written into each release by deploy from templates/process.sh.
# systemd runs it as django through /opt/django/apps/shop/current, so it starts in the live release.
# cd -P: the release itself, not the `current` link (a later switch moves the link, not this process).
cd -P "$(dirname "$0")/../.." || exit 1
set -a && . ./.deploy-env && set +a
PATH="$(pwd)/.venv/bin:$PATH"
export PATH
exec celery -A shop worker
__DEPLOY_EOF_ff9fa98ee353
__mark changed
__begin 10
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/processes/clock 0750
) <<'__DEPLOY_EOF_8d838ff9f1d0'
#!/bin/sh
# shop process "clock": written into each release by deploy from templates/process.sh.
# systemd runs it as django through /opt/django/apps/shop/current, so it starts in the live release.
# cd -P: the release itself, not the `current` link (a later switch moves the link, not this process).
cd -P "$(dirname "$0")/../.." || exit 1
set -a && . ./.deploy-env && set +a
PATH="$(pwd)/.venv/bin:$PATH"
export PATH
exec python manage.py run_clock
__DEPLOY_EOF_8d838ff9f1d0
__mark changed
__begin 11
( deploy_refresh_secrets /opt/django/apps/shop/releases database_url,email_host_password
) <<'__DEPLOY_EOF_31c2b73f15e4'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/current/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_31c2b73f15e4
__begin 12
if ( test -f /opt/django/apps/shop/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_virtualenv /opt/django/apps/shop/releases/NEW /opt/django/virtualenvs/shop python3 false
) </dev/null
__mark changed
fi
__begin 13
if ( /opt/django/apps/shop/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_gunicorn /opt/django/apps/shop/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 14
if ( test -f /opt/django/apps/shop/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_requirements /opt/django/apps/shop/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 15
( deploy_changes /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" /opt/django/apps/shop/repo yes
) </dev/null
__begin 16
( deploy_read_live /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy/gunicorn.conf.py /opt/django/apps/shop/gunicorn.conf.py
) </dev/null
__begin 17
( deploy_read_live /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy/gunicorn-start.py
) </dev/null
__begin 18
( deploy_read_live_config /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy/app.conf /opt/django/configs/apps/shop.conf
) </dev/null
__begin 19
( deploy_read_live_env /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy-env
) </dev/null
__begin 20
( deploy_read /etc/nginx/sites-available/shop
) </dev/null
__begin 21
( deploy_read /etc/systemd/system/shop-a.service
) </dev/null
__begin 22
( deploy_read /etc/systemd/system/shop-b.service
) </dev/null
__begin 23
if ( deploy_django_same /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/shop/releases/NEW "c('collectstatic', interactive=False, verbosity=1)"
) </dev/null
__mark changed
fi
__begin 24
( deploy_reuse_static /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"
) </dev/null
__begin 25
( deploy_release_bash /opt/django/apps/shop/releases/NEW 'python manage.py check --deploy'
) </dev/null
__mark changed
__DEPLOY_EOF_e27b9d1f5ff2

# ---- migrate and complete release NEW [migrate, sudo -n bash -s]
# step: migrate
__step=migrate
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_a294e00dcd07'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_live_slot
__step=migrate
__begin 1
if ( deploy_django_same /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/shop/releases/NEW "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 2
( deploy_django_record /opt/django/apps/shop/releases/NEW
) </dev/null
__begin 3
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_a294e00dcd07

# ---- build release NEW: its files [build, sudo -n bash -s]
# step: build
__step=build
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_3a8d1324cf8c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env __venv_key deploy_venv_state deploy_release_dir deploy_release_file deploy_release_config deploy_refresh_secrets
__step=build
__begin 1
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/shop/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/shop/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/shop/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_79f2bc9d2e35'
STRIPE_KEY=[redacted]
DJANGO_SETTINGS_MODULE=shop.settings.prod
APP_CONFIG_FILE=/opt/django/apps/shop/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_79f2bc9d2e35
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/shop/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_2fddec2ff070'
# gunicorn settings for shop: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
workers = 3
threads = 1
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/shop/shared/log, systemd to the journal.
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
__DEPLOY_EOF_2fddec2ff070
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_016a7fe785e9'
# How a slot of shop starts gunicorn: written into each release (.deploy/gunicorn-start.py)
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
__DEPLOY_EOF_016a7fe785e9
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/shop.conf shop /opt/django/apps/shop/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_a8e3b5c6fc65'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_a8e3b5c6fc65
__mark changed
__begin 9
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/processes/worker 0750
) <<'__DEPLOY_EOF_ff9fa98ee353'
#!/bin/sh
# shop process "worker": written into each release by deploy from templates/process.sh.
# systemd runs it as django through /opt/django/apps/shop/current, so it starts in the live release.
# cd -P: the release itself, not the `current` link (a later switch moves the link, not this process).
cd -P "$(dirname "$0")/../.." || exit 1
set -a && . ./.deploy-env && set +a
PATH="$(pwd)/.venv/bin:$PATH"
export PATH
exec celery -A shop worker
__DEPLOY_EOF_ff9fa98ee353
__mark changed
__begin 10
( deploy_release_file /opt/django/apps/shop/releases/NEW/.deploy/processes/clock 0750
) <<'__DEPLOY_EOF_8d838ff9f1d0'
#!/bin/sh
# shop process "clock": written into each release by deploy from templates/process.sh.
# systemd runs it as django through /opt/django/apps/shop/current, so it starts in the live release.
# cd -P: the release itself, not the `current` link (a later switch moves the link, not this process).
cd -P "$(dirname "$0")/../.." || exit 1
set -a && . ./.deploy-env && set +a
PATH="$(pwd)/.venv/bin:$PATH"
export PATH
exec python manage.py run_clock
__DEPLOY_EOF_8d838ff9f1d0
__mark changed
__begin 11
( deploy_refresh_secrets /opt/django/apps/shop/releases database_url,email_host_password
) <<'__DEPLOY_EOF_31c2b73f15e4'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/current/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_31c2b73f15e4
__begin 12
( deploy_venv_state /opt/django/apps/shop/releases/NEW /opt/django/virtualenvs/shop python3 false
) </dev/null
__DEPLOY_EOF_3a8d1324cf8c

# ---- build release NEW: its environment, static files and migrations [build-env, sudo -n bash -s]
# step: build-env
__step=build-env
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_0fcc076c6f81'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env __pip __venv_key deploy_virtualenv deploy_gunicorn __requirements_met deploy_requirements deploy_manage deploy_django deploy_release_bash __django_inputs deploy_django_same deploy_django_record deploy_reuse_static __migration_files __release_commit __print_file deploy_changes deploy_live_slot __live_dir deploy_read deploy_read_live deploy_read_live_config deploy_read_live_env
__step=build-env
__begin 1
if ( test -f /opt/django/apps/shop/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_virtualenv /opt/django/apps/shop/releases/NEW /opt/django/virtualenvs/shop python3 false
) </dev/null
__mark changed
fi
__begin 2
if ( /opt/django/apps/shop/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_gunicorn /opt/django/apps/shop/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 3
if ( test -f /opt/django/apps/shop/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_requirements /opt/django/apps/shop/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 4
( deploy_changes /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" /opt/django/apps/shop/repo yes
) </dev/null
__begin 5
( deploy_read_live /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy/gunicorn.conf.py /opt/django/apps/shop/gunicorn.conf.py
) </dev/null
__begin 6
( deploy_read_live /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy/gunicorn-start.py
) </dev/null
__begin 7
( deploy_read_live_config /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy/app.conf /opt/django/configs/apps/shop.conf
) </dev/null
__begin 8
( deploy_read_live_env /opt/django/apps/shop/slots /opt/django/apps/shop/slots/live-b .deploy-env
) </dev/null
__begin 9
( deploy_read /etc/nginx/sites-available/shop
) </dev/null
__begin 10
( deploy_read /etc/systemd/system/shop-a.service
) </dev/null
__begin 11
( deploy_read /etc/systemd/system/shop-b.service
) </dev/null
__begin 12
if ( deploy_django_same /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/shop/releases/NEW "c('collectstatic', interactive=False, verbosity=1)"
) </dev/null
__mark changed
fi
__begin 13
( deploy_reuse_static /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"
) </dev/null
__begin 14
( deploy_release_bash /opt/django/apps/shop/releases/NEW 'python manage.py check --deploy'
) </dev/null
__mark changed
__begin 15
if ( deploy_django_same /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/shop/releases/NEW "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 16
( deploy_django_record /opt/django/apps/shop/releases/NEW
) </dev/null
__begin 17
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_0fcc076c6f81

# ---- fetch the environment it built (/opt/django/virtualenvs/shop/0123456789abcdef) to send it to the other hosts [send-environment, sudo -n bash -s]
# step: send-environment
__step=send-environment
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_47fbce1a3708'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_send_venv
{ deploy_send_venv /opt/django/virtualenvs/shop/0123456789abcdef
} </dev/null
__DEPLOY_EOF_47fbce1a3708

# ---- receive the environment built on ubuntu@primary (121 kB), instead of building it here [receive-environment, sudo -n bash -s]
# step: receive-environment
__step=receive-environment
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_f730cbe178da'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_receive_venv
{ deploy_receive_venv /opt/django/virtualenvs/shop/0123456789abcdef eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ubuntu@primary
} </dev/null
__DEPLOY_EOF_f730cbe178da
__mark changed

# ---- run once in NEW [run-once, sudo -n bash -s]
# step: run-once
__step=run-once
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_72721302bf14'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_manage deploy_release_bash
__step=run-once
__begin 1
if ( test ! -f /opt/django/apps/shop/releases/NEW/manage.py
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_manage /opt/django/apps/shop/releases/NEW migrate --noinput
) </dev/null
__mark changed
fi
__begin 2
( deploy_release_bash /opt/django/apps/shop/releases/NEW 'python manage.py warm_cache'
) </dev/null
__mark changed
__DEPLOY_EOF_72721302bf14

# ---- start NEW in slot b, health check, switch traffic [start+switch, sudo -n bash -s]
# step: start+switch
__step=start+switch
__begin 1
{ deploy_program_file /etc/systemd/system/shop-b.service
} <<'__DEPLOY_EOF_8f83084c6eaa'
# shop gunicorn, slot b: written by deploy from templates/slot.service.
# The slot directory is a symlink to the release this slot runs; deploy points it at a new
# release only while the slot is stopped. Not enabled: deploy-shop-boot.service starts
# only the live slot at boot (a started idle slot would answer as nginx's backup).
# The app's environment ([ENV], secrets included) is in the release's .deploy-env (0600).
[Unit]
Description=shop gunicorn slot b (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/slots/b
ExecStart=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$$c" ] || c=/opt/django/apps/shop/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$$r" --config "$$c" --bind 127.0.0.1:8041 shop.wsgi:application'
# TERM to the gunicorn master only: it stops its workers gracefully itself.
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=35
Restart=on-failure
RestartSec=1
SyslogIdentifier=shop-b
__DEPLOY_EOF_8f83084c6eaa
__begin 2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_2e628a5a9edc'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_wait_stopped
{ deploy_wait_stopped /opt/django/apps/shop/slots/b.stopping 45
} </dev/null
__DEPLOY_EOF_2e628a5a9edc
__begin 3
{ deploy_stop_programs shop shop-b
} </dev/null
__begin 4
{ deploy_require_free 127.0.0.1:8041 b
} </dev/null
__i=5
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_ea57d958568e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start+switch
__begin 5
( deploy_require_venv /opt/django/apps/shop/releases/NEW
) </dev/null
__begin 6
( deploy_link_slot /opt/django/apps/shop/slots b /opt/django/apps/shop/releases/NEW 'NEW 652540e7ad1d'
) </dev/null
__mark changed
__DEPLOY_EOF_ea57d958568e
__begin 7
{ deploy_slot_log_mark systemd shop-b.service
} </dev/null
__begin 8
{ __ctl shop start shop-b
} </dev/null
__mark changed
__begin 9
{ deploy_keep_file /var/lib/deploy/apps/shop/releases/NEW/nginx.conf
} <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__begin 10
{ deploy_keep_file /var/lib/deploy/apps/shop/releases/NEW/app.conf
} <<'__DEPLOY_EOF_a8e3b5c6fc65'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_a8e3b5c6fc65
__begin 11
{ deploy_keep_sums /var/lib/deploy/apps/shop/releases/NEW nginx.conf app.conf
} </dev/null
__begin 12
{ deploy_health_check 30 http://127.0.0.1:8041/ shop-b.service 127.0.0.1:8041 -H 'Host: shop.example.com'
} </dev/null
__begin 13
{ deploy_install_site /var/lib/deploy/apps/shop/releases/NEW /etc/nginx/sites-available/shop NEW yes
} <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__begin 14
{ deploy_nginx_reload file /etc/nginx/sites-available/shop
} </dev/null
__i=15
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_6eea9298c0bb'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_abort_point deploy_follow_current
__step=start+switch
__begin 15
( deploy_abort_point /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 16
if ( test -e /opt/django/apps/shop/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/shop/slots/live-b
) </dev/null
__mark changed
fi
__begin 17
( deploy_follow_current /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots /opt/django/apps/shop/current
) </dev/null
__DEPLOY_EOF_6eea9298c0bb
__begin 18
{ deploy_sync_config /var/lib/deploy/apps/shop/releases/NEW /opt/django/configs/apps/shop.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_31c2b73f15e4'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/current/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_31c2b73f15e4
__begin 19
{ deploy_put_program /etc/systemd/system/shop-worker.service
} <<'__DEPLOY_EOF_4cdb8342ce01'
# shop process "worker": written by deploy from templates/process.service.
# It starts in the release `current` points to; deploy and rollback restart it after the switch.
# deploy-process: shop
[Unit]
Description=shop worker (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/current
ExecStart=/opt/django/apps/shop/current/.deploy/processes/worker
Restart=always
RestartSec=1
KillSignal=SIGTERM
TimeoutStopSec=30
KillMode=mixed
SyslogIdentifier=shop-worker

[Install]
WantedBy=multi-user.target
__DEPLOY_EOF_4cdb8342ce01
__begin 20
{ deploy_put_program /etc/systemd/system/shop-clock.service
} <<'__DEPLOY_EOF_9b20bb0768ff'
# shop process "clock": written by deploy from templates/process.service.
# It starts in the release `current` points to; deploy and rollback restart it after the switch.
# deploy-process: shop
[Unit]
Description=shop clock (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/current
ExecStart=/opt/django/apps/shop/current/.deploy/processes/clock
Restart=always
RestartSec=1
KillSignal=SIGTERM
TimeoutStopSec=30
KillMode=mixed
SyslogIdentifier=shop-clock

[Install]
WantedBy=multi-user.target
__DEPLOY_EOF_9b20bb0768ff
__begin 21
{ deploy_drop_programs systemd '/etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service' /etc/systemd/system/shop-*.service
} </dev/null
__begin 22
{ deploy_update_programs systemd /etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service
} </dev/null
__begin 23
if { { deploy_units_enabled shop-worker.service shop-clock.service
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ systemctl enable --quiet shop-worker.service shop-clock.service
} </dev/null
__mark changed
fi
__begin 24
{ deploy_stop_programs shop shop-worker shop-clock
} </dev/null
__mark changed
__begin 25
{ deploy_start_processes systemd shop worker clock
} </dev/null
__mark changed
__i=26
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_561297ae6ba8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_release_bash deploy_hook __delete deploy_prune
__step=start+switch
__begin 26
( deploy_hook after_switch /opt/django/apps/shop/releases/NEW 'python manage.py notify_release'
) </dev/null
__mark changed
__begin 27
( rm -f /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 28
( deploy_prune 5 /opt/django/apps/shop/releases /opt/django/apps/shop/current /opt/django/apps/shop/slots /opt/django/virtualenvs/shop
) </dev/null
__DEPLOY_EOF_561297ae6ba8
__begin 29
{ deploy_prune_kept /var/lib/deploy/apps/shop/releases /opt/django/apps/shop/releases
} </dev/null
__i=30
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_e8e774f23bc6'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start+switch
__begin 30
( deploy_unlock /opt/django/apps/shop/deploy.lock TOKEN
) </dev/null
__begin 31
( deploy_log /opt/django/apps/shop/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_e8e774f23bc6

# ---- start NEW in slot b, health check [start, sudo -n bash -s]
# step: start
__step=start
__begin 1
{ deploy_program_file /etc/systemd/system/shop-b.service
} <<'__DEPLOY_EOF_8f83084c6eaa'
# shop gunicorn, slot b: written by deploy from templates/slot.service.
# The slot directory is a symlink to the release this slot runs; deploy points it at a new
# release only while the slot is stopped. Not enabled: deploy-shop-boot.service starts
# only the live slot at boot (a started idle slot would answer as nginx's backup).
# The app's environment ([ENV], secrets included) is in the release's .deploy-env (0600).
[Unit]
Description=shop gunicorn slot b (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/slots/b
ExecStart=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$$c" ] || c=/opt/django/apps/shop/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$$r" --config "$$c" --bind 127.0.0.1:8041 shop.wsgi:application'
# TERM to the gunicorn master only: it stops its workers gracefully itself.
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=35
Restart=on-failure
RestartSec=1
SyslogIdentifier=shop-b
__DEPLOY_EOF_8f83084c6eaa
__begin 2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_2e628a5a9edc'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_wait_stopped
{ deploy_wait_stopped /opt/django/apps/shop/slots/b.stopping 45
} </dev/null
__DEPLOY_EOF_2e628a5a9edc
__begin 3
{ deploy_stop_programs shop shop-b
} </dev/null
__begin 4
{ deploy_require_free 127.0.0.1:8041 b
} </dev/null
__i=5
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_147cf4404c1f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start
__begin 5
( deploy_require_venv /opt/django/apps/shop/releases/NEW
) </dev/null
__begin 6
( deploy_link_slot /opt/django/apps/shop/slots b /opt/django/apps/shop/releases/NEW 'NEW 652540e7ad1d'
) </dev/null
__mark changed
__DEPLOY_EOF_147cf4404c1f
__begin 7
{ deploy_slot_log_mark systemd shop-b.service
} </dev/null
__begin 8
{ __ctl shop start shop-b
} </dev/null
__mark changed
__begin 9
{ deploy_keep_file /var/lib/deploy/apps/shop/releases/NEW/nginx.conf
} <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__begin 10
{ deploy_keep_file /var/lib/deploy/apps/shop/releases/NEW/app.conf
} <<'__DEPLOY_EOF_a8e3b5c6fc65'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_a8e3b5c6fc65
__begin 11
{ deploy_keep_sums /var/lib/deploy/apps/shop/releases/NEW nginx.conf app.conf
} </dev/null
__begin 12
{ deploy_health_check 30 http://127.0.0.1:8041/ shop-b.service 127.0.0.1:8041 -H 'Host: shop.example.com'
} </dev/null
__begin 13
{ deploy_install_site /var/lib/deploy/apps/shop/releases/NEW /etc/nginx/sites-available/shop NEW yes
} <<'__DEPLOY_EOF_d242d74d3b4a'
# shop: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/shop/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_shop_a {
    server 127.0.0.1:8040 max_fails=0;
    server 127.0.0.1:8041 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_shop_b {
    server 127.0.0.1:8041 max_fails=0;
    server 127.0.0.1:8040 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_shop_site {
    127.0.0.1 shop;
    ::1 shop;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_shop_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_shop_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_shop_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_shop_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_shop_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/ssl/private/httpd/shop.example.com/shop.example.com.crt;
    ssl_certificate_key /etc/ssl/private/httpd/shop.example.com/shop.example.com.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name shop.example.com www.shop.example.com;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_shop_a;
    set $deploy_static /opt/django/apps/shop/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/shop/slots/b/.deploy-www;
    if (-f /opt/django/apps/shop/slots/live-b) {
        set $deploy_upstream deploy_shop_b;
        set $deploy_static /opt/django/apps/shop/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/shop/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy shop maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/shop/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_shop_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_shop_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/shop/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_shop_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }
    location @deploy_shop_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
        add_header Cache-Control $deploy_shop_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/shop/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_shop_site always;
    add_header X-Content-Type-Options $deploy_shop_nosniff always;
    add_header Referrer-Policy $deploy_shop_referrer always;
    add_header Strict-Transport-Security "max-age=31536000" always;
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
__DEPLOY_EOF_d242d74d3b4a
__begin 14
{ deploy_nginx_reload file /etc/nginx/sites-available/shop
} </dev/null

# ---- ask the running step to stop before the switch [abort, sudo -n bash -s]
# step: abort
__step=abort
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_6a5424eeec77'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_abort_request
{ deploy_abort_request /opt/django/apps/shop/deploy.decision-TOKEN
} </dev/null
__DEPLOY_EOF_6a5424eeec77

# ---- switch traffic to NEW [switch, sudo -n bash -s]
# step: switch
__step=switch
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_19596e71b1d1'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=switch
__begin 1
if ( test -e /opt/django/apps/shop/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/shop/slots/live-b
) </dev/null
__mark changed
fi
__begin 2
( deploy_follow_current /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots /opt/django/apps/shop/current
) </dev/null
__DEPLOY_EOF_19596e71b1d1
__begin 3
{ deploy_sync_config /var/lib/deploy/apps/shop/releases/NEW /opt/django/configs/apps/shop.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_31c2b73f15e4'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/current/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_31c2b73f15e4
__begin 4
{ deploy_put_program /etc/systemd/system/shop-worker.service
} <<'__DEPLOY_EOF_4cdb8342ce01'
# shop process "worker": written by deploy from templates/process.service.
# It starts in the release `current` points to; deploy and rollback restart it after the switch.
# deploy-process: shop
[Unit]
Description=shop worker (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/current
ExecStart=/opt/django/apps/shop/current/.deploy/processes/worker
Restart=always
RestartSec=1
KillSignal=SIGTERM
TimeoutStopSec=30
KillMode=mixed
SyslogIdentifier=shop-worker

[Install]
WantedBy=multi-user.target
__DEPLOY_EOF_4cdb8342ce01
__begin 5
{ deploy_put_program /etc/systemd/system/shop-clock.service
} <<'__DEPLOY_EOF_9b20bb0768ff'
# shop process "clock": written by deploy from templates/process.service.
# It starts in the release `current` points to; deploy and rollback restart it after the switch.
# deploy-process: shop
[Unit]
Description=shop clock (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/current
ExecStart=/opt/django/apps/shop/current/.deploy/processes/clock
Restart=always
RestartSec=1
KillSignal=SIGTERM
TimeoutStopSec=30
KillMode=mixed
SyslogIdentifier=shop-clock

[Install]
WantedBy=multi-user.target
__DEPLOY_EOF_9b20bb0768ff
__begin 6
{ deploy_drop_programs systemd '/etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service' /etc/systemd/system/shop-*.service
} </dev/null
__begin 7
{ deploy_update_programs systemd /etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service
} </dev/null
__begin 8
if { { deploy_units_enabled shop-worker.service shop-clock.service
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ systemctl enable --quiet shop-worker.service shop-clock.service
} </dev/null
__mark changed
fi
__begin 9
{ deploy_stop_programs shop shop-worker shop-clock
} </dev/null
__mark changed
__begin 10
{ deploy_start_processes systemd shop worker clock
} </dev/null
__mark changed
__i=11
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_92aa7effc4bd'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_release_bash deploy_hook __delete deploy_prune
__step=switch
__begin 11
( deploy_hook after_switch /opt/django/apps/shop/releases/NEW 'python manage.py notify_release'
) </dev/null
__mark changed
__begin 12
( rm -f /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 13
( deploy_prune 5 /opt/django/apps/shop/releases /opt/django/apps/shop/current /opt/django/apps/shop/slots /opt/django/virtualenvs/shop
) </dev/null
__DEPLOY_EOF_92aa7effc4bd
__begin 14
{ deploy_prune_kept /var/lib/deploy/apps/shop/releases /opt/django/apps/shop/releases
} </dev/null
__i=15
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_e37f28644178'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=switch
__begin 15
( deploy_unlock /opt/django/apps/shop/deploy.lock TOKEN
) </dev/null
__begin 16
( deploy_log /opt/django/apps/shop/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_e37f28644178

# ---- switch traffic to NEW, check through nginx [switch, sudo -n bash -s]
# step: switch
__step=switch
__begin 1
{ date +%s
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_a2e51030aebd'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=switch
__begin 2
if ( test -e /opt/django/apps/shop/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/shop/slots/live-b
) </dev/null
__mark changed
fi
__begin 3
( deploy_follow_current /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots /opt/django/apps/shop/current
) </dev/null
__DEPLOY_EOF_a2e51030aebd
__begin 4
{ deploy_check_through_nginx shop https://shop.example.com:443/ -k --resolve shop.example.com:443:127.0.0.1
} </dev/null

# ---- watch the canary for 60 s (health path, 5xx answers) [canary, sudo -n bash -s]
# step: canary
__step=canary
__begin 1
{ deploy_canary_watch shop 60 1796439600 shop https://shop.example.com:443/ -k --resolve shop.example.com:443:127.0.0.1
} </dev/null

# ---- back to the previous release [revert, sudo -n bash -s]
# step: revert
__step=revert
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_5523bd1c69d1'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=revert
__begin 1
if ( test ! -e /opt/django/apps/shop/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( rm -f /opt/django/apps/shop/slots/live-b
) </dev/null
__mark changed
fi
__begin 2
( deploy_follow_current /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots /opt/django/apps/shop/current
) </dev/null
__DEPLOY_EOF_5523bd1c69d1

# ---- stop the old slot, clean up [finish, sudo -n bash -s]
# step: finish
__step=finish
__begin 1
{ deploy_sync_config /var/lib/deploy/apps/shop/releases/NEW /opt/django/configs/apps/shop.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_31c2b73f15e4'
# shop: the app's configuration, written by `deploy shop setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = shop.example.com,www.shop.example.com,10.0.1.11,10.0.1.12,10.0.1.21,localhost,127.0.0.1
static_root = /opt/django/apps/shop/current/.deploy-www/static
media_root = /opt/django/apps/shop/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_31c2b73f15e4
__begin 2
{ deploy_put_program /etc/systemd/system/shop-worker.service
} <<'__DEPLOY_EOF_4cdb8342ce01'
# shop process "worker": written by deploy from templates/process.service.
# It starts in the release `current` points to; deploy and rollback restart it after the switch.
# deploy-process: shop
[Unit]
Description=shop worker (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/current
ExecStart=/opt/django/apps/shop/current/.deploy/processes/worker
Restart=always
RestartSec=1
KillSignal=SIGTERM
TimeoutStopSec=30
KillMode=mixed
SyslogIdentifier=shop-worker

[Install]
WantedBy=multi-user.target
__DEPLOY_EOF_4cdb8342ce01
__begin 3
{ deploy_put_program /etc/systemd/system/shop-clock.service
} <<'__DEPLOY_EOF_9b20bb0768ff'
# shop process "clock": written by deploy from templates/process.service.
# It starts in the release `current` points to; deploy and rollback restart it after the switch.
# deploy-process: shop
[Unit]
Description=shop clock (deploy)
After=network.target

[Service]
Type=simple
User=django
Group=django
Environment=HOME=/opt/django USER=django
WorkingDirectory=/opt/django/apps/shop/current
ExecStart=/opt/django/apps/shop/current/.deploy/processes/clock
Restart=always
RestartSec=1
KillSignal=SIGTERM
TimeoutStopSec=30
KillMode=mixed
SyslogIdentifier=shop-clock

[Install]
WantedBy=multi-user.target
__DEPLOY_EOF_9b20bb0768ff
__begin 4
{ deploy_drop_programs systemd '/etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service' /etc/systemd/system/shop-*.service
} </dev/null
__begin 5
{ deploy_update_programs systemd /etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service
} </dev/null
__begin 6
if { { deploy_units_enabled shop-worker.service shop-clock.service
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ systemctl enable --quiet shop-worker.service shop-clock.service
} </dev/null
__mark changed
fi
__begin 7
{ deploy_stop_programs shop shop-worker shop-clock
} </dev/null
__mark changed
__begin 8
{ deploy_start_processes systemd shop worker clock
} </dev/null
__mark changed
__i=9
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_6fe8a127ad59'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_release_bash deploy_hook __delete deploy_prune
__step=finish
__begin 9
( deploy_hook after_switch /opt/django/apps/shop/releases/NEW 'python manage.py notify_release'
) </dev/null
__mark changed
__begin 10
( rm -f /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 11
( deploy_prune 5 /opt/django/apps/shop/releases /opt/django/apps/shop/current /opt/django/apps/shop/slots /opt/django/virtualenvs/shop
) </dev/null
__DEPLOY_EOF_6fe8a127ad59
__begin 12
{ deploy_prune_kept /var/lib/deploy/apps/shop/releases /opt/django/apps/shop/releases
} </dev/null
__i=13
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_a2d8d7b53b89'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=finish
__begin 13
( deploy_unlock /opt/django/apps/shop/deploy.lock TOKEN
) </dev/null
__begin 14
( deploy_log /opt/django/apps/shop/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_a2d8d7b53b89

# ---- clean up [abandon, sudo -n bash -s]
# step: abandon
__step=abandon
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_fbe900a5f53e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_page_off
{ deploy_page_off /opt/django/apps/shop/maintenance.html '"run":"TOKEN"'
} </dev/null
__DEPLOY_EOF_fbe900a5f53e
__begin 2
{ deploy_stop_idle "$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" b shop shop-b
} </dev/null
__i=3
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_c21fab7556b2'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune deploy_abandon_release deploy_live_slot
__step=abandon
__begin 3
( deploy_abandon_release /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots
) </dev/null
__begin 4
( rm -f /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 5
( deploy_prune 5 /opt/django/apps/shop/releases /opt/django/apps/shop/current /opt/django/apps/shop/slots /opt/django/virtualenvs/shop NEW
) </dev/null
__DEPLOY_EOF_c21fab7556b2
__begin 6
{ deploy_prune_kept /var/lib/deploy/apps/shop/releases /opt/django/apps/shop/releases
} </dev/null
__i=7
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_25572ab68876'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_live_now deploy_log deploy_live_slot
__step=abandon
__begin 7
( deploy_unlock /opt/django/apps/shop/deploy.lock TOKEN
) </dev/null
__begin 8
( deploy_log /opt/django/apps/shop/deploy.log.jsonl \{\}
) </dev/null
__begin 9
( deploy_live_now /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots
) </dev/null
__DEPLOY_EOF_25572ab68876

# ---- release the lock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_2800e435d5a8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=unlock
__begin 1
( deploy_unlock /opt/django/apps/shop/deploy.lock TOKEN
) </dev/null
__begin 2
( deploy_log /opt/django/apps/shop/deploy.log.jsonl \{\}
) </dev/null
__DEPLOY_EOF_2800e435d5a8
