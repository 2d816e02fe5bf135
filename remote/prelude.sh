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
  for f in $__changed_files; do rm -f "$f.deploy-prev"; done
  if [ -n "$__undo_dir" ]; then rm -rf "$__undo_dir"; fi
}
trap __on_exit EXIT
# __put PATH MODE OWNER:GROUP < content: replace PATH only when content or mode differ, keeping the old one for __restore.
__put() {
  local dst=$1 tmp
  tmp=$(mktemp "$dst.deploy-XXXXXX")
  cat >"$tmp"
  chmod "$2" "$tmp"
  chown "$3" "$tmp"
  if [ -f "$dst" ] && cmp -s "$tmp" "$dst" && [ "$(stat -c '%a %U:%G' "$dst")" = "$(stat -c '%a %U:%G' "$tmp")" ]; then
    rm -f "$tmp"; __mark ok; return 0
  fi
  if [ -e "$dst" ]; then cp -p "$dst" "$dst.deploy-prev"; else rm -f "$dst.deploy-prev"; fi
  mv -f "$tmp" "$dst"
  __changed_files="$__changed_files $dst"
  __mark changed
}
__was_changed() { case " $__changed_files " in *" $1 "*) return 0;; esac; return 1; }
# __supervisor_rpc METHOD PROGRAM [WAIT]: supervisord's XML-RPC over its socket (curl: ~15 ms,
# where each supervisorctl start-up costs ~170 ms). Fails on a fault or when there is no socket.
__supervisor_rpc() {
  local out wait=0
  if [ "$#" -ge 3 ]; then wait=$3; fi
  out=$(curl -s --max-time 60 --unix-socket /var/run/supervisor.sock http://localhost/RPC2 -H 'Content-Type: text/xml' \
    -d "<?xml version='1.0'?><methodCall><methodName>supervisor.$1</methodName><params><param><value><string>$2</string></value></param><param><value><boolean>$wait</boolean></value></param></params></methodCall>") || return 1
  case "$out" in *'<fault>'*|'') return 1;; esac
}
# __supervisor_config_changed PROGRAM: does supervisord's re-read config add or change it?
__supervisor_config_changed() {
  curl -s --max-time 30 --unix-socket /var/run/supervisor.sock http://localhost/RPC2 -H 'Content-Type: text/xml' \
    -d "<?xml version='1.0'?><methodCall><methodName>supervisor.reloadConfig</methodName><params></params></methodCall>" | grep -qF "<string>$1</string>"
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
