import { readFileSync } from 'node:fs';
import { hostsText } from '../fleet/select.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import type { Step, StepResult } from '../plan.js';
import { layout, type Slot } from '../layout.js';
import { DeployError, OperatorActionError, RemoteCommandError, UsageError, withNextStep } from '../errors.js';
import { startSession, type GlobalOptions, type Session } from '../session.js';
import type { Executor } from '../exec/executor.js';
import * as S from '../steps/setup.js';
import * as T from '../steps/tls.js';
import * as B from '../steps/build.js';
import { buildOn } from '../steps/build.js';
import { NO_REF_STATUS, parseResolved } from '../steps/git.js';
import type { LockInfo } from '../steps/lock.js';
import { otherSlot } from '../steps/slots.js';
import { runsProcesses } from '../steps/processes.js';
import * as D from '../steps/deploy.js';
import * as R from '../steps/setup-release.js';
import { configFingerprint } from '../steps/deploy.js';
import { operator } from '../operator.js';
import { guardInterrupts, type InterruptGuard } from '../interrupt.js';
import { Fleet, newLock } from '../fleet/fleet.js';
import { asLockError } from '../fleet/cleanup.js';
import { resolveOnThisMachine } from '../fleet/source.js';
import { blockedError, checkFleet, checksText } from '../fleet/check.js';
import { ArchiveSources, type FirstNames, type FirstRelease } from './setup-source.js';

export interface SetupOptions extends GlobalOptions {
  app: string;
  dependencies: boolean;
}

/** One host's setup: how far it got. */
interface HostSetup {
  ex: Executor;
  lock: LockInfo;
  locked: boolean;
  /** The deploy key's public half, once made. */
  key?: string;
  /** The deploy key cannot read the repository yet (git's words). */
  gated?: string;
  failed?: Error;
  done?: boolean;
  /** The last step it finished. */
  reached: string;
  /** The release it serves (read when it takes the lock; its first release once built). */
  serves?: LiveRelease;
}

/** A release as its .deploy-release names it. */
interface LiveRelease {
  release: string;
  commit: string;
  ref: string;
  kind: string;
}

