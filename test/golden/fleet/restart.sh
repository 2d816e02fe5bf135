# restart, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- lock and read releases [inspect, sudo -n bash -s]
# step: inspect
__step=inspect
__begin 1
{ deploy_require_setup /opt/django/apps/shop/releases shop
} </dev/null
__i=2
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_35e234ae9bd3'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_lock deploy_lock_info deploy_page_left deploy_require_services deploy_require_this_version deploy_release_meta deploy_releases deploy_live_name __delete deploy_finish_deletes deploy_live_slot deploy_follow_current deploy_clear_leftovers
__step=inspect
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
( deploy_releases /opt/django/apps/shop/releases
) </dev/null
__begin 10
( deploy_live_name /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" /opt/django/apps/shop/current
) </dev/null
__begin 11
( deploy_live_slot /opt/django/apps/shop/slots/live-b
) </dev/null
__begin 12
( deploy_lock_info /opt/django/apps/shop/deploy.lock
) </dev/null
__DEPLOY_EOF_35e234ae9bd3

# ---- start OLD in slot b, health check, switch traffic [start+switch, sudo -n bash -s]
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
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_e36ca7b70b12'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_venv deploy_replace_link deploy_link_slot
__step=start+switch
__begin 5
( deploy_require_venv /opt/django/apps/shop/releases/OLD
) </dev/null
__begin 6
( deploy_link_slot /opt/django/apps/shop/slots b /opt/django/apps/shop/releases/OLD 'OLD 652540e7ad1d'
) </dev/null
__mark changed
__DEPLOY_EOF_e36ca7b70b12
__begin 7
{ deploy_slot_log_mark systemd shop-b.service
} </dev/null
__begin 8
{ __ctl shop start shop-b
} </dev/null
__mark changed
__begin 9
{ deploy_health_check 30 http://127.0.0.1:8041/ shop-b.service 127.0.0.1:8041 -H 'Host: shop.example.com'
} </dev/null
__begin 10
{ deploy_install_site /var/lib/deploy/apps/shop/releases/OLD /etc/nginx/sites-available/shop OLD no
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
__begin 11
{ deploy_nginx_reload file /etc/nginx/sites-available/shop
} </dev/null
__i=12
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_4f18cf597e22'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot deploy_abort_point deploy_follow_current
__step=start+switch
__begin 12
( deploy_abort_point /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 13
if ( test -e /opt/django/apps/shop/slots/live-b
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/shop/slots/live-b
) </dev/null
__mark changed
fi
__begin 14
( deploy_follow_current /opt/django/apps/shop/slots/live-b /opt/django/apps/shop/slots /opt/django/apps/shop/current
) </dev/null
__begin 15
( touch /opt/django/apps/shop/slots/a.stopping
) </dev/null
__DEPLOY_EOF_4f18cf597e22
__begin 16
{ deploy_stop_in_background shop shop-a django /opt/django/apps/shop/slots/a.stopping 8040
} </dev/null
__begin 17
{ deploy_sync_config /var/lib/deploy/apps/shop/releases/OLD /opt/django/configs/apps/shop.conf django database_url,email_host_password
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
__begin 18
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
__begin 19
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
__begin 20
{ deploy_drop_programs systemd '/etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service' /etc/systemd/system/shop-*.service
} </dev/null
__begin 21
{ deploy_update_programs systemd /etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service
} </dev/null
__begin 22
if { { deploy_units_enabled shop-worker.service shop-clock.service
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ systemctl enable --quiet shop-worker.service shop-clock.service
} </dev/null
__mark changed
fi
__begin 23
{ deploy_stop_programs shop shop-worker shop-clock
} </dev/null
__mark changed
__begin 24
{ deploy_start_processes systemd shop worker clock
} </dev/null
__mark changed
__i=25
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_6d604471de4f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_unlock deploy_log
__step=start+switch
__begin 25
( rm -f /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 26
( deploy_unlock /opt/django/apps/shop/deploy.lock TOKEN
) </dev/null
__begin 27
( deploy_log /opt/django/apps/shop/deploy.log.jsonl '{"result":"ok"}'
) </dev/null
__DEPLOY_EOF_6d604471de4f
