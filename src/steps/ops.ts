// Day-to-day commands beside setup/deploy/rollback: status, logs, run. Plans only.
import { step, value, type Step, type StepResult } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, liveRelease, liveSlotCode, SLOTS } from '../layout.js';
import { raw, sh, type Sh } from '../shell.js';
import { libraryFor } from '../library.js';
import { LOAD_ENV } from './build.js';
import { readLock } from './lock.js';
import { healthUrl, idleRecord, siteUrl } from './slots.js';
import { programStates } from './manager/index.js';
import { requiredServices, serviceStates } from './manager/services.js';
import { runsProcesses } from './processes.js';
import { pageState, parsePageState, type MaintenanceState } from './maintenance.js';
import { parseCertificate, servedCertificate, type CertificateInfo } from './tls.js';

/**
 * Each command prints one named value; statusOf() reads them. Read-only: status takes no lock.
 * A worker host has no slots and no site: its live release is `current`, and it has no health check.
 */
export function status(s: Settings, host: { roles: string[] } = { roles: ['web'] }): Step {
  const L = layout(s);
  const web = host.roles.includes('web');
  const live = liveRelease(L, web);
  const a = healthUrl(s, 'a');
  const b = healthUrl(s, 'b');
  const site = siteUrl(s);
  // What lives in the app's directories is read as the app user: root never reads it.
  const app = { as: 'app' as const };
  return step('status', 'status', [
    ...(web
      ? [
          value('live_slot', liveSlotCode(L), app),
          value('slot_link', sh`deploy_live_link ${live}`, app),
          // The previous release, when a deploy left it running in the idle slot (keep_previous_slot).
          idleRecord(s, 'idle'),
        ]
      : []),
    value('release', sh`deploy_live_release ${live} ${L.current}`, app),
    value('current', sh`deploy_link_name ${L.current}`, app),
    // Each required service's state first: without them the programs' states cannot be read.
    value('services', serviceStates([...requiredServices(s, host), ...s.services])),
    value(
      'processes',
      programStates(s, [...(web ? SLOTS : []), ...(runsProcesses(s, host) ? Object.keys(s.processes) : [])]),
    ),
    ...(web
      ? [
          value('health', sh`deploy_live_http ${L.liveFlag} ${a.curlArgs} ${a.url} -- ${b.curlArgs} ${b.url}`),
          value('site', sh`deploy_http_status ${site.curlArgs} ${site.url}`),
          ...(s.web.ssl !== 'none' ? servedCertificate(s) : []),
          pageState(s),
        ]
      : []),
    readLock(s),
    value(
      'releases',
      sh`echo "$(ls -1 ${L.releases} 2>/dev/null | wc -l) $(du -sh ${L.releases} 2>/dev/null | cut -f1)"`,
      app,
    ),
    value(
      'environments',
      sh`echo "$(ls -1 ${s.venvsDir} 2>/dev/null | wc -l) $(du -sh ${s.venvsDir} 2>/dev/null | cut -f1)"`,
      app,
    ),
    value('disk_free', sh`deploy_disk_free ${s.home}`),
  ]);
}

export { requiredServices };

export interface HttpCheck {
  code: number;
  seconds: number;
}

export interface HostStatus {
  /** Web hosts: the slot nginx sends traffic to (a worker has none). */
  live_slot?: 'a' | 'b';
  /** Web hosts: whether the live slot's link (slots/<slot>) is there; the release is then current's. */
  slot_link?: boolean;
  /** Web hosts: the release the idle slot still runs (keep_previous_slot), if it runs. */
  idle?: string;
  release: { name?: string; ref?: string; commit?: string; time?: string; by?: string; source?: string } | null;
  /** The `current` symlink: it lags the live slot only after a run was cut short (the next run repairs it). */
  current: string;
  processes: Record<string, { state: string; detail: string }>;
  /** services: each system service's state (active, inactive, failed...). */
  services: Record<string, string>;
  /** Web hosts: the live slot's health check and the site through nginx (undefined on a worker). */
  health?: HttpCheck | null;
  site?: HttpCheck | null;
  /** Web hosts: the maintenance page (undefined on a worker: no nginx). */
  maintenance?: MaintenanceState;
  lock: string;
  /** What nginx serves over HTTPS (ssl set, web hosts); null: no HTTPS, or no readable certificate. */
  certificate: CertificateInfo | null;
  releases: { count: number; size: string };
  environments: { count: number; size: string };
  disk_free: string;
}

