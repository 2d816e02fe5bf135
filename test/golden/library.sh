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
# deploy_receive_archive RELEASES NAME SHA256 PYTHON < archive: keep the archive sent on stdin, then unpack it as the release NAME.
deploy_receive_archive() {
  rm -rf "$1/.incoming-$2" "$1/.unpack-$2"
  if ! cat >"$1/.incoming-$2"; then
    rm -f "$1/.incoming-$2"
    echo "could not receive the release archive (cat's words above): nothing changed" >&2
    return 1
  fi
  deploy_unpack_archive "$1" "$2" "$3" "$4" keep
}
# __curl_config: curl reading its URL from stdin (a curl config): a token in it never shows in a process list.
__curl_config() {
  curl --fail --silent --show-error --location --proto '=http,https' --connect-timeout 20 --retry 2 --config - "$@"
}
# deploy_download_archive RELEASES NAME SHA256 PYTHON < curl config: download the archive (url = "..."), then unpack it as the release NAME, stripping its top directory.
deploy_download_archive() {
  rm -rf "$1/.incoming-$2" "$1/.unpack-$2"
  if ! __curl_config --max-time 1800 --output "$1/.incoming-$2"; then
    rm -f "$1/.incoming-$2"
    echo "could not download the release archive (archive_url; curl's words above)" >&2
    return 1
  fi
  deploy_unpack_archive "$1" "$2" "$3" "$4" strip
}
# deploy_archive_sha256 < curl config: print the sha256 of the archive's .sha256 file (url = "..."), in sha256sum's format.
deploy_archive_sha256() {
  local sum
  if ! sum=$(__curl_config --max-time 60 | head -c 4096); then
    echo "could not download the archive's .sha256 file (curl's words above): publish one beside the archive, or set archive_sha256" >&2
    return 1
  fi
  sum=${sum%%[[:space:]]*}
  if ! [[ $sum =~ ^[0-9a-fA-F]{64}$ ]]; then
    echo "the archive's .sha256 file does not start with a sha256 (sha256sum's format: HASH  NAME)" >&2
    return 1
  fi
  echo "${sum,,}"
}
# deploy_unpack_archive RELEASES NAME SHA256 PYTHON keep|strip: check RELEASES/.incoming-NAME and unpack it as RELEASES/NAME (strip: its one top directory removed).
deploy_unpack_archive() {
  local incoming="$1/.incoming-$2" tmp="$1/.unpack-$2" got strip=()
  if [ "$5" = strip ]; then strip=(--strip-components=1); fi
  got=$(sha256sum "$incoming" | cut -d' ' -f1)
  if [ "$got" != "$3" ]; then
    if [ "$(head -c 200 "$incoming" | tr -d '[:space:]' | head -c 1)" = '<' ]; then
      echo "the release archive is an HTML page, not an archive (sha256 $got, expected $3): refused, nothing changed" >&2
    else
      echo "the release archive's sha256 is $got, not $3: refused, nothing changed" >&2
    fi
    rm -f "$incoming"
    return 1
  fi
  # Checked before a byte is written, and the links again once unpacked (a link may lead
  # through another): nothing of the archive may land outside the release.
  if ! "$4" - check "$incoming" "$5" <<<"$(__archive_checker)"; then
    rm -f "$incoming"
    return 1
  fi
  mkdir "$tmp"
  if ! tar -x -f "$incoming" -C "$tmp" --no-same-owner "${strip[@]}"; then
    rm -rf "$tmp" "$incoming"
    echo "could not unpack the release archive (tar's words above): nothing changed" >&2
    return 1
  fi
  if ! "$4" - links "$tmp" <<<"$(__archive_checker)"; then
    rm -rf "$tmp" "$incoming"
    return 1
  fi
  rm -f "$incoming"
  mv -T "$tmp" "$1/$2"
}
# __archive_checker: the Python that refuses an archive member that would land outside the release (absolute, .., a link out, a device).
__archive_checker() {
  cat <<'PY'
import os, posixpath, sys, tarfile

def refuse(problems):
    shown = problems[:5] + ([f"and {len(problems) - 5} more"] if len(problems) > 5 else [])
    print("the release archive is refused, nothing changed: " + "; ".join(shown), file=sys.stderr)
    sys.exit(1)

def escapes(path):
    return path.startswith("/") or path == ".." or path.startswith("../")

if sys.argv[1] == "check":
    path, strip = sys.argv[2], sys.argv[3] == "strip"
    try:
        members = tarfile.open(path).getmembers()
    except (tarfile.TarError, EOFError, OSError) as e:
        refuse([f"not a tar archive (plain, gzip, bzip2 or xz): {e}"])
    problems = []
    tops = {m.name.split("/")[0] for m in members if m.name.strip("/.")}
    if strip and len(tops) != 1:
        refuse([f"it has {len(tops)} top-level entries ({', '.join(sorted(map(repr, tops))[:3])}), not the one top directory archive_url's archives have"])
    for m in members:
        name = m.name
        if name.startswith("/") or ".." in name.split("/"):
            problems.append(f"{name!r} would land outside the release")
            continue
        if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
            problems.append(f"{name!r} is a device or a pipe")
        inner = name.split("/", 1)[1] if strip and "/" in name else ("" if strip else name)
        if m.issym() and (m.linkname.startswith("/") or escapes(posixpath.normpath(posixpath.join(posixpath.dirname(inner), m.linkname)))):
            problems.append(f"{name!r} links to {m.linkname!r}, outside the release")
        if m.islnk():
            target = m.linkname.split("/", 1)[1] if strip and "/" in m.linkname else m.linkname
            if escapes(posixpath.normpath(target)):
                problems.append(f"{name!r} is a hard link to {m.linkname!r}, outside the release")
    if problems:
        refuse(problems)
else:
    root = os.path.realpath(sys.argv[2])
    problems = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            if os.path.islink(p) and os.path.commonpath([root, os.path.realpath(p)]) != root:
                problems.append(f"{os.path.relpath(p, root)!r} links outside the release")
    if problems:
        refuse(problems)
PY
}
# deploy_check_submodules REPO COMMIT REF: refuse COMMIT (REF's) of the repository REPO when it has git submodules.
deploy_check_submodules() {
  local subs
  # git archive would leave each submodule an empty directory, and their repositories are not
  # the deploy key's to read: refused before anything is written (also on the operator's machine, source = archive).
  subs=$(git -C "$1" ls-tree -r --full-tree "$2" | awk -F $'\t' '$1 ~ / commit / { print $2 }' | paste -sd, -)
  if [ -n "$subs" ]; then
    echo "$3 (${2:0:8}) has git submodules, which deploy does not export (git archive would leave them empty): $subs. Commit their files into the repository, or deploy a commit without submodules." >&2
    return 1
  fi
}
# deploy_export REPO COMMIT DIR REF: export COMMIT (REF's) from the mirror REPO into DIR; a commit with git submodules is refused.
deploy_export() {
  deploy_check_submodules "$1" "$2" "$4" && cd "$1" && rm -rf "$3" && mkdir -p "$3" && git archive --format=tar "$2" | tar -x -C "$3"
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
# __venv_key PYTHON SSP PIP_OPTION...: the environment's name for the release in the current directory: its requirements, Python and options.
__venv_key() {
  local python=$1 ssp=$2
  shift 2
  { cat requirements.txt 2>/dev/null || true; "$python" -c 'import sys; print(sys.version)'; echo "ssp=$ssp pip=$*"; } | sha256sum | cut -c1-16
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
  cd "$dir" && key=$(__venv_key "$python" "$ssp" "$@") && venv=$venvs/$key && if [ ! -f "$venv/.deploy-complete" ]; then
    rm -rf "$venv" && if "$python" -c 'import pip' >/dev/null 2>&1; then "$python" -m venv --without-pip "${args[@]}" "$venv"; else "$python" -m venv "${args[@]}" "$venv"; fi
  fi && ln -sfn "$venv" .venv
}
# deploy_venv_state DIR VENVS PYTHON SSP PIP_OPTION...: "VENV yes|no PLATFORM": the environment the release DIR needs, whether it is complete here, and this host's platform (what a shipped environment must match).
deploy_venv_state() {
  local dir=$1 venvs=$2 python=$3 ssp=$4 key complete=no arch os
  shift 4
  key=$(cd "$dir" && __venv_key "$python" "$ssp" "$@") || return
  if [ -f "$venvs/$key/.deploy-complete" ]; then complete=yes; fi
  arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
  # shellcheck source=/dev/null
  os=$(. /etc/os-release && echo "$ID-$VERSION_ID")
  echo "$venvs/$key $complete $arch/$os"
}
# deploy_send_venv VENV: a complete environment as a gzipped tar on stdout (built once, shipped to the fleet's other hosts).
deploy_send_venv() {
  if [ ! -f "$1/.deploy-complete" ]; then
    echo "$1 is not a complete environment: nothing to send" >&2
    return 1
  fi
  tar -C "$1" -czf - .
}
# deploy_receive_venv VENV SHA256 FROM < archive: check the environment sent on stdin and put it in place as VENV (unless one is complete there).
deploy_receive_venv() {
  local in="$1.incoming" tmp="$1.unpack" got
  if [ -f "$1/.deploy-complete" ]; then
    cat >/dev/null
    return 0
  fi
  rm -rf "$in" "$tmp"
  if ! cat >"$in"; then
    rm -f "$in"
    echo "could not receive the environment (cat's words above): nothing changed" >&2
    return 1
  fi
  got=$(sha256sum "$in" | cut -d' ' -f1)
  if [ "$got" != "$2" ]; then
    rm -f "$in"
    echo "the environment sent is damaged (sha256 $got, expected $2): refused, nothing changed" >&2
    return 1
  fi
  # As the app user, who built it on FROM: its links (bin/python to the system's) stay as they were made.
  if ! { mkdir -p "$tmp" && tar -C "$tmp" -xzf "$in"; }; then
    rm -rf "$tmp" "$in"
    echo "could not unpack the environment (tar's words above): nothing changed" >&2
    return 1
  fi
  rm -f "$in" && echo "$3" >"$tmp/.deploy-shipped" && rm -rf "$1" && mv -T "$tmp" "$1"
}
# deploy_gunicorn DIR PYTHON PIP_OPTION...: install gunicorn into the release DIR's environment.
deploy_gunicorn() {
  local python=$2
  cd "$1" && shift 2 && __pip "$python" install --quiet "$@" gunicorn
}
# __requirements_met: is every line of requirements.txt (run inside the release) a plain requirement its environment already satisfies (the system's packages too)?
__requirements_met() {
  # pip would install nothing then, but takes 0.6 s to say so. Anything else (an option, a URL,
  # extras, a package missing or at another version) is left to pip.
  .venv/bin/python - 2>/dev/null <<'PY'
import re, sys
from importlib.metadata import PackageNotFoundError, version
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
for line in open("requirements.txt", encoding="utf-8"):
    line = re.sub(r"(^|\s)#.*", "", line).strip()
    if not line:
        continue
    if line.startswith("-") or re.search(r"\s-|://|\\$", line):
        sys.exit(1)
    req = Requirement(line)
    if req.marker is not None and not req.marker.evaluate():
        continue
    if req.url or req.extras:
        sys.exit(1)
    try:
        have = version(req.name)
    except PackageNotFoundError:
        sys.exit(1)
    if not req.specifier.contains(have, prereleases=True):
        sys.exit(1)
PY
}
# deploy_requirements DIR PYTHON PIP_OPTION...: install the release DIR's requirements.txt, if any (not when all are met already); its environment is then complete.
deploy_requirements() {
  local python=$2
  cd "$1" && shift 2 && if [ -f requirements.txt ]; then __load_env && { __requirements_met || __pip "$python" install "$@" -r requirements.txt; }; fi && touch .venv/.deploy-complete
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
  # The hash is kept beside (.deploy-django-inputs) for deploy_django_record: one walk of the tree per build, not two.
  test ! -f "$1/manage.py" || { inputs=$(__django_inputs "$1") && { echo "$inputs" >"$1/.deploy-django-inputs"; } 2>/dev/null; [ "$(cat "$2/.deploy-django" 2>/dev/null)" = "$inputs" ] && { [ "${3:-}" != static ] || [ -d "$2/.deploy-www" ]; }; }
}
# deploy_django_record DIR: record what collectstatic and migrate read in the release DIR (the next deploy compares), as deploy_django_same found it.
deploy_django_record() {
  local inputs=''
  if [ -f "$1/.deploy-django-inputs" ]; then inputs=$(<"$1/.deploy-django-inputs"); fi
  if [ -z "$inputs" ]; then inputs=$(__django_inputs "$1"); fi
  echo "$inputs" >"$1/.deploy-django"
}
# deploy_reuse_static DIR LIVE: give the release DIR the live release LIVE's collected files (hard links), unless it has its own.
deploy_reuse_static() {
  if [ ! -d "$1/.deploy-www" ] && [ -f "$1/manage.py" ] && [ -d "$2/.deploy-www" ]; then cp -al "$2/.deploy-www" "$1/.deploy-www"; fi
}
# deploy_access_counts FROM TO: from nginx access log lines (combined format) on stdin, print "REQUESTS SERVER_ERRORS" between epoch seconds FROM (inclusive) and TO (exclusive), leaving out the watch's own checks.
deploy_access_counts() {
  # mawk has no mktime: days since 1970 by the civil calendar (the March-based year), then the time and its offset.
  awk -v from="$1" -v to="$2" '
    function days(y, m, d) {
      if (m <= 2) { y--; m += 12 }
      return 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + d
    }
    BEGIN {
      split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", names, " ")
      for (i = 1; i <= 12; i++) month[names[i]] = i
      epoch = days(1970, 1, 1)
    }
    /"deploy-canary"$/ { next }
    match($0, /\[[0-9][0-9]\/[A-Z][a-z][a-z]\/[0-9][0-9][0-9][0-9]:[0-9][0-9]:[0-9][0-9]:[0-9][0-9] [-+][0-9][0-9][0-9][0-9]\]/) {
      ts = substr($0, RSTART + 1, RLENGTH - 2)
      t = (days(substr(ts, 8, 4) + 0, month[substr(ts, 4, 3)], substr(ts, 1, 2) + 0) - epoch) * 86400
      t += substr(ts, 13, 2) * 3600 + substr(ts, 16, 2) * 60 + substr(ts, 19, 2)
      offset = substr(ts, 23, 2) * 3600 + substr(ts, 25, 2) * 60
      t += substr(ts, 22, 1) == "+" ? -offset : offset
      if (t < from || t >= to) next
      # After the time: "request" then the status (nginx escapes a quote inside the request).
      split(substr($0, RSTART + RLENGTH), q, "\"")
      split(q[3], f, " ")
      requests++
      if (f[1] >= 500 && f[1] <= 599) errors++
    }
    END { print requests + 0, errors + 0 }'
}
# deploy_canary_watch APP SECONDS SINCE PROJECT URL CURL_ARG...: for SECONDS, check URL through nginx every two seconds (failing twice in a row ends the watch); print "health ok" or why not, then "before R E" and "during R E": requests and 5xx in APP's access log from the switch at epoch second SINCE to the watch's end, and in as long before the switch.
deploy_canary_watch() {
  local app=$1 wait=$2 since=$3 end failed=0 why='' log
  shift 3
  end=$(($(date +%s) + wait))
  while [ "$(date +%s)" -lt "$end" ]; do
    if why=$(deploy_check_through_nginx "$@" -A deploy-canary 2>&1 >/dev/null); then
      failed=0
    else
      failed=$((failed + 1))
      [ "$failed" -lt 2 ] || break
    fi
    sleep 2
  done
  end=$(date +%s)
  if [ "$failed" -ge 2 ]; then echo "health ${why:-no answer}"; else echo 'health ok'; fi
  # nginx writes a request's line when it ends: a moment for the last ones.
  sleep 1
  log=$(__ctl "$app" access-log)
  echo "before $(printf '%s\n' "$log" | deploy_access_counts $((since - (end - since))) "$since")"
  echo "during $(printf '%s\n' "$log" | deploy_access_counts "$since" "$end")"
}
# __migration_files DIR: the release DIR's migration files, one per line, sorted (the virtualenv and shared directories left out).
__migration_files() {
  (cd "$1" 2>/dev/null && find . \( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \) -prune -o -path '*/migrations/[0-9]*.py' -type f -print | sort) || true
}
# __release_commit DIR: the commit the release DIR was built from (its .deploy-release), or nothing.
__release_commit() {
  local meta=''
  if [ -f "$1/.deploy-release" ]; then IFS= read -r meta <"$1/.deploy-release" || true; fi
  if [[ $meta =~ \"commit\":\"([0-9a-f]{7,64})\" ]]; then echo "${BASH_REMATCH[1]}"; fi
}
# __print_file FILE: FILE's content then an empty line (nothing when it is missing), with builtins only.
__print_file() {
  local text=''
  if [ -f "$1" ]; then IFS= read -r -d '' text <"$1" || true; fi
  printf '%s\n' "$text"
}
# deploy_changes NEW LIVE REPO MIGRATE: what the release NEW brings over the live release LIVE: the commits and files between them (from the mirror REPO, when there is one), the migrations Django would apply in NEW (MIGRATE=yes; asked only when the migration files differ), both requirements files.
deploy_changes() {
  local new=$1 live=$2 repo=$3 migrate=$4 was now counts files='' plan same=''
  was=$(__release_commit "$live")
  now=$(__release_commit "$new")
  echo "== live ${was:-none}"
  # Three git processes in all: a deploy prints this before every switch.
  if [ -n "$repo" ] && [ -n "$was" ] && [ -n "$now" ] && counts=$(git -C "$repo" rev-list --left-right --count "$was...$now" 2>/dev/null); then
    # "<live only> <new only>": the live commit is an ancestor when it has none of its own.
    echo "== commits $counts"
    git -C "$repo" log -n 20 --no-decorate --format='%h%x09%an%x09%s' "$was..$now" --
    files=$(git -C "$repo" diff --name-only "$was" "$now" --)
    echo "== files $(printf '%s' "$files" | grep -c . || true)"
    # Git knows whether a migration file changed: no tree to walk.
    if [[ $'\n'$files != *$'\n'*/migrations/[0-9]*.py* ]]; then same=yes; fi
  fi
  if [ "$migrate" = yes ] && [ -f "$new/manage.py" ]; then
    if [ -z "$same" ] && [ -f "$live/manage.py" ] && [ "$(__migration_files "$new")" = "$(__migration_files "$live")" ]; then same=yes; fi
    if [ -n "$same" ] && [ -f "$live/manage.py" ]; then
      echo "== migrations same"
    elif plan=$(deploy_manage "$new" migrate --plan 2>&1); then
      echo "== migrations plan"
      # "Planned operations:", then each migration (app.name) above its indented operations.
      printf '%s\n' "$plan" | grep -E '^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z0-9_]+$' || true
    else
      echo "== migrations unknown"
      printf '%s\n' "$plan" | tail -n 1
    fi
  fi
  echo "== requirements-live"
  __print_file "$live/requirements.txt"
  echo "== requirements-new"
  __print_file "$new/requirements.txt"
}
# deploy_leaving LIVE TARGET REPO: what a rollback from the live release LIVE to TARGET takes away: the commits LIVE has that TARGET lacks (from the mirror REPO, when there is one), and the migration files LIVE has that TARGET lacks (applied since TARGET; a rollback does not reverse them).
deploy_leaving() {
  local live=$1 target=$2 repo=$3 was now
  was=$(__release_commit "$live")
  now=$(__release_commit "$target")
  echo "== live ${was:-none}"
  if [ -n "$repo" ] && [ -n "$was" ] && [ -n "$now" ] && git -C "$repo" cat-file -e "$was^{commit}" 2>/dev/null; then
    # In deploy_changes' shape ("<left out> <brought>"): what going back brings is what it takes away.
    echo "== commits 0 $(git -C "$repo" rev-list --count "$now..$was")"
    git -C "$repo" log -n 20 --no-decorate --format='%h%x09%an%x09%s' "$now..$was" --
  fi
  echo "== migrations-left"
  # Lines only the live release has: migrations it may have applied that the target does not know.
  comm -13 <(__migration_files "$target") <(__migration_files "$live") | sed 's#^\./##'
}
# deploy_leaving_previous RELEASES LIVE REPO: deploy_leaving for a rollback with no target, read with the releases: to the newest built release older than the live one (LIVE, its directory), named first ("== target NAME").
deploy_leaving_previous() {
  local live=$2 name d prev=
  name=$(readlink "$live") || return 0
  name=${name##*/}
  # The glob is sorted, and release names begin with their UTC time: stop at the live one.
  for d in "$1"/*/; do
    d=${d%/}
    d=${d##*/}
    [[ $d < $name ]] || break
    if [ -f "$1/$d/.deploy-built" ]; then prev=$d; fi
  done
  if [ -n "$prev" ]; then
    echo "== target $prev"
    deploy_leaving "$live" "$1/$prev" "$3"
  fi
}
# deploy_check_os: "<id> <version id> <pretty name>" of /etc/os-release.
deploy_check_os() {
  local ID='' VERSION_ID='' PRETTY_NAME=''
  # shellcheck source=/dev/null
  . /etc/os-release 2>/dev/null || true
  printf '%s %s %s\n' "${ID:-unknown}" "${VERSION_ID:-?}" "${PRETTY_NAME:-unknown}"
}
# deploy_check_sudo: yes when the login user is root or may use sudo without a password, else no.
deploy_check_sudo() {
  if [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; then echo yes; else echo no; fi
}
# deploy_check_disk DIR: "<free KiB> <mount point>" of the filesystem DIR is (or would be) on.
deploy_check_disk() {
  local d=$1
  while [ ! -e "$d" ]; do d=${d%/*}; d=${d:-/}; done
  df -Pk -- "$d" | awk 'NR == 2 { print $4, $6 }'
}
# deploy_check_clock: this server's clock, in seconds since the epoch (with its fraction).
deploy_check_clock() { date +%s.%N; }
# deploy_check_addresses: this server's addresses, space-separated.
deploy_check_addresses() { hostname -I 2>/dev/null || true; }
# deploy_check_python PYTHON: its version, or "missing".
deploy_check_python() {
  if command -v "$1" >/dev/null; then "$1" --version 2>&1; else echo missing; fi
}
# deploy_check_packages PKG...: the packages of PKG that are not installed, one per line.
deploy_check_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
  done
}
# deploy_check_listening PORT...: "<port> <program>" for each program listening on a PORT ("<port> ?" when it cannot tell which).
deploy_check_listening() {
  local port line name
  command -v ss >/dev/null || { echo "? ss-missing"; return 0; }
  for port in "$@"; do
    while IFS= read -r line; do
      [ -n "$line" ] || continue
      name=$(printf '%s\n' "$line" | sed -n 's/.*users:(("\([^"]*\)".*/\1/p')
      echo "$port ${name:-?}"
    done < <(ss -Hltnp "sport = :$port" 2>/dev/null)
  done
}
# deploy_check_reach HOST PORT: "yes" when this server opens a TCP connection to HOST:PORT within 5 s, else "no".
deploy_check_reach() {
  # shellcheck disable=SC2016 # the inner bash expands them, from its own arguments
  if timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; then echo yes; else echo no; fi
}
# deploy_check_deploy_key KEY REPO: as the app user: "none" before setup made the deploy key KEY, else "yes" when the repository REPO accepts it, else "no: <git's last line>".
deploy_check_deploy_key() {
  local out
  [ -f "$1" ] || { echo none; return 0; }
  if out=$(GIT_SSH_COMMAND="ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=10 -i $1" timeout 20 git ls-remote --heads "$2" 2>&1); then
    echo yes
  else
    echo "no: $(printf '%s\n' "$out" | tail -n 1)"
  fi
}
# __config SECRETS TEMPLATE CONFIG < current: TEMPLATE (the config as a release made it; - for stdin) with CONFIG's secret_key and stdin's SECRETS.
__config() {
  # The secret_key is CONFIG's own (a new one when it has none), and every secret comes from stdin
  # (the config as the settings make it now): from root's sources only, never from a file another
  # user can write.
  local key='' current line
  # Builtins only (a switch runs this): stdin as $(cat) would read it, the key's first line.
  IFS= read -r -d '' current || true
  while [[ $current == *$'\n' ]]; do current=${current%$'\n'}; done
  if [ -f "$3" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line =~ ^secret_key[[:space:]]*=[[:space:]]*(.*)$ ]]; then key=${BASH_REMATCH[1]}; break; fi
    done <"$3"
  fi
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
  local src f begin keys="^(${2//,/|})[ \t]*="
  src=$(cat)
  # The secrets' lines of SRC (the config as the settings make it), by key: v[key] = line.
  begin='BEGIN { n = split(ENVIRON["SRC"], lines, "\n"); for (i = 1; i <= n; i++) if (lines[i] ~ keys) { k = lines[i]; sub(/[ \t]*=.*/, "", k); v[k] = lines[i] } }'
  # One awk reads every copy and names those with a stale secret (usually none): only they are rewritten.
  while IFS= read -r f; do
    SRC="$src" awk -v keys="$keys" "$begin"'
      { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v)) print v[k]; else print }' "$f" >"$f.tmp" && chmod 0640 "$f.tmp" && mv -f "$f.tmp" "$f"
  done < <(SRC="$src" awk -v keys="$keys" "$begin"'
    { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v) && v[k] != $0) stale[FILENAME] = 1 }
    END { for (f in stale) print f }' "$1"/*/.deploy/app.conf 2>/dev/null)
}
# deploy_keep_file FILE < content: as root, FILE (in root's directory for a release; 0644) becomes stdin; a deploy user keeps nothing.
deploy_keep_file() {
  local dir=${1%/*} content old
  if [ "$EUID" != 0 ]; then return 0; fi
  # Root's own store, which nobody edits: not __put (backups, hand-edit checks: a dozen processes
  # per file, twice per build), but the same checks of where it writes, and builtins otherwise.
  IFS= read -r -d '' content || true
  if [ ! -d "$dir" ]; then install -d -m 0755 "$dir"; fi
  __root_only_dir "$dir" "$1"
  # shellcheck disable=SC2154 # __stat_of: the file's mode and owner, read by __root_only_dir (files.sh)
  if [ -f "$1" ] && [ ! -L "$1" ] && [ "$__stat_of" = "644 root:root" ]; then
    IFS= read -r -d '' old <"$1" || true
    if [ "$old" = "$content" ]; then __mark ok; return 0; fi
  fi
  (umask 022 && printf '%s' "$content" >"$1.tmp" && mv -f "$1.tmp" "$1")
  __mark changed
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
    if [ ! -d "$2/${d##*/}" ]; then rm -rf -- "$d"; fi
  done
}
# deploy_sync_config KEPT CONFIG GROUP SECRETS < config: as root, CONFIG (0640 root:GROUP) becomes root's copy in KEPT, with its secret_key and stdin's SECRETS.
deploy_sync_config() {
  local content
  # A deploy user cannot (APP_CONFIG_FILE, the release's own copy, is what counts); nor root, for a release it kept nothing for.
  if [ "$EUID" != 0 ] || [ ! -f "$1/SHA256SUMS" ]; then return 0; fi
  __store_verify "$1"
  local dir=${2%/*}
  __root_only_dir "${dir:-/}"
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
# deploy_require_set_up DIR APP: fail, saying to run setup first, when DIR (which setup makes) is missing.
deploy_require_set_up() {
  if [ ! -d "$1" ]; then
    echo "$2 is not set up on this server: run \`deploy $2 setup\` first" >&2
    return 1
  fi
}
# deploy_site_knows_page PAGE SITE APP: fail, saying to run setup again, when the nginx site SITE does not name PAGE (it predates maintenance mode).
deploy_site_knows_page() {
  if ! grep -qF "$1" "$2" 2>/dev/null; then
    echo "the nginx site of $3 does not know the maintenance page yet: run \`deploy $3 setup\` again first" >&2
    return 1
  fi
}
# deploy_put_page PAGE < page: put the page up in one step (a temp file beside it, 0644 for nginx, then mv): nginx never reads half a page.
deploy_put_page() {
  local tmp=''
  if tmp=$(mktemp "$1.XXXXXX") && cat >"$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$1"; then return 0; fi
  rm -f "$tmp"
  return 1
}
# deploy_page_up_or PAGE COMMAND...: succeed when the page is up; else as COMMAND does (the caller's own reason to skip).
deploy_page_up_or() { test -e "$1" || "${@:2}"; }
# deploy_page_off PAGE TEXT: take the page down when it holds TEXT (the mark of the deploy run that put it up); never fails.
deploy_page_off() {
  if grep -qsF "$2" "$1"; then rm -f "$1" || true; fi
}
# deploy_page_left PAGE TEXT: a page a deploy run put up (it holds TEXT), left when the run did not finish, goes, with a warning.
deploy_page_left() {
  if grep -qsF "$2" "$1"; then
    rm -f "$1"
    __warn "took down the maintenance page a deploy --maintenance left when it did not finish: the site answers again"
  fi
}
# deploy_page_state PAGE MARK: "off"; or when the page went up (its mtime, epoch seconds), then its last line holding MARK.
deploy_page_state() {
  if [ -e "$1" ]; then
    stat -c %Y "$1"
    grep -F "$2" "$1" | tail -n 1 || true
  else
    echo off
  fi
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
# __accepts HOST PORT: does something accept connections on HOST:PORT? Asked by bash itself (/dev/tcp): no process is started.
__accepts() {
  { : <>"/dev/tcp/$1/$2"; } 2>/dev/null
}
# __addr_in_use BIND: is something listening on host:port or unix:/path?
__addr_in_use() {
  local host=${1%:*}
  case "$1" in
    unix:*) ss -Hlx | grep -qF " ${1#unix:} " ;;
    # Loopback (or every address, reached on 127.0.0.1): bash's own connect says it, no process started.
    # (Elsewhere a firewall that drops could leave a connect waiting for minutes: ss asks.)
    127.*:[0-9]* | 0.0.0.0:[0-9]*) __accepts "${host/#0.0.0.0/127.0.0.1}" "${1##*:}" ;;
    *) [ -n "$(ss -Hltn "sport = :${1##*:}")" ] ;;
  esac
}
# deploy_ctl_current SHA256 CTL APP: deploy-ctl (CTL) is the one this version installs (its digest); else fail, saying to run setup.
deploy_ctl_current() {
  if ! printf '%s  %s\n' "$1" "$2" | sha256sum --quiet --strict -c 2>/dev/null; then
    echo "$2 is not the one this version of deploy needs: run \`deploy $3 setup\`" >&2
    return 1
  fi
}
# deploy_ctl_conf STORE CONF APP < content: root writes deploy-ctl's list of the app's programs, CONF in STORE; a deploy user checks it is current.
deploy_ctl_conf() {
  if [ "$(id -u)" = 0 ]; then
    # (A refused STORE leaves CONF as it is and the step goes on, as it always did.)
    if __root_dir 0755 root:root "$1"; then __put "$2" 0644 root:root; fi
  elif ! cmp -s - "$2"; then
    echo "$2 is not the one this version of deploy needs: run \`deploy $3 setup\` (deploy_user cannot)" >&2
    return 1
  fi
}
# deploy_stop_programs APP PROGRAM...: stop each and wait for its graceful stop; a stopped, missing or unknown one is fine.
deploy_stop_programs() { __ctl "$1" stop "${@:2}" || true; }
# deploy_program_states APP PROGRAM...: "<program> <STATE> <detail>" per program (supervisorctl status's shape, either manager).
deploy_program_states() { __ctl "$1" status "${@:2}" || true; }
# deploy_put_program FILE < content: root writes the program file FILE; a deploy user, who cannot, checks it says content already.
deploy_put_program() {
  if [ "$(id -u)" = 0 ]; then
    __put "$1" 0644 root:root
  elif ! cmp -s - "$1"; then
    echo "$1 differs from what the settings make: run setup to apply the change (deploy_user cannot)" >&2
    return 1
  fi
}
# deploy_reread_programs MANAGER CHANGED: when CHANGED is 1, the manager reads the program files again (without restarting any).
deploy_reread_programs() {
  if [ "$2" != 1 ]; then return 0; fi
  if [ "$1" = systemd ]; then systemctl daemon-reload; else supervisorctl reread >/dev/null; fi
}
# deploy_drop_programs MANAGER KEEP FILE...: stop and remove each process program FILE that KEEP (program files, space-separated) does not name.
deploy_drop_programs() {
  local manager=$1 keep=" $2 " f
  shift 2
  for f in "$@"; do
    [ -f "$f" ] || continue
    case $keep in *" $f "*) continue ;; esac
    if [ "$manager" = systemd ]; then
      # The slots' units and the boot unit match the same glob: only a process's unit says so.
      grep -q '^# deploy-process: ' "$f" || continue
      systemctl disable --now "$(basename "$f")" >/dev/null 2>&1 || true
    else
      supervisorctl stop "$(sed -n 's/^\[program:\(.*\)\]$/\1/p' "$f")" >/dev/null 2>&1 || true
    fi
    rm -f "$f"
    __changed_files="$__changed_files $f"
    __programs_removed=1
    __mark changed
  done
}
# deploy_update_programs MANAGER FILE...: when a process program went in this step or FILE... changed, the manager applies them.
deploy_update_programs() {
  local manager=$1 changed=${__programs_removed:-0} f
  shift
  for f in "$@"; do
    if __was_changed "$f"; then changed=1; fi
  done
  if [ "$changed" != 1 ]; then return 0; fi
  # Only then: a reread costs supervisor ~0.7 s of every deploy.
  if [ "$manager" = systemd ]; then
    systemctl daemon-reload
  elif supervisorctl reread >/dev/null; then
    supervisorctl update >/dev/null
  fi
}
# deploy_units_enabled UNIT...: every systemd UNIT starts at boot.
deploy_units_enabled() {
  local u
  for u in "$@"; do
    systemctl is-enabled --quiet "$u" || return 1
  done
}
# deploy_start_processes MANAGER APP NAME...: start each process (one running stays so); one that does not stay up fails, with its log.
deploy_start_processes() {
  local manager=$1 app=$2 n
  shift 2
  for n in "$@"; do
    if ! __process_started "$manager" "$app" "$app-$n"; then
      echo "process $n did not stay up; its log ends with:" >&2
      __ctl "$app" log "$app-$n" 20 >&2 || true
      return 1
    fi
  done
}
# __process_started MANAGER APP PROGRAM: start PROGRAM; supervisor counts it started once up startsecs (1 s), systemd's is checked after 1 s.
__process_started() {
  __ctl "$2" start "$3" || return 1
  if [ "$1" = systemd ]; then
    sleep 1
    systemctl is-active --quiet "$3.service"
  fi
}
# deploy_boot_unit_enable UNIT: systemd reads its units again and starts UNIT (the live slot's starter) at boot.
deploy_boot_unit_enable() {
  if systemctl daemon-reload; then systemctl enable --quiet "$1"; fi
}
# deploy_boot_unit_enabled UNIT FILE: UNIT starts at boot and its FILE did not change in this step.
deploy_boot_unit_enabled() { systemctl is-enabled --quiet "$1" && ! __was_changed "$2"; }
# deploy_socket_root_only SOCKET: only root may use supervisor's control socket.
deploy_socket_root_only() {
  if chown root:root "$1"; then chmod 0700 "$1"; fi
}
# deploy_socket_is_root_only SOCKET DROP: SOCKET is root's only (0700), or is not there, or DROP (a drop-in not deploy's) configures it.
deploy_socket_is_root_only() { [ ! -S "$1" ] || [ -e "$2" ] || [ "$(stat -L -c '%a %U:%G' "$1")" = '700 root:root' ]; }
# deploy_slot_log_mark MANAGER LOG: note where a slot's log stands before it starts (LOG: its log file, or its systemd unit).
deploy_slot_log_mark() {
  if [ "$1" = systemd ]; then
    __log_since=$(date '+%Y-%m-%d %H:%M:%S')
    __restarts_from=$(systemctl show -p NRestarts --value "$2" 2>/dev/null || echo 0)
  else
    __log_from=$(($(stat -c %s "$2" 2>/dev/null || echo 0) + 1))
  fi
}
# deploy_slot_log MANAGER LOG: what the slot logged since its mark (the whole log when none was made).
deploy_slot_log() {
  if [ "$1" = systemd ]; then
    journalctl -q --no-pager -o cat -u "$2" --since "${__log_since:-today}" 2>/dev/null
  else
    tail -c +"${__log_from:-1}" "$2" 2>/dev/null
  fi
}
# deploy_slot_crashed MANAGER LOG: did systemd restart the slot since its mark? (Under supervisor, its log tells: never.)
deploy_slot_crashed() {
  local n
  if [ "$1" != systemd ]; then return 1; fi
  n=$(systemctl show -p NRestarts --value "$2" 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 0 ] && [ "$n" != "${__restarts_from:-0}" ]
}
# deploy_when_live FLAG SLOT COMMAND...: run COMMAND (in this shell) when SLOT is the live slot (FLAG: the switch file).
deploy_when_live() {
  if [ "$(deploy_live_slot "$1")" = "$2" ]; then "${@:3}"; fi
}
# deploy_when_idle FLAG SLOT COMMAND...: run COMMAND (in this shell) when SLOT is not the live slot (FLAG: the switch file).
deploy_when_idle() {
  if [ "$(deploy_live_slot "$1")" != "$2" ]; then "${@:3}"; fi
}
# deploy_services_state UNIT...: "<unit> <state>" per unit, the state as systemctl is-active says it.
deploy_services_state() {
  local u
  for u in "$@"; do
    echo "$u $(systemctl is-active "$u" 2>/dev/null || true)"
  done
}
# deploy_require_services WHY UNIT...: every UNIT runs; else fail, naming it, saying WHY that matters and how to start it.
deploy_require_services() {
  local why=$1 u states st n=0 up=1
  shift
  # One process for all: is-active prints a state per unit (its status says only whether any is
  # active). Which one is not is found only when one is not.
  states=$(systemctl is-active "$@" 2>/dev/null) || true
  while read -r st; do n=$((n + 1)); [ "$st" = active ] || up=0; done <<<"$states"
  if [ "$up" = 1 ] && [ "$n" = "$#" ]; then return 0; fi
  for u in "$@"; do
    if ! systemctl is-active --quiet "$u"; then
      echo "$u is not running on this server ($(systemctl is-active "$u" 2>/dev/null || true)): $why; start it (sudo systemctl start $u), then run this again" >&2
      return 1
    fi
  done
}
# deploy_enable_services UNIT...: each starts at boot, and now.
deploy_enable_services() { systemctl enable --quiet --now "$@"; }
# deploy_services_on UNIT...: every UNIT starts at boot and runs now.
deploy_services_on() {
  local u
  for u in "$@"; do
    { systemctl is-enabled --quiet "$u" && systemctl is-active --quiet "$u"; } || return 1
  done
}
# deploy_timer_state UNIT: "<enabled> <active> <next run>" of a systemd timer, a word empty when unknown.
deploy_timer_state() {
  echo "$(systemctl is-enabled "$1" 2>/dev/null || true) $(systemctl is-active "$1" 2>/dev/null || true) $(systemctl show -p NextElapseUSecRealtime --value "$1" 2>/dev/null || true)"
}
# deploy_require_setup DIR APP: fail, saying to run setup, when DIR (made by setup) is missing.
deploy_require_setup() {
  test -d "$1" || { echo "$2 is not set up on this server: run \`deploy $2 setup\` first" >&2; return 1; }
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
# deploy_live_fingerprint LIVE FINGERPRINT: print the live release's metadata, then same or changed: are its server files FINGERPRINT's?
deploy_live_fingerprint() {
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
  # Builtins only (a no-op deploy runs this): the glob's names come sorted, and a release's
  # name starts with its fixed-width time, so the last one is the newest.
  local names
  echo "$EPOCHSECONDS"
  names=("$1"/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]-*)
  if [ "${#names[@]}" -gt 0 ] && [ -e "${names[-1]}" ]; then echo "${names[-1]##*/}"; fi
}
# deploy_log LOG ENTRY: add ENTRY (one line of JSON) to the deploy log; a log that cannot be written stops nothing.
deploy_log() {
  printf '%s\n' "$2" >>"$1" || true
}
# deploy_log_tail LOG N: the last N entries of the deploy log (nothing before the first run).
deploy_log_tail() {
  tail -n "$2" -- "$1" 2>/dev/null || true
}
# __delete DIR: delete DIR; what the app user cannot delete is left, with a warning saying how to remove it.
__delete() {
  # A file root made in a release, or a directory without write permission, must not stop the run.
  if ! rm -rf -- "$1" 2>/dev/null; then
    __warn "could not delete all of $(cd "$(dirname "$1")" && pwd)/$(basename "$1"): something in it is not the app user's (made by root, or a directory without write permission); it was left there and the deploy went on: remove it with sudo rm -rf -- $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  fi
}
# deploy_finish_deletes RELEASES VENVS: delete what killed runs left while deleting (.deleting-*) or receiving an archive (.incoming-*, .unpack-*) or an environment (*.incoming, *.unpack).
deploy_finish_deletes() {
  local d
  # Also what an archive's transfer or unpacking left (remote/lib/archive.sh): never a release yet.
  # ...and what receiving an environment left (remote/lib/build.sh).
  for d in "$1"/.deleting-* "$2"/.deleting-* "$1"/.incoming-* "$1"/.unpack-* "$2"/*.incoming "$2"/*.unpack; do
    if [ -e "$d" ]; then __delete "$d"; fi
  done
}
# deploy_prune KEEP RELEASES CURRENT SLOTS VENVS [RELEASE]: delete releases but the newest KEEP built, the linked ones and RELEASE (a failed run's own), then unused environments.
deploy_prune() {
  local keep=' ' used d v f i built=()
  # Never the release current or a slot names, whatever its state. Each goes first to
  # .deleting-* (a rename is atomic): a run killed halfway never leaves a half-deleted release
  # that looks complete, and the next run's repair ends the job.
  cd "$2" || return
  # The newest KEEP built: a release's name begins with its time, and the glob lists them oldest first.
  for f in */.deploy-built; do if [ -e "$f" ] || [ -L "$f" ]; then built+=("${f%%/*}"); fi; done
  for ((i = ${#built[@]} - $1; i < ${#built[@]}; i++)); do if [ "$i" -ge 0 ]; then keep+="${built[i]} "; fi; done
  for f in $(readlink -- "$3" "$4/a" "$4/b" 2>/dev/null || true) ${6:-}; do keep+="${f##*/} "; done
  for d in */; do
    d=${d%/}
    [ -d "$d" ] || continue
    case "$keep" in
      *" $d "*) ;;
      *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d" ;;
    esac
  done
  used=$(readlink -f -- */.venv 2>/dev/null || true)
  used=" ${used//$'\n'/ } "
  for v in "$5"/*/; do
    v=${v%/}
    [ -d "$v" ] || continue
    case "$used" in
      *" $v "*) ;;
      *) mv -T -- "$v" "${v%/*}/.deleting-${v##*/}" && __delete "${v%/*}/.deleting-${v##*/}" && echo "removed environment ${v##*/}" ;;
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
# deploy_home_state HOME USER NAME...: print missing, ours (USER's, an older version's; or root's with USER's apps/), empty, or "foreign OWNER".
# Also ours: root's, USER's home, holding only /etc/skel's files and the NAMEs setup makes there
# (a setup interrupted once the home became root's, before it made apps/).
deploy_home_state() {
  local h=$1 u=$2
  shift 2
  if [ ! -e "$h" ]; then echo missing
  elif [ ! -d "$h" ] || [ -L "$h" ]; then echo "foreign $(stat -c %U "$h") (not a directory)"
  elif [ "$(stat -c %U "$h")" = "$u" ] || { [ "$(stat -c %U "$h")" = root ] && [ "$(stat -c %U "$h/apps" 2>/dev/null)" = "$u" ]; }; then echo ours
  elif [ -z "$(ls -A "$h")" ]; then echo empty
  elif [ "$(stat -c %U "$h")" = root ] && [ "$(getent passwd "$u" | cut -d: -f6)" = "$h" ] && __holds_only "$h" "$@"; then echo ours
  else echo "foreign $(stat -c %U "$h")"
  fi
}
# __holds_only DIR NAME...: DIR holds nothing but the files of /etc/skel and the NAMEs.
__holds_only() {
  local d=$1 f n w known
  shift
  for f in "$d"/.[!.]* "$d"/..?* "$d"/*; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    n=${f##*/}
    known=''
    if [ -e "/etc/skel/$n" ]; then known=1; fi
    for w in "$@"; do if [ "$n" = "$w" ]; then known=1; fi; done
    [ -n "$known" ] || return 1
  done
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
# deploy_live_slot_release FLAG SLOTS: print the live slot (the switch file FLAG decides) and the release its link in SLOTS leads to.
deploy_live_slot_release() {
  local slot
  slot=$(deploy_live_slot "$1")
  echo "$slot $(basename "$(readlink "$2/$slot" 2>/dev/null)" 2>/dev/null || true)"
}
# deploy_bind_moved BIND: print yes when nothing listens on BIND (gunicorn_bind changed since the live slot started), else no.
deploy_bind_moved() { if __addr_in_use "$1"; then echo no; else echo yes; fi; }
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
# deploy_link_slot SLOTS SLOT DIR RECORD: point the (stopped) slot SLOT at the release DIR; its record (SLOT.run) says what it runs now.
deploy_link_slot() {
  # The record: the release and the settings' fingerprint, for a rollback that may find the slot still running.
  mkdir -p "$1" && rm -f "$1/$2.run" && deploy_replace_link "$3" "$1/$2" && printf '%s\n' "$4" >"$1/$2.run"
}
# deploy_idle_record SLOTS FLAG BIND_A BIND_B: what the idle slot runs (its record), when it still runs: not being stopped, listening on its address.
deploy_idle_record() {
  local idle=b bind=$4 had=
  # FLAG present: b is live (deploy_live_slot).
  if [ -e "$2" ]; then idle=a bind=$3; fi
  if [ -f "$1/$idle.run" ] && [ ! -e "$1/$idle.stopping" ] && read -r had <"$1/$idle.run" && __addr_in_use "$bind"; then
    echo "$had"
  fi
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
# deploy_health_check SECONDS URL LOG BIND CURL_ARG...: wait until URL answers 2xx/3xx and print its status; fail with the slot's log (LOG). BIND: the slot's address.
deploy_health_check() {
  local url=$2 deadline why code err n=0
  deadline=$((SECONDS + $1))
  why="for $1 s"
  # While the slot boots it competes for the CPU with this wait: curl only once the slot listens
  # on its address (on loopback, asked with no process started); the log is read every tenth time.
  until __addr_in_use "$4" && code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${@:5}" "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do
    # An app that cannot boot fails at once, not after SECONDS.
    if [ $((n++ % 10)) = 0 ] && { __slot_crashed "$3" || __slot_log "$3" | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; }; then
      why="(gunicorn could not start the app)"
      deadline=0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      # The verdict comes last: an error shows the last lines, and they must say what failed.
      echo "the slot's log ends with:" >&2
      __slot_log "$3" | tail -n 25 >&2 || true
      echo "health check failed: $url answered ${code:-nothing} $why" >&2
      # A traceback's last line; or, when the app was imported in gunicorn's master
      # (gunicorn_preload) and raised a RuntimeError, the one line gunicorn prints for it.
      err=$(__slot_log "$3" | grep -E '^([A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)|Error: )' | grep -v HaltServer | tail -n 1) || true
      if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi
      return 1
    fi
    sleep 0.02
  done
  echo "$code"
}
# __stop_slot_job APP PROGRAM APP_USER MARKER [PORT|-]: the background stop: once PORT has no open connection (-: at once), stop PROGRAM, then drop MARKER.
__stop_slot_job() {
  # -: an idle slot (no traffic since an earlier switch), stopped at once.
  if [ "${5:-}" = - ]; then
    :
  # Requests routed to the slot just before the switch are answered first (5 s at most; a socket: 1 s).
  elif [ -n "${5:-}" ]; then
    sleep 0.2
    for _ in $(seq 100); do
      [ -z "$(ss -Htn state established dport = :"$5" 2>/dev/null)" ] && break
      sleep 0.05
    done
  else
    sleep 1.2
  fi
  __ctl "$1" stop "$2" || true
  # MARKER is SLOTS/SLOT.stopping; the slot's record (SLOTS/SLOT.run) goes with it.
  sudo -n -u "$3" rm -f "$4" "${4%.stopping}.run"
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
    # systemd expands $VAR, ${...} and % specifiers in a command line: $$ and %% keep them as the shell's.
    job=${job//\$/\$\$}
    systemd-run --quiet --no-block --collect bash -c "${job//%/%%}" deploy-stop "$@"
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
# __live_dir DIR FLAG: the live release's directory (with FLAG empty: DIR).
__live_dir() {
  if [ -n "$2" ]; then printf '%s/%s\n' "$1" "$(deploy_live_slot "$2")"; else printf '%s\n' "$1"; fi
}
# deploy_live_link DIR FLAG: where the live slot's link points.
deploy_live_link() { readlink "$(__live_dir "$1" "$2")" || true; }
# deploy_live_release DIR FLAG CURRENT: the live release's .deploy-release (its first line, without the fingerprint), else CURRENT's.
deploy_live_release() {
  local f
  for f in "$(__live_dir "$1" "$2")/.deploy-release" "$3/.deploy-release"; do
    if head -n 1 "$f" 2>/dev/null | sed 's/,"fingerprint":"[^"]*"//'; then return 0; fi
  done
}
# deploy_link_name LINK: the name of what LINK points to.
deploy_link_name() { basename "$(readlink "$1")" 2>/dev/null || true; }
# deploy_http_status ARG... URL: "<HTTP status> <seconds>" of a GET of URL (curl's ARG... first; 5 s at most).
deploy_http_status() { curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "$@" || true; }
# deploy_live_http FLAG ARG... URL -- ARG... URL: deploy_http_status of slot a's URL, or of slot b's (after --) when b is live.
deploy_live_http() {
  local flag=$1 a=()
  shift
  while [ "$1" != -- ]; do
    a+=("$1")
    shift
  done
  shift
  if [ "$(deploy_live_slot "$flag")" = b ]; then deploy_http_status "$@"; else deploy_http_status "${a[@]}"; fi
}
# deploy_disk_free DIR: the space left on DIR's file system (df -h).
deploy_disk_free() { { df -h --output=avail "$1" 2>/dev/null || true; } | tail -n 1 | tr -d ' '; }
# deploy_app_logs LINES DIR: the last LINES of each of the app's own logs (DIR/*.log), each under its whole path.
deploy_app_logs() { tail -v -n "$1" "$2"/*.log 2>/dev/null || true; }
# deploy_follow_logs APP LINES USER DIR: the programs' and the site's logs (deploy-ctl), and as USER the app's own, as they grow.
deploy_follow_logs() {
  __ctl "$1" logs "$2" follow &
  # The app user expands the glob: root lists nothing in the app's tree.
  sudo -n -H -u "$3" -- bash -c "tail -v -n $(printf '%q' "$2") -F $(printf '%q' "$4")/*.log 2>/dev/null || true"
  wait
}
# deploy_read FILE...: the first FILE that can be read.
deploy_read() {
  local f
  for f in "$@"; do
    if cat "$f" 2>/dev/null; then return 0; fi
  done
}
# deploy_read_live DIR FLAG FILE [ELSE]: the live release's FILE (a path inside it), or ELSE.
deploy_read_live() { deploy_read "$(__live_dir "$1" "$2")/$3" "${@:4}"; }
# deploy_read_live_config DIR FLAG FILE [ELSE]: as deploy_read_live, a config file, with the values of its secrets redacted.
deploy_read_live_config() {
  deploy_read_live "$@" | sed -E 's/^(secret_key|database_url|email_host_password)([[:space:]]*=[[:space:]]*).*/\1\2[redacted]/'
}
# deploy_read_live_env DIR FLAG FILE: the names of the variables the live release's environment FILE sets (no values; no APP_CONFIG_FILE).
deploy_read_live_env() {
  sed -E 's/=.*/=[redacted]/' "$(__live_dir "$1" "$2")/$3" 2>/dev/null | grep -v '^APP_CONFIG_FILE=' || true
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
