# shellcheck shell=bash
# The helper library every step script starts with, after markers.sh (src/render.ts sends
# both, then the step).
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
# What __put last wrote to each file, as its digest: a file that differs from it was edited by hand.
readonly __WRITTEN=/var/lib/deploy/written
__written_mark() { printf '%s/%s.sha256' "$__WRITTEN" "$(printf '%s' "$1" | sed 's#/#%#g')"; }
__written() { if [ "$EUID" = 0 ]; then install -d -m 0700 "$__WRITTEN" && sha256sum "$1" >"$(__written_mark "$1")"; fi; }
trap __on_exit EXIT
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
__was_changed() { case " $__changed_files " in *" $1 "*) return 0;; esac; return 1; }
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
__keep_aside() {
  if [ -z "$__undo_dir" ]; then __undo_dir=$(mktemp -d /tmp/deploy-undo-XXXXXX); fi
  local kept
  kept=$(mktemp "$__undo_dir/f-XXXXXX")
  mv -f "$1" "$kept"
  __undo="mv -f $(printf '%q' "$kept") $(printf '%q' "$1"); $__undo"
}
# Put back every file this step replaced, linked or removed (used when nginx -t rejects the new config).
__restore() {
  local f
  for f in $__changed_files; do
    if [ -e "$f.deploy-prev" ]; then mv -f "$f.deploy-prev" "$f"; else rm -f "$f"; fi
  done
  eval "$__undo"
  __undo=''
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
# __give_to_app DIR USER [dir]: an older version left DIR, inside the app's tree, to root (or the
# operator mounted a disk there); it becomes USER's, with what is in it (but with `dir`: only DIR).
# Done from inside DIR (cd pins it; its real path is checked), so no link is followed.
__give_to_app() {
  (
    cd -P -- "$1" 2>/dev/null || exit 0
    if [ "$(pwd -P)" != "$1" ]; then echo "$1 is reached through a symbolic link: refusing to touch it" >&2; exit 1; fi
    if [ "$(stat -c %u .)" != 0 ]; then exit 0; fi
    if [ "${3:-}" != dir ]; then find . -mindepth 1 -maxdepth 1 -exec chown -h "$2:$2" {} +; fi
    chown "$2:$2" .
    __mark changed
  )
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
# __config KEYS TEMPLATE CONFIG < current: TEMPLATE (the config as a release made it; - for stdin)
# with CONFIG's secret_key (a new one when it has none) and, for every key matching KEYS (a regex),
# the value of stdin's line (the config as the settings make it now): secrets come from root's
# sources only, never from a file another user can write.
__config() {
  local key='' current
  current=$(cat)
  if [ -f "$3" ]; then key=$(sed -n 's/^secret_key[[:space:]]*=[[:space:]]*//p' "$3" | head -n 1); fi
  if [ -z "$key" ]; then key=$(head -c 48 /dev/urandom | base64 -w0 | tr '+/' '-_'); fi
  if [ "$2" = - ]; then printf '%s\n' "$current"; else cat -- "$2"; fi |
    KEY="$key" CURRENT="$current" awk -v keys="$1" '
      BEGIN { n = split(ENVIRON["CURRENT"], lines, "\n"); for (i = 1; i <= n; i++) if (lines[i] ~ keys) { k = lines[i]; sub(/[ \t]*=.*/, "", k); v[k] = lines[i] } }
      { i = index($0, "@@SECRET_KEY@@"); if (i) $0 = substr($0, 1, i - 1) ENVIRON["KEY"] substr($0, i + 14) }
      { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v)) print v[k]; else print }'
}
# __store_verify DIR: the files root kept for a release are the ones it wrote (SHA256SUMS).
__store_verify() {
  (cd -- "$1" && sha256sum --quiet --strict -c SHA256SUMS) || { echo "$1: the server files root kept for this release do not match their SHA256SUMS: refusing to install them" >&2; return 1; }
}
