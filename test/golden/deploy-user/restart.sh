# restart, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- lock and read releases [inspect, bash -s]
# step: inspect
__step=inspect
__begin 1
{ deploy_require_setup /opt/django/apps/blog/releases blog
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_b65e40a5f35a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock deploy_lock_info deploy_page_left deploy_require_services deploy_require_this_version deploy_release_meta deploy_releases deploy_live_name __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=inspect
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
( deploy_releases /opt/django/apps/blog/releases
) </dev/null
__begin 10
( deploy_live_name /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" /opt/django/apps/blog/current
) </dev/null
__begin 11
( deploy_live_slot /opt/django/apps/blog/slots/live-b
) </dev/null
__begin 12
( deploy_lock_info /opt/django/apps/blog/deploy.lock
) </dev/null
__DEPLOY_EOF_b65e40a5f35a

# ---- start OLD in slot b, health check, switch traffic [start+switch, bash -s]
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
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_7d0c62d220d7'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start+switch
__begin 5
( deploy_require_venv /opt/django/apps/blog/releases/OLD
) </dev/null
__begin 6
( deploy_link_slot /opt/django/apps/blog/slots b /opt/django/apps/blog/releases/OLD 'OLD 6825a9735a64'
) </dev/null
__mark changed
__DEPLOY_EOF_7d0c62d220d7
__begin 7
{ deploy_slot_log_mark supervisor /var/log/deploy/blog/gunicorn-b.log
} </dev/null
__begin 8
{ __ctl blog start blog-b
} </dev/null
__mark changed
__begin 9
{ deploy_health_check 30 http://127.0.0.1:8051/ /var/log/deploy/blog/gunicorn-b.log 127.0.0.1:8051 -H 'Host: blog.example.org'
} </dev/null
__begin 10
{ deploy_install_site /var/lib/deploy/apps/blog/releases/OLD /etc/nginx/sites-available/blog OLD no
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
__begin 11
{ deploy_nginx_reload file /etc/nginx/sites-available/blog
} </dev/null
__i=12
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_db231b04276a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_abort_point deploy_follow_current
__step=start+switch
__begin 12
( deploy_abort_point /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 13
if ( test -e /opt/django/apps/blog/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/blog/slots/live-b
) </dev/null
__mark changed
fi
__begin 14
( deploy_follow_current /opt/django/apps/blog/slots/live-b /opt/django/apps/blog/slots /opt/django/apps/blog/current
) </dev/null
__begin 15
( touch /opt/django/apps/blog/slots/a.stopping
) </dev/null
__DEPLOY_EOF_db231b04276a
__begin 16
{ deploy_stop_in_background blog blog-a django /opt/django/apps/blog/slots/a.stopping 8050
} </dev/null
__begin 17
{ deploy_sync_config /var/lib/deploy/apps/blog/releases/OLD /opt/django/configs/apps/blog.conf django database_url,email_host_password
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
__begin 18
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/blog-process-*.conf
} </dev/null
__begin 19
{ deploy_update_programs supervisor
} </dev/null
__i=20
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_86f074cb1737'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start+switch
__begin 20
( rm -f /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 21
( deploy_unlock /opt/django/apps/blog/deploy.lock TOKEN
) </dev/null
__begin 22
( deploy_log /opt/django/apps/blog/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_86f074cb1737
