# shellcheck shell=bash
# Building a release beside the live one, as the app user: export, environment file, virtualenv,
# pip, Django's collectstatic and migrate, and the operator's commands run in a release.

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
