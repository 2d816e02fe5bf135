# shellcheck shell=bash
# What status, logs and the dry run's diff read on a host. Each prints what it finds, or nothing,
# and does not fail: a host that is half set up still gets a report. The live release is found
# from DIR and FLAG: the live slot's link in DIR (the slots) as FLAG (the switch file) decides,
# or with FLAG empty (a worker host), DIR itself (current).

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
