// `deploy <app> rollback [current|<release>]`: back to a kept release. Nothing is rebuilt:
// the release and its environment boot in the idle slot, are health-checked, switched to.
import { hostsText, hostsLogged } from '../fleet/select.js';
import chalk from 'chalk';
import { startSession, type GlobalOptions } from '../session.js';
import * as D from '../steps/deploy.js';
import { DeployError, UsageError, withNextStep } from '../errors.js';
import { checkReleaseName } from '../refs.js';
import { Fleet, isWeb, newLock } from '../fleet/fleet.js';
import { lockFleet } from '../fleet/lock.js';
import { showLeaving } from '../fleet/changes.js';
import { nothingToDo, withCleanup } from '../fleet/cleanup.js';
import { goLive } from '../fleet/golive.js';
import { slotRecord } from '../steps/slots.js';
import { LocalHooks } from '../local-hooks.js';

export interface RollbackOptions extends GlobalOptions {
  app: string;
  target?: string;
  /** Wait this long (seconds) for a held lock instead of failing at once. */
  lockWait?: number;
}

/**
 * Seed 002's verbs: no target = the built release before the current one (so each call
 * goes one further back); "current" = the most recent release; else a name or unique prefix.
 */
export function chooseTarget(releases: D.ReleaseInfo[], current: string, target?: string, app = '<app>'): string {
  const built = releases.filter((r) => r.state === 'built'); // newest first
  if (!built.length) throw new DeployError('no built release to roll back to');
  if (!target) {
    const i = built.findIndex((r) => r.name === current);
    const older = i === -1 ? built.find((r) => r.name < current) : built[i + 1];
    if (!older)
      throw new DeployError(
        `${current} is the oldest release kept: nothing older to roll back to`,
        `See \`deploy ${app} releases\`.`,
      );
    return older.name;
  }
  if (target === 'current') return built[0].name;
  const exact = releases.find((r) => r.name === target);
  const matches = exact ? [exact] : releases.filter((r) => r.name.startsWith(target));
  if (matches.length === 0)
    throw new UsageError(
      `no release named ${target}; kept releases: ${built.map((r) => r.name).join(', ')}`,
      `Name one of them (a unique beginning is enough), or \`current\` for the newest; each host's are listed by \`deploy ${app} releases\`.`,
    );
  if (matches.length > 1)
    throw new UsageError(`${target} matches several releases: ${matches.map((r) => r.name).join(', ')}`);
  if (matches[0].state !== 'built')
    throw new UsageError(`release ${matches[0].name} is ${matches[0].state}: it cannot be switched to`);
  return matches[0].name;
}

export async function rollbackCommand(opts: RollbackOptions): Promise<void> {
  if (opts.target !== undefined) checkReleaseName(opts.target, opts.app);
  const session = startSession(opts.app, 'rollback', opts);
  const { settings: s, asker, reporter } = session;
  const hosts = hostsText(s.hosts);
  // [LOCAL_HOOKS] before_rollback, on this machine, before any host is connected to: its failure stops here (exit 7).
  const hooks = await LocalHooks.before(session, 'rollback');
  const lock = newLock(`rollback ${opts.target ?? ''}`.trim());
  // The fleet's primary is locked too when --hosts leaves it out: runs on parts of the fleet wait for each other.
  const fleet = await hooks.watch(Fleet.connect(session, { withPrimary: true }));
  const log: Record<string, unknown> = {
    time: new Date().toISOString(),
    operator: lock.by,
    command: 'rollback',
    target: opts.target ?? 'previous',
    hosts: hostsLogged(s.hosts),
  };
  try {
    await withCleanup(fleet, lock, log, false, async (state) => {
      const all = await lockFleet(
        fleet,
        lock,
        opts.lockWait ?? 0,
        async (run) => D.parseInspect(await run.ex.run(D.inspect(s, lock, isWeb(run), { leaving: !opts.target }))),
        () => state.guard.check(),
      );
      all.forEach((h, i) => (fleet.all[i].serves = h.current || undefined));
      hooks.read(fleet, log, all[0]?.releases);
      const seen = all.slice(0, fleet.runs.length);
      if (opts.dryRun)
        return goLive(fleet, {
          release: '<target release>',
          liveSlots: seen.map((h) => h.live),
          state,
          kind: 'rollback',
        });
      const target = targetOn(fleet, seen, opts.target);
      log.release = target;
      reporter.result.release = target;
      const already = fleet.runs.filter((_, i) => seen[i].current === target);
      if (already.length === fleet.runs.length)
        return nothingToDo(fleet, lock, log, chalk.green(`${target} is already live on ${hosts}: nothing to do.`));
      const moving = fleet.runs.filter((r) => !already.includes(r));
      const from = [...new Set(seen.filter((_, i) => moving.includes(fleet.runs[i])).map((h) => h.current))].join(', ');
      // What going back takes away (commits, migrations it does not reverse), before the question.
      await showLeaving(fleet, moving, target, (r) => seen[fleet.runs.indexOf(r)]?.leavingPrevious ?? '');
      state.guard.check();
      if (
        !(await asker.confirm(
          `Roll ${s.app} back from ${from} to ${target} on ${moving.map((r) => r.ex.host.label).join(', ')}?`,
        ))
      )
        throw new DeployError('rollback not confirmed');
      state.guard.check();
      if (already.length)
        await nothingToDo(
          fleet.only(already),
          lock,
          log,
          chalk.dim(`${target} is already live on ${already.map((r) => r.ex.host.label).join(', ')}`),
        );
      // Where the previous release still runs in the idle slot (keep_previous_slot), nothing starts.
      const record = slotRecord(s, target);
      await goLive(fleet.only(moving), {
        release: target,
        liveSlots: moving.map((r) => seen[fleet.runs.indexOf(r)].live),
        state,
        kind: 'rollback',
        warm: (r) => seen[fleet.runs.indexOf(r)]?.idleRecord === record,
      });
      reporter.info(chalk.green(`${target} is live on ${hosts}`));
    });
  } catch (err) {
    throw await hooks.end(withNextStep(err, s.app, 'rollback'));
  } finally {
    await fleet.close();
  }
  await hooks.end();
  session.finish(opts.dryRun ? `dry run of rollback for ${s.app}` : `rollback of ${s.app} done`);
}

/**
 * The release to go back to: the one named, else the one before the live one; after a rollout
 * that stopped part way (hosts differ), the older of the two. Every host must keep it, built.
 */
function targetOn(fleet: Fleet, seen: ReturnType<typeof D.parseInspect>[], named?: string): string {
  const s = fleet.settings;
  // After a rollout that stopped part way, hosts differ: no target means all back to the older one.
  const lives = [...new Set(seen.map((h) => h.current).filter(Boolean))].sort();
  const target = !named && lives.length > 1 ? lives[0] : chooseTarget(seen[0].releases, seen[0].current, named, s.app);
  for (const [i, h] of seen.entries()) {
    if (h.releases.some((r) => r.name === target && r.state === 'built')) continue;
    // A name given that a host lacks is bad usage, as one no host has (chooseTarget): exit 2.
    const missing = `${fleet.runs[i].ex.host.label} does not have release ${target}`;
    throw named
      ? new UsageError(missing, `See \`deploy ${s.app} releases\` for what each host keeps.`)
      : new DeployError(missing);
  }
  return target;
}
