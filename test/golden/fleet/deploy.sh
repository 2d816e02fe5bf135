# deploy, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- lock, fetch and resolve [prepare, sudo -n bash -s]
# step: prepare
__step=prepare
__begin 1
{ test -d /opt/django/apps/shop/repo || { echo "shop is not set up on this server: run \`deploy shop setup\` first" >&2; exit 1; }
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
__begin 4
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_65b51733c1f2'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ { grep -qF /opt/django/apps/shop/slots/live-b /etc/nginx/sites-available/shop 2>/dev/null && test -w /opt/django/apps/shop/slots; } || { echo "shop was set up by an older version of deploy: run \`deploy shop setup\` again first" >&2; exit 1; }
} </dev/null
__DEPLOY_EOF_65b51733c1f2
__begin 5
{ echo 'f4e8d7a1009a4065ec15328cbcbbe0a1394e5b1fe6f141e865a3ca0d87b15676  /usr/local/sbin/deploy-ctl' | sha256sum --quiet --strict -c 2>/dev/null || { echo '/usr/local/sbin/deploy-ctl is not the one this version of deploy needs: run `deploy shop setup`' >&2; exit 1; }
} </dev/null
__begin 6
{ if [ "$EUID" = 0 ]; then __root_dir 0755 root:root /var/lib/deploy/apps/shop && __put /var/lib/deploy/apps/shop/ctl.conf 0644 root:root; elif ! cmp -s - /var/lib/deploy/apps/shop/ctl.conf; then echo '/var/lib/deploy/apps/shop/ctl.conf is not the one this version of deploy needs: run `deploy shop setup` (deploy_user cannot)' >&2; exit 1; fi
} <<'__DEPLOY_EOF_46cb8dd143b3'
# shop: written by `deploy shop setup`; read by /usr/local/sbin/deploy-ctl.
manager systemd
programs shop-a shop-b shop-worker shop-clock
logs /var/log/deploy/shop
site_logs /var/log/nginx/shop.access.log /var/log/nginx/shop.error.log
__DEPLOY_EOF_46cb8dd143b3
__i=7
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_6ec7e89b12f3'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
__step=prepare
__begin 7
( live=$(deploy_live_slot /opt/django/apps/shop/slots/live-b); want=$(readlink /opt/django/apps/shop/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/shop/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/shop/current.tmp && mv -T /opt/django/apps/shop/current.tmp /opt/django/apps/shop/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 8
( rm -f /opt/django/apps/shop/current.tmp /opt/django/apps/shop/slots/a.tmp /opt/django/apps/shop/slots/b.tmp /opt/django/apps/shop/deploy.decision-*
) </dev/null
__begin 9
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && for d in /opt/django/apps/shop/releases/.deleting-* /opt/django/virtualenvs/shop/.deleting-*; do if [ -e "$d" ]; then __delete "$d"; fi; done
) </dev/null
__begin 10
( if grep -qsF '"run":"' /opt/django/apps/shop/maintenance.html; then rm -f /opt/django/apps/shop/maintenance.html; __warn "took down the maintenance page a deploy --maintenance left when it did not finish: the site answers again"; fi
) </dev/null
__begin 11
( cd /opt/django/apps/shop/repo && git -c core.sshCommand='ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -i /opt/django/.ssh/id_ed25519 -o ControlMaster=auto -o ControlPersist=300 -o ControlPath=/opt/django/.ssh/git-%C' fetch --prune --quiet origin
) </dev/null
__begin 12
( cd /opt/django/apps/shop/repo && __at() { git rev-parse --verify --quiet "$1^{commit}" || true; } && want=main && { [ -n "$want" ] || want=$(git symbolic-ref -q HEAD) || want=HEAD; } && case "$want" in refs/heads/*) name=${want#refs/heads/}; kind=branch; c=$(__at "$want"); missing="no branch named $name";; refs/tags/*) name=${want#refs/tags/}; kind=tag; c=$(__at "$want"); missing="no tag named $name";; *) name=$want; missing="no branch, tag or commit named $want"; t=$(__at "refs/tags/$want"); b=$(__at "refs/heads/$want"); if [ -n "$t" ] && [ -n "$b" ]; then { echo "$want is both a branch (refs/heads/$want, ${b:0:8}) and a tag (refs/tags/$want, ${t:0:8})" in git@github.com:example/shop.git >&2; exit 66; }; elif [ -n "$t" ]; then c=$t; kind=tag; elif [ -n "$b" ]; then c=$b; kind=branch; else c=$(__at "$want"); kind=commit; fi;; esac && if [ -z "$c" ]; then { echo "$missing" in git@github.com:example/shop.git >&2; exit 66; }; fi && echo "$c $kind $name"
) </dev/null
__begin 13
( date -u +%s; { ls -1 /opt/django/apps/shop/releases 2>/dev/null || true; } | { grep -E '^[0-9]{8}T[0-9]{6}-' || true; } | sort | tail -n 1
) </dev/null
__begin 14
( deploy_live_slot /opt/django/apps/shop/slots/live-b
) </dev/null
__begin 15
( head -n 1 /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"/.deploy-release 2>/dev/null | sed 's/,"fingerprint":"[^"]*"//' || true; if grep -qF '"fingerprint":"'[redacted]'"' /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"/.deploy-release 2>/dev/null; then echo same; else echo changed; fi
) </dev/null
__DEPLOY_EOF_6ec7e89b12f3

# ---- build release NEW [build, sudo -n bash -s]
# step: build
__step=build
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_6cedcfe9cd8d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_release_dir deploy_release_file deploy_release_config
__step=build
__begin 1
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/shop/repo && subs=$(git ls-tree -r --full-tree cccccccccccccccccccccccccccccccccccccccc | awk -F '	' '$1 ~ / commit / { print $2 }' | paste -sd, -) && if [ -n "$subs" ]; then echo 'main (cccccccc)'" has git submodules, which deploy does not export (git archive would leave them empty): $subs. Commit their files into the repository, or deploy a commit without submodules." >&2; exit 1; fi && rm -rf /opt/django/apps/shop/releases/NEW && mkdir -p /opt/django/apps/shop/releases/NEW && git archive --format=tar cccccccccccccccccccccccccccccccccccccccc | tar -x -C /opt/django/apps/shop/releases/NEW
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/shop/releases/NEW && for d in media data log; do rm -rf "$d" && ln -sfn /opt/django/apps/shop/shared/"$d" "$d"; done && (umask 027 && printf '%s\n' '{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","fingerprint":"''''"}' > .deploy-release)
) </dev/null
__mark changed
fi
__begin 3
( (umask 077 && cat > /opt/django/apps/shop/releases/NEW/.deploy-env.tmp && mv -f /opt/django/apps/shop/releases/NEW/.deploy-env.tmp /opt/django/apps/shop/releases/NEW/.deploy-env)
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
) <<'__DEPLOY_EOF_df1979654a06'
# gunicorn settings for shop: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
workers = 3
threads = 1
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/shop/shared/log, systemd to the journal.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"
__DEPLOY_EOF_df1979654a06
__mark changed
__begin 6
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
__begin 7
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
__begin 8
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
__begin 9
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
__DEPLOY_EOF_6cedcfe9cd8d
__begin 10
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
__begin 11
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
__begin 12
{ deploy_keep_sums /var/lib/deploy/apps/shop/releases/NEW nginx.conf app.conf
} </dev/null
__i=13
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_ffe9f86fc84e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_refresh_secrets deploy_live_slot
__step=build
__begin 13
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
__begin 14
if ( test -f /opt/django/apps/shop/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/shop/releases/NEW && key=$({ cat requirements.txt 2>/dev/null || true; python3 -c 'import sys; print(sys.version)'; echo 'ssp=false pip='; } | sha256sum | cut -c1-16) && venv=/opt/django/virtualenvs/shop/"$key" && if [ ! -f "$venv/.deploy-complete" ]; then rm -rf "$venv" && if python3 -m pip --version >/dev/null 2>&1; then python3 -m venv --without-pip  "$venv"; else python3 -m venv  "$venv"; fi; fi && ln -sfn "$venv" .venv
) </dev/null
__mark changed
fi
__begin 15
if ( /opt/django/apps/shop/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/shop/releases/NEW && __pip() { if .venv/bin/python -c 'import pip' 2>/dev/null; then .venv/bin/python -m pip "$@"; else python3 -m pip --python .venv/bin/python "$@"; fi; } && __pip install --quiet  gunicorn
) </dev/null
__mark changed
fi
__begin 16
if ( test -f /opt/django/apps/shop/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/shop/releases/NEW && if [ -f requirements.txt ]; then set -a && . ./.deploy-env && set +a && __pip() { if .venv/bin/python -c 'import pip' 2>/dev/null; then .venv/bin/python -m pip "$@"; else python3 -m pip --python .venv/bin/python "$@"; fi; } && __pip install  -r requirements.txt; fi && touch .venv/.deploy-complete
) </dev/null
__mark changed
fi
__begin 17
if ( test ! -f /opt/django/apps/shop/releases/NEW/manage.py || { __django_inputs=$(cd /opt/django/apps/shop/releases/NEW && { { find -L . \( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \) -prune -o \( -path '*/static/*' -o -path '*/migrations/*.py' -o -name 'settings*.py' -o -path '*/settings/*.py' \) -type f -print0 || true; } | sort -z | xargs -0r sha256sum; cat requirements.txt 2>/dev/null || true; readlink -f .venv; ls /usr/lib/python3/dist-packages 2>/dev/null || true; } | sha256sum | cut -c1-16) && [ "$(cat /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"/.deploy-django 2>/dev/null)" = "$__django_inputs" ] && [ -d /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"/.deploy-www ]; }
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/shop/releases/NEW && set -a && . ./.deploy-env && set +a && .venv/bin/python manage.py shell -c "from django.core.management import call_command as c; c('collectstatic', interactive=False, verbosity=1)"
) </dev/null
__mark changed
fi
__begin 18
( if [ ! -d /opt/django/apps/shop/releases/NEW/.deploy-www ] && [ -f /opt/django/apps/shop/releases/NEW/manage.py ] && [ -d /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"/.deploy-www ]; then cp -al /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"/.deploy-www /opt/django/apps/shop/releases/NEW/.deploy-www; fi
) </dev/null
__begin 19
( cd /opt/django/apps/shop/releases/NEW && set -a && . ./.deploy-env && set +a && PATH=/opt/django/apps/shop/releases/NEW/.venv/bin:"$PATH" bash -c 'python manage.py check --deploy'
) </dev/null
__mark changed
__begin 20
if ( test ! -f /opt/django/apps/shop/releases/NEW/manage.py || { __django_inputs=$(cd /opt/django/apps/shop/releases/NEW && { { find -L . \( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \) -prune -o \( -path '*/static/*' -o -path '*/migrations/*.py' -o -name 'settings*.py' -o -path '*/settings/*.py' \) -type f -print0 || true; } | sort -z | xargs -0r sha256sum; cat requirements.txt 2>/dev/null || true; readlink -f .venv; ls /usr/lib/python3/dist-packages 2>/dev/null || true; } | sha256sum | cut -c1-16) && [ "$(cat /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"/.deploy-django 2>/dev/null)" = "$__django_inputs" ] && [ -d /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)"/.deploy-www ]; }
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/shop/releases/NEW && set -a && . ./.deploy-env && set +a && .venv/bin/python manage.py shell -c "from django.core.management import call_command as c; c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 21
( __django_inputs=$(cd /opt/django/apps/shop/releases/NEW && { { find -L . \( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \) -prune -o \( -path '*/static/*' -o -path '*/migrations/*.py' -o -name 'settings*.py' -o -path '*/settings/*.py' \) -type f -print0 || true; } | sort -z | xargs -0r sha256sum; cat requirements.txt 2>/dev/null || true; readlink -f .venv; ls /usr/lib/python3/dist-packages 2>/dev/null || true; } | sha256sum | cut -c1-16) && echo "$__django_inputs" > /opt/django/apps/shop/releases/NEW/.deploy-django
) </dev/null
__begin 22
if ( test -f /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/shop/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_ffe9f86fc84e

# ---- run once in NEW [run-once, sudo -n bash -s]
# step: run-once
__step=run-once
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_a74821ff5e28'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=run-once
__begin 1
if ( test ! -f /opt/django/apps/shop/releases/NEW/manage.py
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/shop/releases/NEW && set -a && . ./.deploy-env && set +a && .venv/bin/python manage.py migrate --noinput
) </dev/null
__mark changed
fi
__begin 2
( cd /opt/django/apps/shop/releases/NEW && set -a && . ./.deploy-env && set +a && PATH=/opt/django/apps/shop/releases/NEW/.venv/bin:"$PATH" bash -c 'python manage.py warm_cache'
) </dev/null
__mark changed
__DEPLOY_EOF_a74821ff5e28

# ---- start NEW in slot b, health check, switch traffic [start+switch, sudo -n bash -s]
# step: start+switch
__step=start+switch
__begin 1
{ if [ "$(id -u)" = 0 ]; then __put /etc/systemd/system/shop-b.service 0644 root:root; elif ! cmp -s - /etc/systemd/system/shop-b.service; then echo '/etc/systemd/system/shop-b.service differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
} <<'__DEPLOY_EOF_954862233a8b'
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
ExecStart=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$$c" ] || c=/opt/django/apps/shop/gunicorn.conf.py; } && exec ./.venv/bin/python -m gunicorn --config "$$c" --bind 127.0.0.1:8041 shop.wsgi:application'
# TERM to the gunicorn master only: it stops its workers gracefully itself.
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=35
Restart=on-failure
RestartSec=1
SyslogIdentifier=shop-b
__DEPLOY_EOF_954862233a8b
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_a3f91c08710f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ m=/opt/django/apps/shop/slots/b.stopping; while [ -e "$m" ] && [ $(( $(date +%s) - $(stat -c %Y "$m" 2>/dev/null || echo 0) )) -lt 45 ]; do sleep 0.1; done; rm -f "$m"
} </dev/null
__DEPLOY_EOF_a3f91c08710f
__begin 3
{ __ctl shop stop shop-b || true
} </dev/null
__begin 4
{ if __addr_in_use 127.0.0.1:8041; then echo '127.0.0.1:8041 (slot b) is already in use by another process:' >&2; ss -Hltnp >&2 || true; exit 1; fi
} </dev/null
__i=5
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_d2f63face2f3'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start+switch
__begin 5
( [ -x /opt/django/apps/shop/releases/NEW/.venv/bin/python ] || { echo "release NEW cannot start: its virtualenv is gone (.venv -> $(readlink /opt/django/apps/shop/releases/NEW/.venv || echo nothing)); deploy its commit again to build one (deploy --ref <its commit> --force)" >&2; exit 1; }
) </dev/null
__begin 6
( mkdir -p /opt/django/apps/shop/slots && ln -sfn /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/b.tmp && mv -T /opt/django/apps/shop/slots/b.tmp /opt/django/apps/shop/slots/b
) </dev/null
__mark changed
__DEPLOY_EOF_d2f63face2f3
__begin 7
{ __log_since=$(date '+%Y-%m-%d %H:%M:%S'); __restarts_from=$(systemctl show -p NRestarts --value shop-b.service 2>/dev/null || echo 0)
} </dev/null
__begin 8
{ __ctl shop start shop-b
} </dev/null
__mark changed
__begin 9
{ url=http://127.0.0.1:8041/; deadline=$((SECONDS + 30)); why="for 30 s"; until code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Host: shop.example.com' "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do if { n=$(systemctl show -p NRestarts --value shop-b.service 2>/dev/null || echo 0); [ "${n:-0}" -gt 0 ] && [ "$n" != "${__restarts_from:-0}" ]; } || journalctl -q --no-pager -o cat -u shop-b.service --since "${__log_since:-today}" 2>/dev/null | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; then why="(gunicorn could not start the app)"; deadline=0; fi; if [ "$SECONDS" -ge "$deadline" ]; then echo "health check failed: $url answered ${code:-nothing} $why; the slot's log ends with:" >&2; journalctl -q --no-pager -o cat -u shop-b.service --since "${__log_since:-today}" 2>/dev/null | tail -n 25 >&2 || true; err=$(journalctl -q --no-pager -o cat -u shop-b.service --since "${__log_since:-today}" 2>/dev/null | grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)' | grep -v HaltServer | tail -n 1); if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi; exit 1; fi; sleep 0.02; done; echo "$code"
} </dev/null
__begin 10
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
__begin 11
{ deploy_nginx_reload file /etc/nginx/sites-available/shop
} </dev/null
__i=12
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_8893d0a39aa8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
__step=start+switch
__begin 12
( if ! (set -C; echo switch > /opt/django/apps/shop/deploy.decision-TOKEN) 2>/dev/null; then echo "interrupted: stopped before switching traffic" >&2; exit 130; fi
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
( live=$(deploy_live_slot /opt/django/apps/shop/slots/live-b); want=$(readlink /opt/django/apps/shop/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/shop/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/shop/current.tmp && mv -T /opt/django/apps/shop/current.tmp /opt/django/apps/shop/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 15
( touch /opt/django/apps/shop/slots/a.stopping
) </dev/null
__DEPLOY_EOF_8893d0a39aa8
__begin 16
{ if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8040 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c shop stop shop-a || true; sudo -n -u django rm -f /opt/django/apps/shop/slots/a.stopping'; else setsid nohup sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8040 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c shop stop shop-a || true; sudo -n -u django rm -f /opt/django/apps/shop/slots/a.stopping' >/dev/null 2>&1 </dev/null & fi
} </dev/null
__begin 17
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
__begin 18
{ if [ "$(id -u)" = 0 ]; then __put /etc/systemd/system/shop-worker.service 0644 root:root; elif ! cmp -s - /etc/systemd/system/shop-worker.service; then echo '/etc/systemd/system/shop-worker.service differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
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
{ if [ "$(id -u)" = 0 ]; then __put /etc/systemd/system/shop-clock.service 0644 root:root; elif ! cmp -s - /etc/systemd/system/shop-clock.service; then echo '/etc/systemd/system/shop-clock.service differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
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
{ for f in /etc/systemd/system/shop-\*.service; do [ -f "$f" ] || continue; case " '/etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service' " in *" $f "*) continue;; esac; grep -q '^# deploy-process: ' "$f" || continue; systemctl disable --now "$(basename "$f")" >/dev/null 2>&1 || true; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done
} </dev/null
__begin 21
{ if [ "${__programs_removed:-0}" = 1 ] || __was_changed /etc/systemd/system/shop-worker.service || __was_changed /etc/systemd/system/shop-clock.service; then systemctl daemon-reload; fi
} </dev/null
__begin 22
if { { (for u in shop-worker.service shop-clock.service; do systemctl is-enabled --quiet "$u" || exit 1; done)
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ systemctl enable --quiet shop-worker.service shop-clock.service
} </dev/null
__mark changed
fi
__begin 23
{ __ctl shop stop shop-worker shop-clock || true
} </dev/null
__mark changed
__begin 24
{ for n in worker clock; do if ! { __ctl shop start shop-"$n" && sleep 1 && systemctl is-active --quiet shop-"$n".service; }; then echo "process $n did not stay up; its log ends with:" >&2; __ctl shop log shop-"$n" 20 >&2 || true; exit 1; fi; done
} </dev/null
__mark changed
__i=25
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_86d0b66e966d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start+switch
__begin 25
( cd /opt/django/apps/shop/releases/NEW && set -a && . ./.deploy-env && set +a && PATH=/opt/django/apps/shop/releases/NEW/.venv/bin:"$PATH" bash -c 'python manage.py notify_release' || { st=$?; echo 'hook after_switch failed'" (exit status $st)" >&2; exit "$st"; }
) </dev/null
__mark changed
__begin 26
( rm -f /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 27
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && cd /opt/django/apps/shop/releases && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n 5 | tr '\n' ' ') $(basename "$(readlink /opt/django/apps/shop/current)") $(basename "$(readlink /opt/django/apps/shop/slots/a)") $(basename "$(readlink /opt/django/apps/shop/slots/b)") "; for d in */; do d=${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "; for v in /opt/django/virtualenvs/shop/*/; do v=${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done
) </dev/null
__DEPLOY_EOF_86d0b66e966d
__begin 28
{ deploy_prune_kept /var/lib/deploy/apps/shop/releases /opt/django/apps/shop/releases
} </dev/null
__i=29
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_3531d29c772b'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start+switch
__begin 29
( if grep -qF TOKEN /opt/django/apps/shop/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/shop/deploy.lock; fi
) </dev/null
__begin 30
( printf '%s\n' '{"result":"ok"}' >> /opt/django/apps/shop/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_3531d29c772b

# ---- start NEW in slot b, health check [start, sudo -n bash -s]
# step: start
__step=start
__begin 1
{ if [ "$(id -u)" = 0 ]; then __put /etc/systemd/system/shop-b.service 0644 root:root; elif ! cmp -s - /etc/systemd/system/shop-b.service; then echo '/etc/systemd/system/shop-b.service differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
} <<'__DEPLOY_EOF_954862233a8b'
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
ExecStart=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$$c" ] || c=/opt/django/apps/shop/gunicorn.conf.py; } && exec ./.venv/bin/python -m gunicorn --config "$$c" --bind 127.0.0.1:8041 shop.wsgi:application'
# TERM to the gunicorn master only: it stops its workers gracefully itself.
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=35
Restart=on-failure
RestartSec=1
SyslogIdentifier=shop-b
__DEPLOY_EOF_954862233a8b
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_a3f91c08710f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ m=/opt/django/apps/shop/slots/b.stopping; while [ -e "$m" ] && [ $(( $(date +%s) - $(stat -c %Y "$m" 2>/dev/null || echo 0) )) -lt 45 ]; do sleep 0.1; done; rm -f "$m"
} </dev/null
__DEPLOY_EOF_a3f91c08710f
__begin 3
{ __ctl shop stop shop-b || true
} </dev/null
__begin 4
{ if __addr_in_use 127.0.0.1:8041; then echo '127.0.0.1:8041 (slot b) is already in use by another process:' >&2; ss -Hltnp >&2 || true; exit 1; fi
} </dev/null
__i=5
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_f06138b3efb1'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start
__begin 5
( [ -x /opt/django/apps/shop/releases/NEW/.venv/bin/python ] || { echo "release NEW cannot start: its virtualenv is gone (.venv -> $(readlink /opt/django/apps/shop/releases/NEW/.venv || echo nothing)); deploy its commit again to build one (deploy --ref <its commit> --force)" >&2; exit 1; }
) </dev/null
__begin 6
( mkdir -p /opt/django/apps/shop/slots && ln -sfn /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/slots/b.tmp && mv -T /opt/django/apps/shop/slots/b.tmp /opt/django/apps/shop/slots/b
) </dev/null
__mark changed
__DEPLOY_EOF_f06138b3efb1
__begin 7
{ __log_since=$(date '+%Y-%m-%d %H:%M:%S'); __restarts_from=$(systemctl show -p NRestarts --value shop-b.service 2>/dev/null || echo 0)
} </dev/null
__begin 8
{ __ctl shop start shop-b
} </dev/null
__mark changed
__begin 9
{ url=http://127.0.0.1:8041/; deadline=$((SECONDS + 30)); why="for 30 s"; until code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Host: shop.example.com' "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do if { n=$(systemctl show -p NRestarts --value shop-b.service 2>/dev/null || echo 0); [ "${n:-0}" -gt 0 ] && [ "$n" != "${__restarts_from:-0}" ]; } || journalctl -q --no-pager -o cat -u shop-b.service --since "${__log_since:-today}" 2>/dev/null | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; then why="(gunicorn could not start the app)"; deadline=0; fi; if [ "$SECONDS" -ge "$deadline" ]; then echo "health check failed: $url answered ${code:-nothing} $why; the slot's log ends with:" >&2; journalctl -q --no-pager -o cat -u shop-b.service --since "${__log_since:-today}" 2>/dev/null | tail -n 25 >&2 || true; err=$(journalctl -q --no-pager -o cat -u shop-b.service --since "${__log_since:-today}" 2>/dev/null | grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)' | grep -v HaltServer | tail -n 1); if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi; exit 1; fi; sleep 0.02; done; echo "$code"
} </dev/null
__begin 10
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
__begin 11
{ deploy_nginx_reload file /etc/nginx/sites-available/shop
} </dev/null

# ---- ask the running step to stop before the switch [abort, sudo -n bash -s]
# step: abort
__step=abort
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_14eaeaaf9405'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if (set -C; echo abort > /opt/django/apps/shop/deploy.decision-TOKEN) 2>/dev/null || grep -qx abort /opt/django/apps/shop/deploy.decision-TOKEN; then echo stopping; else echo too-late; fi
} </dev/null
__DEPLOY_EOF_14eaeaaf9405

# ---- switch traffic to NEW [switch, sudo -n bash -s]
# step: switch
__step=switch
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_d8ac4b7c819b'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
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
( live=$(deploy_live_slot /opt/django/apps/shop/slots/live-b); want=$(readlink /opt/django/apps/shop/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/shop/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/shop/current.tmp && mv -T /opt/django/apps/shop/current.tmp /opt/django/apps/shop/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 3
( touch /opt/django/apps/shop/slots/a.stopping
) </dev/null
__DEPLOY_EOF_d8ac4b7c819b
__begin 4
{ if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8040 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c shop stop shop-a || true; sudo -n -u django rm -f /opt/django/apps/shop/slots/a.stopping'; else setsid nohup sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8040 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c shop stop shop-a || true; sudo -n -u django rm -f /opt/django/apps/shop/slots/a.stopping' >/dev/null 2>&1 </dev/null & fi
} </dev/null
__begin 5
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
__begin 6
{ if [ "$(id -u)" = 0 ]; then __put /etc/systemd/system/shop-worker.service 0644 root:root; elif ! cmp -s - /etc/systemd/system/shop-worker.service; then echo '/etc/systemd/system/shop-worker.service differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
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
__begin 7
{ if [ "$(id -u)" = 0 ]; then __put /etc/systemd/system/shop-clock.service 0644 root:root; elif ! cmp -s - /etc/systemd/system/shop-clock.service; then echo '/etc/systemd/system/shop-clock.service differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
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
__begin 8
{ for f in /etc/systemd/system/shop-\*.service; do [ -f "$f" ] || continue; case " '/etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service' " in *" $f "*) continue;; esac; grep -q '^# deploy-process: ' "$f" || continue; systemctl disable --now "$(basename "$f")" >/dev/null 2>&1 || true; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done
} </dev/null
__begin 9
{ if [ "${__programs_removed:-0}" = 1 ] || __was_changed /etc/systemd/system/shop-worker.service || __was_changed /etc/systemd/system/shop-clock.service; then systemctl daemon-reload; fi
} </dev/null
__begin 10
if { { (for u in shop-worker.service shop-clock.service; do systemctl is-enabled --quiet "$u" || exit 1; done)
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ systemctl enable --quiet shop-worker.service shop-clock.service
} </dev/null
__mark changed
fi
__begin 11
{ __ctl shop stop shop-worker shop-clock || true
} </dev/null
__mark changed
__begin 12
{ for n in worker clock; do if ! { __ctl shop start shop-"$n" && sleep 1 && systemctl is-active --quiet shop-"$n".service; }; then echo "process $n did not stay up; its log ends with:" >&2; __ctl shop log shop-"$n" 20 >&2 || true; exit 1; fi; done
} </dev/null
__mark changed
__i=13
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_0df07dd0e65f'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=switch
__begin 13
( cd /opt/django/apps/shop/releases/NEW && set -a && . ./.deploy-env && set +a && PATH=/opt/django/apps/shop/releases/NEW/.venv/bin:"$PATH" bash -c 'python manage.py notify_release' || { st=$?; echo 'hook after_switch failed'" (exit status $st)" >&2; exit "$st"; }
) </dev/null
__mark changed
__begin 14
( rm -f /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 15
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && cd /opt/django/apps/shop/releases && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n 5 | tr '\n' ' ') $(basename "$(readlink /opt/django/apps/shop/current)") $(basename "$(readlink /opt/django/apps/shop/slots/a)") $(basename "$(readlink /opt/django/apps/shop/slots/b)") "; for d in */; do d=${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "; for v in /opt/django/virtualenvs/shop/*/; do v=${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done
) </dev/null
__DEPLOY_EOF_0df07dd0e65f
__begin 16
{ deploy_prune_kept /var/lib/deploy/apps/shop/releases /opt/django/apps/shop/releases
} </dev/null
__i=17
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_458828737f4d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=switch
__begin 17
( if grep -qF TOKEN /opt/django/apps/shop/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/shop/deploy.lock; fi
) </dev/null
__begin 18
( printf '%s\n' '{"result":"ok"}' >> /opt/django/apps/shop/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_458828737f4d

# ---- switch traffic to NEW, check through nginx [switch, sudo -n bash -s]
# step: switch
__step=switch
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_75dd31750784'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
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
( live=$(deploy_live_slot /opt/django/apps/shop/slots/live-b); want=$(readlink /opt/django/apps/shop/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/shop/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/shop/current.tmp && mv -T /opt/django/apps/shop/current.tmp /opt/django/apps/shop/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__DEPLOY_EOF_75dd31750784
__begin 3
{ headers=$(curl -s -o /dev/null -D - --max-time 10 -k --resolve shop.example.com:443:127.0.0.1 https://shop.example.com:443/) || true; code=$(printf '%s
' "$headers" | awk 'NR == 1 { print $2 }'); if [ -z "$code" ] || [ "$code" -lt 200 ] || [ "$code" -ge 400 ] || ! printf '%s
' "$headers" | tr -d '' | grep -qix 'x-deploy-site: shop'; then echo "through nginx, https://shop.example.com:443/ answered ${code:-nothing}" >&2; exit 1; fi; echo "$code"
} </dev/null

# ---- back to the previous release [revert, sudo -n bash -s]
# step: revert
__step=revert
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_23840f95ea71'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
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
( live=$(deploy_live_slot /opt/django/apps/shop/slots/live-b); want=$(readlink /opt/django/apps/shop/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/shop/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/shop/current.tmp && mv -T /opt/django/apps/shop/current.tmp /opt/django/apps/shop/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__DEPLOY_EOF_23840f95ea71

# ---- stop the old slot, clean up [finish, sudo -n bash -s]
# step: finish
__step=finish
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_39a0da89dce6'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ touch /opt/django/apps/shop/slots/a.stopping
} </dev/null
__DEPLOY_EOF_39a0da89dce6
__begin 2
{ if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8040 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c shop stop shop-a || true; sudo -n -u django rm -f /opt/django/apps/shop/slots/a.stopping'; else setsid nohup sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8040 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c shop stop shop-a || true; sudo -n -u django rm -f /opt/django/apps/shop/slots/a.stopping' >/dev/null 2>&1 </dev/null & fi
} </dev/null
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
{ if [ "$(id -u)" = 0 ]; then __put /etc/systemd/system/shop-worker.service 0644 root:root; elif ! cmp -s - /etc/systemd/system/shop-worker.service; then echo '/etc/systemd/system/shop-worker.service differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
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
{ if [ "$(id -u)" = 0 ]; then __put /etc/systemd/system/shop-clock.service 0644 root:root; elif ! cmp -s - /etc/systemd/system/shop-clock.service; then echo '/etc/systemd/system/shop-clock.service differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
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
{ for f in /etc/systemd/system/shop-\*.service; do [ -f "$f" ] || continue; case " '/etc/systemd/system/shop-worker.service /etc/systemd/system/shop-clock.service' " in *" $f "*) continue;; esac; grep -q '^# deploy-process: ' "$f" || continue; systemctl disable --now "$(basename "$f")" >/dev/null 2>&1 || true; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done
} </dev/null
__begin 7
{ if [ "${__programs_removed:-0}" = 1 ] || __was_changed /etc/systemd/system/shop-worker.service || __was_changed /etc/systemd/system/shop-clock.service; then systemctl daemon-reload; fi
} </dev/null
__begin 8
if { { (for u in shop-worker.service shop-clock.service; do systemctl is-enabled --quiet "$u" || exit 1; done)
} </dev/null
} </dev/null >/dev/null 2>&1; then
__mark ok
else
{ systemctl enable --quiet shop-worker.service shop-clock.service
} </dev/null
__mark changed
fi
__begin 9
{ __ctl shop stop shop-worker shop-clock || true
} </dev/null
__mark changed
__begin 10
{ for n in worker clock; do if ! { __ctl shop start shop-"$n" && sleep 1 && systemctl is-active --quiet shop-"$n".service; }; then echo "process $n did not stay up; its log ends with:" >&2; __ctl shop log shop-"$n" 20 >&2 || true; exit 1; fi; done
} </dev/null
__mark changed
__i=11
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_f4e9e141c836'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=finish
__begin 11
( cd /opt/django/apps/shop/releases/NEW && set -a && . ./.deploy-env && set +a && PATH=/opt/django/apps/shop/releases/NEW/.venv/bin:"$PATH" bash -c 'python manage.py notify_release' || { st=$?; echo 'hook after_switch failed'" (exit status $st)" >&2; exit "$st"; }
) </dev/null
__mark changed
__begin 12
( rm -f /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 13
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && cd /opt/django/apps/shop/releases && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n 5 | tr '\n' ' ') $(basename "$(readlink /opt/django/apps/shop/current)") $(basename "$(readlink /opt/django/apps/shop/slots/a)") $(basename "$(readlink /opt/django/apps/shop/slots/b)") "; for d in */; do d=${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "; for v in /opt/django/virtualenvs/shop/*/; do v=${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done
) </dev/null
__DEPLOY_EOF_f4e9e141c836
__begin 14
{ deploy_prune_kept /var/lib/deploy/apps/shop/releases /opt/django/apps/shop/releases
} </dev/null
__i=15
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_fe5152bfa593'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=finish
__begin 15
( if grep -qF TOKEN /opt/django/apps/shop/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/shop/deploy.lock; fi
) </dev/null
__begin 16
( printf '%s\n' '{"result":"ok"}' >> /opt/django/apps/shop/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_fe5152bfa593

# ---- clean up [abandon, sudo -n bash -s]
# step: abandon
__step=abandon
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_dda527776327'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if grep -qsF '"run":"TOKEN"' /opt/django/apps/shop/maintenance.html; then rm -f /opt/django/apps/shop/maintenance.html; fi || true
} </dev/null
__DEPLOY_EOF_dda527776327
__begin 2
{ if [ "$(deploy_live_slot /opt/django/apps/shop/slots/live-b)" != b ]; then __ctl shop stop shop-b || true; fi
} </dev/null
__i=3
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_35ec8389c729'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
__step=abandon
__begin 3
( if [ -d /opt/django/apps/shop/releases/NEW ] && [ "$(readlink /opt/django/apps/shop/slots/"$(deploy_live_slot /opt/django/apps/shop/slots/live-b)")" != /opt/django/apps/shop/releases/NEW ]; then rm -f /opt/django/apps/shop/releases/NEW/.deploy-built; echo failed > /opt/django/apps/shop/releases/NEW/.deploy-failed 2>/dev/null || { mv -T /opt/django/apps/shop/releases/NEW /opt/django/apps/shop/releases/.deleting-NEW && rm -rf /opt/django/apps/shop/releases/.deleting-NEW; } || true; fi
) </dev/null
__begin 4
( rm -f /opt/django/apps/shop/deploy.decision-TOKEN
) </dev/null
__begin 5
( if grep -qF TOKEN /opt/django/apps/shop/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/shop/deploy.lock; fi
) </dev/null
__begin 6
( printf '%s\n' \{\} >> /opt/django/apps/shop/deploy.log.jsonl || true
) </dev/null
__begin 7
( slot=$(deploy_live_slot /opt/django/apps/shop/slots/live-b); echo "live $slot $(basename "$(readlink /opt/django/apps/shop/slots/"$slot")")"
) </dev/null
__DEPLOY_EOF_35ec8389c729

# ---- release the lock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_5ed700a08a85'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=unlock
__begin 1
( if grep -qF TOKEN /opt/django/apps/shop/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/shop/deploy.lock; fi
) </dev/null
__begin 2
( printf '%s\n' \{\} >> /opt/django/apps/shop/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_5ed700a08a85
