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
# deploy_export REPO COMMIT DIR REF: export COMMIT (REF's) from the mirror REPO into DIR; a commit with git submodules is refused.
deploy_export() {
  local subs
  # git archive would leave each submodule an empty directory, and their repositories are not
  # the deploy key's to read: refused before anything is written.
  cd "$1" && subs=$(git ls-tree -r --full-tree "$2" | awk -F $'\t' '$1 ~ / commit / { print $2 }' | paste -sd, -) && if [ -n "$subs" ]; then
    echo "$4 (${2:0:8}) has git submodules, which deploy does not export (git archive would leave them empty): $subs. Commit their files into the repository, or deploy a commit without submodules." >&2
    return 1
  fi && rm -rf "$3" && mkdir -p "$3" && git archive --format=tar "$2" | tar -x -C "$3"
}
# deploy_finish_export DIR SHARED < metadata: link the release DIR's media, data and log to SHARED's, then record what it is.
deploy_finish_export() {
  local d
  # .deploy-release comes last (it says the export is complete) and is 0640: it holds the fingerprint.
  cd "$1" && for d in media data log; do rm -rf "$d" && ln -sfn "$2/$d" "$d"; done && (umask 027 && cat >.deploy-release)
}
# deploy_write_env FILE < environment: write the release's environment file, readable by the app user only.
deploy_write_env() {
  (umask 077 && cat >"$1.tmp" && mv -f "$1.tmp" "$1")
}
# __load_env: export the release's environment (run inside the release).
__load_env() {
  # shellcheck source=/dev/null
  set -a && . ./.deploy-env && set +a
}
# __pip PYTHON ARG...: pip for the release's environment (run inside the release): its own, else PYTHON's aimed at it.
__pip() {
  local python=$1
  shift
  if .venv/bin/python -c 'import pip' 2>/dev/null; then .venv/bin/python -m pip "$@"; else "$python" -m pip --python .venv/bin/python "$@"; fi
}
# deploy_virtualenv DIR VENVS PYTHON SSP PIP_OPTION...: give the release DIR its environment in VENVS, one per requirements, Python and options.
deploy_virtualenv() {
  local dir=$1 venvs=$2 python=$3 ssp=$4 key venv
  shift 4
  local args=()
  if [ "$ssp" = true ]; then args=(--system-site-packages); fi
  # An unchanged release reuses its environment; a changed one gets a new one beside it, so the
  # running release is never disturbed. With the host's pip, the environment gets none of its own
  # (--without-pip skips ensurepip, most of venv's time): __pip aims the host's at it.
  cd "$dir" && key=$({ cat requirements.txt 2>/dev/null || true; "$python" -c 'import sys; print(sys.version)'; echo "ssp=$ssp pip=$*"; } | sha256sum | cut -c1-16) && venv=$venvs/$key && if [ ! -f "$venv/.deploy-complete" ]; then
    rm -rf "$venv" && if "$python" -m pip --version >/dev/null 2>&1; then "$python" -m venv --without-pip "${args[@]}" "$venv"; else "$python" -m venv "${args[@]}" "$venv"; fi
  fi && ln -sfn "$venv" .venv
}
# deploy_gunicorn DIR PYTHON PIP_OPTION...: install gunicorn into the release DIR's environment.
deploy_gunicorn() {
  local python=$2
  cd "$1" && shift 2 && __pip "$python" install --quiet "$@" gunicorn
}
# deploy_requirements DIR PYTHON PIP_OPTION...: install the release DIR's requirements.txt, if any; its environment is then complete.
deploy_requirements() {
  local python=$2
  cd "$1" && shift 2 && if [ -f requirements.txt ]; then __load_env && __pip "$python" install "$@" -r requirements.txt; fi && touch .venv/.deploy-complete
}
# deploy_manage DIR ARG...: Django's manage.py in the release DIR, with its environment.
deploy_manage() {
  cd "$1" && __load_env && .venv/bin/python manage.py "${@:2}"
}
# deploy_django DIR CALL...: run the Python calls CALL (c is call_command) in one Django start-up, in the release DIR.
deploy_django() {
  local code='from django.core.management import call_command as c' call
  for call in "${@:2}"; do code="$code; $call"; done
  deploy_manage "$1" shell -c "$code"
}
# deploy_release_bash DIR COMMAND: run the operator's COMMAND in the release DIR, with its environment and virtualenv.
deploy_release_bash() {
  cd "$1" && __load_env && PATH="$1/.venv/bin:$PATH" bash -c "$2"
}
# deploy_hook NAME DIR COMMAND: the hook NAME's COMMAND in the release DIR; its failure names the hook.
deploy_hook() {
  local st
  # A bare "exit status 1" would not say which of the operator's commands failed.
  deploy_release_bash "$2" "$3" || {
    st=$?
    echo "hook $1 failed (exit status $st)" >&2
    return "$st"
  }
}
# __django_inputs DIR: print a hash of what collectstatic and migrate read in the release DIR.
__django_inputs() {
  # Static files, migrations, settings, requirements, the environment and the system's Python
  # packages. Symlinks are followed (find -L), as Django's finders follow them; not into the
  # virtualenv, the collected files (.deploy-www) nor the shared directories (uploads may be
  # many). A loop or an unreadable directory is said on stderr; the rest still counts.
  (cd "$1" && { { find -L . \( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \) -prune -o \( -path '*/static/*' -o -path '*/migrations/*.py' -o -name 'settings*.py' -o -path '*/settings/*.py' \) -type f -print0 || true; } | sort -z | xargs -0r sha256sum; cat requirements.txt 2>/dev/null || true; readlink -f .venv; ls /usr/lib/python3/dist-packages 2>/dev/null || true; } | sha256sum | cut -c1-16)
}
# deploy_django_same DIR LIVE [static]: has the release DIR no manage.py, or the same inputs as the live release LIVE (and LIVE collected static files)?
deploy_django_same() {
  local inputs
  test ! -f "$1/manage.py" || { inputs=$(__django_inputs "$1") && [ "$(cat "$2/.deploy-django" 2>/dev/null)" = "$inputs" ] && { [ "${3:-}" != static ] || [ -d "$2/.deploy-www" ]; }; }
}
# deploy_django_record DIR: record what collectstatic and migrate read in the release DIR (the next deploy compares).
deploy_django_record() {
  local inputs
  inputs=$(__django_inputs "$1") && echo "$inputs" >"$1/.deploy-django"
}
# deploy_reuse_static DIR LIVE: give the release DIR the live release LIVE's collected files (hard links), unless it has its own.
deploy_reuse_static() {
  if [ ! -d "$1/.deploy-www" ] && [ -f "$1/manage.py" ] && [ -d "$2/.deploy-www" ]; then cp -al "$2/.deploy-www" "$1/.deploy-www"; fi
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
# __give_to_app DIR USER: an older version left DIR, inside the app's tree, to root; it becomes
# USER's. Done from inside DIR (cd pins it; its real path is checked), so no link is followed.
__give_to_app() {
  (
    cd -P -- "$1" 2>/dev/null || exit 0
    if [ "$(pwd -P)" != "$1" ]; then echo "$1 is reached through a symbolic link: refusing to touch it" >&2; exit 1; fi
    if [ "$(stat -c %u .)" != 0 ]; then exit 0; fi
    find . -mindepth 1 -maxdepth 1 -exec chown -h "$2:$2" {} +
    chown "$2:$2" .
    __mark changed
  )
}
# deploy_git KEY CONTROL_PATH GIT_ARG...: git over the deploy key KEY; its SSH connection stays open 5 minutes at CONTROL_PATH ('': none).
deploy_git() {
  # The first contact with the git server records its host key. The open connection (OpenSSH's
  # ControlPersist, a socket only the app user can use) spares the next deploy's fetch the handshake.
  local ssh="ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -i $1"
  if [ -n "$2" ]; then ssh="$ssh -o ControlMaster=auto -o ControlPersist=300 -o ControlPath=$2"; fi
  shift 2
  git -c core.sshCommand="$ssh" "$@"
}
# deploy_fetch REPO KEY CONTROL_PATH: bring the mirror REPO up to date (deploy_git).
deploy_fetch() {
  cd "$1" && deploy_git "$2" "$3" fetch --prune --quiet origin
}
# __commit_of REF: print the commit REF names in the repository here (nothing when none).
__commit_of() { git rev-parse --verify --quiet "$1^{commit}" || true; }
# deploy_resolve_ref REPO WANT REPOSITORY: print "COMMIT KIND NAME" for WANT ('': the default branch) in the mirror REPO; status 66 when none.
deploy_resolve_ref() {
  local want=$2 name kind c t b missing
  # A name that is both a branch and a tag is refused, naming both: git itself picks the tag with
  # only a warning, and deploying the wrong one of two is silent. refs/heads/NAME and
  # refs/tags/NAME pick one. 66 is src/steps/git.ts's NO_REF_STATUS, for both refusals.
  cd "$1" || return
  [ -n "$want" ] || want=$(git symbolic-ref -q HEAD) || want=HEAD
  case "$want" in
    refs/heads/*)
      name=${want#refs/heads/} kind=branch
      c=$(__commit_of "$want")
      missing="no branch named $name"
      ;;
    refs/tags/*)
      name=${want#refs/tags/} kind=tag
      c=$(__commit_of "$want")
      missing="no tag named $name"
      ;;
    *)
      name=$want
      missing="no branch, tag or commit named $want"
      t=$(__commit_of "refs/tags/$want")
      b=$(__commit_of "refs/heads/$want")
      if [ -n "$t" ] && [ -n "$b" ]; then
        echo "$want is both a branch (refs/heads/$want, ${b:0:8}) and a tag (refs/tags/$want, ${t:0:8}) in $3" >&2
        return 66
      elif [ -n "$t" ]; then
        c=$t kind=tag
      elif [ -n "$b" ]; then
        c=$b kind=branch
      else
        c=$(__commit_of "$want") kind=commit
      fi
      ;;
  esac
  if [ -z "$c" ]; then
    echo "$missing in $3" >&2
    return 66
  fi
  echo "$c $kind $name"
}
# deploy_lock LOCK INFO: take the lock, recording INFO (JSON); held by another run: say whose, status 75.
deploy_lock() {
  if mkdir -m 0755 "$1" 2>/dev/null; then
    printf '%s\n' "$2" >"$1/info"
  else
    # 75 is src/steps/lock.ts's LOCKED_STATUS: the operator is told who holds it, not that the run failed.
    echo "locked: $(cat "$1/info" 2>/dev/null || echo '{}')" >&2
    return 75
  fi
}
# deploy_unlock LOCK TOKEN: give the lock back, only if the run TOKEN holds it.
deploy_unlock() {
  if grep -qF "$2" "$1/info" 2>/dev/null; then rm -rf "$1"; fi
}
# deploy_lock_info LOCK: print who holds the lock (its info; nothing when nobody does).
deploy_lock_info() {
  cat "$1/info" 2>/dev/null || true
}
# deploy_remove_lock LOCK TOKEN: remove the lock the operator was shown (TOKEN's, or one without info); a newer run's stays.
deploy_remove_lock() {
  if grep -qF "$2" "$1/info" 2>/dev/null || [ ! -s "$1/info" ]; then
    rm -rf "$1"
  else
    echo "the lock changed hands meanwhile: left in place" >&2
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
# deploy_require_setup DIR APP: fail, saying to run setup, when DIR (made by setup) is missing.
deploy_require_setup() {
  test -d "$1" || { echo "$2 is not set up on this server: run \`deploy $2 setup\` first" >&2; return 1; }
}
# deploy_require_services WHAT SERVICE...: fail when a SERVICE is not running, saying what that means (WHAT) and how to start it.
deploy_require_services() {
  local u
  for u in "${@:2}"; do
    if ! systemctl is-active --quiet "$u"; then
      echo "$u is not running on this server ($(systemctl is-active "$u" 2>/dev/null || true)): $1; start it (sudo systemctl start $u), then run this again" >&2
      return 1
    fi
  done
}
# deploy_require_this_version FLAG SITE SLOTS APP: fail, saying to run setup, when an older version set up this web host.
deploy_require_this_version() {
  # Its nginx site (SITE) predates the switch file (FLAG), or it kept the slots root's.
  { grep -qF "$1" "$2" 2>/dev/null && test -w "$3"; } || { echo "$4 was set up by an older version of deploy: run \`deploy $4 setup\` again first" >&2; return 1; }
}
# deploy_release_meta FILE: print a release's .deploy-release (FILE) without its fingerprint, which is a secret.
deploy_release_meta() {
  head -n 1 "$1" 2>/dev/null | sed 's/,"fingerprint":"[^"]*"//'
}
# deploy_live_release LIVE FINGERPRINT: print the live release's metadata, then same or changed: are its server files FINGERPRINT's?
deploy_live_release() {
  deploy_release_meta "$1/.deploy-release" || true
  if grep -qF "\"fingerprint\":\"$2\"" "$1/.deploy-release" 2>/dev/null; then echo same; else echo changed; fi
}
# deploy_releases RELEASES: one line per release: its name, state (built, failed or incomplete) and metadata, tab-separated.
deploy_releases() {
  local d st
  cd "$1" && for d in */; do
    d=${d%/}
    [ -d "$d" ] || continue
    if [ -f "$d/.deploy-built" ]; then st=built; elif [ -f "$d/.deploy-failed" ]; then st=failed; else st=incomplete; fi
    printf '%s\t%s\t%s\n' "$d" "$st" "$(deploy_release_meta "$d/.deploy-release")"
  done
}
# deploy_live_name LIVE CURRENT: print the name of the release LIVE links to (else CURRENT: a lost slot link still runs it).
deploy_live_name() {
  basename "$(readlink "$1" || readlink "$2")" 2>/dev/null || true
}
# deploy_live_now FLAG SLOTS: print "live SLOT RELEASE", what serves now.
deploy_live_now() {
  local slot
  slot=$(deploy_live_slot "$1")
  echo "live $slot $(basename "$(readlink "$2/$slot")")"
}
# deploy_clock RELEASES: print the server's clock (seconds), then the newest release named by its time.
deploy_clock() {
  date -u +%s
  { ls -1 "$1" 2>/dev/null || true; } | { grep -E '^[0-9]{8}T[0-9]{6}-' || true; } | sort | tail -n 1
}
# deploy_log LOG ENTRY: add ENTRY (one line of JSON) to the deploy log; a log that cannot be written stops nothing.
deploy_log() {
  printf '%s\n' "$2" >>"$1" || true
}
# __delete DIR: delete DIR; what the app user cannot delete is left, with a warning saying how to remove it.
__delete() {
  # A file root made in a release, or a directory without write permission, must not stop the run.
  if ! rm -rf -- "$1" 2>/dev/null; then
    __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  fi
}
# deploy_finish_deletes RELEASES VENVS: delete what runs killed while deleting left (.deleting-*).
deploy_finish_deletes() {
  local d
  for d in "$1"/.deleting-* "$2"/.deleting-*; do
    if [ -e "$d" ]; then __delete "$d"; fi
  done
}
# deploy_prune KEEP RELEASES CURRENT SLOTS VENVS: delete releases but the newest KEEP built and the linked ones, then unused environments.
deploy_prune() {
  local keep used d v f
  # Never the release current or a slot names, whatever its state. Each goes first to
  # .deleting-* (a rename is atomic): a run killed halfway never leaves a half-deleted release
  # that looks complete, and the next run's repair ends the job.
  cd "$2" && keep=" $(for f in */.deploy-built; do if [ -e "$f" ] || [ -L "$f" ]; then echo "${f%%/*}"; fi; done | sort -r | head -n "$1" | tr '\n' ' ') $(basename "$(readlink "$3")") $(basename "$(readlink "$4/a")") $(basename "$(readlink "$4/b")") "
  for d in */; do
    d=${d%/}
    [ -d "$d" ] || continue
    case "$keep" in
      *" $d "*) ;;
      *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d" ;;
    esac
  done
  used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\n' ' ') "
  for v in "$5"/*/; do
    v=${v%/}
    [ -d "$v" ] || continue
    case "$used" in
      *" $v "*) ;;
      *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")" ;;
    esac
  done
}
# deploy_abandon_release DIR FLAG SLOTS: unless it serves, mark the release DIR failed (the next deploy deletes it).
deploy_abandon_release() {
  # One that cannot even be marked goes at once. A failure here must not keep the lock.
  if [ -d "$1" ] && [ "$(readlink "$3/$(deploy_live_slot "$2")")" != "$1" ]; then
    rm -f "$1/.deploy-built"
    echo failed >"$1/.deploy-failed" 2>/dev/null || { mv -T "$1" "$(dirname "$1")/.deleting-$(basename "$1")" && rm -rf "$(dirname "$1")/.deleting-$(basename "$1")"; } || true
  fi
}
# deploy_check_through_nginx PROJECT URL CURL_ARG...: print the status URL answers through nginx; fail unless 2xx/3xx from PROJECT's site.
deploy_check_through_nginx() {
  local headers code
  headers=$(curl -s -o /dev/null -D - --max-time 10 "${@:3}" "$2") || true
  code=$(printf '%s\n' "$headers" | awk 'NR == 1 { print $2 }')
  # The site's own header (X-Deploy-Site): not a default page of nginx's, nor another app's site.
  if [ -z "$code" ] || [ "$code" -lt 200 ] || [ "$code" -ge 400 ] || ! printf '%s\n' "$headers" | tr -d '\r' | grep -qix "x-deploy-site: $1"; then
    echo "through nginx, $2 answered ${code:-nothing}" >&2
    return 1
  fi
  echo "$code"
}
# deploy_live_slot FLAG: print the live slot (b while FLAG, the switch file, exists; else a), as nginx decides it.
deploy_live_slot() { if [ -e "$1" ]; then echo b; else echo a; fi; }
# deploy_program_file FILE: as root, write the slot's program FILE from stdin (__put); a deploy user can only check it is that.
deploy_program_file() {
  if [ "$(id -u)" = 0 ]; then
    __put "$1" 0644 root:root
  elif ! cmp -s - "$1"; then
    echo "$1 differs from what the settings make: run setup to apply the change (deploy_user cannot)" >&2
    return 1
  fi
}
# deploy_wait_stopped MARKER SECONDS: wait while the slot's last stop (MARKER, younger than SECONDS) runs, then forget it.
deploy_wait_stopped() {
  # gunicorn may take up to its graceful timeout and the manager then kills it: an older marker is stale.
  while [ -e "$1" ] && [ $(($(date +%s) - $(stat -c %Y "$1" 2>/dev/null || echo 0))) -lt "$2" ]; do sleep 0.1; done
  rm -f "$1"
}
# deploy_require_free BIND SLOT: fail, saying what listens there, when something already answers on the slot's address.
deploy_require_free() {
  # It would pass the health check in the slot's place.
  if __addr_in_use "$1"; then
    echo "$1 (slot $2) is already in use by another process:" >&2
    ss -Hltnp >&2 || true
    return 1
  fi
}
# deploy_require_venv DIR: fail, saying how to build one, when the release DIR has no virtualenv (it could not start).
deploy_require_venv() {
  [ -x "$1/.venv/bin/python" ] || { echo "release ${1##*/} cannot start: its virtualenv is gone (.venv -> $(readlink "$1/.venv" || echo nothing)); deploy its commit again to build one (deploy --ref <its commit> --force)" >&2; return 1; }
}
# deploy_replace_link TARGET LINK: point LINK at TARGET atomically (a new link renamed over the old one).
deploy_replace_link() {
  ln -sfn "$1" "$2.tmp" && mv -T "$2.tmp" "$2"
}
# deploy_link_slot SLOTS SLOT DIR: point the (stopped) slot SLOT at the release DIR.
deploy_link_slot() {
  mkdir -p "$1" && deploy_replace_link "$3" "$1/$2"
}
# __slot_log LOG: print the slot's output since its start began: LOG is its log file (supervisor) or its unit (systemd).
__slot_log() {
  # Where it began: __log_from, or __log_since, set by the step's mark (src/steps/manager.ts slotLog).
  case $1 in
    /*) tail -c +"${__log_from:-1}" "$1" 2>/dev/null ;;
    *) journalctl -q --no-pager -o cat -u "$1" --since "${__log_since:-today}" 2>/dev/null ;;
  esac
}
# __slot_crashed LOG: has systemd restarted the slot (unit LOG) since its start began? (supervisor's own log says so)
__slot_crashed() {
  local n
  case $1 in
    /*) return 1 ;;
    *)
      n=$(systemctl show -p NRestarts --value "$1" 2>/dev/null || echo 0)
      [ "${n:-0}" -gt 0 ] && [ "$n" != "${__restarts_from:-0}" ]
      ;;
  esac
}
# deploy_health_check SECONDS URL LOG CURL_ARG...: wait until URL answers 2xx/3xx and print its status; fail with the slot's log (LOG).
deploy_health_check() {
  local url=$2 deadline why code err
  deadline=$((SECONDS + $1))
  why="for $1 s"
  until code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${@:4}" "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do
    # An app that cannot boot fails at once, not after SECONDS.
    if __slot_crashed "$3" || __slot_log "$3" | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; then
      why="(gunicorn could not start the app)"
      deadline=0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "health check failed: $url answered ${code:-nothing} $why; the slot's log ends with:" >&2
      __slot_log "$3" | tail -n 25 >&2 || true
      err=$(__slot_log "$3" | grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)' | grep -v HaltServer | tail -n 1)
      if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi
      return 1
    fi
    sleep 0.02
  done
  echo "$code"
}
# __stop_slot_job APP PROGRAM APP_USER MARKER [PORT]: the background stop: once PORT has no open connection, stop PROGRAM, then drop MARKER.
__stop_slot_job() {
  sleep 0.2
  # Requests routed to the slot just before the switch are answered first (5 s at most; a socket: 1 s).
  if [ -n "${5:-}" ]; then
    for _ in $(seq 100); do
      [ -z "$(ss -Htn state established dport = :"$5" 2>/dev/null)" ] && break
      sleep 0.05
    done
  else
    sleep 1
  fi
  __ctl "$1" stop "$2" || true
  sudo -n -u "$3" rm -f "$4"
}
# deploy_stop_in_background APP PROGRAM APP_USER MARKER [PORT]: stop the retired slot's PROGRAM in a job of its own (__stop_slot_job).
deploy_stop_in_background() {
  local job
  # The job is a new shell: it gets the functions it runs.
  job="$(declare -f __ctl __stop_slot_job)
__stop_slot_job \"\$@\""
  # systemd-run hands the job to systemd at once; a plain background job would hold the SSH
  # session open until it ends. A deploy user's job runs as itself (__ctl then goes through sudo).
  if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then
    systemd-run --quiet --no-block --collect bash -c "$job" deploy-stop "$@"
  else
    setsid nohup bash -c "$job" deploy-stop "$@" >/dev/null 2>&1 </dev/null &
  fi
}
# deploy_stop_idle LIVE SLOT APP PROGRAM: stop the slot SLOT's PROGRAM unless SLOT is the live one (LIVE); a stopped one is fine.
deploy_stop_idle() {
  if [ "$1" != "$2" ]; then __ctl "$3" stop "$4" || true; fi
}
# deploy_enable_boot UNIT: make systemd read its units again, then start UNIT (the live slot at boot) with the system.
deploy_enable_boot() {
  if systemctl daemon-reload; then systemctl enable --quiet "$1"; fi
}
# deploy_boot_enabled UNIT FILE: is UNIT enabled, its file (FILE) unchanged in this step?
deploy_boot_enabled() {
  systemctl is-enabled --quiet "$1" && ! __was_changed "$2"
}
# deploy_if_changed CHANGED COMMAND...: run COMMAND when CHANGED (the step's __step_changed) is 1.
deploy_if_changed() {
  if [ "$1" = 1 ]; then "${@:2}"; fi
}
# deploy_abort_point DECISION: this run passes its last stop point, unless Ctrl-C decided first (then status 130).
deploy_abort_point() {
  # set -C: whichever of this and Ctrl-C's request creates the file first decides.
  if ! (set -C; echo switch >"$1") 2>/dev/null; then
    # 130 is src/steps/switch.ts's INTERRUPTED_STATUS.
    echo "interrupted: stopped before switching traffic" >&2
    return 130
  fi
}
# deploy_abort_request DECISION: Ctrl-C asks the run to stop before the switch; print stopping, or too-late.
deploy_abort_request() {
  if (set -C; echo abort >"$1") 2>/dev/null || grep -qx abort "$1"; then echo stopping; else echo too-late; fi
}
# deploy_follow_current FLAG SLOTS CURRENT: point CURRENT at the live slot's release (FLAG decides), saying so.
deploy_follow_current() {
  local live want
  live=$(deploy_live_slot "$1")
  want=$(readlink "$2/$live" || true)
  if [ -n "$want" ] && [ "$(readlink "$3")" != "$want" ]; then
    # A failed link leaves current as it was: the next run's repair tries again.
    ln -sfn "$want" "$3.tmp" && mv -T "$3.tmp" "$3"
    echo "current -> $(basename "$want") (slot $live)"
  fi
}
# deploy_clear_leftovers CURRENT SLOTS ROOT: remove the half-made links and the dead runs' decisions killed runs left.
deploy_clear_leftovers() {
  rm -f "$1.tmp" "$2/a.tmp" "$2/b.tmp" "$3"/deploy.decision-*
}
