# rollback, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- lock and read releases [inspect, sudo -n bash -s]
# step: inspect
__step=inspect
__begin 1
{ deploy_require_setup /opt/django/apps/NOME_APP/releases NOME_APP
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_4d90d0e89459'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __load_env deploy_manage __migration_files __release_commit __print_file deploy_changes deploy_leaving deploy_leaving_previous deploy_lock deploy_lock_info deploy_page_left __accepts __addr_in_use deploy_require_services deploy_require_this_version deploy_release_meta deploy_releases deploy_live_name __delete deploy_finish_deletes deploy_live_slot deploy_idle_record deploy_follow_current deploy_clear_leftovers
__step=inspect
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
( deploy_releases /opt/django/apps/NOME_APP/releases
) </dev/null
__begin 10
( deploy_live_name /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" /opt/django/apps/NOME_APP/current
) </dev/null
__begin 11
( deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__begin 12
( deploy_lock_info /opt/django/apps/NOME_APP/deploy.lock
) </dev/null
__begin 13
( deploy_leaving_previous /opt/django/apps/NOME_APP/releases /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" /opt/django/apps/NOME_APP/repo
) </dev/null
__begin 14
( deploy_idle_record /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/slots/live-b 127.0.0.1:8032 127.0.0.1:8033
) </dev/null
__DEPLOY_EOF_4d90d0e89459

# ---- read what going back to OLD leaves [leaving, sudo -n bash -s]
# step: leaving
__step=leaving
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_3c955195c269'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: __load_env deploy_manage __migration_files __release_commit __print_file deploy_changes deploy_leaving deploy_live_slot
{ deploy_leaving /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" /opt/django/apps/NOME_APP/releases/OLD /opt/django/apps/NOME_APP/repo
} </dev/null
__DEPLOY_EOF_3c955195c269

# ---- start OLD in slot b, health check, switch traffic [start+switch, sudo -n bash -s]
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
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_8ba864fe3303'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start+switch
__begin 5
( deploy_require_venv /opt/django/apps/NOME_APP/releases/OLD
) </dev/null
__begin 6
( deploy_link_slot /opt/django/apps/NOME_APP/slots b /opt/django/apps/NOME_APP/releases/OLD 'OLD f9f6d7fc1b08'
) </dev/null
__mark changed
__DEPLOY_EOF_8ba864fe3303
__begin 7
{ deploy_slot_log_mark supervisor /var/log/deploy/NOME_APP/gunicorn-b.log
} </dev/null
__begin 8
{ __ctl NOME_APP start NOME_APP-b
} </dev/null
__mark changed
__begin 9
{ deploy_health_check 30 http://127.0.0.1:8033/ /var/log/deploy/NOME_APP/gunicorn-b.log 127.0.0.1:8033 -H 'Host: 107.22.193.179'
} </dev/null
__begin 10
{ deploy_install_site /var/lib/deploy/apps/NOME_APP/releases/OLD /etc/nginx/sites-available/NOME_APP OLD no
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
__begin 11
{ deploy_nginx_reload file /etc/nginx/sites-available/NOME_APP
} </dev/null
__i=12
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_5fa7c892ab4f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_abort_point deploy_follow_current
__step=start+switch
__begin 12
( deploy_abort_point /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 13
if ( test -e /opt/django/apps/NOME_APP/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__mark changed
fi
__begin 14
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__begin 15
( touch /opt/django/apps/NOME_APP/slots/a.stopping
) </dev/null
__DEPLOY_EOF_5fa7c892ab4f
__begin 16
{ deploy_stop_in_background NOME_APP NOME_APP-a django /opt/django/apps/NOME_APP/slots/a.stopping 8032
} </dev/null
__begin 17
{ deploy_sync_config /var/lib/deploy/apps/NOME_APP/releases/OLD /opt/django/configs/apps/NOME_APP.conf django database_url,email_host_password
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
__begin 18
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/NOME_APP-process-*.conf
} </dev/null
__begin 19
{ deploy_update_programs supervisor
} </dev/null
__i=20
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_de2e6c25e47a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start+switch
__begin 20
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 21
( deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
) </dev/null
__begin 22
( deploy_log /opt/django/apps/NOME_APP/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_de2e6c25e47a

# ---- start OLD in slot b, health check, switch traffic [start+switch, sudo -n bash -s]
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
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_c3d90757480e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_wait_stopped deploy_require_venv deploy_replace_link deploy_link_slot
__step=start+switch
__begin 2
( deploy_wait_stopped /opt/django/apps/NOME_APP/slots/b.stopping 45
) </dev/null
__begin 3
( deploy_require_venv /opt/django/apps/NOME_APP/releases/OLD
) </dev/null
__begin 4
( deploy_link_slot /opt/django/apps/NOME_APP/slots b /opt/django/apps/NOME_APP/releases/OLD 'OLD f9f6d7fc1b08'
) </dev/null
__mark changed
__DEPLOY_EOF_c3d90757480e
__begin 5
{ deploy_slot_log_mark supervisor /var/log/deploy/NOME_APP/gunicorn-b.log
} </dev/null
__begin 6
{ __ctl NOME_APP start NOME_APP-b
} </dev/null
__mark changed
__begin 7
{ deploy_health_check 30 http://127.0.0.1:8033/ /var/log/deploy/NOME_APP/gunicorn-b.log 127.0.0.1:8033 -H 'Host: 107.22.193.179'
} </dev/null
__begin 8
{ deploy_install_site /var/lib/deploy/apps/NOME_APP/releases/OLD /etc/nginx/sites-available/NOME_APP OLD no
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
__begin 9
{ deploy_nginx_reload file /etc/nginx/sites-available/NOME_APP
} </dev/null
__i=10
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_d905d9b8f6df'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_abort_point deploy_follow_current
__step=start+switch
__begin 10
( deploy_abort_point /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 11
if ( test -e /opt/django/apps/NOME_APP/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__mark changed
fi
__begin 12
( deploy_follow_current /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/current
) </dev/null
__begin 13
( touch /opt/django/apps/NOME_APP/slots/a.stopping
) </dev/null
__DEPLOY_EOF_d905d9b8f6df
__begin 14
{ deploy_stop_in_background NOME_APP NOME_APP-a django /opt/django/apps/NOME_APP/slots/a.stopping 8032
} </dev/null
__begin 15
{ deploy_sync_config /var/lib/deploy/apps/NOME_APP/releases/OLD /opt/django/configs/apps/NOME_APP.conf django database_url,email_host_password
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
__begin 16
{ deploy_drop_programs supervisor '' /etc/supervisor/conf.d/NOME_APP-process-*.conf
} </dev/null
__begin 17
{ deploy_update_programs supervisor
} </dev/null
__i=18
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_de348134ef81'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start+switch
__begin 18
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 19
( deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
) </dev/null
__begin 20
( deploy_log /opt/django/apps/NOME_APP/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_de348134ef81

# ---- clean up [abandon, sudo -n bash -s]
# step: abandon
__step=abandon
__begin 1
{ deploy_stop_idle "$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" b NOME_APP NOME_APP-b
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_4ea345d16e8c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: __delete deploy_prune deploy_abandon_release deploy_live_slot
__step=abandon
__begin 2
( deploy_abandon_release /opt/django/apps/NOME_APP/releases/OLD /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots
) </dev/null
__begin 3
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 4
( deploy_prune 5 /opt/django/apps/NOME_APP/releases /opt/django/apps/NOME_APP/current /opt/django/apps/NOME_APP/slots /opt/django/virtualenvs/NOME_APP OLD
) </dev/null
__DEPLOY_EOF_4ea345d16e8c
__begin 5
{ deploy_prune_kept /var/lib/deploy/apps/NOME_APP/releases /opt/django/apps/NOME_APP/releases
} </dev/null
__i=6
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_091deb5f7ab3'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_live_now deploy_log deploy_live_slot
__step=abandon
__begin 6
( deploy_unlock /opt/django/apps/NOME_APP/deploy.lock TOKEN
) </dev/null
__begin 7
( deploy_log /opt/django/apps/NOME_APP/deploy.log.jsonl \{\}
) </dev/null
__begin 8
( deploy_live_now /opt/django/apps/NOME_APP/slots/live-b /opt/django/apps/NOME_APP/slots
) </dev/null
__DEPLOY_EOF_091deb5f7ab3
