// `deploy <app> status`: per host, what nginx really serves and whether it answers.
import chalk from 'chalk';
import { startSession, type GlobalOptions, type Session } from '../session.js';
import type { Settings } from '../settings/types.js';
import { requiredServices, status, statusOf, type HttpCheck } from '../steps/ops.js';
import { otherSlot } from '../steps/slots.js';
import { ConnectionError, DeployError, UsageError } from '../errors.js';
import { parseLock, type LockInfo } from '../steps/lock.js';
import { describeLock, holderState } from '../lock-holder.js';
import { Fleet, type HostRun } from '../fleet/fleet.js';
import { terminalSafe } from '../printable.js';
import { ConnectionLostError } from '../ssh/lost.js';
import type { MaintenanceState } from '../steps/maintenance.js';
import { certificateConcerns, describeCertificate, type CertificateInfo } from '../steps/tls.js';

const check = (c: HttpCheck | null) => (c ? `${c.code} in ${c.seconds.toFixed(3)} s` : 'no answer');
const good = (c: HttpCheck | null) => !!c && c.code >= 200 && c.code < 400;

/**
 * `on (since <time>, "<message>", by <who>)` or `off`; the message as the page holds it, control
 * characters escaped. A page whose deploy no longer holds the lock was left by a run that did not finish.
 */
function maintenanceText(m: MaintenanceState, lock?: Partial<LockInfo>): string {
  if (!m.on) return 'off';
  const message = m.message === undefined ? '' : `, "${terminalSafe(m.message)}"`;
  const left = !!m.run && (m.run !== lock?.token || holderState(lock) === 'gone');
  const who = left
    ? `, left by a deploy --maintenance of ${terminalSafe(m.by ?? '?')} that did not finish: the next deploy, rollback or \`maintenance off\` takes it down`
    : m.by
      ? `, by ${terminalSafe(m.by)}`
      : '';
  return chalk.yellow(`on (since ${String(m.since).replace('T', ' ').slice(0, 19)}${message}${who})`);
}

function certificateRow(c: CertificateInfo | null): string {
  if (!c) return chalk.red('nginx serves no readable certificate over HTTPS');
  const text = describeCertificate(c);
  const { expiresSoon, notRenewed } = certificateConcerns(c);
  return expiresSoon || notRenewed ? chalk.yellow(text) : text;
}

export async function statusCommand(opts: GlobalOptions & { app: string }): Promise<void> {
  const session = startSession(opts.app, 'status', opts, false);
  const { settings: s, reporter } = session;
  const down: string[] = [];
  // A host that does not answer is marked, and the others are still reported.
  const { fleet, failed } = await Fleet.connectReachable(session);
  const local = failed.find((f) => f.err instanceof UsageError);
  if (local) {
    await fleet.close();
    throw local.err;
  }
  const unreachable = failed.map((f) => ({ label: f.host.label, why: f.err.message }));
  const serves = new Map<string, string>();
  try {
    await fleet.each(async (run) => {
      try {
        serves.set(run.ex.host.label, await showStatus(session, run, down));
      } catch (err) {
        if (!(err instanceof ConnectionLostError)) throw err;
        unreachable.push({ label: run.ex.host.label, why: err.message });
      }
    });
  } finally {
    await fleet.close();
  }
  showDrift(session, serves);
  for (const { label, why } of unreachable) {
    const text = why.split('\n')[0].replace(`${label}: `, '');
    reporter.hostData(label, 'unreachable', text);
    reporter.hostData(label, 'result', 'unreachable');
    reporter.info([chalk.bold(label), `  ${'unreachable'.padEnd(13)} ${chalk.red(text)}`].join('\n'));
  }
  if (unreachable.length) {
    const reached = s.hosts.filter((h) => !unreachable.some((u) => u.label === h.label)).map((h) => h.label);
    // One host, not reached: its own error, with its own next step (a host key to provision...).
    if (!reached.length && failed.length === 1 && s.hosts.length === 1) throw failed[0].err;
    throw new ConnectionError(
      `cannot reach ${unreachable.length} of ${s.hosts.length} hosts${reached.length ? ' (the others are reported above)' : ''}:\n${unreachable.map((u) => `  ${u.why.split('\n')[0]}`).join('\n')}${down.length ? `\nnot running: ${down.join(', ')}` : ''}`,
      reached.length
        ? `Bring ${unreachable.length === 1 ? 'it' : 'them'} back, or leave ${unreachable.length === 1 ? 'it' : 'them'} out: --hosts ${reached.join(',')}`
        : `Check that the hosts are up and that this machine reaches them.`,
    );
  }
  // A service the app needs is down: the site (or its programs) cannot be what status shows.
  if (down.length)
    throw new DeployError(
      `not running: ${down.join(', ')}`,
      `Start ${down.length === 1 ? 'it' : 'them'} on the host (sudo systemctl start ${[...new Set(down.map((d) => d.split(' ')[0]))].join(' ')}), then check \`deploy ${s.app} status\` again.`,
    );
}

