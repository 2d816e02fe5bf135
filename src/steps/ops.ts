// Day-to-day commands beside setup/deploy/rollback: status, logs, run. Plans only.
import { step, type Step } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, SLOTS } from '../layout.js';
import { sh, type Sh } from '../shell.js';
import { envPrefix, healthUrl } from './release.js';

/** Each line "key<TAB>value" so the command can lay it out. */
export function status(s: Settings): Step {
  const L = layout(s);
  const host = s.django.allowedHosts.find((h) => !h.includes('*')) ?? 'localhost';
  const lines: Sh[] = [
    sh`echo "release	$(head -n 1 ${L.current}/.deploy-release 2>/dev/null || echo '{}')"`,
    sh`echo "live	$(cat ${L.liveSlot} 2>/dev/null || echo none)"`,
    sh`supervisorctl status ${SLOTS.map((slot) => L.program(slot))} 2>/dev/null | while read -r name state rest; do echo "$name	$state $rest"; done || true`,
    sh`if [ "$(cat ${L.liveSlot} 2>/dev/null)" = b ]; then set -- b ${slotCurl(s, 'b')}; else set -- a ${slotCurl(s, 'a')}; fi; slot=$1; shift; echo "health	slot $slot: $(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' --max-time 5 "$@" || true)"`,
    sh`echo "site	$(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' --max-time 5 -H ${`Host: ${host}`} http://127.0.0.1${s.healthPath} || true)"`,
    sh`echo "lock	$(cat ${L.lock}/info 2>/dev/null || echo free)"`,
    sh`echo "releases	$(ls -1 ${L.releases} 2>/dev/null | wc -l) kept, $(du -sh ${L.releases} 2>/dev/null | cut -f1)"`,
    sh`echo "environments	$(ls -1 ${s.venvsDir} 2>/dev/null | wc -l), $(du -sh ${s.venvsDir} 2>/dev/null | cut -f1)"`,
    sh`echo "disk free	$(df -h --output=avail ${s.home} 2>/dev/null | tail -n 1 | tr -d ' ')"`,
  ];
  return step('status', 'status', lines.map((run) => ({ run, probe: true })));
}

/** curl arguments (socket, Host header, URL) that reach a slot directly. */
function slotCurl(s: Settings, slot: 'a' | 'b'): string[] {
  const { curlArgs, url } = healthUrl(s, slot);
  return [...curlArgs, url];
}

/** The app's logs: gunicorn slots (the app's own output goes there) and the site's nginx logs. */
export function logFiles(s: Settings): string[] {
  const L = layout(s);
  return [`${L.log}/*.log`, `/var/log/nginx/${s.project}.access.log`, `/var/log/nginx/${s.project}.error.log`];
}

export function logs(s: Settings, lines: number, follow: boolean): Step {
  const files = logFiles(s);
  // The globs expand on the server (unquoted on purpose; the paths come from validated settings).
  const tail = sh`tail -n ${lines} ${follow ? ['-F'] : []} ${files.slice(1)}`;
  return { ...step('logs', follow ? 'follow logs' : 'logs', [{ run: sh`cd ${layout(s).log} && { ${tail} *.log 2>/dev/null || true; }`, probe: true }]), stream: true };
}

/** The shell command `run` executes: in the live release, as the app user, with the app's environment and virtualenv. */
export function runCommand(s: Settings, command: string): Sh {
  const L = layout(s);
  const inner = sh`cd ${L.current} && exec ${envPrefix(s)} PATH=${`${L.current}/.venv/bin`}:/usr/local/bin:/usr/bin:/bin bash -c ${command}`;
  return sh`sudo -n -H -u ${s.appUser} -- bash -c ${inner.toString()}`;
}
