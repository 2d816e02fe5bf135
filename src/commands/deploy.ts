// `deploy <app> deploy [--ref REF] [--force] [--lock-wait S]`: build a new release beside the
// live one on every host and switch to it only when it is proven good (README "Releases",
// "Many servers"). What happens across hosts is in src/fleet/.
import { hostsText, hostsLogged } from '../fleet/select.js';
import chalk from 'chalk';
import { startSession, type GlobalOptions, type Session } from '../session.js';
import { layout, type Slot } from '../layout.js';
import { otherSlot } from '../steps/slots.js';
import { operator } from '../operator.js';
import * as D from '../steps/deploy.js';
import { buildOn, sharedDatabase, type BuildOn } from '../steps/build.js';
import { DEFAULT_MESSAGE, deployPageOn, pageUpForMigrate, type PageInfo } from '../steps/maintenance.js';
import { refError, releaseName, releaseTime } from '../steps/git.js';
import { DeployError, UsageError, withNextStep } from '../errors.js';
import { checkRef } from '../refs.js';
import { type Fleet, isWeb, newLock, type HostRun } from '../fleet/fleet.js';
import { buildOnce } from '../fleet/build-once.js';
import { lockFleet } from '../fleet/lock.js';
import { NOT_SWITCHED, nothingToDo, withCleanup } from '../fleet/cleanup.js';
import { confirmSwitch, readChanges, serverFileReaders, type ServerFileReaders } from '../fleet/changes.js';
import type { StepResult } from '../plan.js';
import { goLive, runOnceOnPrimary } from '../fleet/golive.js';
import { connectWithBudget, eachOrLeaveBehind, leftBehindError } from '../fleet/budget.js';
import { previewFiles } from '../fleet/preview.js';
import { archiveOf, resolveOnThisMachine, whatToDeploy, type ResolvedHere } from '../fleet/source.js';
import type { ReleaseArchive } from '../source/archive.js';
import { receiveRelease } from '../steps/source.js';
import type { Resolved } from '../source/local-repository.js';
import type { RunState } from '../fleet/run-state.js';
import type { LockInfo } from '../steps/lock.js';
import type { Secret } from '../shell.js';
import { LocalHooks } from '../local-hooks.js';

export interface DeployOptions extends GlobalOptions {
  app: string;
  ref?: string;
  force: boolean;
  /** Wait this long (seconds) for a held lock instead of failing at once. */
  lockWait?: number;
  /** The maintenance page on every web host from right before migrate until the release is live (maintenance = auto). */
  maintenance?: boolean;
}

export async function deployCommand(opts: DeployOptions): Promise<void> {
  if (opts.ref !== undefined) checkRef(opts.ref);
  const session = startSession(opts.app, 'deploy', opts);
  const { settings: s, asker, reporter } = session;
  if (opts.maintenance && !s.web.maintenanceAuto)
    throw new UsageError(
      `--maintenance needs maintenance = auto in ${s.app}'s [DEPLOY] settings`,
      'Set maintenance = auto (a deploy may then put the maintenance page up while it migrates), or deploy without --maintenance.',
    );
  const hosts = hostsText(s.hosts);
  const what = opts.ref ?? s.branch ?? "the repository's default branch";
  const during = opts.maintenance
    ? ' The maintenance page goes up while it migrates, until the new release is live.'
    : '';
  if (!(await asker.confirm(`Deploy ${what} of ${s.app} to ${hosts}?${during}`))) return reporter.info('Nothing done.');

  // The dry run also shows what would change in each server file (it reads the hosts, changes nothing).
  if (opts.dryRun) await previewFiles(session);
  // source = archive: the ref resolves on this machine before any host is locked (a bad one: exit 2).
  const here = await resolveOnThisMachine(session, opts.ref);
  // [LOCAL_HOOKS] before_deploy, on this machine, before any host is connected to: its failure stops here (exit 7).
  const hooks = await LocalHooks.before(session, 'deploy', here?.resolved ?? { ref: opts.ref ?? s.branch });
  const lock = newLock(`deploy ${opts.ref ?? s.branch ?? 'HEAD'}`);
  // Every run also locks the fleet's primary when --hosts leaves it out: runs on parts of the fleet wait for each other, and run-once work runs there.
  // With max_failed_hosts, hosts that cannot be reached may be left behind (fleet/budget.ts).
  const fleet = await hooks.watch(connectWithBudget(session));
  const log: Record<string, unknown> = {
    time: new Date().toISOString(),
    operator: lock.by,
    command: 'deploy',
    ref: opts.ref ?? s.branch ?? 'HEAD',
    hosts: hostsLogged(s.hosts),
    ...(opts.maintenance ? { maintenance: true } : {}),
  };
  // The page this run puts up names its run: it takes down only its own, never one put up by hand.
  const page = { since: log.time as string, message: DEFAULT_MESSAGE, by: lock.by, run: lock.token };
  if (opts.maintenance) fleet.web.forEach((run) => (run.page = true));
  const run: DeployRun = {
    session,
    opts,
    fleet,
    lock,
    log,
    page,
    here,
    hosts,
    what,
    fingerprint: D.configFingerprint(s),
    hooks,
  };
  try {
    await withCleanup(fleet, lock, log, true, (state) => deployOnFleet(run, state));
  } catch (err) {
    throw await hooks.end(withNextStep(err, s.app, 'deploy'));
  } finally {
    run.archive?.dispose();
    await fleet.close();
  }
  const behind = leftBehindError(fleet, String(log.release ?? ''), String(log.commit ?? ''), s.hosts.length);
  await hooks.end(behind);
  if (behind) throw behind;
  session.finish(opts.dryRun ? `dry run of deploy for ${s.app}` : `deploy of ${s.app} done`);
}

