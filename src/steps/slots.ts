// The two gunicorn slots under supervisor: their programs, starting one on a release,
// proving it answers, and stopping the retired one once no request is left on it.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { DEPLOY_CTL, layout, type Slot } from '../layout.js';
import { quote, sh } from '../shell.js';
import { bootUnitContent, bootUnitFile, ctl, programFile, reloadPrograms, slotLog, slotProgramContent, stopProgram } from './manager.js';

const TCP = /^(.+):(\d+)$/;

export const otherSlot = (slot: Slot): Slot => (slot === 'a' ? 'b' : 'a');

/** A slot's program (supervisor) or unit (systemd), as the settings make it. */
export function supervisorConfig(s: Settings, slot: Slot) {
  return slotProgramContent(s, slot);
}

/** Write both slots' programs, the unit that starts the live one at boot, and tell the manager. */
export function supervisorPrograms(s: Settings): Command[] {
  const unit = bootUnitFile(s);
  const boot = `deploy-${s.project}-boot.service`;
  return [
    { run: sh`__put ${unit} 0644 root:root`, stdin: bootUnitContent(s), reportsChange: true },
    ...(['a', 'b'] as Slot[]).map((slot) => ({ run: sh`__put ${programFile(s, slot)} 0644 root:root`, stdin: slotProgramContent(s, slot), reportsChange: true })),
    { run: sh`systemctl daemon-reload && systemctl enable --quiet ${boot}`, unless: sh`systemctl is-enabled --quiet ${boot} && ! __was_changed ${unit}` },
    // Re-read only: a running slot is never restarted here; the change applies when the slot
    // next starts (startSlot sees it and updates the program), so setup never interrupts the site.
    { run: sh`if [ "$__step_changed" = 1 ]; then ${reloadPrograms(s)}; fi`, probe: true },
  ];
}

/** Host header a request to the app must carry (one of allowed_hosts). */
export function appHost(s: Settings): string {
  return s.django.allowedHosts.find((h) => !h.includes('*')) ?? 'localhost';
}

/** A name a request can carry for one of server_name's: a wildcard's stands for one of the names it covers. */
export function concreteName(name: string): string {
  return name.replace(/^\*\./, 'www.').replace(/\*/g, 'x');
}

/** The name a check through nginx asks for: the first of server_name's, else appHost. */
export function siteName(s: Settings): string {
  const name = s.serverName.split(' ').find((n) => n !== '_');
  return name ? concreteName(name) : appHost(s);
}

/**
 * curl's arguments and URL for a request to this app through the host's own nginx: over HTTPS
 * when the site has it (by name, so nginx picks the site's certificate; the chain is not checked
 * here: the certificate checks are setup's and status's own).
 */
export function siteUrl(s: Settings, path = s.healthPath): { curlArgs: string[]; url: string } {
  const name = siteName(s);
  const { ssl, sslPort, listenPort } = s.web;
  if (ssl !== 'none') return { curlArgs: ['-k', '--resolve', `${name}:${sslPort}:127.0.0.1`], url: `https://${name}:${sslPort}${path}` };
  return { curlArgs: ['-H', `Host: ${name}`], url: `http://127.0.0.1:${listenPort}${path}` };
}

export function healthUrl(s: Settings, slot: Slot): { curlArgs: string[]; url: string } {
  const bind = layout(s).bind(slot);
  const headers = ['-H', `Host: ${appHost(s)}`];
  if (bind.startsWith('unix:')) return { curlArgs: ['--unix-socket', bind.slice(5), ...headers], url: `http://localhost${s.healthPath}` };
  const m = TCP.exec(bind)!;
  const addr = m[1] === '0.0.0.0' ? '127.0.0.1' : m[1];
  return { curlArgs: headers, url: `http://${addr}:${m[2]}${s.healthPath}` };
}

export function stoppingMarker(s: Settings, slot: Slot): string {
  return `${layout(s).slots}/${slot}.stopping`;
}