/**
 * The fleet runs more than one release (a deploy left hosts behind, a rollout stopped, a run on
 * part of the fleet): which hosts run which, in the fleet's order, newest release first.
 */
function showDrift(session: Session, serves: Map<string, string>): void {
  const by = new Map<string, string[]>();
  for (const h of session.settings.hosts) {
    const release = serves.get(h.label);
    if (release !== undefined) by.set(release, [...(by.get(release) ?? []), h.label]);
  }
  if (by.size < 2) return;
  const groups = [...by.entries()].sort(([a], [b]) => b.localeCompare(a));
  session.reporter.result.drift = Object.fromEntries(groups);
  session.reporter.info(
    chalk.yellow(
      `${by.size} releases live:\n${groups.map(([r, hosts]) => `  ${terminalSafe(r || 'none')} on ${hosts.join(', ')}`).join('\n')}`,
    ),
  );
}

/** One host's status: read, put in --json, shown; a required service that is not running goes to `down`. Its live release. */
async function showStatus(session: Session, run: HostRun, down: string[]): Promise<string> {
  const { settings: s, reporter } = session;
  const res = await run.ex.run(status(s, run.ex.host));
  if (session.opts.dryRun) return '';
  const st = statusOf(res);
  const label = run.ex.host.label;
  const holder = parseLock(st.lock);
  reporter.hostData(label, 'status', {
    ...st,
    lock: holder ? { ...holder, token: undefined, holder: holderState(holder), text: describeLock(holder) } : null,
  });
  const rows = statusRows(s, st, holder);
  reporter.info([chalk.bold(label), ...rows.map(([k, v]) => `  ${k.padEnd(13)} ${v}`)].join('\n'));
  for (const name of requiredServices(s, run.ex.host))
    if (st.services[name] !== 'active') down.push(`${name} on ${label} (${st.services[name] || 'not installed'})`);
  return st.release?.name ?? '';
}

/** Status's rows for one host, as the operator reads them. */
function statusRows(
  s: Settings,
  st: ReturnType<typeof statusOf>,
  holder: ReturnType<typeof parseLock>,
): [string, string][] {
  const web = st.live_slot !== undefined;
  // What the server says (release metadata, process lines, the page's message) is shown with its control characters escaped.
  const safe = (v: unknown) => terminalSafe(String(v ?? ''));
  const r = st.release;
  const rows: [string, string][] = [
    [
      'release',
      r?.name
        ? `${safe(r.name)}  ${safe(r.ref)} ${safe(r.commit).slice(0, 8)} from ${safe(r.source ?? 'git')}  deployed ${safe(r.time).replace('T', ' ').slice(0, 19)} by ${safe(r.by) || '?'}`
        : chalk.yellow(web ? 'none (run setup)' : 'none: `current` names no release (run setup)'),
    ],
  ];
  if (web) rows.push(['live slot', `${st.live_slot} (nginx sends traffic to ${s.project}-${st.live_slot})`]);
  if (web && st.slot_link === false)
    rows.push([
      'slot link',
      chalk.yellow(
        `slots/${st.live_slot} is missing (removed, or a run cut off): its gunicorn serves on, from ${r?.name ? `${safe(r.name)} (current)` : 'the release it started in'}; the next deploy or rollback puts a link back`,
      ),
    ]);
  if (!web) rows.push(['role', 'worker: no site, no slots; `current` is its live release']);
  if (web && st.idle)
    rows.push([
      'idle slot',
      `${otherSlot(st.live_slot ?? 'a')} still runs ${safe(st.idle)}: kept for a rollback that starts nothing (keep_previous_slot)`,
    ]);
  if (web && st.slot_link !== false && r?.name && st.current !== r.name)
    rows.push([
      'current',
      chalk.yellow(
        `${safe(st.current) || 'missing'}: behind the live slot after an interrupted run (the next deploy or rollback repairs it)`,
      ),
    ]);
  for (const [name, state] of Object.entries(st.services))
    rows.push([safe(name), state === 'active' ? state : chalk.red(safe(state || 'not installed'))]);
  for (const [name, p] of Object.entries(st.processes)) rows.push([safe(name), safe(`${p.state} ${p.detail}`.trim())]);
  if (web) {
    rows.push([
      'health',
      `slot ${st.live_slot}: ${(good(st.health ?? null) ? chalk.green : chalk.red)(check(st.health ?? null))}`,
    ]);
    rows.push(['site', (good(st.site ?? null) ? chalk.green : chalk.red)(check(st.site ?? null))]);
  }
  if (st.maintenance) rows.push(['maintenance', maintenanceText(st.maintenance, holder)]);
  if (s.web.ssl !== 'none' && web) rows.push(['certificate', certificateRow(st.certificate)]);
  rows.push(['lock', holder ? chalk.yellow(`held by ${describeLock(holder)}`) : 'free']);
  rows.push(['releases', `${st.releases.count} kept, ${st.releases.size}`]);
  rows.push(['environments', `${st.environments.count}, ${st.environments.size}`]);
  rows.push(['disk free', st.disk_free]);
  return rows;
}
