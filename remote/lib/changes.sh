# shellcheck shell=bash
# What a deploy or a rollback changes, read on the server before traffic moves, as the app user.
# Printed in sections ("== NAME ARGS" lines, then the section's lines) that src/steps/changes.ts
# reads: the operator sees the change before the question that switches traffic.

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
