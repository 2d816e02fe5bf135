// nginx: every reload goes through nginx -t, and waits for the old workers to finish.
import { raw } from '../shell.js';

/**
 * nginx -t guards every reload: a rejected config is put back and the error shown.
 * After the graceful reload, wait (up to 10 s) until the workers of the old configuration
 * have finished their requests and exited.
 */
export function nginxReloadIf(condition: string) {
  return raw(
    [
      `if ${condition}; then`,
      '  if ! out=$(nginx -t 2>&1); then __restore; echo "nginx -t rejected the new config; the previous one was put back:" >&2; echo "$out" >&2; exit 1; fi',
      '  pid=$(cat /run/nginx.pid 2>/dev/null || true); old_workers=""',
      '  if [ -n "$pid" ]; then old_workers=$(pgrep -P "$pid" | tr "\\n" " " || true); fi',
      // nginx not running (stopped, or a port it needs taken): its own words say why it cannot start.
      '  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then nginx -s reload; elif ! systemctl restart nginx 2>/dev/null; then echo "nginx does not start; its log ends with:" >&2; journalctl -u nginx -n 8 --no-pager -o cat >&2 || true; exit 1; fi',
      '  for _ in $(seq 500); do alive=""; for p in $old_workers; do if kill -0 "$p" 2>/dev/null; then alive=1; fi; done; [ -n "$alive" ] || break; sleep 0.02; done',
      'fi',
    ].join('\n'),
  );
}

export const NGINX_RELOAD = nginxReloadIf('[ "$__step_changed" = 1 ] || [ "${__reload_pending:-}" = 1 ]');

