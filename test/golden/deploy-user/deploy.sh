# deploy, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- lock, fetch and resolve [prepare, bash -s]
# step: prepare
__step=prepare
__begin 1
{ deploy_require_setup /opt/django/apps/blog/repo blog
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_0ef30b1cf5c0'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_git deploy_fetch __commit_of deploy_resolve_ref deploy_lock deploy_page_left deploy_ctl_current deploy_require_services deploy_require_this_version deploy_release_meta deploy_live_fingerprint deploy_clock __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=prepare
__begin 2
( deploy_lock /opt/django/apps/blog/deploy.lock '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}'
) </dev/null
__mark changed
__begin 3
( deploy_require_services 'the site is down' nginx supervisor
) </dev/null
__begin 4
( deploy_require_this_version /opt/django/apps/blog/slots/live-b /etc/nginx/sites-available/blog /opt/django/apps/blog/slots blog
) </dev/null
__begin 5
( deploy_follow_current /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/slots /opt/django/apps/blog/current
) </dev/null
__begin 6
( deploy_clear_leftovers /opt/django/apps/blog/current /opt/django/apps/blog/slots /opt/django/apps/blog
) </dev/null
__begin 7
( deploy_finish_deletes /opt/django/apps/blog/releases /opt/django/virtualenvs/blog
) </dev/null
__begin 8
( deploy_page_left /opt/django/apps/blog/maintenance.html '"run":"'
) </dev/null
__begin 9
( deploy_fetch /opt/django/apps/blog/repo /opt/django/.ssh/id_ed25519 /opt/django/.ssh/git-%C
) </dev/null
__begin 10
( deploy_resolve_ref /opt/django/apps/blog/repo main git@github.com:example/blog.git
) </dev/null
__begin 11
( deploy_clock /opt/django/apps/blog/releases
) </dev/null
__begin 12
( deploy_live_slot /opt/django/apps/blog/slots/live-b
) </dev/null
__begin 13
( deploy_live_fingerprint /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" [redacted]
) </dev/null
__begin 14
( deploy_ctl_current c3a77d172be5d34f4c723bebde964891a17a00967d0f724c65e8fbb294f291f6 /usr/local/sbin/deploy-ctl blog
) </dev/null
__DEPLOY_EOF_0ef30b1cf5c0
__begin 15
{ deploy_ctl_conf /var/lib/deploy/apps/blog /var/lib/deploy/apps/blog/ctl.conf blog
} <<'__DEPLOY_EOF_e28a98a42122'
# blog: written by `deploy blog setup`; read by /usr/local/sbin/deploy-ctl.
manager supervisor
programs blog-a blog-b
logs /var/log/deploy/blog
site_logs /var/log/nginx/blog.access.log /var/log/nginx/blog.error.log
__DEPLOY_EOF_e28a98a42122

# ---- build release NEW [build, bash -s]
# step: build
__step=build
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_5f2077050814'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env __load_env __pip __venv_key deploy_virtualenv deploy_gunicorn __requirements_met deploy_requirements deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_reuse_static __migration_files __release_commit __print_file deploy_changes deploy_release_dir deploy_release_file deploy_release_config deploy_refresh_secrets deploy_live_slot __live_dir deploy_read deploy_read_live deploy_read_live_config deploy_read_live_env
__step=build
__begin 1
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/blog/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/blog/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/blog/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_270cf67ed0aa'
DJANGO_SETTINGS_MODULE=blog.settings.prod
APP_CONFIG_FILE=/opt/django/apps/blog/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_270cf67ed0aa
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/blog/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/blog/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_fc977eae74be'
# gunicorn settings for blog: written into each release (.deploy/gunicorn.conf.py) by
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
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/blog/shared/log, systemd to the journal.
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
__DEPLOY_EOF_fc977eae74be
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/blog/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_d3192185aed7'
# How a slot of blog starts gunicorn: written into each release (.deploy/gunicorn-start.py)
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
__DEPLOY_EOF_d3192185aed7
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/blog/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_ce5491adfe0d'
# blog: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/blog/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_blog_a {
    server 127.0.0.1:8050 max_fails=0;
    server 127.0.0.1:8051 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_blog_b {
    server 127.0.0.1:8051 max_fails=0;
    server 127.0.0.1:8050 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_blog_site {
    127.0.0.1 blog;
    ::1 blog;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_blog_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_blog_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_blog_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_blog_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_blog_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name blog.example.org;
    server_tokens off;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    location ^~ /.well-known/acme-challenge/ {
        root /var/lib/deploy/acme;
        default_type text/plain;
        try_files $uri =404;
    }

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/nginx/deploy-tls/blog/fullchain.pem;
    ssl_certificate_key /etc/nginx/deploy-tls/blog/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name blog.example.org;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_blog_a;
    set $deploy_static /opt/django/apps/blog/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/blog/slots/b/.deploy-www;
    if (-f /opt/django/apps/blog/slots/live-b) {
        set $deploy_upstream deploy_blog_b;
        set $deploy_static /opt/django/apps/blog/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/blog/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy blog maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/blog/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_blog_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_blog_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/blog/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_blog_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }
    location @deploy_blog_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/blog/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
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
__DEPLOY_EOF_ce5491adfe0d
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/blog.conf blog /opt/django/apps/blog/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_6ffeb83b8eb0'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6ffeb83b8eb0
__mark changed
__begin 9
( deploy_refresh_secrets /opt/django/apps/blog/releases database_url,email_host_password
) <<'__DEPLOY_EOF_36d1eadbf824'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/current/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_36d1eadbf824
__begin 10
if ( test -f /opt/django/apps/blog/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_virtualenv /opt/django/apps/blog/releases/NEW /opt/django/virtualenvs/blog python3 false
) </dev/null
__mark changed
fi
__begin 11
if ( /opt/django/apps/blog/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_gunicorn /opt/django/apps/blog/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 12
if ( test -f /opt/django/apps/blog/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_requirements /opt/django/apps/blog/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 13
( deploy_changes /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" /opt/django/apps/blog/repo yes
) </dev/null
__begin 14
( deploy_read_live /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy/gunicorn.conf.py /opt/django/apps/blog/gunicorn.conf.py
) </dev/null
__begin 15
( deploy_read_live /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy/gunicorn-start.py
) </dev/null
__begin 16
( deploy_read_live_config /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy/app.conf /opt/django/configs/apps/blog.conf
) </dev/null
__begin 17
( deploy_read_live_env /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy-env
) </dev/null
__begin 18
( deploy_read /etc/nginx/sites-available/blog
) </dev/null
__begin 19
( deploy_read /etc/supervisor/conf.d/blog-a.conf
) </dev/null
__begin 20
( deploy_read /etc/supervisor/conf.d/blog-b.conf
) </dev/null
__begin 21
if ( deploy_django_same /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/blog/releases/NEW "c('collectstatic', interactive=False, verbosity=1)" "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 22
( deploy_reuse_static /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"
) </dev/null
__begin 23
( deploy_django_record /opt/django/apps/blog/releases/NEW
) </dev/null
__begin 24
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/blog/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_5f2077050814

# ---- build release NEW [build-asking, bash -s]
# step: build-asking
__step=build-asking
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_c06e621c650a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env __load_env __pip __venv_key deploy_virtualenv deploy_gunicorn __requirements_met deploy_requirements deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_reuse_static __migration_files __release_commit __print_file deploy_changes deploy_release_dir deploy_release_file deploy_release_config deploy_refresh_secrets deploy_live_slot __live_dir deploy_read deploy_read_live deploy_read_live_config deploy_read_live_env
__step=build-asking
__begin 1
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/blog/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/blog/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/blog/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_270cf67ed0aa'
DJANGO_SETTINGS_MODULE=blog.settings.prod
APP_CONFIG_FILE=/opt/django/apps/blog/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_270cf67ed0aa
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/blog/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/blog/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_fc977eae74be'
# gunicorn settings for blog: written into each release (.deploy/gunicorn.conf.py) by
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
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/blog/shared/log, systemd to the journal.
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
__DEPLOY_EOF_fc977eae74be
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/blog/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_d3192185aed7'
# How a slot of blog starts gunicorn: written into each release (.deploy/gunicorn-start.py)
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
__DEPLOY_EOF_d3192185aed7
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/blog/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_ce5491adfe0d'
# blog: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/blog/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_blog_a {
    server 127.0.0.1:8050 max_fails=0;
    server 127.0.0.1:8051 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_blog_b {
    server 127.0.0.1:8051 max_fails=0;
    server 127.0.0.1:8050 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_blog_site {
    127.0.0.1 blog;
    ::1 blog;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_blog_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_blog_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_blog_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_blog_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_blog_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name blog.example.org;
    server_tokens off;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    location ^~ /.well-known/acme-challenge/ {
        root /var/lib/deploy/acme;
        default_type text/plain;
        try_files $uri =404;
    }

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/nginx/deploy-tls/blog/fullchain.pem;
    ssl_certificate_key /etc/nginx/deploy-tls/blog/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name blog.example.org;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_blog_a;
    set $deploy_static /opt/django/apps/blog/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/blog/slots/b/.deploy-www;
    if (-f /opt/django/apps/blog/slots/live-b) {
        set $deploy_upstream deploy_blog_b;
        set $deploy_static /opt/django/apps/blog/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/blog/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy blog maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/blog/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_blog_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_blog_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/blog/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_blog_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }
    location @deploy_blog_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/blog/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
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
__DEPLOY_EOF_ce5491adfe0d
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/blog.conf blog /opt/django/apps/blog/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_6ffeb83b8eb0'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6ffeb83b8eb0
__mark changed
__begin 9
( deploy_refresh_secrets /opt/django/apps/blog/releases database_url,email_host_password
) <<'__DEPLOY_EOF_36d1eadbf824'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/current/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_36d1eadbf824
__begin 10
if ( test -f /opt/django/apps/blog/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_virtualenv /opt/django/apps/blog/releases/NEW /opt/django/virtualenvs/blog python3 false
) </dev/null
__mark changed
fi
__begin 11
if ( /opt/django/apps/blog/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_gunicorn /opt/django/apps/blog/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 12
if ( test -f /opt/django/apps/blog/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_requirements /opt/django/apps/blog/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 13
( deploy_changes /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" /opt/django/apps/blog/repo yes
) </dev/null
__begin 14
( deploy_read_live /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy/gunicorn.conf.py /opt/django/apps/blog/gunicorn.conf.py
) </dev/null
__begin 15
( deploy_read_live /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy/gunicorn-start.py
) </dev/null
__begin 16
( deploy_read_live_config /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy/app.conf /opt/django/configs/apps/blog.conf
) </dev/null
__begin 17
( deploy_read_live_env /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy-env
) </dev/null
__begin 18
( deploy_read /etc/nginx/sites-available/blog
) </dev/null
__begin 19
( deploy_read /etc/supervisor/conf.d/blog-a.conf
) </dev/null
__begin 20
( deploy_read /etc/supervisor/conf.d/blog-b.conf
) </dev/null
__begin 21
if ( deploy_django_same /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/blog/releases/NEW "c('collectstatic', interactive=False, verbosity=1)"
) </dev/null
__mark changed
fi
__begin 22
( deploy_reuse_static /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"
) </dev/null
__DEPLOY_EOF_c06e621c650a

# ---- migrate and complete release NEW [migrate, bash -s]
# step: migrate
__step=migrate
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_67b2f048e078'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_live_slot
__step=migrate
__begin 1
if ( deploy_django_same /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/blog/releases/NEW "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 2
( deploy_django_record /opt/django/apps/blog/releases/NEW
) </dev/null
__begin 3
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/blog/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_67b2f048e078

# ---- build release NEW: its files [build, bash -s]
# step: build
__step=build
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_26c57c2933b4'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_check_submodules deploy_export deploy_finish_export deploy_write_env __venv_key deploy_venv_state deploy_release_dir deploy_release_file deploy_release_config deploy_refresh_secrets
__step=build
__begin 1
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_export /opt/django/apps/blog/repo cccccccccccccccccccccccccccccccccccccccc /opt/django/apps/blog/releases/NEW main
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_finish_export /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/shared
) <<'__DEPLOY_EOF_08265a8fad24'
{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","source":"git","fingerprint":""}
__DEPLOY_EOF_08265a8fad24
__mark changed
fi
__begin 3
( deploy_write_env /opt/django/apps/blog/releases/NEW/.deploy-env
) <<'__DEPLOY_EOF_270cf67ed0aa'
DJANGO_SETTINGS_MODULE=blog.settings.prod
APP_CONFIG_FILE=/opt/django/apps/blog/releases/NEW/.deploy/app.conf
__DEPLOY_EOF_270cf67ed0aa
__mark changed
__begin 4
( deploy_release_dir /opt/django/apps/blog/releases/NEW/.deploy
) </dev/null
__mark changed
__begin 5
( deploy_release_file /opt/django/apps/blog/releases/NEW/.deploy/gunicorn.conf.py 0640
) <<'__DEPLOY_EOF_fc977eae74be'
# gunicorn settings for blog: written into each release (.deploy/gunicorn.conf.py) by
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
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/blog/shared/log, systemd to the journal.
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
__DEPLOY_EOF_fc977eae74be
__mark changed
__begin 6
( deploy_release_file /opt/django/apps/blog/releases/NEW/.deploy/gunicorn-start.py 0640
) <<'__DEPLOY_EOF_d3192185aed7'
# How a slot of blog starts gunicorn: written into each release (.deploy/gunicorn-start.py)
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
__DEPLOY_EOF_d3192185aed7
__mark changed
__begin 7
( deploy_release_file /opt/django/apps/blog/releases/NEW/.deploy/nginx.conf 0640
) <<'__DEPLOY_EOF_ce5491adfe0d'
# blog: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/blog/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_blog_a {
    server 127.0.0.1:8050 max_fails=0;
    server 127.0.0.1:8051 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_blog_b {
    server 127.0.0.1:8051 max_fails=0;
    server 127.0.0.1:8050 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_blog_site {
    127.0.0.1 blog;
    ::1 blog;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_blog_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_blog_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_blog_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_blog_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_blog_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name blog.example.org;
    server_tokens off;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    location ^~ /.well-known/acme-challenge/ {
        root /var/lib/deploy/acme;
        default_type text/plain;
        try_files $uri =404;
    }

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/nginx/deploy-tls/blog/fullchain.pem;
    ssl_certificate_key /etc/nginx/deploy-tls/blog/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name blog.example.org;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_blog_a;
    set $deploy_static /opt/django/apps/blog/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/blog/slots/b/.deploy-www;
    if (-f /opt/django/apps/blog/slots/live-b) {
        set $deploy_upstream deploy_blog_b;
        set $deploy_static /opt/django/apps/blog/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/blog/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy blog maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/blog/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_blog_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_blog_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/blog/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_blog_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }
    location @deploy_blog_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/blog/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
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
__DEPLOY_EOF_ce5491adfe0d
__mark changed
__begin 8
( deploy_release_config /opt/django/configs/apps/blog.conf blog /opt/django/apps/blog/releases/NEW/.deploy/app.conf
) <<'__DEPLOY_EOF_6ffeb83b8eb0'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6ffeb83b8eb0
__mark changed
__begin 9
( deploy_refresh_secrets /opt/django/apps/blog/releases database_url,email_host_password
) <<'__DEPLOY_EOF_36d1eadbf824'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/current/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_36d1eadbf824
__begin 10
( deploy_venv_state /opt/django/apps/blog/releases/NEW /opt/django/virtualenvs/blog python3 false
) </dev/null
__DEPLOY_EOF_26c57c2933b4

# ---- build release NEW: its environment, static files and migrations [build-env, bash -s]
# step: build-env
__step=build-env
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_510e318bd6e0'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env __pip __venv_key deploy_virtualenv deploy_gunicorn __requirements_met deploy_requirements deploy_manage deploy_django __django_inputs deploy_django_same deploy_django_record deploy_reuse_static __migration_files __release_commit __print_file deploy_changes deploy_live_slot __live_dir deploy_read deploy_read_live deploy_read_live_config deploy_read_live_env
__step=build-env
__begin 1
if ( test -f /opt/django/apps/blog/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_virtualenv /opt/django/apps/blog/releases/NEW /opt/django/virtualenvs/blog python3 false
) </dev/null
__mark changed
fi
__begin 2
if ( /opt/django/apps/blog/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_gunicorn /opt/django/apps/blog/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 3
if ( test -f /opt/django/apps/blog/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_requirements /opt/django/apps/blog/releases/NEW python3
) </dev/null
__mark changed
fi
__begin 4
( deploy_changes /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" /opt/django/apps/blog/repo yes
) </dev/null
__begin 5
( deploy_read_live /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy/gunicorn.conf.py /opt/django/apps/blog/gunicorn.conf.py
) </dev/null
__begin 6
( deploy_read_live /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy/gunicorn-start.py
) </dev/null
__begin 7
( deploy_read_live_config /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy/app.conf /opt/django/configs/apps/blog.conf
) </dev/null
__begin 8
( deploy_read_live_env /opt/django/apps/blog/slots /opt/django/apps/blog/slots/live-b .deploy-env
) </dev/null
__begin 9
( deploy_read /etc/nginx/sites-available/blog
) </dev/null
__begin 10
( deploy_read /etc/supervisor/conf.d/blog-a.conf
) </dev/null
__begin 11
( deploy_read /etc/supervisor/conf.d/blog-b.conf
) </dev/null
__begin 12
if ( deploy_django_same /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" static
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( deploy_django /opt/django/apps/blog/releases/NEW "c('collectstatic', interactive=False, verbosity=1)" "c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 13
( deploy_reuse_static /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"
) </dev/null
__begin 14
( deploy_django_record /opt/django/apps/blog/releases/NEW
) </dev/null
__begin 15
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/blog/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_510e318bd6e0

# ---- fetch the environment it built (/opt/django/virtualenvs/blog/0123456789abcdef) to send it to the other hosts [send-environment, bash -s]
# step: send-environment
__step=send-environment
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_4755df983968'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_send_venv
{ deploy_send_venv /opt/django/virtualenvs/blog/0123456789abcdef
} </dev/null
__DEPLOY_EOF_4755df983968

# ---- receive the environment built on ubuntu@primary (121 kB), instead of building it here [receive-environment, bash -s]
# step: receive-environment
__step=receive-environment
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_d730d8fc8c04'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_receive_venv
{ deploy_receive_venv /opt/django/virtualenvs/blog/0123456789abcdef eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ubuntu@primary
} </dev/null
__DEPLOY_EOF_d730d8fc8c04
__mark changed

# ---- run once in NEW [run-once, bash -s]
# step: run-once
__step=run-once


# ---- start NEW in slot b, health check, switch traffic [start+switch, bash -s]
# step: start+switch
__step=start+switch
__begin 1
{ deploy_program_file /etc/supervisor/conf.d/blog-b.conf
} <<'__DEPLOY_EOF_f81471ab9e60'
; blog gunicorn, slot b: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:blog-b]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/blog/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$r" --config "$c" --bind 127.0.0.1:8051 blog.wsgi:application'
directory=/opt/django/apps/blog/slots/b
user=django
environment=HOME="/opt/django",USER="django"
; Not started by supervisord itself: deploy-blog-boot.service starts only the live slot
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
stdout_logfile=/var/log/deploy/blog/gunicorn-b.log
; Rotated by logrotate (templates/logrotate.conf), not by supervisor: one rotation for every log.
stdout_logfile_maxbytes=0
stdout_logfile_backups=0
__DEPLOY_EOF_f81471ab9e60
__begin 2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_c510bec2fee8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_wait_stopped
{ deploy_wait_stopped /opt/django/apps/blog/slots/b.stopping 45
} </dev/null
__DEPLOY_EOF_c510bec2fee8
__begin 3
{ deploy_stop_programs blog blog-b
} </dev/null
__begin 4
{ deploy_require_free 127.0.0.1:8051 b
} </dev/null
__i=5
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_a0e37268a682'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start+switch
__begin 5
( deploy_require_venv /opt/django/apps/blog/releases/NEW
) </dev/null
__begin 6
( deploy_link_slot /opt/django/apps/blog/slots b /opt/django/apps/blog/releases/NEW 'NEW 6825a9735a64'
) </dev/null
__mark changed
__DEPLOY_EOF_a0e37268a682
__begin 7
{ deploy_slot_log_mark supervisor /var/log/deploy/blog/gunicorn-b.log
} </dev/null
__begin 8
{ __ctl blog start blog-b
} </dev/null
__mark changed
__begin 9
{ deploy_keep_file /var/lib/deploy/apps/blog/releases/NEW/nginx.conf
} <<'__DEPLOY_EOF_ce5491adfe0d'
# blog: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/blog/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_blog_a {
    server 127.0.0.1:8050 max_fails=0;
    server 127.0.0.1:8051 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_blog_b {
    server 127.0.0.1:8051 max_fails=0;
    server 127.0.0.1:8050 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_blog_site {
    127.0.0.1 blog;
    ::1 blog;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_blog_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_blog_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_blog_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_blog_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_blog_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name blog.example.org;
    server_tokens off;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    location ^~ /.well-known/acme-challenge/ {
        root /var/lib/deploy/acme;
        default_type text/plain;
        try_files $uri =404;
    }

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/nginx/deploy-tls/blog/fullchain.pem;
    ssl_certificate_key /etc/nginx/deploy-tls/blog/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name blog.example.org;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_blog_a;
    set $deploy_static /opt/django/apps/blog/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/blog/slots/b/.deploy-www;
    if (-f /opt/django/apps/blog/slots/live-b) {
        set $deploy_upstream deploy_blog_b;
        set $deploy_static /opt/django/apps/blog/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/blog/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy blog maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/blog/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_blog_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_blog_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/blog/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_blog_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }
    location @deploy_blog_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/blog/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
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
__DEPLOY_EOF_ce5491adfe0d
__begin 10
{ deploy_keep_file /var/lib/deploy/apps/blog/releases/NEW/app.conf
} <<'__DEPLOY_EOF_6ffeb83b8eb0'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6ffeb83b8eb0
__begin 11
{ deploy_keep_sums /var/lib/deploy/apps/blog/releases/NEW nginx.conf app.conf
} </dev/null
__begin 12
{ deploy_health_check 30 http://127.0.0.1:8051/ /var/log/deploy/blog/gunicorn-b.log 127.0.0.1:8051 -H 'Host: blog.example.org'
} </dev/null
__begin 13
{ deploy_install_site /var/lib/deploy/apps/blog/releases/NEW /etc/nginx/sites-available/blog NEW yes
} <<'__DEPLOY_EOF_ce5491adfe0d'
# blog: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/blog/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_blog_a {
    server 127.0.0.1:8050 max_fails=0;
    server 127.0.0.1:8051 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_blog_b {
    server 127.0.0.1:8051 max_fails=0;
    server 127.0.0.1:8050 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_blog_site {
    127.0.0.1 blog;
    ::1 blog;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_blog_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_blog_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_blog_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_blog_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_blog_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name blog.example.org;
    server_tokens off;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    location ^~ /.well-known/acme-challenge/ {
        root /var/lib/deploy/acme;
        default_type text/plain;
        try_files $uri =404;
    }

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/nginx/deploy-tls/blog/fullchain.pem;
    ssl_certificate_key /etc/nginx/deploy-tls/blog/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name blog.example.org;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_blog_a;
    set $deploy_static /opt/django/apps/blog/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/blog/slots/b/.deploy-www;
    if (-f /opt/django/apps/blog/slots/live-b) {
        set $deploy_upstream deploy_blog_b;
        set $deploy_static /opt/django/apps/blog/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/blog/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy blog maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/blog/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_blog_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_blog_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/blog/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_blog_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }
    location @deploy_blog_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/blog/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
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
__DEPLOY_EOF_ce5491adfe0d
__begin 14
{ deploy_nginx_reload file /etc/nginx/sites-available/blog
} </dev/null
__i=15
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_372af1c2dddd'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_abort_point deploy_follow_current
__step=start+switch
__begin 15
( deploy_abort_point /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 16
if ( test -e /opt/django/apps/blog/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/blog/slots/live-b
) </dev/null
__mark changed
fi
__begin 17
( deploy_follow_current /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/slots /opt/django/apps/blog/current
) </dev/null
__DEPLOY_EOF_372af1c2dddd
__begin 18
{ deploy_sync_config /var/lib/deploy/apps/blog/releases/NEW /opt/django/configs/apps/blog.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_36d1eadbf824'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/current/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_36d1eadbf824
__begin 19
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/blog-process-*.conf
} </dev/null
__begin 20
{ deploy_update_programs supervisor
} </dev/null
__i=21
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_192dba7a2665'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune
__step=start+switch
__begin 21
( rm -f /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 22
( deploy_prune 5 /opt/django/apps/blog/releases /opt/django/apps/blog/current /opt/django/apps/blog/slots /opt/django/virtualenvs/blog
) </dev/null
__DEPLOY_EOF_192dba7a2665
__begin 23
{ deploy_prune_kept /var/lib/deploy/apps/blog/releases /opt/django/apps/blog/releases
} </dev/null
__i=24
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_f815704fe6c0'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start+switch
__begin 24
( deploy_unlock /opt/django/apps/blog/deploy.lock TOKEN
) </dev/null
__begin 25
( deploy_log /opt/django/apps/blog/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_f815704fe6c0

# ---- start NEW in slot b, health check [start, bash -s]
# step: start
__step=start
__begin 1
{ deploy_program_file /etc/supervisor/conf.d/blog-b.conf
} <<'__DEPLOY_EOF_f81471ab9e60'
; blog gunicorn, slot b: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:blog-b]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/blog/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$r" --config "$c" --bind 127.0.0.1:8051 blog.wsgi:application'
directory=/opt/django/apps/blog/slots/b
user=django
environment=HOME="/opt/django",USER="django"
; Not started by supervisord itself: deploy-blog-boot.service starts only the live slot
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
stdout_logfile=/var/log/deploy/blog/gunicorn-b.log
; Rotated by logrotate (templates/logrotate.conf), not by supervisor: one rotation for every log.
stdout_logfile_maxbytes=0
stdout_logfile_backups=0
__DEPLOY_EOF_f81471ab9e60
__begin 2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_c510bec2fee8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_wait_stopped
{ deploy_wait_stopped /opt/django/apps/blog/slots/b.stopping 45
} </dev/null
__DEPLOY_EOF_c510bec2fee8
__begin 3
{ deploy_stop_programs blog blog-b
} </dev/null
__begin 4
{ deploy_require_free 127.0.0.1:8051 b
} </dev/null
__i=5
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_714df38fafde'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start
__begin 5
( deploy_require_venv /opt/django/apps/blog/releases/NEW
) </dev/null
__begin 6
( deploy_link_slot /opt/django/apps/blog/slots b /opt/django/apps/blog/releases/NEW 'NEW 6825a9735a64'
) </dev/null
__mark changed
__DEPLOY_EOF_714df38fafde
__begin 7
{ deploy_slot_log_mark supervisor /var/log/deploy/blog/gunicorn-b.log
} </dev/null
__begin 8
{ __ctl blog start blog-b
} </dev/null
__mark changed
__begin 9
{ deploy_keep_file /var/lib/deploy/apps/blog/releases/NEW/nginx.conf
} <<'__DEPLOY_EOF_ce5491adfe0d'
# blog: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/blog/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_blog_a {
    server 127.0.0.1:8050 max_fails=0;
    server 127.0.0.1:8051 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_blog_b {
    server 127.0.0.1:8051 max_fails=0;
    server 127.0.0.1:8050 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_blog_site {
    127.0.0.1 blog;
    ::1 blog;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_blog_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_blog_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_blog_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_blog_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_blog_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name blog.example.org;
    server_tokens off;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    location ^~ /.well-known/acme-challenge/ {
        root /var/lib/deploy/acme;
        default_type text/plain;
        try_files $uri =404;
    }

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/nginx/deploy-tls/blog/fullchain.pem;
    ssl_certificate_key /etc/nginx/deploy-tls/blog/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name blog.example.org;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_blog_a;
    set $deploy_static /opt/django/apps/blog/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/blog/slots/b/.deploy-www;
    if (-f /opt/django/apps/blog/slots/live-b) {
        set $deploy_upstream deploy_blog_b;
        set $deploy_static /opt/django/apps/blog/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/blog/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy blog maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/blog/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_blog_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_blog_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/blog/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_blog_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }
    location @deploy_blog_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/blog/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
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
__DEPLOY_EOF_ce5491adfe0d
__begin 10
{ deploy_keep_file /var/lib/deploy/apps/blog/releases/NEW/app.conf
} <<'__DEPLOY_EOF_6ffeb83b8eb0'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/releases/NEW/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_6ffeb83b8eb0
__begin 11
{ deploy_keep_sums /var/lib/deploy/apps/blog/releases/NEW nginx.conf app.conf
} </dev/null
__begin 12
{ deploy_health_check 30 http://127.0.0.1:8051/ /var/log/deploy/blog/gunicorn-b.log 127.0.0.1:8051 -H 'Host: blog.example.org'
} </dev/null
__begin 13
{ deploy_install_site /var/lib/deploy/apps/blog/releases/NEW /etc/nginx/sites-available/blog NEW yes
} <<'__DEPLOY_EOF_ce5491adfe0d'
# blog: nginx site written by deploy from templates/nginx.conf.
#
# Both gunicorn slots are declared below. Which one gets traffic is decided on every
# request by one file, /opt/django/apps/blog/slots/live-b: present, slot b; absent, slot a.
# A deploy or rollback switches traffic by creating or removing that file (no reload), so
# whatever moment a run is interrupted at, nginx and the server's state agree.
# Each slot is the other's backup: a request that reaches a slot which has just stopped
# (connection refused) is retried on the other one instead of failing.
upstream deploy_blog_a {
    server 127.0.0.1:8050 max_fails=0;
    server 127.0.0.1:8051 max_fails=0 backup;
    keepalive 16;
}
upstream deploy_blog_b {
    server 127.0.0.1:8051 max_fails=0;
    server 127.0.0.1:8050 max_fails=0 backup;
    keepalive 16;
}

# Requests from the server itself get an X-Deploy-Site header: setup checks with it that nginx
# really answers through this site (not a default page left by a config not yet reloaded).
map $remote_addr $deploy_blog_site {
    127.0.0.1 blog;
    ::1 blog;
    default "";
}

# Security headers the app did not set itself (an empty value adds no header): the app's own win.
map $upstream_http_x_content_type_options $deploy_blog_nosniff {
    "" nosniff;
    default "";
}
map $upstream_http_referrer_policy $deploy_blog_referrer {
    "" strict-origin-when-cross-origin;
    default "";
}

# Static files with a content hash in their name (Django's ManifestStaticFilesStorage:
# name.0123456789ab.css) never change: browsers may keep them for a year without asking.
map $uri $deploy_blog_static_cache {
    "~\.[0-9a-f]{12}\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";
    default "public, max-age=604800";
}

# What the maintenance page never hides: the health check, ACME challenges, the page itself.
# A health path of / is the home page: then only the server's own checks get past the page.
# volatile: a map's value is otherwise kept for the whole request, so after error_page's
# redirect to the page $uri would still count as hidden, and the page would get a 503 itself.
map $uri $deploy_blog_open {
    volatile;
    "~^/\.well-known/acme-challenge/" 1;
    /.deploy-maintenance.html 1;
    default "";
}
map "$remote_addr $uri" $deploy_blog_local_health {
    "127.0.0.1 /" 1;
    "::1 /" 1;
    default "";
}

# Plain HTTP only redirects to HTTPS, but for ACME's HTTP-01 challenges (certificate renewal).
server {
    listen 80;
    listen [::]:80;
    server_name blog.example.org;
    server_tokens off;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    location ^~ /.well-known/acme-challenge/ {
        root /var/lib/deploy/acme;
        default_type text/plain;
        try_files $uri =404;
    }

    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    ssl_certificate /etc/nginx/deploy-tls/blog/fullchain.pem;
    ssl_certificate_key /etc/nginx/deploy-tls/blog/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:deploy_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;
    server_name blog.example.org;
    server_tokens off;
    client_max_body_size 25m;

    add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
    access_log /var/log/nginx/blog.access.log;
    error_log /var/log/nginx/blog.error.log;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/xml application/rss+xml image/svg+xml;

    # The switch file must be looked at on every request, never cached. It decides the slot that
    # answers and the static files served: each release's own, collected into it.
    open_file_cache off;
    set $deploy_upstream deploy_blog_a;
    set $deploy_static /opt/django/apps/blog/slots/a/.deploy-www;
    set $deploy_static_previous /opt/django/apps/blog/slots/b/.deploy-www;
    if (-f /opt/django/apps/blog/slots/live-b) {
        set $deploy_upstream deploy_blog_b;
        set $deploy_static /opt/django/apps/blog/slots/b/.deploy-www;
        set $deploy_static_previous /opt/django/apps/blog/slots/a/.deploy-www;
    }

    # Maintenance mode: the page exists (deploy blog maintenance on), every request but the
    # open ones gets it with a 503.
    set $deploy_maintenance "";
    if (-f /opt/django/apps/blog/maintenance.html) {
        set $deploy_maintenance 1;
    }
    if ($deploy_blog_open) {
        set $deploy_maintenance "";
    }
    if ($deploy_blog_local_health) {
        set $deploy_maintenance "";
    }
    if ($deploy_maintenance) {
        return 503;
    }
    error_page 503 /.deploy-maintenance.html;
    location = /.deploy-maintenance.html {
        internal;
        alias /opt/django/apps/blog/maintenance.html;
        default_type text/html;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Retry-After 300 always;
        add_header Cache-Control "no-store" always;
    }

    # The live release's static files; a page the previous release served just before a switch
    # may still ask for its own (another hashed name): the other slot's release has them.
    location /static/ {
        root $deploy_static;
        try_files $uri @deploy_blog_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }
    location @deploy_blog_static_previous {
        root $deploy_static_previous;
        access_log off;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
        add_header Cache-Control $deploy_blog_static_cache always;
    }

    # Uploads are data: served as files, never passed to the app or run; a page or script
    # among them is sandboxed (no scripts, no same-origin access) and never content-sniffed.
    location /media/ {
        alias /opt/django/apps/blog/shared/media/;
        default_type application/octet-stream;
        add_header X-Deploy-Site $deploy_blog_site always;
    add_header X-Content-Type-Options $deploy_blog_nosniff always;
    add_header Referrer-Policy $deploy_blog_referrer always;
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
__DEPLOY_EOF_ce5491adfe0d
__begin 14
{ deploy_nginx_reload file /etc/nginx/sites-available/blog
} </dev/null

# ---- ask the running step to stop before the switch [abort, bash -s]
# step: abort
__step=abort
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_40cffa3a1df3'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_abort_request
{ deploy_abort_request /opt/django/apps/blog/deploy.decision-TOKEN
} </dev/null
__DEPLOY_EOF_40cffa3a1df3

# ---- switch traffic to NEW [switch, bash -s]
# step: switch
__step=switch
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_4389373e55fe'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=switch
__begin 1
if ( test -e /opt/django/apps/blog/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/blog/slots/live-b
) </dev/null
__mark changed
fi
__begin 2
( deploy_follow_current /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/slots /opt/django/apps/blog/current
) </dev/null
__DEPLOY_EOF_4389373e55fe
__begin 3
{ deploy_sync_config /var/lib/deploy/apps/blog/releases/NEW /opt/django/configs/apps/blog.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_36d1eadbf824'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/current/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_36d1eadbf824
__begin 4
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/blog-process-*.conf
} </dev/null
__begin 5
{ deploy_update_programs supervisor
} </dev/null
__i=6
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_50bfd3b323f3'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune
__step=switch
__begin 6
( rm -f /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 7
( deploy_prune 5 /opt/django/apps/blog/releases /opt/django/apps/blog/current /opt/django/apps/blog/slots /opt/django/virtualenvs/blog
) </dev/null
__DEPLOY_EOF_50bfd3b323f3
__begin 8
{ deploy_prune_kept /var/lib/deploy/apps/blog/releases /opt/django/apps/blog/releases
} </dev/null
__i=9
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_e101bfda6c9d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=switch
__begin 9
( deploy_unlock /opt/django/apps/blog/deploy.lock TOKEN
) </dev/null
__begin 10
( deploy_log /opt/django/apps/blog/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_e101bfda6c9d

# ---- switch traffic to NEW, check through nginx [switch, bash -s]
# step: switch
__step=switch
__begin 1
{ date +%s
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_b06d9094d114'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=switch
__begin 2
if ( test -e /opt/django/apps/blog/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/blog/slots/live-b
) </dev/null
__mark changed
fi
__begin 3
( deploy_follow_current /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/slots /opt/django/apps/blog/current
) </dev/null
__DEPLOY_EOF_b06d9094d114
__begin 4
{ deploy_check_through_nginx blog https://blog.example.org:443/ -k --resolve blog.example.org:443:127.0.0.1
} </dev/null

# ---- watch the canary for 60 s (health path, 5xx answers) [canary, bash -s]
# step: canary
__step=canary
__begin 1
{ deploy_canary_watch blog 60 1796439600 blog https://blog.example.org:443/ -k --resolve blog.example.org:443:127.0.0.1
} </dev/null

# ---- back to the previous release [revert, bash -s]
# step: revert
__step=revert
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_c14370520547'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_follow_current
__step=revert
__begin 1
if ( test ! -e /opt/django/apps/blog/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( rm -f /opt/django/apps/blog/slots/live-b
) </dev/null
__mark changed
fi
__begin 2
( deploy_follow_current /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/slots /opt/django/apps/blog/current
) </dev/null
__DEPLOY_EOF_c14370520547

# ---- stop the old slot, clean up [finish, bash -s]
# step: finish
__step=finish
__begin 1
{ deploy_sync_config /var/lib/deploy/apps/blog/releases/NEW /opt/django/configs/apps/blog.conf django database_url,email_host_password
} <<'__DEPLOY_EOF_36d1eadbf824'
# blog: the app's configuration, written by `deploy blog setup`.
# Readable only by root and django. Edit settings.ini and run setup again
# rather than editing this file: setup rewrites it when its content changes.
# secret_key was generated once on this server and is kept by every later setup:
# changing it logs every user out and invalidates signed data.
[django]
secret_key = @@SECRET_KEY@@
debug = False
allowed_hosts = blog.example.org,203.0.113.10,localhost,127.0.0.1
static_root = /opt/django/apps/blog/current/.deploy-www/static
media_root = /opt/django/apps/blog/shared/media
database_url = [redacted]

[email]
default_from_email = 
email_host = 
email_host_password = [redacted]
email_host_user = 
email_port = 
email_use_tls = 
email_use_ssl = 
__DEPLOY_EOF_36d1eadbf824
__begin 2
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/blog-process-*.conf
} </dev/null
__begin 3
{ deploy_update_programs supervisor
} </dev/null
__i=4
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_6c2970a70721'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune
__step=finish
__begin 4
( rm -f /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 5
( deploy_prune 5 /opt/django/apps/blog/releases /opt/django/apps/blog/current /opt/django/apps/blog/slots /opt/django/virtualenvs/blog
) </dev/null
__DEPLOY_EOF_6c2970a70721
__begin 6
{ deploy_prune_kept /var/lib/deploy/apps/blog/releases /opt/django/apps/blog/releases
} </dev/null
__i=7
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_18b95e1c8b9c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=finish
__begin 7
( deploy_unlock /opt/django/apps/blog/deploy.lock TOKEN
) </dev/null
__begin 8
( deploy_log /opt/django/apps/blog/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_18b95e1c8b9c

# ---- clean up [abandon, bash -s]
# step: abandon
__step=abandon
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_b5c4abf1e78b'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_page_off
{ deploy_page_off /opt/django/apps/blog/maintenance.html '"run":"TOKEN"'
} </dev/null
__DEPLOY_EOF_b5c4abf1e78b
__begin 2
{ deploy_stop_idle "$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" b blog blog-b
} </dev/null
__i=3
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_f03570c61346'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune deploy_abandon_release deploy_live_slot
__step=abandon
__begin 3
( deploy_abandon_release /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/slots
) </dev/null
__begin 4
( rm -f /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 5
( deploy_prune 5 /opt/django/apps/blog/releases /opt/django/apps/blog/current /opt/django/apps/blog/slots /opt/django/virtualenvs/blog NEW
) </dev/null
__DEPLOY_EOF_f03570c61346
__begin 6
{ deploy_prune_kept /var/lib/deploy/apps/blog/releases /opt/django/apps/blog/releases
} </dev/null
__i=7
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_eeb4c5f90e5e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_live_now deploy_log deploy_live_slot
__step=abandon
__begin 7
( deploy_unlock /opt/django/apps/blog/deploy.lock TOKEN
) </dev/null
__begin 8
( deploy_log /opt/django/apps/blog/deploy.log.jsonl \{\}
) </dev/null
__begin 9
( deploy_live_now /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/slots
) </dev/null
__DEPLOY_EOF_eeb4c5f90e5e

# ---- release the lock [unlock, bash -s]
# step: unlock
__step=unlock
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_5bc6c66c3284'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=unlock
__begin 1
( deploy_unlock /opt/django/apps/blog/deploy.lock TOKEN
) </dev/null
__begin 2
( deploy_log /opt/django/apps/blog/deploy.log.jsonl \{\}
) </dev/null
__DEPLOY_EOF_5bc6c66c3284
