# Every step's script starts with this (remote/markers.sh, remote/prelude.sh):
# shellcheck shell=bash
# Markers: \036 + word + command index on stdout/stderr tell which command printed what,
# which were already done and which failed. Every step script starts with this (then
# prelude.sh's helpers); so does each group of the app user's commands inside it (src/render.ts).
set -euo pipefail
__i=0 __step_changed=0 __step='' __pause_at='' __pause_for=3600
__mark() { printf '\036%s %s\n' "$1" "$__i"; if [ "$1" = changed ]; then __step_changed=1; fi; }
__begin() {
  __i=$1
  if [ -n "$__pause_at" ] && [ "$__step:$1" = "$__pause_at" ]; then __pause; fi
  printf '\036begin %s\n' "$1"; printf '\036begin %s\n' "$1" >&2
}
# __warn TEXT: a warning the operator reads whatever becomes of the step (one line, on stderr).
__warn() {
  local text="$*"
  printf '\036warn %s\n' "${text//$'\n'/ }" >&2
}
# A tick every 50 ms: once the client is gone, writing one ends the script (SIGPIPE) right here.
__pause() {
  local end=$((SECONDS + __pause_for))
  printf '\036paused %s\n' "$__step:$__i"
  while [ "$SECONDS" -lt "$end" ]; do printf '\036tick\n'; sleep 0.05; done
}
# Step scripts replace it with prelude.sh's (the trap calls it by name); app groups keep this one.
# shellcheck disable=SC2317
__on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then printf '\036fail %s %s\n' "$__i" "$rc" >&2; fi
}
trap __on_exit EXIT
# shellcheck shell=bash
# What every step script starts with, after markers.sh: the shell's settings and the exit trap.
# The functions a script calls follow, from remote/lib/ (src/library.ts picks them), then the step.
umask 022
cd /
export LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
__changed_files='' __undo='' __undo_dir=''
# On success the copies __put kept for __restore go: they may hold old secrets.
# (Replaces markers.sh's __on_exit, which the EXIT trap calls by name.)
__on_exit() {
  local rc=$? f
  if [ "$rc" -ne 0 ]; then printf '\036fail %s %s\n' "$__i" "$rc" >&2; return; fi
  for f in $__changed_files; do rm -f "$f.deploy-prev"; if [ -f "$f" ]; then __written "$f"; fi; done
  if [ -n "$__undo_dir" ]; then rm -rf "$__undo_dir"; fi
}
trap __on_exit EXIT

