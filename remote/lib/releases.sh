# shellcheck shell=bash
# The releases of an app (releases/<name>: built, failed or incomplete) and what a deploy checks,
# reads and writes around them. Everything here but deploy_require_setup runs as the app user
# (src/steps/deploy.ts says which).

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