function http(text: string): HttpCheck | null {
  const [code, seconds] = text.trim().split(' ').map(Number);
  return code ? { code, seconds } : null;
}

function countAndSize(text: string): { count: number; size: string } {
  const [count, size = ''] = text.trim().split(' ');
  return { count: Number(count) || 0, size };
}

export function statusOf(res: StepResult): HostStatus {
  const v = res.values;
  let release: HostStatus['release'] = null;
  try {
    const r = JSON.parse(v.release || 'null');
    release = r && { name: r.release, ref: r.ref, commit: r.commit, time: r.time, by: r.by, source: r.source ?? 'git' };
  } catch {
    /* unreadable release file, or a dry run's placeholder */
  }
  const processes: HostStatus['processes'] = {};
  for (const line of (v.processes ?? '').split('\n').filter(Boolean)) {
    const [name, state = '', ...rest] = line.trim().split(/\s+/);
    processes[name] = { state, detail: rest.join(' ') };
  }
  const services: HostStatus['services'] = {};
  for (const line of (v.services ?? '').split('\n').filter(Boolean)) {
    const [name, state = ''] = line.trim().split(/\s+/);
    services[name] = state;
  }
  return {
    live_slot: v.live_slot === undefined ? undefined : v.live_slot === 'b' ? 'b' : 'a',
    slot_link: v.slot_link === undefined ? undefined : v.slot_link !== '',
    idle: v.idle?.trim().split(' ')[0] || undefined,
    services,
    release,
    current: v.current ?? '',
    processes,
    health: v.health === undefined ? undefined : http(v.health),
    site: v.site === undefined ? undefined : http(v.site),
    maintenance: v.maintenance === undefined ? undefined : parsePageState(v.maintenance),
    lock: v.lock ?? '',
    certificate: v.certificate === undefined ? null : parseCertificate(v.certificate, v.renewal ?? ''),
    releases: countAndSize(v.releases ?? ''),
    environments: countAndSize(v.environments ?? ''),
    disk_free: v.disk_free ?? '',
  };
}

/**
 * The programs' logs and the site's nginx logs come from deploy-ctl (root's files: a deploy user
 * reads them through it, for its app only); the app's own logs (shared/log) as the app user.
 */
export function logs(s: Settings, lines: number, follow: boolean): Step {
  // Every file by its whole path: the programs' logs and the app's own may share a name.
  const cmds = follow
    ? [{ run: sh`deploy_follow_logs ${s.project} ${lines} ${s.appUser} ${layout(s).log}`, probe: true, name: 'logs' }]
    : [
        { run: sh`__ctl ${s.project} logs ${lines}`, probe: true, name: 'programs' },
        { run: sh`deploy_app_logs ${lines} ${layout(s).log}`, as: 'app' as const, probe: true, name: 'logs' },
      ];
  return { ...step('logs', follow ? 'follow logs' : 'logs', cmds), stream: true };
}

/**
 * The shell command `run` executes: in the live release, as the app user, with the app's
 * environment and virtualenv. It goes out alone (not as a step's script), so the app user's bash
 * gets the library functions it calls with it.
 */
export function runCommand(s: Settings, command: string): Sh {
  const L = layout(s);
  const path = 'PATH="$PWD/.venv/bin:/usr/local/bin:/usr/bin:/bin"';
  const inner = sh`cd "$(readlink -f ${L.slots}/"$(${liveSlotCode(L)})")" && ${LOAD_ENV} && ${raw(path)} exec bash -c ${command}`;
  return sh`sudo -n -H -u ${s.appUser} -- bash -c ${`${libraryFor(String(inner))}${inner}`}`;
}
