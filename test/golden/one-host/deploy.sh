# deploy, planned for test/golden/settings/one-host.ini (npm run golden writes this file)
# ---- lock, fetch and resolve [prepare, sudo -n bash -s]
# step: prepare
__step=prepare
__begin 1
{ test -d /opt/django/apps/NOME_APP/repo || { echo "NOME_APP is not set up on this server: run \`deploy NOME_APP setup\` first" >&2; exit 1; }
} </dev/null
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_762bc7fcffab'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if mkdir -m 0755 /opt/django/apps/NOME_APP/deploy.lock 2>/dev/null; then printf '%s\n' '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}' > /opt/django/apps/NOME_APP/deploy.lock/info; else echo "locked: $(cat /opt/django/apps/NOME_APP/deploy.lock/info 2>/dev/null || echo '{}')" >&2; exit 75; fi
} </dev/null
__DEPLOY_EOF_762bc7fcffab
__mark changed
__begin 3
{ for u in nginx supervisor; do if ! systemctl is-active --quiet "$u"; then echo "$u is not running on this server ($(systemctl is-active "$u" 2>/dev/null || true)): the site is down; start it (sudo systemctl start $u), then run this again" >&2; exit 1; fi; done
} </dev/null
__begin 4
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_47a2c5a8f432'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ { grep -qF /opt/django/apps/NOME_APP/slots/live-b /etc/nginx/sites-available/NOME_APP 2>/dev/null && test -w /opt/django/apps/NOME_APP/slots; } || { echo "NOME_APP was set up by an older version of deploy: run \`deploy NOME_APP setup\` again first" >&2; exit 1; }
} </dev/null
__DEPLOY_EOF_47a2c5a8f432
__begin 5
{ echo 'f4e8d7a1009a4065ec15328cbcbbe0a1394e5b1fe6f141e865a3ca0d87b15676  /usr/local/sbin/deploy-ctl' | sha256sum --quiet --strict -c 2>/dev/null || { echo '/usr/local/sbin/deploy-ctl is not the one this version of deploy needs: run `deploy NOME_APP setup`' >&2; exit 1; }
} </dev/null
__begin 6
{ if [ "$EUID" = 0 ]; then __root_dir 0755 root:root /var/lib/deploy/apps/NOME_APP && __put /var/lib/deploy/apps/NOME_APP/ctl.conf 0644 root:root; elif ! cmp -s - /var/lib/deploy/apps/NOME_APP/ctl.conf; then echo '/var/lib/deploy/apps/NOME_APP/ctl.conf is not the one this version of deploy needs: run `deploy NOME_APP setup` (deploy_user cannot)' >&2; exit 1; fi
} <<'__DEPLOY_EOF_981ba4918084'
# NOME_APP: written by `deploy NOME_APP setup`; read by /usr/local/sbin/deploy-ctl.
manager supervisor
programs NOME_APP-a NOME_APP-b
logs /var/log/deploy/NOME_APP
site_logs /var/log/nginx/NOME_APP.access.log /var/log/nginx/NOME_APP.error.log
__DEPLOY_EOF_981ba4918084
__i=7
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_6aa425708549'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
__step=prepare
__begin 7
( live=$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b); want=$(readlink /opt/django/apps/NOME_APP/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/NOME_APP/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/NOME_APP/current.tmp && mv -T /opt/django/apps/NOME_APP/current.tmp /opt/django/apps/NOME_APP/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 8
( rm -f /opt/django/apps/NOME_APP/current.tmp /opt/django/apps/NOME_APP/slots/a.tmp /opt/django/apps/NOME_APP/slots/b.tmp /opt/django/apps/NOME_APP/deploy.decision-*
) </dev/null
__begin 9
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && for d in /opt/django/apps/NOME_APP/releases/.deleting-* /opt/django/virtualenvs/NOME_APP/.deleting-*; do if [ -e "$d" ]; then __delete "$d"; fi; done
) </dev/null
__begin 10
( if grep -qsF '"run":"' /opt/django/apps/NOME_APP/maintenance.html; then rm -f /opt/django/apps/NOME_APP/maintenance.html; __warn "took down the maintenance page a deploy --maintenance left when it did not finish: the site answers again"; fi
) </dev/null
__begin 11
( cd /opt/django/apps/NOME_APP/repo && git -c core.sshCommand='ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -i /opt/django/.ssh/id_ed25519 -o ControlMaster=auto -o ControlPersist=300 -o ControlPath=/opt/django/.ssh/git-%C' fetch --prune --quiet origin
) </dev/null
__begin 12
( cd /opt/django/apps/NOME_APP/repo && __at() { git rev-parse --verify --quiet "$1^{commit}" || true; } && want=main && { [ -n "$want" ] || want=$(git symbolic-ref -q HEAD) || want=HEAD; } && case "$want" in refs/heads/*) name=${want#refs/heads/}; kind=branch; c=$(__at "$want"); missing="no branch named $name";; refs/tags/*) name=${want#refs/tags/}; kind=tag; c=$(__at "$want"); missing="no tag named $name";; *) name=$want; missing="no branch, tag or commit named $want"; t=$(__at "refs/tags/$want"); b=$(__at "refs/heads/$want"); if [ -n "$t" ] && [ -n "$b" ]; then { echo "$want is both a branch (refs/heads/$want, ${b:0:8}) and a tag (refs/tags/$want, ${t:0:8})" in git@bitbucket.org:znc/e-hall.git >&2; exit 66; }; elif [ -n "$t" ]; then c=$t; kind=tag; elif [ -n "$b" ]; then c=$b; kind=branch; else c=$(__at "$want"); kind=commit; fi;; esac && if [ -z "$c" ]; then { echo "$missing" in git@bitbucket.org:znc/e-hall.git >&2; exit 66; }; fi && echo "$c $kind $name"
) </dev/null
__begin 13
( date -u +%s; { ls -1 /opt/django/apps/NOME_APP/releases 2>/dev/null || true; } | { grep -E '^[0-9]{8}T[0-9]{6}-' || true; } | sort | tail -n 1
) </dev/null
__begin 14
( deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b
) </dev/null
__begin 15
( head -n 1 /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"/.deploy-release 2>/dev/null | sed 's/,"fingerprint":"[^"]*"//' || true; if grep -qF '"fingerprint":"'[redacted]'"' /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"/.deploy-release 2>/dev/null; then echo same; else echo changed; fi
) </dev/null
__DEPLOY_EOF_6aa425708549

# ---- build release NEW [build, sudo -n bash -s]
# step: build
__step=build
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_10eec0d8c33e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_release_dir deploy_release_file deploy_release_config
__step=build
__begin 1
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/NOME_APP/repo && subs=$(git ls-tree -r --full-tree cccccccccccccccccccccccccccccccccccccccc | awk -F '	' '$1 ~ / commit / { print $2 }' | paste -sd, -) && if [ -n "$subs" ]; then echo 'main (cccccccc)'" has git submodules, which deploy does not export (git archive would leave them empty): $subs. Commit their files into the repository, or deploy a commit without submodules." >&2; exit 1; fi && rm -rf /opt/django/apps/NOME_APP/releases/NEW && mkdir -p /opt/django/apps/NOME_APP/releases/NEW && git archive --format=tar cccccccccccccccccccccccccccccccccccccccc | tar -x -C /opt/django/apps/NOME_APP/releases/NEW
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/NOME_APP/releases/NEW && for d in media data log; do rm -rf "$d" && ln -sfn /opt/django/apps/NOME_APP/shared/"$d" "$d"; done && (umask 027 && printf '%s\n' '{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","fingerprint":"''''"}' > .deploy-release)
) </dev/null
__mark changed
fi
__begin 3
( (umask 077 && cat > /opt/django/apps/NOME_APP/releases/NEW/.deploy-env.tmp && mv -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-env.tmp /opt/django/apps/NOME_APP/releases/NEW/.deploy-env)
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
) <<'__DEPLOY_EOF_c749faf864a7'
# gunicorn settings for NOME_APP: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
# gunicorn_workers is not set: gunicorn's advice, 2 x the host's CPUs + 1 (at most 12).
import multiprocessing
workers = min(2 * multiprocessing.cpu_count() + 1, 12)
threads = 1
timeout = 30
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = 30
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/NOME_APP/shared/log, systemd to the journal.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"
__DEPLOY_EOF_c749faf864a7
__mark changed
__begin 6
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
__begin 7
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
__DEPLOY_EOF_10eec0d8c33e
__begin 8
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
__begin 9
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
__begin 10
{ deploy_keep_sums /var/lib/deploy/apps/NOME_APP/releases/NEW nginx.conf app.conf
} </dev/null
__i=11
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_673a9f910f3d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_refresh_secrets deploy_live_slot
__step=build
__begin 11
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
__begin 12
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/NOME_APP/releases/NEW && key=$({ cat requirements.txt 2>/dev/null || true; python3 -c 'import sys; print(sys.version)'; echo 'ssp=false pip='; } | sha256sum | cut -c1-16) && venv=/opt/django/virtualenvs/NOME_APP/"$key" && if [ ! -f "$venv/.deploy-complete" ]; then rm -rf "$venv" && if python3 -m pip --version >/dev/null 2>&1; then python3 -m venv --without-pip  "$venv"; else python3 -m venv  "$venv"; fi; fi && ln -sfn "$venv" .venv
) </dev/null
__mark changed
fi
__begin 13
if ( /opt/django/apps/NOME_APP/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/NOME_APP/releases/NEW && __pip() { if .venv/bin/python -c 'import pip' 2>/dev/null; then .venv/bin/python -m pip "$@"; else python3 -m pip --python .venv/bin/python "$@"; fi; } && __pip install --quiet  gunicorn
) </dev/null
__mark changed
fi
__begin 14
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/NOME_APP/releases/NEW && if [ -f requirements.txt ]; then set -a && . ./.deploy-env && set +a && __pip() { if .venv/bin/python -c 'import pip' 2>/dev/null; then .venv/bin/python -m pip "$@"; else python3 -m pip --python .venv/bin/python "$@"; fi; } && __pip install  -r requirements.txt; fi && touch .venv/.deploy-complete
) </dev/null
__mark changed
fi
__begin 15
if ( test ! -f /opt/django/apps/NOME_APP/releases/NEW/manage.py || { __django_inputs=$(cd /opt/django/apps/NOME_APP/releases/NEW && { { find -L . \( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \) -prune -o \( -path '*/static/*' -o -path '*/migrations/*.py' -o -name 'settings*.py' -o -path '*/settings/*.py' \) -type f -print0 || true; } | sort -z | xargs -0r sha256sum; cat requirements.txt 2>/dev/null || true; readlink -f .venv; ls /usr/lib/python3/dist-packages 2>/dev/null || true; } | sha256sum | cut -c1-16) && [ "$(cat /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"/.deploy-django 2>/dev/null)" = "$__django_inputs" ] && [ -d /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"/.deploy-www ]; }
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/NOME_APP/releases/NEW && set -a && . ./.deploy-env && set +a && .venv/bin/python manage.py shell -c "from django.core.management import call_command as c; c('collectstatic', interactive=False, verbosity=1); c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 16
( if [ ! -d /opt/django/apps/NOME_APP/releases/NEW/.deploy-www ] && [ -f /opt/django/apps/NOME_APP/releases/NEW/manage.py ] && [ -d /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"/.deploy-www ]; then cp -al /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)"/.deploy-www /opt/django/apps/NOME_APP/releases/NEW/.deploy-www; fi
) </dev/null
__begin 17
( __django_inputs=$(cd /opt/django/apps/NOME_APP/releases/NEW && { { find -L . \( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \) -prune -o \( -path '*/static/*' -o -path '*/migrations/*.py' -o -name 'settings*.py' -o -path '*/settings/*.py' \) -type f -print0 || true; } | sort -z | xargs -0r sha256sum; cat requirements.txt 2>/dev/null || true; readlink -f .venv; ls /usr/lib/python3/dist-packages 2>/dev/null || true; } | sha256sum | cut -c1-16) && echo "$__django_inputs" > /opt/django/apps/NOME_APP/releases/NEW/.deploy-django
) </dev/null
__begin 18
if ( test -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/NOME_APP/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_673a9f910f3d

# ---- run once in NEW [run-once, sudo -n bash -s]
# step: run-once
__step=run-once


# ---- start NEW in slot b, health check, switch traffic [start+switch, sudo -n bash -s]
# step: start+switch
__step=start+switch
__begin 1
{ if [ "$(id -u)" = 0 ]; then __put /etc/supervisor/conf.d/NOME_APP-b.conf 0644 root:root; elif ! cmp -s - /etc/supervisor/conf.d/NOME_APP-b.conf; then echo '/etc/supervisor/conf.d/NOME_APP-b.conf differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
} <<'__DEPLOY_EOF_2e68a041f486'
; NOME_APP gunicorn, slot b: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:NOME_APP-b]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/NOME_APP/gunicorn.conf.py; } && exec ./.venv/bin/python -m gunicorn --config "$c" --bind 127.0.0.1:8033 NOME_APP.wsgi:application'
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
__DEPLOY_EOF_2e68a041f486
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_6b0f4e09a762'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ m=/opt/django/apps/NOME_APP/slots/b.stopping; while [ -e "$m" ] && [ $(( $(date +%s) - $(stat -c %Y "$m" 2>/dev/null || echo 0) )) -lt 45 ]; do sleep 0.1; done; rm -f "$m"
} </dev/null
__DEPLOY_EOF_6b0f4e09a762
__begin 3
{ __ctl NOME_APP stop NOME_APP-b || true
} </dev/null
__begin 4
{ if __addr_in_use 127.0.0.1:8033; then echo '127.0.0.1:8033 (slot b) is already in use by another process:' >&2; ss -Hltnp >&2 || true; exit 1; fi
} </dev/null
__i=5
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_9ecab9b9a1d5'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start+switch
__begin 5
( [ -x /opt/django/apps/NOME_APP/releases/NEW/.venv/bin/python ] || { echo "release NEW cannot start: its virtualenv is gone (.venv -> $(readlink /opt/django/apps/NOME_APP/releases/NEW/.venv || echo nothing)); deploy its commit again to build one (deploy --ref <its commit> --force)" >&2; exit 1; }
) </dev/null
__begin 6
( mkdir -p /opt/django/apps/NOME_APP/slots && ln -sfn /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/b.tmp && mv -T /opt/django/apps/NOME_APP/slots/b.tmp /opt/django/apps/NOME_APP/slots/b
) </dev/null
__mark changed
__DEPLOY_EOF_9ecab9b9a1d5
__begin 7
{ __log_from=$(( $(stat -c %s /var/log/deploy/NOME_APP/gunicorn-b.log 2>/dev/null || echo 0) + 1 ))
} </dev/null
__begin 8
{ __ctl NOME_APP start NOME_APP-b
} </dev/null
__mark changed
__begin 9
{ url=http://127.0.0.1:8033/; deadline=$((SECONDS + 30)); why="for 30 s"; until code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Host: 107.22.193.179' "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do if false || tail -c +"${__log_from:-1}" /var/log/deploy/NOME_APP/gunicorn-b.log 2>/dev/null | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; then why="(gunicorn could not start the app)"; deadline=0; fi; if [ "$SECONDS" -ge "$deadline" ]; then echo "health check failed: $url answered ${code:-nothing} $why; the slot's log ends with:" >&2; tail -c +"${__log_from:-1}" /var/log/deploy/NOME_APP/gunicorn-b.log 2>/dev/null | tail -n 25 >&2 || true; err=$(tail -c +"${__log_from:-1}" /var/log/deploy/NOME_APP/gunicorn-b.log 2>/dev/null | grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)' | grep -v HaltServer | tail -n 1); if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi; exit 1; fi; sleep 0.02; done; echo "$code"
} </dev/null
__begin 10
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
__begin 11
{ deploy_nginx_reload file /etc/nginx/sites-available/NOME_APP
} </dev/null
__i=12
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_a641754f379e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
__step=start+switch
__begin 12
( if ! (set -C; echo switch > /opt/django/apps/NOME_APP/deploy.decision-TOKEN) 2>/dev/null; then echo "interrupted: stopped before switching traffic" >&2; exit 130; fi
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
( live=$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b); want=$(readlink /opt/django/apps/NOME_APP/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/NOME_APP/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/NOME_APP/current.tmp && mv -T /opt/django/apps/NOME_APP/current.tmp /opt/django/apps/NOME_APP/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 15
( touch /opt/django/apps/NOME_APP/slots/a.stopping
) </dev/null
__DEPLOY_EOF_a641754f379e
__begin 16
{ if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8032 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c NOME_APP stop NOME_APP-a || true; sudo -n -u django rm -f /opt/django/apps/NOME_APP/slots/a.stopping'; else setsid nohup sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8032 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c NOME_APP stop NOME_APP-a || true; sudo -n -u django rm -f /opt/django/apps/NOME_APP/slots/a.stopping' >/dev/null 2>&1 </dev/null & fi
} </dev/null
__begin 17
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
__begin 18
{ for f in /etc/supervisor/conf.d/NOME_APP-process-\*.conf; do [ -f "$f" ] || continue; case " '' " in *" $f "*) continue;; esac; true || continue; supervisorctl stop "$(sed -n 's/^\[program:\(.*\)\]$/\1/p' "$f")" >/dev/null 2>&1 || true; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done
} </dev/null
__begin 19
{ if [ "${__programs_removed:-0}" = 1 ]; then supervisorctl reread >/dev/null && supervisorctl update >/dev/null; fi
} </dev/null
__i=20
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_61a7b89bc14d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start+switch
__begin 20
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 21
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && cd /opt/django/apps/NOME_APP/releases && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n 5 | tr '\n' ' ') $(basename "$(readlink /opt/django/apps/NOME_APP/current)") $(basename "$(readlink /opt/django/apps/NOME_APP/slots/a)") $(basename "$(readlink /opt/django/apps/NOME_APP/slots/b)") "; for d in */; do d=${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "; for v in /opt/django/virtualenvs/NOME_APP/*/; do v=${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done
) </dev/null
__DEPLOY_EOF_61a7b89bc14d
__begin 22
{ deploy_prune_kept /var/lib/deploy/apps/NOME_APP/releases /opt/django/apps/NOME_APP/releases
} </dev/null
__i=23
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_6693a5f4f740'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start+switch
__begin 23
( if grep -qF TOKEN /opt/django/apps/NOME_APP/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/NOME_APP/deploy.lock; fi
) </dev/null
__begin 24
( printf '%s\n' '{"result":"ok"}' >> /opt/django/apps/NOME_APP/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_6693a5f4f740

# ---- start NEW in slot b, health check [start, sudo -n bash -s]
# step: start
__step=start
__begin 1
{ if [ "$(id -u)" = 0 ]; then __put /etc/supervisor/conf.d/NOME_APP-b.conf 0644 root:root; elif ! cmp -s - /etc/supervisor/conf.d/NOME_APP-b.conf; then echo '/etc/supervisor/conf.d/NOME_APP-b.conf differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
} <<'__DEPLOY_EOF_2e68a041f486'
; NOME_APP gunicorn, slot b: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:NOME_APP-b]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/NOME_APP/gunicorn.conf.py; } && exec ./.venv/bin/python -m gunicorn --config "$c" --bind 127.0.0.1:8033 NOME_APP.wsgi:application'
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
__DEPLOY_EOF_2e68a041f486
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_6b0f4e09a762'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ m=/opt/django/apps/NOME_APP/slots/b.stopping; while [ -e "$m" ] && [ $(( $(date +%s) - $(stat -c %Y "$m" 2>/dev/null || echo 0) )) -lt 45 ]; do sleep 0.1; done; rm -f "$m"
} </dev/null
__DEPLOY_EOF_6b0f4e09a762
__begin 3
{ __ctl NOME_APP stop NOME_APP-b || true
} </dev/null
__begin 4
{ if __addr_in_use 127.0.0.1:8033; then echo '127.0.0.1:8033 (slot b) is already in use by another process:' >&2; ss -Hltnp >&2 || true; exit 1; fi
} </dev/null
__i=5
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_bfe0624b4651'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start
__begin 5
( [ -x /opt/django/apps/NOME_APP/releases/NEW/.venv/bin/python ] || { echo "release NEW cannot start: its virtualenv is gone (.venv -> $(readlink /opt/django/apps/NOME_APP/releases/NEW/.venv || echo nothing)); deploy its commit again to build one (deploy --ref <its commit> --force)" >&2; exit 1; }
) </dev/null
__begin 6
( mkdir -p /opt/django/apps/NOME_APP/slots && ln -sfn /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/slots/b.tmp && mv -T /opt/django/apps/NOME_APP/slots/b.tmp /opt/django/apps/NOME_APP/slots/b
) </dev/null
__mark changed
__DEPLOY_EOF_bfe0624b4651
__begin 7
{ __log_from=$(( $(stat -c %s /var/log/deploy/NOME_APP/gunicorn-b.log 2>/dev/null || echo 0) + 1 ))
} </dev/null
__begin 8
{ __ctl NOME_APP start NOME_APP-b
} </dev/null
__mark changed
__begin 9
{ url=http://127.0.0.1:8033/; deadline=$((SECONDS + 30)); why="for 30 s"; until code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Host: 107.22.193.179' "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do if false || tail -c +"${__log_from:-1}" /var/log/deploy/NOME_APP/gunicorn-b.log 2>/dev/null | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; then why="(gunicorn could not start the app)"; deadline=0; fi; if [ "$SECONDS" -ge "$deadline" ]; then echo "health check failed: $url answered ${code:-nothing} $why; the slot's log ends with:" >&2; tail -c +"${__log_from:-1}" /var/log/deploy/NOME_APP/gunicorn-b.log 2>/dev/null | tail -n 25 >&2 || true; err=$(tail -c +"${__log_from:-1}" /var/log/deploy/NOME_APP/gunicorn-b.log 2>/dev/null | grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)' | grep -v HaltServer | tail -n 1); if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi; exit 1; fi; sleep 0.02; done; echo "$code"
} </dev/null
__begin 10
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
__begin 11
{ deploy_nginx_reload file /etc/nginx/sites-available/NOME_APP
} </dev/null

