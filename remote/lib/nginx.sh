# shellcheck shell=bash
# nginx: every reload goes through nginx -t and waits for the old workers; the checks around the
# site (the default server, its logs, that it answers).

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