/** What one deploy run works with, from its start to its clean-up. */
interface DeployRun {
  session: Session;
  opts: DeployOptions;
  fleet: Fleet;
  lock: LockInfo;
  log: Record<string, unknown>;
  page: PageInfo;
  here?: ResolvedHere;
  /** The hosts, as the operator reads them. */
  hosts: string;
  /** What the operator asked for (a ref, the branch, the default branch). */
  what: string;
  fingerprint: Secret;
  archive?: ReleaseArchive;
  /** [LOCAL_HOOKS]: told in lockAndRead what each host served before the run. */
  hooks: LocalHooks;
}

/** Under the fleet's lock: read, build, run once, go live. */
async function deployOnFleet(r: DeployRun, state: RunState): Promise<void> {
  const { session, opts, fleet } = r;
  const { settings: s, reporter } = session;
  const read = await lockAndRead(r, state);
  if (!read) return;
  const { resolved, prepared, name } = read;
  const liveSlot = new Map(fleet.runs.map((run, i) => [run, prepared[i].live]));
  // 2. build beside the live release on every host; the change it brings, shown before traffic moves
  const same = new Map(fleet.runs.map((run, i) => [run, prepared[i].sameConfig]));
  // The slot the release will start in: a previous release left running there stops while it builds.
  const idle = new Map(fleet.web.map((run) => [run, otherSlot(liveSlot.get(run)!)]));
  const build = await buildEverywhere(r, name, resolved, state, same, idle);
  state.guard.check();
  if (!(await confirmChanges(r, name, build))) return;
  state.guard.check();
  // 3. what must run once, on the primary
  // A shared database migrates once, on the primary: every web host's page goes up first.
  if (opts.maintenance && s.migrate && sharedDatabase(s)) {
    await fleet.each((run) => run.ex.run(pageUpForMigrate(s, r.page, name)), fleet.web);
  }
  await runOnceOnPrimary(fleet, name);
  state.guard.check();

  // 4. start in the idle slots and prove it answers; 5. switch (all at once, or batch by batch)
  await goLive(fleet, { release: name, liveSlots: fleet.runs.map((run) => liveSlot.get(run)!), state });
  const slot = fleet.runs.length === 1 && fleet.runs[0].started ? `, slot ${fleet.runs[0].started}` : '';
  const live = fleet.leftBehind.length ? hostsText(fleet.runs.map((run) => run.ex.host)) : r.hosts;
  reporter.info(
    chalk.green(`${name} is live on ${live}`) +
      chalk.dim(` (${resolved.ref} ${resolved.commit.slice(0, 8)}${slot}; ${layout(s).current})`),
  );
}

/**
 * 1. the fleet's lock; repair what a cut-short run left, fetch, resolve, read what is live. A
 * name that does not exist (or is both a branch and a tag) is found only here, under the lock:
 * it is still bad usage (exit 2), and the clean-up gives the lock back, nothing built. Nothing
 * to do (that commit live everywhere, with the same server files): said, and undefined.
 */
async function lockAndRead(r: DeployRun, state: RunState) {
  const { session, opts, fleet, lock, log } = r;
  const { settings: s, reporter } = session;
  const all = await lockFleet(
    fleet,
    lock,
    opts.lockWait ?? 0,
    async (run) =>
      D.parsePrepare(
        await run.ex
          .run(D.prepare(s, lock, opts.ref, r.fingerprint, isWeb(run)))
          .catch((e) => Promise.reject(refError(e))),
      ),
    () => state.guard.check(),
  );
  all.forEach((p, i) => {
    fleet.all[i].serves = p.current.release;
    if (p.repaired)
      reporter.info(
        chalk.yellow(`${fleet.all[i].ex.host.label}: repaired what an interrupted run left: ${p.repaired}`),
      );
  });
  r.hooks.read(fleet, log);
  // What the run deploys to: the hosts selected (the primary locked from outside them is not one).
  const prepared = all.slice(0, fleet.runs.length);
  const labelled = prepared.map((p, i) => ({ label: fleet.runs[i].ex.host.label, ...p }));
  const resolved = whatToDeploy(session, r.here, labelled, opts.ref);
  if (!resolved) throw new DeployError(`could not resolve ${r.what} in the repository`);
  log.commit = resolved.commit;
  log.ref = resolved.ref;

  const live = prepared.every((p) => p.current.commit === resolved.commit && p.sameConfig);
  if (live && !opts.force) {
    await nothingToDo(
      fleet,
      lock,
      log,
      chalk.green(`${resolved.ref} (${resolved.commit.slice(0, 8)}) is already live on ${r.hosts}: nothing to do.`) +
        chalk.dim(' Use --force to redeploy it.'),
    );
    return undefined;
  }
  state.guard.check();
  const name = releaseName(resolved.commit, resolved.kind, resolved.ref, releaseTime(all.map((p) => p.clock)));
  log.release = name;
  reporter.result.release = name;
  return { resolved, prepared, name };
}

