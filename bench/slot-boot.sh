#!/usr/bin/env bash
# Runs on a test host (bench/slot-boot.ts copies it there): starts one gunicorn slot of an
# example app as deploy's template would, and prints one line:
#   first_ms all_ms rss_kb pss_kb
# first_ms: start to the slot's first answer on /health; all_ms: to every worker having
# imported the app (the slot's processes stop using CPU); rss_kb and pss_kb: the slot's
# processes summed once it is all up (PSS shares a page among the processes that map it, so
# it is what the slot really costs; RSS counts a shared page once per process).
# Usage: slot-boot.sh APP WORKERS PRELOAD(True|False) PORT
set -euo pipefail
app=$1 workers=$2 preload=$3 port=$4
cd "/srv/bench/$app"
conf=$(mktemp)
printf 'workers = %s\npreload_app = %s\n' "$workers" "$preload" >"$conf"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# Every process of the slot: the master and its children.
tree() { echo "$1"; pgrep -P "$1" || true; }
cpu_ticks() {
  local p total=0 fields
  for p in $(tree "$1"); do
    read -ra fields <"/proc/$p/stat" 2>/dev/null || continue
    total=$((total + fields[13] + fields[14]))
  done
  echo "$total"
}
mem_kb() {
  local p rss=0 pss=0 key value
  for p in $(tree "$1"); do
    while read -r key value _; do
      case $key in
        Rss:) rss=$((rss + value)) ;;
        Pss:) pss=$((pss + value)) ;;
      esac
    done <"/proc/$p/smaps_rollup"
  done
  echo "$rss $pss"
}

start=$(now_ms)
APP_CONFIG_FILE=/srv/bench/app.ini DJANGO_SETTINGS_MODULE="$app.settings.prod" \
  /srv/bench/venv/bin/python -m gunicorn -c "$conf" -b "127.0.0.1:$port" "$app.wsgi:application" \
  >"/tmp/slot-boot-$port.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$conf"' EXIT
until curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "/tmp/slot-boot-$port.log" >&2; exit 1; }
  sleep 0.01
done
first=$(($(now_ms) - start))
# Every worker up: as many children as workers, and no CPU used by the slot for 0.3 s.
last=-1 done_at=0
while :; do
  kids=$(pgrep -c -P "$pid" || true)
  ticks=$(cpu_ticks "$pid")
  if ((kids >= workers)) && ((ticks == last)); then break; fi
  last=$ticks done_at=$(now_ms)
  sleep 0.3
done
echo "$first $((done_at - start)) $(mem_kb "$pid")"