function parseLive(text: string | undefined): LiveRelease | undefined {
  try {
    const m = JSON.parse(text || '{}') as Partial<LiveRelease>;
    // A git release names its commit; a url release, its archive's sha256.
    return m.release && m.commit && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(m.commit)
      ? { release: m.release, commit: m.commit, ref: m.ref ?? m.commit, kind: m.kind ?? 'commit' }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every host at once (at most `parallel`), each as far as it can go: hosts whose deploy key
 * cannot read the repository yet all show their key in this one run (exit 3 once, at the end);
 * a host that fails does not stop the others; the summary says where each one stands.
 */
export async function setupCommand(opts: SetupOptions): Promise<void> {
  const session = startSession(opts.app, 'setup', opts);
  const { settings: s, asker, reporter } = session;
  const hosts = hostsText(s.hosts);
  const deps = opts.dependencies ? 'with system packages' : 'without system packages (--dependencies=no)';
  if (!(await asker.confirm(`Set up ${s.app} on ${hosts} ${deps}?`))) return reporter.info('Nothing done.');
  // Questions first, all at once: the hosts then work unattended, side by side.
  const install =
    opts.dependencies && (await asker.confirm(`Install system packages with apt (${S.systemPackages(s).join(' ')})?`));
  const start = await asker.confirm(`Start ${s.app} and send it traffic once a host is ready?`);
  const guard = guardInterrupts(
    (signal) => reporter.warn(`${signal}: stopping after the steps under way (press Ctrl-C again to quit at once)`),
    'setup stopped after the step under way; run it again to go on',
  );
  // --hosts leaving the primary out: setup locks it too (runs on parts of the fleet wait for each
  // other) and learns from it which release the fleet serves: a new host's first release is that one.
  // source = archive: the ref resolves on this machine before any host is touched.
  const sources = new ArchiveSources(session, s.source === 'git' ? undefined : await resolveOnThisMachine(session));
  const fleet = await Fleet.connect(session, { withPrimary: true });
  const setups: HostSetup[] = fleet.runs.map((run) => ({
    ex: run.ex,
    lock: newLock('setup'),
    locked: false,
    reached: 'connected',
  }));
  const outside: HostSetup | undefined = fleet.outside
    ? {
        ex: fleet.outside.ex,
        lock: newLock(`setup --hosts ${s.hosts.map((h) => h.label).join(',')}`),
        locked: false,
        reached: 'connected',
      }
    : undefined;
  const fleetSize = (s.fleet ?? s.hosts).length;
  try {
    // What would block setup (no sudo, no disk, the web ports taken, the git host out of reach) stops it here, before any change.
    await preflight(fleet);
    if (outside) await lockOutsidePrimary(session, outside);
    await eachSettled(fleet, setups, (h) =>
      toTheKeyGate(session, h, { install, dependencies: opts.dependencies }, guard),
    );
    await keyGate(session, setups);
    const ready = setups.filter((h) => !h.failed && !h.gated);
    // The release the fleet serves: the primary's (in the run or outside it).
    const primaryHost = outside ?? setups.find((h) => h.ex.host.label === s.primary);
    const live = primaryHost?.serves ? { ...primaryHost.serves, from: primaryHost.ex.host.label } : undefined;
    // A shared database gets its tables from the primary before any other host starts the app.
    const primary = B.sharedDatabase(s) && fleetSize > 1 ? ready.find((h) => h.ex.host.label === s.primary) : undefined;
    if (primary) await eachSettled(fleet, [primary], (h) => afterTheKeyGate(session, h, start, guard, sources, live));
    // A primary outside the run that serves a release has migrated the database (its setup did, then every deploy).
    const migrated = !B.sharedDatabase(s) || fleetSize === 1 || !!primary?.done || !!outside?.serves;
    if (!migrated)
      reporter.warn(
        `the primary (${s.primary}) has not migrated the shared database${outside ? ' (it is not set up)' : ''}: the other hosts are set up but not started`,
      );
    await eachSettled(
      fleet,
      ready.filter((h) => h !== primary),
      (h) => afterTheKeyGate(session, h, start && migrated, guard, sources, live),
    );
  } finally {
    await Promise.all(
      [...setups, ...(outside ? [outside] : [])]
        .filter((h) => h.locked)
        .map((h) => h.ex.run(R.unlock(s, h.lock)).catch(() => undefined)),
    );
    await sources.dispose();
    await fleet.close();
    guard.dispose();
  }
  finishSetup(session, setups, outside);
}

/** `deploy <app> check` on every host first: its problems said, and the run stopped when one blocks (exit 8). */
async function preflight(fleet: Fleet): Promise<void> {
  const { reporter, opts } = fleet.session;
  const checks = await checkFleet(fleet);
  if (opts.dryRun) return;
  const problems = checks.filter((h) => h.rows.some((r) => r.verdict !== 'ok'));
  if (problems.length) reporter.info(checksText(problems, 'problems'));
  else
    reporter.info(
      chalk.dim(`  checks: every one ok on ${checks.length === 1 ? 'the host' : `all ${checks.length} hosts`}`),
    );
  const blocked = blockedError(checks, 'setup', fleet.settings.app);
  if (blocked) throw blocked;
}

/**
 * The primary, when --hosts leaves it out: its lock first (a run holding it: exit 4 before any
 * host is touched), and the release it serves. One that is not set up has no lock to take.
 */
async function lockOutsidePrimary(session: Session, h: HostSetup): Promise<void> {
  const { settings: s, reporter } = session;
  const _L = layout(s);
  const web = h.ex.host.roles.includes('web');
  try {
    // Not set up (no app directory, maybe no app user): the step does nothing and reads nothing.
    const res = await h.ex.run(R.lockOutsidePrimary(s, h.lock, web));
    h.locked = res.values.set_up === 'yes';
    h.serves = parseLive(res.values.live_release);
    h.reached = 'locked';
    if (!h.ex.dryRun && !h.locked)
      reporter.info(chalk.dim(`  ${h.ex.host.label} (the primary) is not set up: nothing to lock there`));
  } catch (err) {
    throw asLockError(err, s.app);
  }
}

/** fn on each host setup, at most `parallel` at once; a failure is recorded on its host, the others go on. */
async function eachSettled(fleet: Fleet, setups: HostSetup[], fn: (h: HostSetup) => Promise<void>): Promise<void> {
  const runs = new Map(fleet.runs.map((r) => [r.ex, r]));
  await fleet.each(
    async (run) => {
      const h = setups.find((x) => x.ex === run.ex)!;
      try {
        await fn(h);
      } catch (err) {
        h.failed = err as Error;
      }
    },
    setups.map((h) => runs.get(h.ex)!),
  );
}

/** Between two steps a signal stops the host (a step under way always finishes). */
function stepper(h: HostSetup, guard: InterruptGuard) {
  return async (st: Step) => {
    guard.check();
    const res = await h.ex.run(st);
    h.reached = st.title;
    return res;
  };
}

/** Up to the deploy key: sudo, home, packages, users, the lock, the key, whether it reads the repository. */
async function toTheKeyGate(
  session: Session,
  h: HostSetup,
  o: { install: boolean; dependencies: boolean },
  guard: InterruptGuard,
): Promise<void> {
  const { settings: s } = session;
  const { ex } = h;
  const label = ex.host.label;
  const web = ex.host.roles.includes('web');
  const run = stepper(h, guard);
  await checkHost(session, h, run);
  if (o.install) await run(S.packages(s, web));
  else if (!o.dependencies) await run(S.checkPackages(s, web));
  if (web && s.web.ssl === 'custom') {
    await run(T.checkCustomCertificate(s)).catch((err) => {
      if (err instanceof RemoteCommandError)
        err.hint = `Put the certificate (with its chain) and its key where ssl_certificate and ssl_certificate_key say on ${label} (or change them), one covering ${s.serverName}, then run setup again.`;
      throw err;
    });
  }
  await run(S.appUser(s));
  if (s.deployUser) await run(S.deployUserAccess(s, ex.dryRun ? '<public keys>\n' : readDeployUserKeys(s)));
  await run(S.control(s));
  // From here on setup writes what deploys read: it holds the deploy lock like they do.
  try {
    const locked = await run(R.lockAndReadLive(s, h.lock, web));
    h.locked = true;
    h.serves = parseLive(locked.values.live_release);
  } catch (err) {
    throw asLockError(err, s.app);
  }
  // Releases that come as archives need no deploy key: the servers never reach the git host.
  if (s.source !== 'git') return;
  h.key = (await run(S.deployKey(s))).values.public_key;
  if (ex.dryRun) {
    await run(S.repoAccess(s));
    return;
  }
  try {
    await run(S.repoAccess(s));
  } catch (err) {
    if (!(err instanceof RemoteCommandError)) throw err;
    h.gated = err.stderr.trim().split('\n').slice(-2).join(' ');
  }
}

/** What setup checks before it changes anything: sudo, the home, the app user, the ports, another install, the default server. */
async function checkHost(session: Session, h: HostSetup, run: (st: Step) => Promise<StepResult>): Promise<void> {
  const { settings: s, reporter } = session;
  const { ex } = h;
  const label = ex.host.label;
  const web = ex.host.roles.includes('web');
  await run(S.sudoCheck()).catch((err) => {
    if (err instanceof RemoteCommandError)
      err.hint = `${ex.host.user} needs passwordless sudo on ${ex.host.host} (a NOPASSWD line in /etc/sudoers.d).`;
    throw err;
  });
  const home = (await run(S.probeHome(s))).values.home;
  if (home.startsWith('foreign')) {
    throw new UsageError(
      `${label}: home ${s.home} already exists, belongs to ${home.slice(8)} and is not empty: refusing to give it to ${s.appUser}`,
      'Choose another home in [DEPLOY] (nothing was changed on the server).',
    );
  }
  if (!ex.dryRun)
    reporter.info(
      chalk.dim(
        `  ${label}: ${s.home} ${home === 'ours' ? 'exists: checking what is already done' : 'is missing: new server'}`,
      ),
    );
  await checkAppUser(session, h, run);
  await run(S.bindsFree(s));
  await checkSameInstall(session, h, run);
  if (web) {
    await run(S.defaultServerFree(s)).catch((err) => {
      if (err instanceof RemoteCommandError)
        throw new UsageError(
          `${label}: ${err.stderr.trim().split('\n').at(-1)}`,
          s.serverName === '_'
            ? `Give ${s.app} server_name names (server_name = example.com), or another listen_port.`
            : `Give that site server_name names too (with this tool: server_name = … in its settings, then setup), or give ${s.app} another listen_port.`,
        );
      throw err;
    });
  }
}

/**
 * The deploy-key gate (seed 000), for every host at once: each key that cannot read the
 * repository yet is shown. With a terminal the operator adds them and says so, and the
 * hosts check again; unattended, those hosts stop there (exit 3 at the end).
 */
async function keyGate(session: Session, setups: HostSetup[]): Promise<void> {
  const { settings: s, asker, reporter } = session;
  for (;;) {
    const gated = setups.filter((h) => h.gated && !h.failed);
    if (!gated.length) return;
    reporter.info(`Give these deploy keys read access to ${s.repository} (as read-only deploy keys):`);
    for (const h of gated) reporter.info(`  ${h.ex.host.label} (${s.appUser}): ${chalk.cyan(h.key ?? '?')}`);
    if (
      !asker.interactive ||
      !(await asker.confirm(`Added ${gated.length === 1 ? 'the key' : `the ${gated.length} keys`}? Check again?`))
    )
      return;
    await Promise.all(
      gated.map(async (h) => {
        try {
          await h.ex.run(S.repoAccess(s));
          h.gated = undefined;
        } catch (err) {
          if (!(err instanceof RemoteCommandError)) h.failed = err as Error;
          else
            reporter.warn(
              `${h.ex.host.label}: the key cannot read the repository yet: ${err.stderr.trim().split('\n').slice(-2).join(' ')}`,
            );
        }
      }),
    );
  }
}

/**
 * From the clone to the site answering: the first release, configs, the live slot (web hosts) or
 * `current` (workers). A host without a live release gets the one the fleet serves (`fleet`, read
 * on the primary), else the branch head.
 */
async function afterTheKeyGate(
  session: Session,
  h: HostSetup,
  start: boolean,
  guard: InterruptGuard,
  sources: ArchiveSources,
  fleet?: LiveRelease & { from: string },
): Promise<void> {
  const { settings: s, reporter } = session;
  const { ex } = h;
  const _L = layout(s);
  const label = ex.host.label;
  const run = stepper(h, guard);
  await run(S.virtualenvsDir(s));
  const joins = !h.serves && fleet && fleet.from !== label ? fleet : undefined;
  const first =
    s.source === 'git'
      ? await firstFromGit(session, run, label, sources.names, joins)
      : await sources.first(run, label, joins, !h.serves);
  const { resolved, release } = first;
  const ref = { name: release, ...resolved, fingerprint: configFingerprint(s), by: operator(), archive: first.archive };
  sayFirstRelease(session, h, first, fleet);
  h.serves ??= { release, ...resolved };

  await run(R.configFileAndReleaseCopies(s));
  await run(S.logrotate(s));
  if (s.services.length) await run(S.services(s));
  // The first release: built only while no release is live; later versions come with `deploy`.
  const on = buildOn(s, ex.host);
  await run(R.firstReleaseFiles(s, ref));
  await run(R.firstReleaseGunicorn(s, release));
  await serverFiles(session, h, run);
  await run(R.firstReleaseRequirements(s, release));
  await run(R.firstReleaseDjango(s, release, on));
  // The fleet's primary only (whatever --hosts selects): the others' first release is one it has migrated.
  if (!on.migrate && (ex.host.label === s.primary || (s.fleet ?? s.hosts).length === 1))
    await run(R.firstReleaseOnly(s, D.runOnce(s, release)));
  if (start) await startOnHost(session, h, run, release);
  else reporter.info(`${label}: stopped before starting the app.`);
  h.done = true;
}

/** What the run says of a host's first release (or of the live one it keeps). */
function sayFirstRelease(
  session: Session,
  h: HostSetup,
  first: FirstRelease,
  fleet?: LiveRelease & { from: string },
): void {
  const { settings: s, reporter } = session;
  const { ex } = h;
  const label = ex.host.label;
  const { resolved, release, fromFleet } = first;
  if (!ex.dryRun && !h.serves) {
    reporter.info(
      chalk.dim(
        fromFleet
          ? `  ${label}: its first release is ${release} (${resolved.ref} ${resolved.commit.slice(0, 8)}), the release ${fromFleet.from} serves, not the head of the branch`
          : `  ${label}: its first release is ${release} (${resolved.ref} ${resolved.commit.slice(0, 8)}, the head of the branch)${fleet || (s.fleet ?? s.hosts).length === 1 ? '' : `: the primary (${s.primary}) serves no release yet to take instead`}`,
      ),
    );
  } else if (!ex.dryRun && h.serves && fleet && fleet.from !== label && h.serves.release !== fleet.release) {
    reporter.warn(
      `${label} serves ${h.serves.release}, ${fleet.from} (the primary) serves ${fleet.release}: setup leaves a live release as it is; \`deploy ${s.app} deploy --hosts ${label}\` (or \`rollback ${fleet.release} --hosts ${label}\`) brings it in line`,
    );
  }
}

/** The server files: gunicorn's, the programs (web), a moved address through the slot switch, nginx's site, its certificate. */
async function serverFiles(session: Session, h: HostSetup, run: (st: Step) => Promise<StepResult>): Promise<void> {
  const s = session.settings;
  const web = h.ex.host.roles.includes('web');
  await run(S.gunicornConfig(s));
  if (web) await run(S.supervisorConfigStep(s));
  // A live slot that runs but not where the settings now put it (gunicorn_bind changed): the live
  // release starts in the other slot, on its new address, before nginx is told about it (below).
  const moved = web ? await rebind(session, h, run) : undefined;
  if (web && s.web.ssl === 'letsencrypt') await run(T.prepareLetsencrypt(s));
  if (web) await run(S.nginxConfig(s));
  if (moved) await run(R.rebindSwitch(s, moved));
  if (web && s.web.ssl === 'letsencrypt') await run(T.obtainCertificate(s));
  if (web && s.web.ssl === 'custom') await run(T.reloadForNewCertificate(s));
}

/**
 * Start the live slot unless it runs (web: the first release on a new server, or the live slot's
 * release when an earlier setup was cut short between linking the slot and starting it), or make
 * the first release current (a worker); then the processes.
 */
async function startOnHost(
  session: Session,
  h: HostSetup,
  run: (st: Step) => Promise<StepResult>,
  release: string,
): Promise<void> {
  const { settings: s, reporter } = session;
  const { ex } = h;
  const label = ex.host.label;
  if (!ex.host.roles.includes('web')) {
    // A worker has no slots: its first release is simply made current.
    await run(R.makeCurrent(s, release));
    if (runsProcesses(s, ex.host)) await run(R.processesStep(s, true));
    return;
  }
  // Start the live slot unless it runs: the first release on a new server, or the live slot's
  // release when an earlier setup was cut short between linking the slot and starting it.
  const live = S.parseLiveProgram(s, (await run(S.liveProgram(s))).values);
  if (live.state === 'RUNNING') {
    if (!ex.dryRun)
      reporter.info(
        chalk.dim(`  ${label}: a release is already live; new versions go out with \`deploy ${s.app} deploy\``),
      );
  } else {
    await run(R.startLive(s, live.slot, live.release || release));
  }
  await run(S.verifySite(s));
  if (s.web.ssl !== 'none') await checkServedCertificate(session, h, run);
  await run(R.processesStep(s, runsProcesses(s, ex.host)));
}

/**
 * gunicorn_bind (or _alt) changed under a running app: the live slot still listens on its old
 * address, which the new nginx site no longer names. Like every change, it goes through the slot
 * switch: the live release starts in the idle slot on its new address and answers its health
 * check; then (the caller) the new site is loaded, where the idle slot is the live one's backup,
 * and the switch file moves. No request meets a port nothing listens on.
 */
async function rebind(
  session: Session,
  h: HostSetup,
  run: (st: Step) => Promise<StepResult>,
): Promise<{ from: Slot; to: Slot } | undefined> {
  const { settings: s } = session;
  const live = S.parseLiveProgram(s, (await run(S.liveProgram(s))).values);
  if (h.ex.dryRun || live.state !== 'RUNNING' || !live.release) return undefined;
  const moved = (await run(S.liveBindMoved(s, live.slot))).values.moved === 'yes';
  if (!moved) return undefined;
  const to = otherSlot(live.slot);
  session.reporter.info(
    chalk.dim(
      `  ${h.ex.host.label}: the live slot ${live.slot} is not on ${layout(s).bind(live.slot)} yet: ${live.release} starts in slot ${to} on ${layout(s).bind(to)} first`,
    ),
  );
  await run(R.rebindStart(s, to, live.release));
  return { from: live.slot, to };
}

/**
 * The app already runs on this host from another app root (home changed in the settings): a setup
 * would make a second install beside it (a new deploy key, an empty database, a new SECRET_KEY)
 * while the old gunicorns keep running. Refused before anything is touched.
 */
async function checkSameInstall(session: Session, h: HostSetup, run: (st: Step) => Promise<StepResult>): Promise<void> {
  const { settings: s } = session;
  const installed = (await run(S.installedRoot(s))).values.installed?.trim();
  if (h.ex.dryRun || !installed || installed === layout(s).root) return;
  throw new UsageError(
    `${h.ex.host.label}: ${s.app} already runs on this host from ${installed}, not ${layout(s).root} (home is ${s.home} in the settings): setup would make a second install beside it, with a new deploy key, SECRET_KEY and database, while the old one keeps running. Nothing was changed.`,
    `To keep the app where it is, set home back (to the directory above apps/ in ${installed}). To move it, stop it there (\`deploy ${s.app} stop\` with the old home), copy its shared data and config file, then run setup with the new home.`,
  );
}

/**
 * An existing app_user must be a service account (the app is assumed compromised, and runs as it):
 * refused before anything is touched, unless app_user_risk_accepted says why it is accepted.
 */
async function checkAppUser(session: Session, h: HostSetup, run: (st: Step) => Promise<StepResult>): Promise<void> {
  const { settings: s, reporter } = session;
  const risks = (await run(S.appUserCheck(s))).values.app_user_risks ?? '';
  if (h.ex.dryRun || !risks.trim()) return;
  const reasons = risks
    .trim()
    .split('\n')
    .map((r) => r.trim());
  const what = `app_user ${s.appUser} on ${h.ex.host.label} could become root or read the system: ${reasons.join('; ')}`;
  if (s.appUserRiskAccepted)
    return reporter.warn(`${what}. Accepted by app_user_risk_accepted: ${s.appUserRiskAccepted}`);
  throw new UsageError(
    `${what}; the web app runs as it, so a flaw in the app would be one in the server. Nothing was changed.`,
    `Give app_user a user of its own (setup creates it: no password, no login shell), or set app_user_risk_accepted = <why> in [DEPLOY] to accept it.`,
  );
}

/** The certificate nginx now serves: said, and warned about when it expires soon or nothing renews it. */
async function checkServedCertificate(
  session: Session,
  h: HostSetup,
  run: (st: Step) => Promise<StepResult>,
): Promise<void> {
  const { settings: s, reporter } = session;
  const res = await run(R.servedCertificateStep(s));
  if (h.ex.dryRun) return;
  const cert = T.parseCertificate(res.values.certificate ?? '', res.values.renewal ?? '');
  const label = h.ex.host.label;
  if (!cert)
    return reporter.warn(
      `${label}: nginx answers HTTPS on port ${s.web.sslPort} without a certificate openssl can read`,
    );
  reporter.hostData(label, 'certificate', cert);
  reporter.info(chalk.dim(`  ${label}: certificate ${T.describeCertificate(cert)}`));
  const concerns = T.certificateConcerns(cert);
  if (concerns.expiresSoon)
    reporter.warn(
      `${label}: the certificate for ${cert.names.join(', ')} expires in ${cert.daysLeft} days (${cert.expires.slice(0, 10)})${s.web.ssl === 'custom' ? `: replace ${layout(s).certificate} and its key, then run setup again` : ': certbot should have renewed it; see `journalctl -u certbot` on the host'}`,
    );
  if (concerns.notRenewed) reporter.warn(`${label}: certbot.timer is not active: the certificate will not renew`);
}

/** Where each host stands; the exit status: a failure (1, or the one host's own), else a key to add (3), else 0. */
function finishSetup(session: Session, setups: HostSetup[], outside?: HostSetup): void {
  const { settings: s, reporter, opts } = session;
  const failed = setups.filter((h) => h.failed);
  const gated = setups.filter((h) => h.gated && !h.failed);
  if (outside) {
    reporter.hostData(
      outside.ex.host.label,
      'result',
      outside.locked || outside.ex.dryRun
        ? 'locked (the primary, not in --hosts)'
        : 'not set up (the primary, not in --hosts)',
    );
    reporter.hostData(outside.ex.host.label, 'release', outside.serves?.release ?? '');
  }
  // What the summary table says for each host (and --json).
  for (const h of setups) {
    const label = h.ex.host.label;
    if (h.serves && !h.ex.dryRun) reporter.hostData(label, 'release', h.serves.release);
    reporter.hostData(
      label,
      'result',
      h.failed
        ? `failed after "${h.reached}": ${h.failed.message.split('\n')[0]}`
        : h.gated
          ? 'waiting for its deploy key (all before it done)'
          : h.done
            ? 'set up'
            : 'done',
    );
    if (h.failed && setups.length > 1) reporter.info(`${chalk.red('✗')} ${label}: ${h.failed.message.split('\n')[0]}`);
  }
  if (failed.length === 1 && setups.length === 1) throw withNextStep(failed[0].failed, s.app, 'setup');
  if (failed.length)
    throw new DeployError(
      `setup failed on ${failed.map((h) => h.ex.host.label).join(', ')}${gated.length ? `; ${gated.length} more wait for their deploy key` : ''}`,
      'See each host above; setup can be run again: what is done stays done.',
    );
  if (gated.length) {
    const keys = gated.map((h) => `  ${h.ex.host.label}: ${h.key}`).join('\n');
    throw new OperatorActionError(
      gated.length === 1 && setups.length === 1
        ? `${gated[0].ex.host.label}: the deploy key cannot read ${s.repository} (${gated[0].gated})`
        : `${gated.length} of ${setups.length} hosts: the deploy key cannot read ${s.repository} yet`,
      `Add ${gated.length === 1 ? 'this public key' : 'these public keys'} as read-only deploy keys of the repository, then run setup again:\n${keys}`,
    );
  }
  session.finish(
    opts.dryRun
      ? `dry run of setup for ${s.app} on ${s.hosts.map((h) => h.label).join(', ')}`
      : `${s.app} is set up on ${s.hosts.map((h) => h.label).join(', ')}`,
  );
}

/** The public keys deploy_user accepts (deploy_user_keys, else the .pub beside identity_file). */
function readDeployUserKeys(s: Session['settings']): string {
  const files = s.deployUserKeys.length ? s.deployUserKeys : s.identityFile ? [`${s.identityFile}.pub`] : [];
  if (!files.length)
    throw new UsageError(
      'deploy_user needs deploy_user_keys (public key files to authorise): there is no identity_file whose .pub could be used',
    );
  return files
    .map((f) => {
      const path = f.startsWith('~/') ? join(homedir(), f.slice(2)) : f;
      try {
        const key = readFileSync(path, 'utf8').trim();
        if (!/^(ssh-|ecdsa-|sk-)\S+ \S+/.test(key)) throw new Error('not an OpenSSH public key');
        return `${key}\n`;
      } catch (e) {
        throw new UsageError(
          `[DEPLOY] deploy_user_keys: cannot use ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    })
    .join('');
}

/** git: the host's mirror is cloned, and says which commit the first release is (the fleet's, else the branch head). */
async function firstFromGit(
  session: Session,
  run: (st: Step) => Promise<StepResult>,
  label: string,
  names: FirstNames,
  joins?: LiveRelease & { from: string },
): Promise<FirstRelease> {
  const { settings: s, reporter } = session;
  let cloned = await run(S.cloneAndResolve(s, joins?.commit)).catch((err) => {
    if (!joins || !(err instanceof RemoteCommandError) || err.status !== NO_REF_STATUS) throw err;
    return undefined;
  });
  if (!cloned && joins)
    reporter.warn(
      `${label}: the commit of ${joins.release} (the release ${joins.from} serves) is no longer in the repository: its first release is the branch head`,
    );
  cloned ??= await run(S.cloneAndResolve(s));
  const fromFleet = joins && cloned.values.resolved?.startsWith(joins.commit) ? joins : undefined;
  const resolved = fromFleet
    ? { commit: fromFleet.commit, kind: fromFleet.kind, ref: fromFleet.ref }
    : (parseResolved(cloned.values.resolved) ?? { commit: '<commit>', kind: 'branch', ref: '<ref>' });
  const release = fromFleet ? fromFleet.release : names.name(resolved, cloned.values.clock ?? '');
  return { resolved, release, fromFleet };
}