/** What buildEverywhere did: its hosts, how each built, and each build's result (its change probe). */
interface Built {
  builders: HostRun[];
  on: (run: HostRun) => BuildOn;
  results: Map<HostRun, StepResult>;
  /** The server files each build read (where their fingerprint changed). */
  readers: ServerFileReaders;
  /** Migrate waits for the switch question (BuildOn.deferMigrate). */
  deferred: boolean;
}

/**
 * The change the release brings on each host, shown (also with --yes; not in a dry run, which
 * reads nothing). Asked, and said no: every lock is given back, nothing switched, and the
 * release stays unmarked (no rollback goes to it). Said yes to a build that waited: migrate.
 */
async function confirmChanges(r: DeployRun, name: string, b: Built): Promise<boolean> {
  const { fleet, session, lock, log } = r;
  if (session.opts.dryRun) return true;
  const byHost = readChanges(fleet, b.results, b.readers);
  if (!(await confirmSwitch(fleet, name, byHost))) {
    await nothingToDo(
      fleet,
      lock,
      log,
      chalk.yellow(
        `Not switched: ${r.hosts} ${fleet.runs.length === 1 ? 'serves' : 'serve'} what ${fleet.runs.length === 1 ? 'it' : 'they'} served. ${name} is left unfinished (not migrated, never switched to) until a later deploy prunes it.`,
      ),
      NOT_SWITCHED,
    );
    return false;
  }
  if (b.deferred) await fleet.each((run) => run.ex.run(D.finishBuild(session.settings, name, b.on(run))), b.builders);
  return true;
}

/** 2. The release built beside the live one on every host (sent first, with source = archive). */
async function buildEverywhere(
  r: DeployRun,
  name: string,
  resolved: Resolved,
  state: RunState,
  same: Map<HostRun, boolean>,
  idle: Map<HostRun, Slot>,
): Promise<Built> {
  const { session, opts, fleet } = r;
  const s = session.settings;
  if (r.here) r.archive = await archiveOf(session, r.here);
  const archive = r.archive;
  const ref = {
    name,
    ...resolved,
    fingerprint: r.fingerprint,
    by: operator(),
    archive: archive ?? (s.source === 'url' ? { sha256: resolved.commit } : undefined),
  };
  // The primary outside --hosts builds the release only to run the run-once work in it; it does not switch.
  const outside = fleet.outside && D.runOnce(s, name).commands.length ? [fleet.outside] : [];
  if (fleet.outside)
    fleet.outside.outcome = outside.length
      ? 'not switched (the primary, not in --hosts: locked, ran the run-once work)'
      : 'not switched (the primary, not in --hosts: locked)';
  const builders = [...fleet.runs, ...outside];
  // Asked before traffic switches: migrate waits for the yes (confirmChanges).
  const asking = !session.asker.yes && !opts.dryRun;
  // A dry run reads the server files itself (previewFiles).
  const readers = serverFileReaders(fleet, opts.dryRun ? [] : builders, same);
  const on = (run: HostRun): BuildOn => ({
    ...buildOn(s, run.ex.host),
    force: opts.force,
    pageOn: run.page ? (skip) => deployPageOn(s, r.page, skip) : undefined,
    changes: true,
    deferMigrate: asking,
    reads: readers.get(run)?.step.commands,
    idle: idle.get(run),
  });
  const results = new Map<HostRun, StepResult>();
  const keep = (run: HostRun) => (res: StepResult) => void results.set(run, res);
  const receive = async (run: HostRun) => {
    run.release = name;
    if (archive) await run.ex.run(receiveRelease(s, name, archive));
  };
  // One host (or build_once = no): one step. A fleet: an environment the hosts need is built once (fleet/build-once.ts).
  // A host whose build fails may be left behind (max_failed_hosts).
  const each = (fn: (run: HostRun) => Promise<unknown>, runs: HostRun[]) =>
    eachOrLeaveBehind(fleet, state, 'build', fn, runs);
  if (builders.length === 1 || !s.buildOnce)
    await each(
      (run) => receive(run).then(() => run.ex.run(D.build(s, ref, on(run))).then(keep(run))),
      fleet.slowestFirst(builders, 'build'),
    );
  else
    await buildOnce(
      fleet,
      builders,
      {
        before: receive,
        files: (run) => D.buildFiles(s, ref, on(run)),
        environment: (run) => D.buildEnvironment(s, ref, on(run)),
        built: (run, res) => keep(run)(res),
      },
      each,
    );
  return { builders, on, results, readers, deferred: asking };
}
