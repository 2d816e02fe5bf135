# deploy, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- lock, fetch and resolve [prepare, bash -s]
# step: prepare
__step=prepare
__begin 1
{ test -d /opt/django/apps/blog/repo || { echo "blog is not set up on this server: run \`deploy blog setup\` first" >&2; exit 1; }
} </dev/null
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_f9d3f1a3064c'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if mkdir -m 0755 /opt/django/apps/blog/deploy.lock 2>/dev/null; then printf '%s\n' '{"by":"me@here","pid":1,"since":"now","what":"x","token":"TOKEN"}' > /opt/django/apps/blog/deploy.lock/info; else echo "locked: $(cat /opt/django/apps/blog/deploy.lock/info 2>/dev/null || echo '{}')" >&2; exit 75; fi
} </dev/null
__DEPLOY_EOF_f9d3f1a3064c
__mark changed
__begin 3
{ for u in nginx supervisor; do if ! systemctl is-active --quiet "$u"; then echo "$u is not running on this server ($(systemctl is-active "$u" 2>/dev/null || true)): the site is down; start it (sudo systemctl start $u), then run this again" >&2; exit 1; fi; done
} </dev/null
__begin 4
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_8c7067da9c64'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ { grep -qF /opt/django/apps/blog/slots/live-b /etc/nginx/sites-available/blog 2>/dev/null && test -w /opt/django/apps/blog/slots; } || { echo "blog was set up by an older version of deploy: run \`deploy blog setup\` again first" >&2; exit 1; }
} </dev/null
__DEPLOY_EOF_8c7067da9c64
__begin 5
{ echo 'f4e8d7a1009a4065ec15328cbcbbe0a1394e5b1fe6f141e865a3ca0d87b15676  /usr/local/sbin/deploy-ctl' | sha256sum --quiet --strict -c 2>/dev/null || { echo '/usr/local/sbin/deploy-ctl is not the one this version of deploy needs: run `deploy blog setup`' >&2; exit 1; }
} </dev/null
__begin 6
{ if [ "$EUID" = 0 ]; then __root_dir 0755 root:root /var/lib/deploy/apps/blog && __put /var/lib/deploy/apps/blog/ctl.conf 0644 root:root; elif ! cmp -s - /var/lib/deploy/apps/blog/ctl.conf; then echo '/var/lib/deploy/apps/blog/ctl.conf is not the one this version of deploy needs: run `deploy blog setup` (deploy_user cannot)' >&2; exit 1; fi
} <<'__DEPLOY_EOF_e28a98a42122'
# blog: written by `deploy blog setup`; read by /usr/local/sbin/deploy-ctl.
manager supervisor
programs blog-a blog-b
logs /var/log/deploy/blog
site_logs /var/log/nginx/blog.access.log /var/log/nginx/blog.error.log
__DEPLOY_EOF_e28a98a42122
__i=7
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_8232a7d11509'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
__step=prepare
__begin 7
( live=$(deploy_live_slot /opt/django/apps/blog/slots/live-b); want=$(readlink /opt/django/apps/blog/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/blog/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/blog/current.tmp && mv -T /opt/django/apps/blog/current.tmp /opt/django/apps/blog/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 8
( rm -f /opt/django/apps/blog/current.tmp /opt/django/apps/blog/slots/a.tmp /opt/django/apps/blog/slots/b.tmp /opt/django/apps/blog/deploy.decision-*
) </dev/null
__begin 9
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && for d in /opt/django/apps/blog/releases/.deleting-* /opt/django/virtualenvs/blog/.deleting-*; do if [ -e "$d" ]; then __delete "$d"; fi; done
) </dev/null
__begin 10
( if grep -qsF '"run":"' /opt/django/apps/blog/maintenance.html; then rm -f /opt/django/apps/blog/maintenance.html; __warn "took down the maintenance page a deploy --maintenance left when it did not finish: the site answers again"; fi
) </dev/null
__begin 11
( cd /opt/django/apps/blog/repo && git -c core.sshCommand='ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -i /opt/django/.ssh/id_ed25519 -o ControlMaster=auto -o ControlPersist=300 -o ControlPath=/opt/django/.ssh/git-%C' fetch --prune --quiet origin
) </dev/null
__begin 12
( cd /opt/django/apps/blog/repo && __at() { git rev-parse --verify --quiet "$1^{commit}" || true; } && want=main && { [ -n "$want" ] || want=$(git symbolic-ref -q HEAD) || want=HEAD; } && case "$want" in refs/heads/*) name=${want#refs/heads/}; kind=branch; c=$(__at "$want"); missing="no branch named $name";; refs/tags/*) name=${want#refs/tags/}; kind=tag; c=$(__at "$want"); missing="no tag named $name";; *) name=$want; missing="no branch, tag or commit named $want"; t=$(__at "refs/tags/$want"); b=$(__at "refs/heads/$want"); if [ -n "$t" ] && [ -n "$b" ]; then { echo "$want is both a branch (refs/heads/$want, ${b:0:8}) and a tag (refs/tags/$want, ${t:0:8})" in git@github.com:example/blog.git >&2; exit 66; }; elif [ -n "$t" ]; then c=$t; kind=tag; elif [ -n "$b" ]; then c=$b; kind=branch; else c=$(__at "$want"); kind=commit; fi;; esac && if [ -z "$c" ]; then { echo "$missing" in git@github.com:example/blog.git >&2; exit 66; }; fi && echo "$c $kind $name"
) </dev/null
__begin 13
( date -u +%s; { ls -1 /opt/django/apps/blog/releases 2>/dev/null || true; } | { grep -E '^[0-9]{8}T[0-9]{6}-' || true; } | sort | tail -n 1
) </dev/null
__begin 14
( deploy_live_slot /opt/django/apps/blog/slots/live-b
) </dev/null
__begin 15
( head -n 1 /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"/.deploy-release 2>/dev/null | sed 's/,"fingerprint":"[^"]*"//' || true; if grep -qF '"fingerprint":"'[redacted]'"' /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"/.deploy-release 2>/dev/null; then echo same; else echo changed; fi
) </dev/null
__DEPLOY_EOF_8232a7d11509

# ---- build release NEW [build, bash -s]
# step: build
__step=build
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_0653986a2ecb'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_release_dir deploy_release_file deploy_release_config
__step=build
__begin 1
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/blog/repo && subs=$(git ls-tree -r --full-tree cccccccccccccccccccccccccccccccccccccccc | awk -F '	' '$1 ~ / commit / { print $2 }' | paste -sd, -) && if [ -n "$subs" ]; then echo 'main (cccccccc)'" has git submodules, which deploy does not export (git archive would leave them empty): $subs. Commit their files into the repository, or deploy a commit without submodules." >&2; exit 1; fi && rm -rf /opt/django/apps/blog/releases/NEW && mkdir -p /opt/django/apps/blog/releases/NEW && git archive --format=tar cccccccccccccccccccccccccccccccccccccccc | tar -x -C /opt/django/apps/blog/releases/NEW
) </dev/null
__mark changed
fi
__begin 2
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-release
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/blog/releases/NEW && for d in media data log; do rm -rf "$d" && ln -sfn /opt/django/apps/blog/shared/"$d" "$d"; done && (umask 027 && printf '%s\n' '{"release":"NEW","ref":"main","kind":"branch","commit":"cccccccccccccccccccccccccccccccccccccccc","time":"2026-12-04T10:00:00.000Z","by":"operator@laptop","fingerprint":"''''"}' > .deploy-release)
) </dev/null
__mark changed
fi
__begin 3
( (umask 077 && cat > /opt/django/apps/blog/releases/NEW/.deploy-env.tmp && mv -f /opt/django/apps/blog/releases/NEW/.deploy-env.tmp /opt/django/apps/blog/releases/NEW/.deploy-env)
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
) <<'__DEPLOY_EOF_c0c22d41b779'
# gunicorn settings for blog: written into each release (.deploy/gunicorn.conf.py) by
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
# Logs go to stdout/stderr: supervisor writes them to /opt/django/apps/blog/shared/log, systemd to the journal.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"
__DEPLOY_EOF_c0c22d41b779
__mark changed
__begin 6
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
__begin 7
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
__DEPLOY_EOF_0653986a2ecb
__begin 8
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
__begin 9
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
__begin 10
{ deploy_keep_sums /var/lib/deploy/apps/blog/releases/NEW nginx.conf app.conf
} </dev/null
__i=11
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_6d8039c7ff91'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_refresh_secrets deploy_live_slot
__step=build
__begin 11
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
__begin 12
if ( test -f /opt/django/apps/blog/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/blog/releases/NEW && key=$({ cat requirements.txt 2>/dev/null || true; python3 -c 'import sys; print(sys.version)'; echo 'ssp=false pip='; } | sha256sum | cut -c1-16) && venv=/opt/django/virtualenvs/blog/"$key" && if [ ! -f "$venv/.deploy-complete" ]; then rm -rf "$venv" && if python3 -m pip --version >/dev/null 2>&1; then python3 -m venv --without-pip  "$venv"; else python3 -m venv  "$venv"; fi; fi && ln -sfn "$venv" .venv
) </dev/null
__mark changed
fi
__begin 13
if ( /opt/django/apps/blog/releases/NEW/.venv/bin/python -c 'import gunicorn'
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/blog/releases/NEW && __pip() { if .venv/bin/python -c 'import pip' 2>/dev/null; then .venv/bin/python -m pip "$@"; else python3 -m pip --python .venv/bin/python "$@"; fi; } && __pip install --quiet  gunicorn
) </dev/null
__mark changed
fi
__begin 14
if ( test -f /opt/django/apps/blog/releases/NEW/.venv/.deploy-complete
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/blog/releases/NEW && if [ -f requirements.txt ]; then set -a && . ./.deploy-env && set +a && __pip() { if .venv/bin/python -c 'import pip' 2>/dev/null; then .venv/bin/python -m pip "$@"; else python3 -m pip --python .venv/bin/python "$@"; fi; } && __pip install  -r requirements.txt; fi && touch .venv/.deploy-complete
) </dev/null
__mark changed
fi
__begin 15
if ( test ! -f /opt/django/apps/blog/releases/NEW/manage.py || { __django_inputs=$(cd /opt/django/apps/blog/releases/NEW && { { find -L . \( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \) -prune -o \( -path '*/static/*' -o -path '*/migrations/*.py' -o -name 'settings*.py' -o -path '*/settings/*.py' \) -type f -print0 || true; } | sort -z | xargs -0r sha256sum; cat requirements.txt 2>/dev/null || true; readlink -f .venv; ls /usr/lib/python3/dist-packages 2>/dev/null || true; } | sha256sum | cut -c1-16) && [ "$(cat /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"/.deploy-django 2>/dev/null)" = "$__django_inputs" ] && [ -d /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"/.deploy-www ]; }
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( cd /opt/django/apps/blog/releases/NEW && set -a && . ./.deploy-env && set +a && .venv/bin/python manage.py shell -c "from django.core.management import call_command as c; c('collectstatic', interactive=False, verbosity=1); c('migrate', interactive=False)"
) </dev/null
__mark changed
fi
__begin 16
( if [ ! -d /opt/django/apps/blog/releases/NEW/.deploy-www ] && [ -f /opt/django/apps/blog/releases/NEW/manage.py ] && [ -d /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"/.deploy-www ]; then cp -al /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)"/.deploy-www /opt/django/apps/blog/releases/NEW/.deploy-www; fi
) </dev/null
__begin 17
( __django_inputs=$(cd /opt/django/apps/blog/releases/NEW && { { find -L . \( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \) -prune -o \( -path '*/static/*' -o -path '*/migrations/*.py' -o -name 'settings*.py' -o -path '*/settings/*.py' \) -type f -print0 || true; } | sort -z | xargs -0r sha256sum; cat requirements.txt 2>/dev/null || true; readlink -f .venv; ls /usr/lib/python3/dist-packages 2>/dev/null || true; } | sha256sum | cut -c1-16) && echo "$__django_inputs" > /opt/django/apps/blog/releases/NEW/.deploy-django
) </dev/null
__begin 18
if ( test -f /opt/django/apps/blog/releases/NEW/.deploy-built
) </dev/null >/dev/null 2>&1; then
__mark ok
else
( touch /opt/django/apps/blog/releases/NEW/.deploy-built
) </dev/null
__mark changed
fi
__DEPLOY_EOF_6d8039c7ff91

# ---- run once in NEW [run-once, bash -s]
# step: run-once
__step=run-once


# ---- start NEW in slot b, health check, switch traffic [start+switch, bash -s]
# step: start+switch
__step=start+switch
__begin 1
{ if [ "$(id -u)" = 0 ]; then __put /etc/supervisor/conf.d/blog-b.conf 0644 root:root; elif ! cmp -s - /etc/supervisor/conf.d/blog-b.conf; then echo '/etc/supervisor/conf.d/blog-b.conf differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
} <<'__DEPLOY_EOF_af242bf1dcc7'
; blog gunicorn, slot b: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:blog-b]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/blog/gunicorn.conf.py; } && exec ./.venv/bin/python -m gunicorn --config "$c" --bind 127.0.0.1:8051 blog.wsgi:application'
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
__DEPLOY_EOF_af242bf1dcc7
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_91ae8b4b0bf9'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ m=/opt/django/apps/blog/slots/b.stopping; while [ -e "$m" ] && [ $(( $(date +%s) - $(stat -c %Y "$m" 2>/dev/null || echo 0) )) -lt 45 ]; do sleep 0.1; done; rm -f "$m"
} </dev/null
__DEPLOY_EOF_91ae8b4b0bf9
__begin 3
{ __ctl blog stop blog-b || true
} </dev/null
__begin 4
{ if __addr_in_use 127.0.0.1:8051; then echo '127.0.0.1:8051 (slot b) is already in use by another process:' >&2; ss -Hltnp >&2 || true; exit 1; fi
} </dev/null
__i=5
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_a3a6dd70f43d'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start+switch
__begin 5
( [ -x /opt/django/apps/blog/releases/NEW/.venv/bin/python ] || { echo "release NEW cannot start: its virtualenv is gone (.venv -> $(readlink /opt/django/apps/blog/releases/NEW/.venv || echo nothing)); deploy its commit again to build one (deploy --ref <its commit> --force)" >&2; exit 1; }
) </dev/null
__begin 6
( mkdir -p /opt/django/apps/blog/slots && ln -sfn /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/b.tmp && mv -T /opt/django/apps/blog/slots/b.tmp /opt/django/apps/blog/slots/b
) </dev/null
__mark changed
__DEPLOY_EOF_a3a6dd70f43d
__begin 7
{ __log_from=$(( $(stat -c %s /var/log/deploy/blog/gunicorn-b.log 2>/dev/null || echo 0) + 1 ))
} </dev/null
__begin 8
{ __ctl blog start blog-b
} </dev/null
__mark changed
__begin 9
{ url=http://127.0.0.1:8051/; deadline=$((SECONDS + 30)); why="for 30 s"; until code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Host: blog.example.org' "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do if false || tail -c +"${__log_from:-1}" /var/log/deploy/blog/gunicorn-b.log 2>/dev/null | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; then why="(gunicorn could not start the app)"; deadline=0; fi; if [ "$SECONDS" -ge "$deadline" ]; then echo "health check failed: $url answered ${code:-nothing} $why; the slot's log ends with:" >&2; tail -c +"${__log_from:-1}" /var/log/deploy/blog/gunicorn-b.log 2>/dev/null | tail -n 25 >&2 || true; err=$(tail -c +"${__log_from:-1}" /var/log/deploy/blog/gunicorn-b.log 2>/dev/null | grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)' | grep -v HaltServer | tail -n 1); if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi; exit 1; fi; sleep 0.02; done; echo "$code"
} </dev/null
__begin 10
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
__begin 11
{ deploy_nginx_reload file /etc/nginx/sites-available/blog
} </dev/null
__i=12
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_a7a22a09c6f6'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
__step=start+switch
__begin 12
( if ! (set -C; echo switch > /opt/django/apps/blog/deploy.decision-TOKEN) 2>/dev/null; then echo "interrupted: stopped before switching traffic" >&2; exit 130; fi
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
( live=$(deploy_live_slot /opt/django/apps/blog/slots/live-b); want=$(readlink /opt/django/apps/blog/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/blog/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/blog/current.tmp && mv -T /opt/django/apps/blog/current.tmp /opt/django/apps/blog/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 15
( touch /opt/django/apps/blog/slots/a.stopping
) </dev/null
__DEPLOY_EOF_a7a22a09c6f6
__begin 16
{ if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8050 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c blog stop blog-a || true; sudo -n -u django rm -f /opt/django/apps/blog/slots/a.stopping'; else setsid nohup sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8050 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c blog stop blog-a || true; sudo -n -u django rm -f /opt/django/apps/blog/slots/a.stopping' >/dev/null 2>&1 </dev/null & fi
} </dev/null
__begin 17
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
__begin 18
{ for f in /etc/supervisor/conf.d/blog-process-\*.conf; do [ -f "$f" ] || continue; case " '' " in *" $f "*) continue;; esac; true || continue; supervisorctl stop "$(sed -n 's/^\[program:\(.*\)\]$/\1/p' "$f")" >/dev/null 2>&1 || true; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done
} </dev/null
__begin 19
{ if [ "${__programs_removed:-0}" = 1 ]; then supervisorctl reread >/dev/null && supervisorctl update >/dev/null; fi
} </dev/null
__i=20
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_de4b2e3e71c7'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start+switch
__begin 20
( rm -f /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 21
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && cd /opt/django/apps/blog/releases && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n 5 | tr '\n' ' ') $(basename "$(readlink /opt/django/apps/blog/current)") $(basename "$(readlink /opt/django/apps/blog/slots/a)") $(basename "$(readlink /opt/django/apps/blog/slots/b)") "; for d in */; do d=${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "; for v in /opt/django/virtualenvs/blog/*/; do v=${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done
) </dev/null
__DEPLOY_EOF_de4b2e3e71c7
__begin 22
{ deploy_prune_kept /var/lib/deploy/apps/blog/releases /opt/django/apps/blog/releases
} </dev/null
__i=23
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_0069bd45e3a2'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start+switch
__begin 23
( if grep -qF TOKEN /opt/django/apps/blog/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/blog/deploy.lock; fi
) </dev/null
__begin 24
( printf '%s\n' '{"result":"ok"}' >> /opt/django/apps/blog/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_0069bd45e3a2

# ---- start NEW in slot b, health check [start, bash -s]
# step: start
__step=start
__begin 1
{ if [ "$(id -u)" = 0 ]; then __put /etc/supervisor/conf.d/blog-b.conf 0644 root:root; elif ! cmp -s - /etc/supervisor/conf.d/blog-b.conf; then echo '/etc/supervisor/conf.d/blog-b.conf differs from what the settings make: run setup to apply the change (deploy_user cannot)' >&2; exit 1; fi
} <<'__DEPLOY_EOF_af242bf1dcc7'
; blog gunicorn, slot b: written by deploy from templates/supervisor.conf.
; The slot directory is a symlink to the release this slot runs; deploy points it at
; a new release only while the slot is stopped, so a running slot never changes code.
; The app's environment ([ENV], secrets included) is in the release's .deploy-env (mode 0600,
; the app user's), read by the shell that starts gunicorn: it is never in this file.
[program:blog-b]
command=/bin/sh -c 'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/blog/gunicorn.conf.py; } && exec ./.venv/bin/python -m gunicorn --config "$c" --bind 127.0.0.1:8051 blog.wsgi:application'
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
__DEPLOY_EOF_af242bf1dcc7
__begin 2
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_91ae8b4b0bf9'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ m=/opt/django/apps/blog/slots/b.stopping; while [ -e "$m" ] && [ $(( $(date +%s) - $(stat -c %Y "$m" 2>/dev/null || echo 0) )) -lt 45 ]; do sleep 0.1; done; rm -f "$m"
} </dev/null
__DEPLOY_EOF_91ae8b4b0bf9
__begin 3
{ __ctl blog stop blog-b || true
} </dev/null
__begin 4
{ if __addr_in_use 127.0.0.1:8051; then echo '127.0.0.1:8051 (slot b) is already in use by another process:' >&2; ss -Hltnp >&2 || true; exit 1; fi
} </dev/null
__i=5
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_2ebaa4a15e47'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=start
__begin 5
( [ -x /opt/django/apps/blog/releases/NEW/.venv/bin/python ] || { echo "release NEW cannot start: its virtualenv is gone (.venv -> $(readlink /opt/django/apps/blog/releases/NEW/.venv || echo nothing)); deploy its commit again to build one (deploy --ref <its commit> --force)" >&2; exit 1; }
) </dev/null
__begin 6
( mkdir -p /opt/django/apps/blog/slots && ln -sfn /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/slots/b.tmp && mv -T /opt/django/apps/blog/slots/b.tmp /opt/django/apps/blog/slots/b
) </dev/null
__mark changed
__DEPLOY_EOF_2ebaa4a15e47
__begin 7
{ __log_from=$(( $(stat -c %s /var/log/deploy/blog/gunicorn-b.log 2>/dev/null || echo 0) + 1 ))
} </dev/null
__begin 8
{ __ctl blog start blog-b
} </dev/null
__mark changed
__begin 9
{ url=http://127.0.0.1:8051/; deadline=$((SECONDS + 30)); why="for 30 s"; until code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Host: blog.example.org' "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do if false || tail -c +"${__log_from:-1}" /var/log/deploy/blog/gunicorn-b.log 2>/dev/null | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; then why="(gunicorn could not start the app)"; deadline=0; fi; if [ "$SECONDS" -ge "$deadline" ]; then echo "health check failed: $url answered ${code:-nothing} $why; the slot's log ends with:" >&2; tail -c +"${__log_from:-1}" /var/log/deploy/blog/gunicorn-b.log 2>/dev/null | tail -n 25 >&2 || true; err=$(tail -c +"${__log_from:-1}" /var/log/deploy/blog/gunicorn-b.log 2>/dev/null | grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)' | grep -v HaltServer | tail -n 1); if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi; exit 1; fi; sleep 0.02; done; echo "$code"
} </dev/null
__begin 10
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
__begin 11
{ deploy_nginx_reload file /etc/nginx/sites-available/blog
} </dev/null

# ---- ask the running step to stop before the switch [abort, bash -s]
# step: abort
__step=abort
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_ec212694cb07'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if (set -C; echo abort > /opt/django/apps/blog/deploy.decision-TOKEN) 2>/dev/null || grep -qx abort /opt/django/apps/blog/deploy.decision-TOKEN; then echo stopping; else echo too-late; fi
} </dev/null
__DEPLOY_EOF_ec212694cb07

# ---- switch traffic to NEW [switch, bash -s]
# step: switch
__step=switch
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_747bc3975a8b'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
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
( live=$(deploy_live_slot /opt/django/apps/blog/slots/live-b); want=$(readlink /opt/django/apps/blog/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/blog/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/blog/current.tmp && mv -T /opt/django/apps/blog/current.tmp /opt/django/apps/blog/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__begin 3
( touch /opt/django/apps/blog/slots/a.stopping
) </dev/null
__DEPLOY_EOF_747bc3975a8b
__begin 4
{ if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8050 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c blog stop blog-a || true; sudo -n -u django rm -f /opt/django/apps/blog/slots/a.stopping'; else setsid nohup sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8050 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c blog stop blog-a || true; sudo -n -u django rm -f /opt/django/apps/blog/slots/a.stopping' >/dev/null 2>&1 </dev/null & fi
} </dev/null
__begin 5
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
__begin 6
{ for f in /etc/supervisor/conf.d/blog-process-\*.conf; do [ -f "$f" ] || continue; case " '' " in *" $f "*) continue;; esac; true || continue; supervisorctl stop "$(sed -n 's/^\[program:\(.*\)\]$/\1/p' "$f")" >/dev/null 2>&1 || true; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done
} </dev/null
__begin 7
{ if [ "${__programs_removed:-0}" = 1 ]; then supervisorctl reread >/dev/null && supervisorctl update >/dev/null; fi
} </dev/null
__i=8
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_3d11c9eabc0a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=switch
__begin 8
( rm -f /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 9
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && cd /opt/django/apps/blog/releases && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n 5 | tr '\n' ' ') $(basename "$(readlink /opt/django/apps/blog/current)") $(basename "$(readlink /opt/django/apps/blog/slots/a)") $(basename "$(readlink /opt/django/apps/blog/slots/b)") "; for d in */; do d=${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "; for v in /opt/django/virtualenvs/blog/*/; do v=${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done
) </dev/null
__DEPLOY_EOF_3d11c9eabc0a
__begin 10
{ deploy_prune_kept /var/lib/deploy/apps/blog/releases /opt/django/apps/blog/releases
} </dev/null
__i=11
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_245f10c3e886'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=switch
__begin 11
( if grep -qF TOKEN /opt/django/apps/blog/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/blog/deploy.lock; fi
) </dev/null
__begin 12
( printf '%s\n' '{"result":"ok"}' >> /opt/django/apps/blog/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_245f10c3e886

# ---- switch traffic to NEW, check through nginx [switch, bash -s]
# step: switch
__step=switch
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_2205f1bd11c8'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
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
( live=$(deploy_live_slot /opt/django/apps/blog/slots/live-b); want=$(readlink /opt/django/apps/blog/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/blog/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/blog/current.tmp && mv -T /opt/django/apps/blog/current.tmp /opt/django/apps/blog/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__DEPLOY_EOF_2205f1bd11c8
__begin 3
{ headers=$(curl -s -o /dev/null -D - --max-time 10 -k --resolve blog.example.org:443:127.0.0.1 https://blog.example.org:443/) || true; code=$(printf '%s
' "$headers" | awk 'NR == 1 { print $2 }'); if [ -z "$code" ] || [ "$code" -lt 200 ] || [ "$code" -ge 400 ] || ! printf '%s
' "$headers" | tr -d '' | grep -qix 'x-deploy-site: blog'; then echo "through nginx, https://blog.example.org:443/ answered ${code:-nothing}" >&2; exit 1; fi; echo "$code"
} </dev/null

# ---- back to the previous release [revert, bash -s]
# step: revert
__step=revert
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_a1c362c093e4'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
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
( live=$(deploy_live_slot /opt/django/apps/blog/slots/live-b); want=$(readlink /opt/django/apps/blog/slots/"$live" || true); if [ -n "$want" ] && [ "$(readlink /opt/django/apps/blog/current)" != "$want" ]; then ln -sfn "$want" /opt/django/apps/blog/current.tmp && mv -T /opt/django/apps/blog/current.tmp /opt/django/apps/blog/current; echo "current -> $(basename "$want") (slot $live)"; fi
) </dev/null
__DEPLOY_EOF_a1c362c093e4

# ---- stop the old slot, clean up [finish, bash -s]
# step: finish
__step=finish
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_059946518ff2'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ touch /opt/django/apps/blog/slots/a.stopping
} </dev/null
__DEPLOY_EOF_059946518ff2
__begin 2
{ if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8050 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c blog stop blog-a || true; sudo -n -u django rm -f /opt/django/apps/blog/slots/a.stopping'; else setsid nohup sh -c 'sleep 0.2; for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :8050 2>/dev/null)" ] && break; sleep 0.05; done; c=/usr/local/sbin/deploy-ctl; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c blog stop blog-a || true; sudo -n -u django rm -f /opt/django/apps/blog/slots/a.stopping' >/dev/null 2>&1 </dev/null & fi
} </dev/null
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
{ for f in /etc/supervisor/conf.d/blog-process-\*.conf; do [ -f "$f" ] || continue; case " '' " in *" $f "*) continue;; esac; true || continue; supervisorctl stop "$(sed -n 's/^\[program:\(.*\)\]$/\1/p' "$f")" >/dev/null 2>&1 || true; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done
} </dev/null
__begin 5
{ if [ "${__programs_removed:-0}" = 1 ]; then supervisorctl reread >/dev/null && supervisorctl update >/dev/null; fi
} </dev/null
__i=6
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_7e15e4644f07'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=finish
__begin 6
( rm -f /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 7
( __delete() { if ! rm -rf -- "$1" 2>/dev/null; then __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; fi; } && cd /opt/django/apps/blog/releases && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n 5 | tr '\n' ' ') $(basename "$(readlink /opt/django/apps/blog/current)") $(basename "$(readlink /opt/django/apps/blog/slots/a)") $(basename "$(readlink /opt/django/apps/blog/slots/b)") "; for d in */; do d=${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "; for v in /opt/django/virtualenvs/blog/*/; do v=${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done
) </dev/null
__DEPLOY_EOF_7e15e4644f07
__begin 8
{ deploy_prune_kept /var/lib/deploy/apps/blog/releases /opt/django/apps/blog/releases
} </dev/null
__i=9
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_b4bfb406c013'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=finish
__begin 9
( if grep -qF TOKEN /opt/django/apps/blog/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/blog/deploy.lock; fi
) </dev/null
__begin 10
( printf '%s\n' '{"result":"ok"}' >> /opt/django/apps/blog/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_b4bfb406c013

# ---- clean up [abandon, bash -s]
# step: abandon
__step=abandon
__begin 1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_2d8c4e3307a9'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
{ if grep -qsF '"run":"TOKEN"' /opt/django/apps/blog/maintenance.html; then rm -f /opt/django/apps/blog/maintenance.html; fi || true
} </dev/null
__DEPLOY_EOF_2d8c4e3307a9
__begin 2
{ if [ "$(deploy_live_slot /opt/django/apps/blog/slots/live-b)" != b ]; then __ctl blog stop blog-b || true; fi
} </dev/null
__i=3
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_2402ecbd87aa'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_live_slot
__step=abandon
__begin 3
( if [ -d /opt/django/apps/blog/releases/NEW ] && [ "$(readlink /opt/django/apps/blog/slots/"$(deploy_live_slot /opt/django/apps/blog/slots/live-b)")" != /opt/django/apps/blog/releases/NEW ]; then rm -f /opt/django/apps/blog/releases/NEW/.deploy-built; echo failed > /opt/django/apps/blog/releases/NEW/.deploy-failed 2>/dev/null || { mv -T /opt/django/apps/blog/releases/NEW /opt/django/apps/blog/releases/.deleting-NEW && rm -rf /opt/django/apps/blog/releases/.deleting-NEW; } || true; fi
) </dev/null
__begin 4
( rm -f /opt/django/apps/blog/deploy.decision-TOKEN
) </dev/null
__begin 5
( if grep -qF TOKEN /opt/django/apps/blog/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/blog/deploy.lock; fi
) </dev/null
__begin 6
( printf '%s\n' \{\} >> /opt/django/apps/blog/deploy.log.jsonl || true
) </dev/null
__begin 7
( slot=$(deploy_live_slot /opt/django/apps/blog/slots/live-b); echo "live $slot $(basename "$(readlink /opt/django/apps/blog/slots/"$slot")")"
) </dev/null
__DEPLOY_EOF_2402ecbd87aa

# ---- release the lock [unlock, bash -s]
# step: unlock
__step=unlock
__i=1
sudo -n -H -u django -- bash -s <<'__DEPLOY_EOF_2c85de34ba5a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
__step=unlock
__begin 1
( if grep -qF TOKEN /opt/django/apps/blog/deploy.lock/info 2>/dev/null; then rm -rf /opt/django/apps/blog/deploy.lock; fi
) </dev/null
__begin 2
( printf '%s\n' \{\} >> /opt/django/apps/blog/deploy.log.jsonl || true
) </dev/null
__DEPLOY_EOF_2c85de34ba5a