/** Point the (stopped) slot at the release and start it. */
export function startSlot(s: Settings, slot: Slot, release: string): Command[] {
  const L = layout(s);
  return [
    // A previous switch stops the old slot in the background: let that finish first. gunicorn
    // may take up to its graceful timeout and supervisor then kills it; an older marker is stale.
    {
      run: sh`m=${stoppingMarker(s, slot)}; while [ -e "$m" ] && [ $(( $(date +%s) - $(stat -c %Y "$m" 2>/dev/null || echo 0) )) -lt ${s.gunicornTimeout + 15} ]; do sleep 0.1; done; rm -f "$m"`,
      as: 'app',
      probe: true,
    },
    // After a reboot, or a run killed after it started this slot, the idle slot may run: stop it
    // (the caller has made sure it is not the live one; a stopped or new program is fine).
    { run: stopProgram(s, slot), probe: true },
    // Whatever else answers on the slot's address would pass the health check in its place.
    { run: sh`if __addr_in_use ${L.bind(slot)}; then echo ${`${L.bind(slot)} (slot ${slot}) is already in use by another process:`} >&2; ss -Hltnp >&2 || true; exit 1; fi`, probe: true },
    // A kept release whose virtualenv is gone cannot boot: say so now, not after health_timeout.
    {
      run: sh`[ -x ${`${L.release(release)}/.venv/bin/python`} ] || { echo "release ${release} cannot start: its virtualenv is gone (.venv -> $(readlink ${`${L.release(release)}/.venv`} || echo nothing)); deploy its commit again to build one (deploy --ref <its commit> --force)" >&2; exit 1; }`,
      as: 'app',
      probe: true,
    },
    { run: sh`mkdir -p ${L.slots} && ${replaceLink(L.release(release), L.slot(slot))}`, as: 'app' },
    // Where this start's log begins: the health check reads only what follows.
    { run: slotLog(s, slot).mark, probe: true },
    // Usually a plain start; deploy-ctl re-reads the program first when it is new or changed.
    { run: ctl(s, 'start', [slot]) },
  ];
}

/**
 * Wait until the slot answers 2xx/3xx on health_path. Fails at once when gunicorn reports that
 * the app cannot boot, else after health_timeout; either way with what it answered and its log.
 */
export function healthCheck(s: Settings, slot: Slot): Command {
  const { curlArgs, url } = healthUrl(s, slot);
  const { read: log, crashed } = slotLog(s, slot);
  const t = s.healthTimeout;
  return {
    run: sh`url=${url}; deadline=$((SECONDS + ${t})); why="for ${t} s"; until code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 ${curlArgs} "$url") && [ "$code" -ge 200 ] && [ "$code" -lt 400 ]; do if ${crashed} || ${log} | grep -qE 'Worker failed to boot|App failed to load|Shutting down: Master'; then why="(gunicorn could not start the app)"; deadline=0; fi; if [ "$SECONDS" -ge "$deadline" ]; then echo "health check failed: $url answered \${code:-nothing} $why; the slot's log ends with:" >&2; ${log} | tail -n 25 >&2 || true; err=$(${log} | grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception)(:|$)' | grep -v HaltServer | tail -n 1); if [ -n "$err" ]; then echo "the app's error: $err" >&2; fi; exit 1; fi; sleep 0.02; done; echo "$code"`,
    probe: true,
  };
}

/**
 * Graceful stop of the retired slot, in the background: the run does not wait for it. It first
 * waits (up to 5 s) until no connection to the slot is open, so requests routed to it just
 * before the switch are answered; gunicorn then finishes whatever is in flight.
 */
export function stopSlotInBackground(s: Settings, slot: Slot): Command[] {
  const marker = stoppingMarker(s, slot);
  const bind = layout(s).bind(slot);
  const port = TCP.exec(bind)?.[2];
  const quiet = port ? `for i in $(seq 100); do [ -z "$(ss -Htn state established dport = :${port} 2>/dev/null)" ] && break; sleep 0.05; done` : 'sleep 1';
  // A job of its own, as root (systemd-run) or as the deploy user (through sudo, as __ctl does).
  const ctlCommand = `c=${DEPLOY_CTL}; [ "$(id -u)" = 0 ] || c="sudo -n $c"; $c ${quote(s.project)} stop ${quote(layout(s).program(slot))}`;
  const stop = `sleep 0.2; ${quiet}; ${ctlCommand} || true; sudo -n -u ${quote(s.appUser)} rm -f ${quote(marker)}`;
  // systemd-run hands the job to systemd at once; a plain background job would hold the SSH session open until it ends.
  return [
    { run: sh`touch ${marker}`, as: 'app', probe: true },
    { run: sh`if command -v systemd-run >/dev/null && [ "$(id -u)" = 0 ]; then systemd-run --quiet --no-block --collect sh -c ${stop}; else setsid nohup sh -c ${stop} >/dev/null 2>&1 </dev/null & fi`, probe: true },
  ];
}

/** Point `link` at `target` atomically: a new link renamed over the old one. */
export function replaceLink(target: string, link: string) {
  return sh`ln -sfn ${target} ${`${link}.tmp`} && mv -T ${`${link}.tmp`} ${link}`;
}