# ---- ask the running step to stop before the switch [abort, sudo -n bash -s]
# step: abort
__step=abort
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_a80b070b8c17'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if (set -C; echo abort > /opt/django/apps/NOME_APP/deploy.decision-TOKEN) 2>/dev/null || grep -qx abort /opt/django/apps/NOME_APP/deploy.decision-TOKEN; then echo stopping; else echo too-late; fi
} </dev/null
__DEPLOY_EOF_a80b070b8c17

# ---- switch traffic to NEW [switch, sudo -n bash -s]
# step: switch
__step=switch
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_5254e65769e6'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
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
( live=$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b); want=$(readlink /opt/django/apps/NOME_APP/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/NOME_APP/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/NOME_APP/current.tmp && mv -T /opt/django/apps/NOME_APP/current.tmp /opt/django/apps/NOME_APP/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 3
( touch /opt/django/apps/NOME_APP/slots/a.stopping
) </dev/null
__DEPLOY_EOF_5254e65769e6
__begin 4
{ if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8032 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c NOME_APP stop NOME_APP-a || true; sudo -n -u django rm -f /opt/django/apps/NOME_APP/slots/a.stopping'; else setsid nohup sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8032 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c NOME_APP stop NOME_APP-a || true; sudo -n -u django rm -f /opt/django/apps/NOME_APP/slots/a.stopping' >/dev/null 2>&1 </dev/null & fi
} </dev/null
__begin 5
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
__begin 6
{ for f in /etc/supervisor/conf.d/NOME_APP-process-\*.conf; do [ -f "$f" ] || continue; case " '' " in *" $f "*) continue;; esac; true || continue; supervisorctl stop "$(sed -n 's/^\[program:\(.*\)\]$/\1/p' "$f")" >/dev/null 2>&1 || true; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done
} </dev/null
__begin 7
{ if [ "${__programs_removed:-0}" = 1 ]; then supervisorctl reread >/dev/null && supervisorctl update >/dev/null; fi
} </dev/null
__i=8
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_0c73937c1786'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=switch
__begin 8
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 9
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && cd /opt/django/apps/NOME_APP/releases && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n 5 | tr '\n' ' ') $(basename "$(readlink /opt/django/apps/NOME_APP/current)") $(basename "$(readlink /opt/django/apps/NOME_APP/slots/a)") $(basename "$(readlink /opt/django/apps/NOME_APP/slots/b)") "; for d in */; do d=${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "; for v in /opt/django/virtualenvs/NOME_APP/*/; do v=${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done
) </dev/null
__DEPLOY_EOF_0c73937c1786
__begin 10
{ deploy_prune_kept /var/lib/deploy/apps/NOME_APP/releases /opt/django/apps/NOME_APP/releases
} </dev/null
__i=11
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_72c266801349'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=switch
__begin 11
( if grep -qF TOKEN /opt/django/apps/NOME_APP/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/NOME_APP/deploy.lock; fi
) </dev/null
__begin 12
( printf '%s\n' '{"result":"ok"}' >> /opt/django/apps/NOME_APP/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_72c266801349

# ---- switch traffic to NEW, check through nginx [switch, sudo -n bash -s]
# step: switch
__step=switch
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_a34aa8732674'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
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
( live=$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b); want=$(readlink /opt/django/apps/NOME_APP/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/NOME_APP/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/NOME_APP/current.tmp && mv -T /opt/django/apps/NOME_APP/current.tmp /opt/django/apps/NOME_APP/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__DEPLOY_EOF_a34aa8732674
__begin 3
{ headers=$(curl -s -o /dev/null -D - --max-time 10 -H 'Host: 107.22.193.179' http://127.0.0.1:80/) || true; code=$(printf '%s
' "$headers" | awk 'NR == 1 { print $2 }'); if [ -z "$code" ] || [ "$code" -lt 200 ] || [ "$code" -ge 400 ] || ! printf '%s
' "$headers" | tr -d '' | grep -qix 'x-deploy-site: NOME_APP'; then echo "through nginx, http://127.0.0.1:80/ answered ${code:-nothing}" >&2; exit 1; fi; echo "$code"
} </dev/null

# ---- back to the previous release [revert, sudo -n bash -s]
# step: revert
__step=revert
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_b7b2c1817137'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
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
( live=$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b); want=$(readlink /opt/django/apps/NOME_APP/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/NOME_APP/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/NOME_APP/current.tmp && mv -T /opt/django/apps/NOME_APP/current.tmp /opt/django/apps/NOME_APP/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__DEPLOY_EOF_b7b2c1817137

# ---- stop the old slot, clean up [finish, sudo -n bash -s]
# step: finish
__step=finish
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_2a6e108ea944'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ touch /opt/django/apps/NOME_APP/slots/a.stopping
} </dev/null
__DEPLOY_EOF_2a6e108ea944
__begin 2
{ if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8032 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c NOME_APP stop NOME_APP-a || true; sudo -n -u django rm -f /opt/django/apps/NOME_APP/slots/a.stopping'; else setsid nohup sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8032 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c NOME_APP stop NOME_APP-a || true; sudo -n -u django rm -f /opt/django/apps/NOME_APP/slots/a.stopping' >/dev/null 2>&1 </dev/null & fi
} </dev/null
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
{ for f in /etc/supervisor/conf.d/NOME_APP-process-\*.conf; do [ -f "$f" ] || continue; case " '' " in *" $f "*) continue;; esac; true || continue; supervisorctl stop "$(sed -n 's/^\[program:\(.*\)\]$/\1/p' "$f")" >/dev/null 2>&1 || true; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done
} </dev/null
__begin 5
{ if [ "${__programs_removed:-0}" = 1 ]; then supervisorctl reread >/dev/null && supervisorctl update >/dev/null; fi
} </dev/null
__i=6
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_cf1317b2265e'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=finish
__begin 6
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 7
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && cd /opt/django/apps/NOME_APP/releases && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n 5 | tr '\n' ' ') $(basename "$(readlink /opt/django/apps/NOME_APP/current)") $(basename "$(readlink /opt/django/apps/NOME_APP/slots/a)") $(basename "$(readlink /opt/django/apps/NOME_APP/slots/b)") "; for d in */; do d=${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "; for v in /opt/django/virtualenvs/NOME_APP/*/; do v=${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done
) </dev/null
__DEPLOY_EOF_cf1317b2265e
__begin 8
{ deploy_prune_kept /var/lib/deploy/apps/NOME_APP/releases /opt/django/apps/NOME_APP/releases
} </dev/null
__i=9
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_06f8512f1904'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=finish
__begin 9
( if grep -qF TOKEN /opt/django/apps/NOME_APP/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/NOME_APP/deploy.lock; fi
) </dev/null
__begin 10
( printf '%s\n' '{"result":"ok"}' >> /opt/django/apps/NOME_APP/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_06f8512f1904

# ---- clean up [abandon, sudo -n bash -s]
# step: abandon
__step=abandon
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_08ac139c544a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if grep -qsF '"run":"TOKEN"' /opt/django/apps/NOME_APP/maintenance.html; then rm -f /opt/django/apps/NOME_APP/maintenance.html; fi || true
} </dev/null
__DEPLOY_EOF_08ac139c544a
__begin 2
{ if [ "$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)" != b ]; then __ctl NOME_APP stop NOME_APP-b || true; fi
} </dev/null
__i=3
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_24dcb985351c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
__step=abandon
__begin 3
( if [ -d /opt/django/apps/NOME_APP/releases/NEW ] && [ "$(readlink /opt/django/apps/NOME_APP/slots/"$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b)")" != /opt/django/apps/NOME_APP/releases/NEW ]; then rm -f /opt/django/apps/NOME_APP/releases/NEW/.deploy-built; echo failed > /opt/django/apps/NOME_APP/releases/NEW/.deploy-failed 2>/dev/null || { mv -T /opt/django/apps/NOME_APP/releases/NEW /opt/django/apps/NOME_APP/releases/.deleting-NEW && rm -rf /opt/django/apps/NOME_APP/releases/.deleting-NEW; } || true; fi
) </dev/null
__begin 4
( rm -f /opt/django/apps/NOME_APP/deploy.decision-TOKEN
) </dev/null
__begin 5
( if grep -qF TOKEN /opt/django/apps/NOME_APP/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/NOME_APP/deploy.lock; fi
) </dev/null
__begin 6
( printf '%s\n' \{\} >> /opt/django/apps/NOME_APP/deploy.log.jsonl || true
) </dev/null
__begin 7
( slot=$(deploy_live_slot /opt/django/apps/NOME_APP/slots/live-b); echo "live $slot $(basename "$(readlink /opt/django/apps/NOME_APP/slots/"$slot")")"
) </dev/null
__DEPLOY_EOF_24dcb985351c

# ---- release the lock [unlock, sudo -n bash -s]
# step: unlock
__step=unlock
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_39b5c97a89fe'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=unlock
__begin 1
( if grep -qF TOKEN /opt/django/apps/NOME_APP/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/NOME_APP/deploy.lock; fi
) </dev/null
__begin 2
( printf '%s\n' \{\} >> /opt/django/apps/NOME_APP/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_39b5c97a89fe
