// The two gunicorn slots under supervisor: their programs, starting one on a release,
// proving it answers, and stopping the retired one once no request is left on it.
import { value, type Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { createHash } from 'node:crypto';
import { layout, type Slot } from '../layout.js';
import { sh } from '../shell.js';
import { configFingerprint } from './fingerprint.js';
import {
  bootUnitContent,
  bootUnitFile,
  ctl,
  programFile,
  reloadPrograms,
  slotLog,
  slotProgramContent,
  stopProgram,
} from './manager.js';
import { processManager } from './manager/index.js';

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
    ...(['a', 'b'] as Slot[]).map((slot) => ({
      run: sh`__put ${programFile(s, slot)} 0644 root:root`,
      stdin: slotProgramContent(s, slot),
      reportsChange: true,
    })),
    { run: sh`deploy_enable_boot ${boot}`, unless: sh`deploy_boot_enabled ${boot} ${unit}` },
    // Re-read only: a running slot is never restarted here; the change applies when the slot
    // next starts (startSlot sees it and updates the program), so setup never interrupts the site.
    { run: sh`deploy_if_changed "$__step_changed" ${reloadPrograms(s)}`, probe: true },
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
  if (ssl !== 'none')
    return { curlArgs: ['-k', '--resolve', `${name}:${sslPort}:127.0.0.1`], url: `https://${name}:${sslPort}${path}` };
  return { curlArgs: ['-H', `Host: ${name}`], url: `http://127.0.0.1:${listenPort}${path}` };
}

export function healthUrl(s: Settings, slot: Slot): { curlArgs: string[]; url: string } {
  const bind = layout(s).bind(slot);
  const headers = ['-H', `Host: ${appHost(s)}`];
  if (bind.startsWith('unix:'))
    return { curlArgs: ['--unix-socket', bind.slice(5), ...headers], url: `http://localhost${s.healthPath}` };
  const m = TCP.exec(bind)!;
  const addr = m[1] === '0.0.0.0' ? '127.0.0.1' : m[1];
  return { curlArgs: headers, url: `http://${addr}:${m[2]}${s.healthPath}` };
}

export function stoppingMarker(s: Settings, slot: Slot): string {
  return `${layout(s).slots}/${slot}.stopping`;
}

/**
 * What a slot runs, as its record says (slots/<slot>.run): the release, and a digest of the
 * settings' fingerprint at its start (the fingerprint itself is kept secret; its digest may be shown).
 */
export function slotRecord(s: Settings, release: string): string {
  return `${release} ${createHash('sha256').update(configFingerprint(s).reveal()).digest('hex').slice(0, 12)}`;
}

/** Reads what the idle slot still runs (its record), when it still runs; nothing otherwise. As the app user (its directory). */
export function idleRecord(s: Settings, name: string): Command {
  const L = layout(s);
  return value(name, sh`deploy_idle_record ${L.slots} ${L.liveFlag} ${L.bind('a')} ${L.bind('b')}`, { as: 'app' });
}

/**
 * Point the (stopped) slot at the release and start it. warm (a rollback's, when the host's
 * inspect found the idle slot still running that release with today's settings): it is not
 * stopped first; its start is then a no-op (already started), and the health check proves it answers.
 */
export function startSlot(s: Settings, slot: Slot, release: string, warm = false): Command[] {
  const L = layout(s);
  const cold = (cmd: Command): Command[] => (warm ? [] : [cmd]);
  return [
    // A previous switch stops the old slot in the background: let that finish first. gunicorn
    // may take up to its graceful timeout and supervisor then kills it; an older marker is stale.
    { run: sh`deploy_wait_stopped ${stoppingMarker(s, slot)} ${s.gunicornTimeout + 15}`, as: 'app', probe: true },
    // After a reboot, or a run killed after it started this slot, the idle slot may run: stop it
    // (the caller has made sure it is not the live one; a stopped or new program is fine).
    ...cold({ run: stopProgram(s, slot), probe: true }),
    // Whatever else answers on the slot's address would pass the health check in its place.
    ...cold({ run: sh`deploy_require_free ${L.bind(slot)} ${slot}`, probe: true }),
    // A kept release whose virtualenv is gone cannot boot: say so now, not after health_timeout.
    { run: sh`deploy_require_venv ${L.release(release)}`, as: 'app', probe: true },
    { run: sh`deploy_link_slot ${L.slots} ${slot} ${L.release(release)} ${slotRecord(s, release)}`, as: 'app' },
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
  const bind = layout(s).bind(slot);
  return {
    run: sh`deploy_health_check ${s.healthTimeout} ${url} ${slotLogSource(s, slot)} ${bind} ${curlArgs}`,
    probe: true,
  };
}

/**
 * Where deploy_health_check reads the slot's output since its start (the step's slotLog mark):
 * supervisor's log file of the slot, or its systemd unit (the journal).
 */
function slotLogSource(s: Settings, slot: Slot): string {
  return processManager(s).slotLog(slot);
}

/**
 * Graceful stop of the retired slot, in the background: the run does not wait for it. It first
 * waits (up to 5 s) until no connection to the slot is open, so requests routed to it just
 * before the switch are answered; gunicorn then finishes whatever is in flight. ifRunning: only
 * when its record says it was left running (a deploy's build stops the previous release's slot).
 */
export function stopSlotInBackground(s: Settings, slot: Slot, ifRunning = false): Command[] {
  const marker = stoppingMarker(s, slot);
  const running = ifRunning ? { unless: sh`[ ! -e ${`${layout(s).slots}/${slot}.run`} ]` } : {};
  // A socket has no connections to wait for (no port): the job then waits a second. An idle slot left running gets no traffic: at once (-).
  const port = ifRunning ? '-' : (TCP.exec(layout(s).bind(slot))?.[2] ?? '');
  return [
    { run: sh`touch ${marker}`, as: 'app', probe: true, ...running },
    // The marker (and the slot's record) go as the app user (sudo -u), once the slot stopped: root never touches them.
    {
      run: sh`deploy_stop_in_background ${s.project} ${layout(s).program(slot)} ${s.appUser} ${marker} ${port}`,
      probe: true,
      ...running,
    },
  ];
}

/**
 * Point `link` at `target` atomically: a new link renamed over the old one. Left as it was for its
 * one caller (setup's first release on a worker, as root, where a failed ln has never stopped the
 * step): the plans here call deploy_replace_link, for which a failed ln is a failure.
 */
export function replaceLink(target: string, link: string) {
  return sh`ln -sfn ${target} ${`${link}.tmp`} && mv -T ${`${link}.tmp`} ${link}`;
}