# then the functions of remote/lib/ it calls, of these:
# __config SECRETS TEMPLATE CONFIG < current: TEMPLATE (the config as a release made it; - for stdin) with CONFIG's secret_key and stdin's SECRETS.
__config() {
  # The secret_key is CONFIG's own (a new one when it has none), and every secret comes from stdin
  # (the config as the settings make it now): from root's sources only, never from a file another
  # user can write.
  local key='' current
  current=$(cat)
  if [ -f "$3" ]; then key=$(sed -n 's/^secret_key[[:space:]]*=[[:space:]]*//p' "$3" | head -n 1); fi
  if [ -z "$key" ]; then key=$(head -c 48 /dev/urandom | base64 -w0 | tr '+/' '-_'); fi
  if [ "$2" = - ]; then printf '%s\n' "$current"; else cat -- "$2"; fi |
    KEY="$key" CURRENT="$current" awk -v keys="^(${1//,/|})[[:space:]]*=" '
      BEGIN { n = split(ENVIRON["CURRENT"], lines, "\n"); for (i = 1; i <= n; i++) if (lines[i] ~ keys) { k = lines[i]; sub(/[ \t]*=.*/, "", k); v[k] = lines[i] } }
      { i = index($0, "@@SECRET_KEY@@"); if (i) $0 = substr($0, 1, i - 1) ENVIRON["KEY"] substr($0, i + 14) }
      { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v)) print v[k]; else print }'
}
# __store_verify DIR: the files root kept for a release are the ones it wrote (SHA256SUMS).
__store_verify() {
  (cd -- "$1" && sha256sum --quiet --strict -c SHA256SUMS) || { echo "$1: the server files root kept for this release do not match their SHA256SUMS: refusing to install them" >&2; return 1; }
}
# deploy_config_dir OWNER:GROUP DIR: the config file's directory outside home: if it exists, the system's (only checked); else __root_dir 0750.
deploy_config_dir() {
  if [ -d "$2" ] && [ ! -L "$2" ]; then __root_only_dir "$2"; else __root_dir 0750 "$1" "$2"; fi
}
# deploy_config_file CONFIG GROUP SECRETS < config: CONFIG (0640 root:GROUP) becomes stdin, with its own secret_key; refuses what is no config file.
deploy_config_file() {
  local content
  __root_only_dir "$(dirname -- "$1")"
  if [ -e "$1" ] && ! { [ -f "$1" ] && grep -q '^secret_key[[:space:]]*=' "$1"; }; then
    echo "$1 exists and is not a config file with a secret_key: refusing to overwrite it (check config_file)" >&2
    return 1
  fi
  content=$(__config "$3" - "$1")
  __put "$1" 0640 "root:$2" <<<"$content"
}
# deploy_release_dir DIR: the release's own server files' directory DIR (0750) and its processes/ exist.
deploy_release_dir() {
  mkdir -p "$1/processes"
  chmod 0750 "$1"
}
# deploy_release_file FILE MODE < content: the release's FILE gets stdin's content, through FILE.tmp (umask 027).
deploy_release_file() { (umask 027 && cat >"$1.tmp" && chmod "$2" "$1.tmp" && mv -f "$1.tmp" "$1"); }
# deploy_release_config CONFIG APP FILE < config: the release's config FILE is stdin with CONFIG's secret_key (read on the server: it never crosses the wire).
deploy_release_config() {
  local key
  key=$(sed -n 's/^secret_key[[:space:]]*=[[:space:]]*//p' "$1" 2>/dev/null | head -n 1)
  if [ -z "$key" ]; then echo "$1 has no secret_key the app user can read: run \`deploy $2 setup\`" >&2; return 1; fi
  KEY="$key" awk -v p=@@SECRET_KEY@@ '{ i = index($0, p); if (i) $0 = substr($0, 1, i - 1) ENVIRON["KEY"] substr($0, i + length(p)) } 1' | deploy_release_file "$3" 0640
}
# deploy_refresh_secrets RELEASES SECRETS < config: every release's copy of the config file gets stdin's lines of the SECRETS, its other lines stay.
deploy_refresh_secrets() {
  # A rollback brings a release's own settings back, but a password rotated since is gone from every copy at once.
  local src f
  src=$(cat)
  for f in "$1"/*/.deploy/app.conf; do
    [ -f "$f" ] || continue
    SRC="$src" awk -v keys="^(${2//,/|})[ \t]*=" '
      BEGIN { n = split(ENVIRON["SRC"], lines, "\n"); for (i = 1; i <= n; i++) if (lines[i] ~ keys) { k = lines[i]; sub(/[ \t]*=.*/, "", k); v[k] = lines[i] } }
      { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v)) print v[k]; else print }' "$f" >"$f.tmp" && chmod 0640 "$f.tmp" && mv -f "$f.tmp" "$f"
  done
}
# deploy_keep_file FILE < content: as root, FILE (in root's directory for a release; 0644) becomes stdin; a deploy user keeps nothing.
deploy_keep_file() {
  if [ "$EUID" != 0 ]; then return 0; fi
  install -d -m 0755 "$(dirname -- "$1")"
  __put "$1" 0644 root:root
}
# deploy_keep_sums DIR FILE...: as root, DIR's SHA256SUMS of the FILEs root kept there (__store_verify checks them before root installs one).
deploy_keep_sums() {
  local dir=$1
  if [ "$EUID" != 0 ]; then return 0; fi
  shift
  (cd -- "$dir" && sha256sum "$@" >SHA256SUMS.tmp && mv -f SHA256SUMS.tmp SHA256SUMS)
}
# deploy_prune_kept KEPT RELEASES: as root, the directories in KEPT of releases gone from RELEASES (of which it only tests existence) go.
deploy_prune_kept() {
  local d
  if [ "$EUID" != 0 ]; then return 0; fi
  for d in "$1"/*/; do
    d=${d%/}
    [ -d "$d" ] || continue
    if [ ! -d "$2/$(basename "$d")" ]; then rm -rf -- "$d"; fi
  done
}
# deploy_sync_config KEPT CONFIG GROUP SECRETS < config: as root, CONFIG (0640 root:GROUP) becomes root's copy in KEPT, with its secret_key and stdin's SECRETS.
deploy_sync_config() {
  local content
  # A deploy user cannot (APP_CONFIG_FILE, the release's own copy, is what counts); nor root, for a release it kept nothing for.
  if [ "$EUID" != 0 ] || [ ! -f "$1/SHA256SUMS" ]; then return 0; fi
  __store_verify "$1"
  __root_only_dir "$(dirname -- "$2")"
  content=$(__config "$4" "$1/app.conf" "$2")
  __put "$2" 0640 "root:$3" <<<"$content"
}
# deploy_install_site KEPT SITE RELEASE NEW < site: root installs its copy (in KEPT) of RELEASE's nginx SITE; a deploy user checks SITE is that, or stdin if NEW is yes.
deploy_install_site() {
  local kept=$1 site=$2 release=$3 wanted=-
  if [ "$EUID" != 0 ]; then
    # A deploy user cannot install a site, only say when setup must. A kept release root built
    # nothing for (a deploy user's, or an older version's) has no site of its own to compare with.
    if [ "$4" != yes ]; then
      if [ ! -f "$kept/SHA256SUMS" ]; then return 0; fi
      wanted=$kept/nginx.conf
    fi
    if ! cmp -s "$wanted" "$site"; then echo "the nginx site differs from release $release's: run setup to apply the change (deploy_user cannot)" >&2; return 1; fi
    return 0
  fi
  if [ ! -f "$kept/SHA256SUMS" ]; then
    echo "root kept no server files for release $release (built by a deploy user, or by an older version): the nginx site stays as it is"
    return 0
  fi
  __store_verify "$kept"
  if ! cmp -s "$kept/nginx.conf" "$site"; then __put "$site" 0644 root:root <"$kept/nginx.conf"; fi
}
# Files root writes: only where nobody but root can write (docs/threat-model.md), each change
# kept until its step succeeds (__restore puts it back when nginx -t rejects the new config).
# __root_only_dir DIR: DIR and every directory above it are real directories (no link on the
# way) that only root can write. Root writes nothing anywhere else: in a directory another user
# can write, that user could swap a file or a link in under root's hands (docs/threat-model.md).
__root_only_dir() {
  local p=$1 st
  while :; do
    if [ ! -d "$p" ] || [ -L "$p" ]; then echo "refusing to write in $1 as root: $p is not a plain directory" >&2; return 1; fi
    st=$(stat -c '%u %a' -- "$p")
    if [ "${st%% *}" != 0 ] || (( 8#${st#* } & 8#022 )); then echo "refusing to write in $1 as root: $p can be written by another user than root" >&2; return 1; fi
    if [ "$p" = / ]; then return 0; fi
    p=$(dirname -- "$p")
  done
}
# __root_dir MODE OWNER:GROUP DIR: DIR exists, with that mode and owner, below directories only
# root can write (those it has to make are root's, 0755).
__root_dir() {
  local up=$3
  while [ ! -e "$up" ] && [ ! -L "$up" ]; do up=$(dirname -- "$up"); done
  if [ "$up" = "$3" ]; then
    __root_only_dir "$(dirname -- "$3")"
    if [ ! -d "$3" ] || [ -L "$3" ]; then echo "$3 is not a plain directory: refusing to use it" >&2; return 1; fi
    if [ "$(stat -c '%a %U:%G' -- "$3")" = "${1#0} $2" ]; then __mark ok; return 0; fi
  else
    __root_only_dir "$up"
  fi
  install -d -m "$1" -o "${2%%:*}" -g "${2#*:}" -- "$3"
  __mark changed
}
# __put PATH MODE OWNER:GROUP < content: replace PATH only when content or mode differ, keeping the old one for __restore.
__put() {
  local dst=$1 tmp
  __root_only_dir "$(dirname -- "$dst")"
  tmp=$(mktemp "$dst.deploy-XXXXXX")
  cat >"$tmp"
  chmod "$2" "$tmp"
  chown "$3" "$tmp"
  if [ -f "$dst" ] && cmp -s "$tmp" "$dst" && [ "$(stat -c '%a %U:%G' "$dst")" = "$(stat -c '%a %U:%G' "$tmp")" ]; then
    rm -f "$tmp"; __mark ok; return 0
  fi
  if [ -e "$dst" ]; then cp -p "$dst" "$dst.deploy-prev"; else rm -f "$dst.deploy-prev"; fi
  # Edited by hand since deploy wrote it: the settings win, the edited copy is kept and the change shown.
  local mark kept=''
  mark=$(__written_mark "$dst")
  if [ -f "$dst" ] && [ -f "$mark" ] && ! sha256sum --quiet --status -c "$mark" 2>/dev/null; then
    # Kept out of the way: beside it, a directory read whole (logrotate.d, conf.d) would read it too.
    kept="/var/lib/deploy/hand-edited/$(printf '%s' "$dst" | sed 's#/#%#g').$(date +%Y%m%dT%H%M%S)"
    install -d -m 0700 /var/lib/deploy/hand-edited && cp -p "$dst" "$kept"
  fi
  mv -f "$tmp" "$dst"
  if [ -n "$kept" ]; then
    __warn "$dst was edited by hand since deploy wrote it: it is written from the settings again (make the change there); the edited copy is $kept"
    diff -u "$kept" "$dst" | sed -E 's/^([-+ ]?[[:space:]]*(secret_key|database_url|email_host_password)[[:space:]]*=).*/\1 [redacted]/' >&2 || true
  fi
  __changed_files="$__changed_files $dst"
  __mark changed
}
# __was_changed FILE: did __put (or __link, __unlink) change FILE in this step?
__was_changed() { case " $__changed_files " in *" $1 "*) return 0;; esac; return 1; }
# __written_mark FILE: where the digest of what __put last wrote to FILE is kept (a file that
# differs from it was edited by hand).
__written_mark() { printf '/var/lib/deploy/written/%s.sha256' "$(printf '%s' "$1" | sed 's#/#%#g')"; }
# __written FILE: record what deploy wrote to FILE (root only).
__written() { if [ "$EUID" = 0 ]; then install -d -m 0700 /var/lib/deploy/written && sha256sum "$1" >"$(__written_mark "$1")"; fi; }
# __link TARGET LINK: point LINK at TARGET; __restore points it back (or removes it).
# Links live in nginx's sites-enabled, which nginx reads whole: no backup may sit beside them.
__link() {
  local old
  __root_only_dir "$(dirname -- "$2")"
  old=$(readlink "$2" 2>/dev/null || true)
  if [ -L "$2" ] && [ "$old" = "$1" ]; then __mark ok; return 0; fi
  if [ -L "$2" ]; then __undo="ln -sfn $(printf '%q' "$old") $(printf '%q' "$2"); $__undo"
  elif [ -e "$2" ]; then __keep_aside "$2"
  else __undo="rm -f $(printf '%q' "$2"); $__undo"; fi
  ln -sfn "$1" "$2"
  __mark changed
}
# __unlink PATH: remove PATH (a link or a file); __restore puts it back.
__unlink() {
  __root_only_dir "$(dirname -- "$1")"
  if [ -L "$1" ]; then __undo="ln -sfn $(printf '%q' "$(readlink "$1")") $(printf '%q' "$1"); $__undo"; rm -f "$1"
  elif [ -e "$1" ]; then __keep_aside "$1"
  else __mark ok; return 0; fi
  __mark changed
}
# __keep_aside PATH: move PATH into this step's undo directory; __restore moves it back.
__keep_aside() {
  if [ -z "$__undo_dir" ]; then __undo_dir=$(mktemp -d /tmp/deploy-undo-XXXXXX); fi
  local kept
  kept=$(mktemp "$__undo_dir/f-XXXXXX")
  mv -f "$1" "$kept"
  __undo="mv -f $(printf '%q' "$kept") $(printf '%q' "$1"); $__undo"
}
# __restore: put back every file this step replaced, linked or removed (nginx -t rejected the new config).
__restore() {
  local f
  for f in $__changed_files; do
    if [ -e "$f.deploy-prev" ]; then mv -f "$f.deploy-prev" "$f"; else rm -f "$f"; fi
  done
  eval "$__undo"
  __undo=''
}
# __app_dir_in_root_dir MODE USER DIR: DIR, directly inside a directory only root can write, is USER's.
# Nobody but root can have put a link there; one left by an older version is refused.
__app_dir_in_root_dir() {
  __root_only_dir "$(dirname -- "$3")"
  if [ -L "$3" ]; then echo "$3 is a symbolic link: refusing to give it to $2" >&2; return 1; fi
  if [ "$(stat -c '%a %U:%G' -- "$3" 2>/dev/null)" = "${1#0} $2:$2" ]; then __mark ok; return 0; fi
  install -d -m "$1" -o "$2" -g "$2" -- "$3"
  __mark changed
}
# __give_to_app USER DIR...: each DIR an older version left to root inside the app's tree becomes USER's, without following a link.
__give_to_app() {
  local u=$1 d
  shift
  for d in "$@"; do
    # From inside DIR: cd pins it, and its real path is checked.
    (
      cd -P -- "$d" 2>/dev/null || exit 0
      if [ "$(pwd -P)" != "$d" ]; then echo "$d is reached through a symbolic link: refusing to touch it" >&2; exit 1; fi
      if [ "$(stat -c %u .)" != 0 ]; then exit 0; fi
      find . -mindepth 1 -maxdepth 1 -exec chown -h "$u:$u" {} +
      chown "$u:$u" .
      __mark changed
    )
  done
}
# deploy_put_mkdir PATH MODE OWNER:GROUP < content: __put, after making PATH's directory (root's, 0755) if it is missing.
deploy_put_mkdir() {
  mkdir -p "$(dirname -- "$1")"
  __put "$@"
}
# __nginx_reload: nginx -t (a rejected config is put back: __restore), then a graceful reload (a start if nginx is down), waiting for the old workers.
__nginx_reload() {
  local out pid old_workers='' alive p
  if ! out=$(nginx -t 2>&1); then __restore; echo "nginx -t rejected the new config; the previous one was put back:" >&2; echo "$out" >&2; return 1; fi
  pid=$(cat /run/nginx.pid 2>/dev/null || true)
  if [ -n "$pid" ]; then old_workers=$(pgrep -P "$pid" | tr "\n" " " || true); fi
  # nginx not running (stopped, or a port it needs taken): its own words say why it cannot start.
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then nginx -s reload
  elif ! systemctl restart nginx 2>/dev/null; then echo "nginx does not start; its log ends with:" >&2; journalctl -u nginx -n 8 --no-pager -o cat >&2 || true; return 1; fi
  # The old workers finish the requests they have (up to 10 s): until then they serve the old configuration.
  for _ in $(seq 500); do
    alive=''
    for p in $old_workers; do if kill -0 "$p" 2>/dev/null; then alive=1; fi; done
    [ -n "$alive" ] || break
    sleep 0.02
  done
}
# deploy_nginx_reload WHEN [FILE]: __nginx_reload if WHEN is changed (this step changed something), pending (that, or a reload is owed), file (FILE changed).
deploy_nginx_reload() {
  case "$1" in
    changed) if [ "$__step_changed" = 1 ]; then __nginx_reload; fi ;;
    pending) if [ "$__step_changed" = 1 ] || [ "${__reload_pending:-}" = 1 ]; then __nginx_reload; fi ;;
    file) if __was_changed "$2"; then __nginx_reload; fi ;;
    *) echo "deploy_nginx_reload: $1 is not changed, pending or file" >&2; return 2 ;;
  esac
}
# deploy_nginx_pending FILE: a run cut short between writing nginx's files and its reload left FILE: this step owes a reload; FILE is set again until then.
deploy_nginx_pending() {
  if [ -e "$1" ]; then __reload_pending=1; fi
  touch "$1"
}
# deploy_nginx_logs LOG...: each LOG of the site exists, 0640 www-data:adm, from the start.
deploy_nginx_logs() {
  local f
  # nginx would make them 0644 (anyone on the host reads them) until Debian's logrotate first rotates them.
  for f in "$@"; do
    __root_only_dir "$(dirname -- "$f")"
    touch "$f" && chown www-data:adm "$f" && chmod 0640 "$f"
  done
}
# __nginx_sites: print the path of every site nginx has enabled.
__nginx_sites() { printf '%s\n' /etc/nginx/sites-enabled/*; }
# deploy_nginx_default_free PORT MODE PROJECT APP: fail if another site is the default server on PORT, where the site needs it (MODE: catch-all or names).
deploy_nginx_default_free() {
  local port=$1 mode=$2 project=$3 app=$4 mine want sites f n
  # server_name _ makes the site the default server itself; a site with names brings the shared deploy-default-PORT.
  if [ "$mode" = catch-all ]; then
    mine=$project want='the default server (server_name _)'
  else
    mine="$project deploy-default-$port" want="its names, with the shared default server deploy-default-$port"
  fi
  mapfile -t sites < <(__nginx_sites)
  for f in "${sites[@]}"; do
    [ -e "$f" ] || continue
    n=$(basename "$f")
    case " $mine default " in *" $n "*) continue ;; esac
    if grep -qE '^[[:space:]]*listen[[:space:]]+(\[::\]:|0\.0\.0\.0:)?'"$port"'[[:space:]]+([^;]*[[:space:]])?default_server' "$f"; then
      if [ "$mode" = catch-all ]; then
        echo "port $port already has a default server: the site $n ($f)." "$app needs $want there. Nothing was changed." >&2
      else
        case "$n" in deploy-default-*) continue ;; esac
        echo "port $port already has a default server: the site $n ($f), which takes every name no site claims." "$app needs $want there. Nothing was changed." >&2
      fi
      return 1
    fi
  done
}
# deploy_nginx_verify PROJECT ERROR_LOG URL CURL_ARG...: print the status nginx answers URL with; fail unless 2xx or 3xx, from PROJECT's site.
deploy_nginx_verify() {
  local project=$1 log=$2 url=$3 headers code
  shift 3
  headers=$(curl -s -o /dev/null -D - --max-time 10 "$@" "$url") || true
  code=$(printf '%s\n' "$headers" | awk 'NR == 1 { print $2 }')
  echo "$code"
  if ! { [ -n "$code" ] && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; }; then
    echo "nginx answered ${code:-nothing} on $url" >&2
    tail -n 5 "$log" >&2
    return 1
  fi
  # The site's own header: another site answering as the default would look the same otherwise.
  if ! printf '%s\n' "$headers" | tr -d '\r' | grep -qix "x-deploy-site: $project"; then
    echo "nginx answered, but not through the $project site (is another site the default, or was nginx not reloaded?)" >&2
    return 1
  fi
}
# __ctl APP ACTION ARG...: the app's programs through deploy-ctl (remote/deploy-ctl.sh): directly
# as root, through sudo for a deploy user (its sudoers rule allows exactly this, for its app).
__ctl() {
  if [ "$EUID" = 0 ]; then /usr/local/sbin/deploy-ctl "$@"; else sudo -n /usr/local/sbin/deploy-ctl "$@"; fi
}
# __addr_in_use BIND: is something listening on host:port or unix:/path?
__addr_in_use() {
  case "$1" in
    unix:*) ss -Hlx | grep -qF " $(printf '%s' "$1" | cut -d: -f2-) " ;;
    *) [ -n "$(ss -Hltn "sport = :$(printf '%s' "$1" | awk -F: '{ print $NF }')")" ] ;;
  esac
}
# deploy_home_state HOME USER: print missing, ours (USER's, an older version's; or root's with USER's apps/), empty, or "foreign OWNER".
deploy_home_state() {
  local h=$1 u=$2
  if [ ! -e "$h" ]; then echo missing
  elif [ ! -d "$h" ] || [ -L "$h" ]; then echo "foreign $(stat -c %U "$h") (not a directory)"
  elif [ "$(stat -c %U "$h")" = "$u" ] || { [ "$(stat -c %U "$h")" = root ] && [ "$(stat -c %U "$h/apps" 2>/dev/null)" = "$u" ]; }; then echo ours
  elif [ -z "$(ls -A "$h")" ]; then echo empty
  else echo "foreign $(stat -c %U "$h")"
  fi
}
# deploy_app_user_risks USER GROUP...: print each reason an existing USER is no service account (any GROUP makes one); nothing for a new user.
deploy_app_user_risks() {
  local u=$1 shell g
  shift
  if ! getent passwd "$u" >/dev/null; then return 0; fi
  shell=$(getent passwd "$u" | cut -d: -f7)
  case "$shell" in /usr/sbin/nologin|/sbin/nologin|/bin/false|/usr/bin/false) ;; *) echo "it has a login shell (${shell:-none set, so /bin/sh})" ;; esac
  case "$(passwd -S "$u" 2>/dev/null | cut -d' ' -f2)" in P) echo "it has a password" ;; NP) echo "it has an empty password" ;; esac
  if sudo -n -l -U "$u" 2>/dev/null | grep -q 'may run the following'; then echo "it may run commands with sudo"; fi
  for g in $(id -nG "$u"); do case " $* " in *" $g "*) echo "it is a member of $g" ;; esac; done
  if [ "$(id -u "$u")" = 0 ]; then echo "its user id is 0 (root)"; fi
}
# deploy_packages_installed PACKAGE...: is every PACKAGE installed?
deploy_packages_installed() {
  [ "$(dpkg-query -W -f="\${db:Status-Abbrev}\n" "$@" 2>/dev/null | grep -c '^ii')" = "$#" ]
}
# deploy_apt_install PACKAGE...: install the PACKAGEs with apt, keeping the configuration files an administrator changed.
deploy_apt_install() {
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
# deploy_packages_present PYTHON PSYCOPG COMMAND...: fail naming what is missing: a COMMAND, PYTHON's venv, psycopg2 (when PSYCOPG is yes).
deploy_packages_present() {
  local python=$1 psycopg=$2 missing='' c
  shift 2
  for c in "$@"; do command -v "$c" >/dev/null || missing="$missing $c"; done
  "$python" -c 'import ensurepip, venv' 2>/dev/null || missing="$missing python3-venv"
  if [ "$psycopg" = yes ]; then "$python" -c 'import psycopg2' 2>/dev/null || missing="$missing python3-psycopg2"; fi
  if [ -n "$missing" ]; then echo "missing on this server:$missing (run setup with --dependencies=yes)" >&2; return 1; fi
}
# deploy_home_is_roots HOME: is HOME root's (0755 root:root), and no link?
deploy_home_is_roots() { [ "$(stat -c '%a %U:%G' "$1")" = '755 root:root' ] && [ ! -L "$1" ]; }
# deploy_home_to_root HOME: HOME, below directories only root can write, becomes root's (0755).
deploy_home_to_root() {
  __root_only_dir "$(dirname -- "$1")"
  chown -h root:root "$1"
  chmod 0755 "$1"
}
# deploy_own_dir MODE DIR: DIR, and what is missing above it, exists with MODE (run as the app user: it makes its own directories).
deploy_own_dir() {
  mkdir -p "$2"
  chmod "$1" "$2"
}
# deploy_own_file FILE MODE < content: FILE (the app user's own) gets stdin's content through a new file, only when it differs.
deploy_own_file() {
  local t
  t=$(mktemp "$1.XXXXXX")
  cat >"$t"
  if cmp -s "$t" "$1"; then rm -f "$t"; __mark ok; return 0; fi
  chmod "$2" "$t"
  mv -f "$t" "$1"
  __mark changed
}
# deploy_leave_groups USER GROUP...: USER leaves each GROUP it is a member of.
deploy_leave_groups() {
  local u=$1 g
  shift
  for g in "$@"; do
    if id -nG "$u" | tr ' ' '\n' | grep -qx "$g"; then gpasswd -d "$u" "$g" >/dev/null; fi
  done
}
# deploy_authorized_keys USER < keys: USER's authorized_keys become stdin's, written by USER itself.
deploy_authorized_keys() {
  # In USER's own home, as USER: root never writes where another user can (docs/threat-model.md).
  if [ "$(sudo -n -H -u "$1" bash -c 'umask 077 && mkdir -p "$HOME/.ssh" && t=$(mktemp "$HOME/.ssh/authorized_keys.XXXXXX") && cat > "$t" && if cmp -s "$t" "$HOME/.ssh/authorized_keys"; then rm -f "$t"; echo same; else mv -f "$t" "$HOME/.ssh/authorized_keys"; echo changed; fi')" = same ]; then __mark ok; else __mark changed; fi
}
# deploy_sudoers FILE USER < rule: FILE becomes stdin's sudoers rule for USER (0440), once visudo accepts it.
deploy_sudoers() {
  local tmp
  # Checked before it is in place: a broken sudoers file locks everyone out.
  tmp=$(mktemp)
  cat >"$tmp"
  chmod 0440 "$tmp"
  if ! visudo -cqf "$tmp"; then rm -f "$tmp"; echo "visudo rejected the rule for $2" >&2; return 1; fi
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; __mark ok; else mv -f "$tmp" "$1"; __mark changed; fi
}
# deploy_socket_is_roots SOCKET DROPIN: nothing to do for SOCKET: there is none, DROPIN (not ours) opens it, or it is 0700 root:root.
deploy_socket_is_roots() { [ ! -S "$1" ] || [ -e "$2" ] || [ "$(stat -L -c '%a %U:%G' "$1")" = '700 root:root' ]; }
# deploy_socket_to_root SOCKET: SOCKET becomes root's only (0700 root:root).
deploy_socket_to_root() {
  chown root:root "$1"
  chmod 0700 "$1"
}
# __slot_programs PROJECT: print the files either process manager may hold PROJECT's slot programs in, slot a's first.
__slot_programs() {
  local slot
  for slot in a b; do printf '%s\n' "/etc/supervisor/conf.d/$1-$slot.conf" "/etc/systemd/system/$1-$slot.service"; done
}
# deploy_installed_root PROJECT: print the app root PROJECT's first slot program that exists (supervisor's or systemd's) runs in.
deploy_installed_root() {
  local r='' f
  while read -r f; do
    if [ -z "$r" ] && [ -f "$f" ]; then r=$(sed -n -E 's/^(directory|WorkingDirectory)=//p' "$f"); fi
  done < <(__slot_programs "$1")
  printf '%s\n' "${r%/slots/[ab]}"
}
# __program_files: print the path of every supervisor program and systemd unit of this host.
__program_files() { printf '%s\n' /etc/supervisor/conf.d/*.conf /etc/systemd/system/*.service; }
# deploy_binds_free PROJECT BIND_A BIND_B: fail when another app's slot program binds to either address, or to its port.
deploy_binds_free() {
  local ours files f binds bind m other
  ours=" $(__slot_programs "$1" | tr '\n' ' ')"
  mapfile -t files < <(__program_files)
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    case "$ours" in *" $f "*) continue ;; esac
    binds=$(grep -oE -- '--bind [^ ]+' "$f" 2>/dev/null | cut -d' ' -f2 || true)
    # Words, not lines: in a program's command line a tab ends an address too.
    for bind in $binds; do
      for m in "$2" "$3"; do
        if [ "$bind" = "$m" ] || { [ "${bind#unix:}" = "$bind" ] && [ "${m#unix:}" = "$m" ] && [ "${bind##*:}" = "${m##*:}" ]; }; then
          other=$(basename "$f"); other=${other%-[ab].conf}; other=${other%-[ab].service}
          echo "gunicorn_bind: $m is already used by app $other on this server (--bind $bind in $f); give each app its own ports (gunicorn_bind, gunicorn_bind_alt). Nothing was changed." >&2
          return 1
        fi
      done
    done
  done
}
# deploy_live_from_legacy OLD FLAG: an older version kept the live slot in the file OLD: b becomes the switch file FLAG, and OLD goes.
deploy_live_from_legacy() {
  if [ "$(cat "$1" 2>/dev/null)" = b ]; then touch "$2"; fi
  rm -f "$1"
}
# deploy_live_release FLAG SLOTS: print the live slot (the switch file FLAG decides) and the release its link in SLOTS leads to.
deploy_live_release() {
  local slot
  slot=$(deploy_live_slot "$1")
  echo "$slot $(basename "$(readlink "$2/$slot" 2>/dev/null)" 2>/dev/null || true)"
}
# deploy_bind_moved BIND: print yes when nothing listens on BIND (gunicorn_bind changed since the live slot started), else no.
deploy_bind_moved() { if __addr_in_use "$1"; then echo no; else echo yes; fi; }
# deploy_services_on UNIT...: is every systemd UNIT enabled and running?
deploy_services_on() {
  local u
  for u in "$@"; do
    systemctl is-enabled --quiet "$u" || return 1
    systemctl is-active --quiet "$u" || return 1
  done
}
# deploy_live_slot FLAG: print the live slot (b while FLAG, the switch file, exists; else a), as nginx decides it.
deploy_live_slot() { if [ -e "$1" ]; then echo b; else echo a; fi; }
# deploy_tls_check CERTIFICATE KEY < names: fail, naming every problem at once, unless KEY is CERTIFICATE's, which covers each name and has not expired.
deploy_tls_check() {
  # The names come one a line on stdin: with the two paths, as arguments they would make a line nobody reads.
  local crt=$1 key=$2 problems='' n names
  mapfile -t names
  if [ ! -f "$crt" ]; then problems+=$'\n'"  ssl_certificate $crt: no such file on this server"
  elif ! openssl x509 -in "$crt" -noout 2>/dev/null; then problems+=$'\n'"  ssl_certificate $crt: not a PEM certificate"
  else
    for n in "${names[@]}"; do
      openssl x509 -in "$crt" -noout -checkhost "$n" 2>/dev/null | grep -q ' does match' || problems+=$'\n'"  ssl_certificate $crt does not cover $n (server_name)"
    done
    openssl x509 -in "$crt" -noout -checkend 0 >/dev/null || problems+=$'\n'"  ssl_certificate $crt has expired ($(openssl x509 -in "$crt" -noout -enddate | cut -d= -f2))"
  fi
  if [ ! -f "$key" ]; then problems+=$'\n'"  ssl_certificate_key $key: no such file on this server"
  elif ! openssl pkey -in "$key" -noout 2>/dev/null; then problems+=$'\n'"  ssl_certificate_key $key: not an unencrypted PEM private key"
  elif [ -f "$crt" ] && [ "$(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null | openssl sha256)" != "$(openssl pkey -in "$key" -pubout 2>/dev/null | openssl sha256)" ]; then
    problems+=$'\n'"  ssl_certificate_key $key does not match the certificate $crt"
  fi
  if [ -n "$problems" ]; then echo "the certificate cannot be used; nothing was changed:$problems" >&2; return 1; fi
}
# deploy_tls_linked LINKS: do both links in LINKS lead to a file (the throwaway certificate's, or certbot's)?
deploy_tls_linked() { [ -e "$1/fullchain.pem" ] && [ -e "$1/privkey.pem" ]; }
# deploy_tls_placeholder LINKS NAME: LINKS (0700) gets a throwaway self-signed certificate for NAME, and the links lead to it.
deploy_tls_placeholder() {
  # nginx's config names the links from the start, so it is valid before certbot's first certificate and never changes for it.
  install -d -m 0700 "$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$2" -keyout "$1/placeholder.key" -out "$1/placeholder.crt" 2>/dev/null
  ln -sfn placeholder.crt "$1/fullchain.pem"
  ln -sfn placeholder.key "$1/privkey.pem"
}
# deploy_tls_current LINKS LINEAGE SECONDS NAME...: do the links lead to certbot's LINEAGE, which covers each NAME and is good for SECONDS more?
deploy_tls_current() {
  local links=$1 lineage=$2 seconds=$3 n
  shift 3
  [ "$(readlink "$links/fullchain.pem")" = "/etc/letsencrypt/live/$lineage/fullchain.pem" ] || return 1
  openssl x509 -in "$links/fullchain.pem" -noout -checkend "$seconds" >/dev/null || return 1
  for n in "$@"; do
    openssl x509 -in "$links/fullchain.pem" -noout -checkhost "$n" | grep -q ' does match' || return 1
  done
}
# deploy_tls_obtain LINKS LINEAGE WEBROOT SERVER EMAIL NAME...: certbot gets LINEAGE for every NAME from SERVER (HTTP-01 in WEBROOT); the links move to it.
deploy_tls_obtain() {
  local links=$1 lineage=$2 webroot=$3 server=$4 email=$5 out n
  local -a account=(--register-unsafely-without-email) domains=()
  shift 5
  if [ -n "$email" ]; then account=(--email "$email"); fi
  for n in "$@"; do domains+=(-d "$n"); done
  if ! out=$(certbot certonly --non-interactive --agree-tos --webroot -w "$webroot" --cert-name "$lineage" "${domains[@]}" --server "$server" "${account[@]}" --keep-until-expiring 2>&1); then
    echo "certbot could not get a certificate for $* from $server:" >&2
    printf '%s\n' "$out" | grep -v '^\s*$' | tail -n 12 >&2
    return 1
  fi
  ln -sfn "/etc/letsencrypt/live/$lineage/fullchain.pem" "$links/fullchain.pem"
  ln -sfn "/etc/letsencrypt/live/$lineage/privkey.pem" "$links/privkey.pem"
  rm -f "$links/placeholder.crt" "$links/placeholder.key"
}
# deploy_tls_served PORT NAME FIELD...: print the FIELDs (openssl x509's options) of the certificate nginx presents for NAME on PORT; nothing if none.
deploy_tls_served() {
  local port=$1 name=$2
  shift 2
  echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername "$name" 2>/dev/null | openssl x509 -noout "$@" 2>/dev/null || true
}
# deploy_tls_reload_if_new PORT NAME CERTIFICATE: reload nginx when the certificate it presents for NAME on PORT is not the file CERTIFICATE.
deploy_tls_reload_if_new() {
  # nginx reads the file only when it loads its config, which does not change when the file is replaced.
  if [ "$(deploy_tls_served "$1" "$2" -serial)" != "$(openssl x509 -in "$3" -noout -serial)" ]; then __nginx_reload; fi
}
# deploy_tls_renewal: print whether certbot's timer is enabled and active, and when it runs next.
deploy_tls_renewal() {
  echo "$(systemctl is-enabled certbot.timer 2>/dev/null || true) $(systemctl is-active certbot.timer 2>/dev/null || true) $(systemctl show -p NextElapseUSecRealtime --value certbot.timer 2>/dev/null || true)"
}
