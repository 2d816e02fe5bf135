# shellcheck shell=bash
# Files root writes: only where nobody but root can write (docs/threat-model.md), each change
# kept until its step succeeds (__restore puts it back when nginx -t rejects the new config).
# __parent PATH: the directory PATH is in (dirname's answer for an absolute path, without a process).
__parent() { local p=${1%/*}; printf '%s\n' "${p:-/}"; }
# __root_only_dir DIR [PATH]: DIR and every directory above it are real directories (no link on
# the way) that only root can write. Root writes nothing anywhere else: in a directory another
# user can write, that user could swap a file or a link in under root's hands
# (docs/threat-model.md). PATH, when given, is read by the same stat: its "MODE USER:GROUP" is
# left in __stat_of (empty when PATH does not exist), so a caller needs no process of its own.
__root_only_dir() {
  local p=$1 dirs=() extra=() uid mode owner i=0
  # Up to /, without a process per level: every step of a setup or deploy writes through here.
  while :; do
    if [ "${p#/}" = "$p" ] || [ ! -d "$p" ] || [ -L "$p" ]; then echo "refusing to write in $1 as root: $p is not a plain directory" >&2; return 1; fi
    dirs+=("$p")
    if [ "$p" = / ]; then break; fi
    p=${p%/*}; p=${p:-/}
  done
  __stat_of=''
  if [ -n "${2:-}" ] && { [ -e "$2" ] || [ -L "$2" ]; }; then extra=("$2"); fi
  while read -r uid mode owner; do
    if [ "$i" -ge "${#dirs[@]}" ]; then __stat_of="$mode $owner"; i=$((i + 1)); continue; fi
    p=${dirs[i]}; i=$((i + 1))
    if [ "$uid" != 0 ] || (( 8#$mode & 8#022 )); then echo "refusing to write in $1 as root: $p can be written by another user than root" >&2; return 1; fi
  done < <(stat -c '%u %a %U:%G' -- "${dirs[@]}" "${extra[@]}")
  # Every level read: a stat that failed half-way leaves none unchecked.
  [ "$i" = "$((${#dirs[@]} + ${#extra[@]}))" ] || { echo "refusing to write in $1 as root: cannot read its directories" >&2; return 1; }
}
# __root_dir MODE OWNER:GROUP DIR: DIR exists, with that mode and owner, below directories only
# root can write (those it has to make are root's, 0755).
__root_dir() {
  local up=$3
  while [ ! -e "$up" ] && [ ! -L "$up" ]; do up=${up%/*}; up=${up:-/}; done
  if [ "$up" = "$3" ]; then
    up=${3%/*}
    __root_only_dir "${up:-/}" "$3"
    if [ ! -d "$3" ] || [ -L "$3" ]; then echo "$3 is not a plain directory: refusing to use it" >&2; return 1; fi
    if [ "$__stat_of" = "${1#0} $2" ]; then __mark ok; return 0; fi
  else
    __root_only_dir "$up"
  fi
  install -d -m "$1" -o "${2%%:*}" -g "${2#*:}" -- "$3"
  __mark changed
}
# __put PATH MODE OWNER:GROUP < content: replace PATH only when content or mode differ, keeping the old one for __restore.
__put() {
  local dst=$1 dir=${1%/*} tmp content old=''
  # The content, read once (no file holds a NUL byte): most often it is what the file already
  # says, and then nothing is written, with one process (the stat) instead of ten.
  IFS= read -r -d '' content || true
  __root_only_dir "${dir:-/}" "$dst"
  if [ -f "$dst" ] && [ ! -L "$dst" ] && [ "$__stat_of" = "${2#0} $3" ]; then
    IFS= read -r -d '' old <"$dst" || true
    if [ "$old" = "$content" ]; then __mark ok; return 0; fi
  fi
  tmp=$(mktemp "$dst.deploy-XXXXXX")
  printf '%s' "$content" >"$tmp"
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
# __give_to_app --dir USER DIR...: only DIR itself (a disk the operator mounted there, and its parents).
__give_to_app() {
  local only_dir='' u d
  if [ "$1" = --dir ]; then only_dir=1; shift; fi
  u=$1
  shift
  for d in "$@"; do
    # From inside DIR: cd pins it, and its real path is checked.
    (
      cd -P -- "$d" 2>/dev/null || exit 0
      if [ "$(pwd -P)" != "$d" ]; then echo "$d is reached through a symbolic link: refusing to touch it" >&2; exit 1; fi
      if [ "$(stat -c %u .)" != 0 ]; then exit 0; fi
      if [ -z "$only_dir" ]; then find . -mindepth 1 -maxdepth 1 -exec chown -h "$u:$u" {} +; fi
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
