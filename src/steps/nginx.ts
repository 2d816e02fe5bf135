// nginx: every reload goes through nginx -t, and waits for the old workers to finish
// (remote/lib/nginx.sh).
import type { Settings } from '../settings/types.js';
import { sh, type Sh } from '../shell.js';

/**
 * nginx -t, then a graceful reload, when `when` holds: this step changed something; that, or an
 * earlier run was cut short before its reload (setup's nginx config); or this step changed `file`.
 * A rejected config is put back and the error shown.
 */
export function nginxReload(when: 'changed' | 'pending' | { file: string }): Sh {
  return typeof when === 'string' ? sh`deploy_nginx_reload ${when}` : sh`deploy_nginx_reload file ${when.file}`;
}

/** The site's error log: setup makes it, and shows its end when the site does not answer. */
export function nginxErrorLog(s: Settings): string {
  return `/var/log/nginx/${s.project}.error.log`;
}
