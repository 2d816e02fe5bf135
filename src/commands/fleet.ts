// Running a release operation on every host in lockstep: each phase finishes on all
// hosts before the next starts, so traffic switches only once every host is proven good.
import { randomBytes } from 'node:crypto';
import chalk from 'chalk';
import type { Executor } from '../exec/executor.js';
import type { Slot } from '../layout.js';
import type { Session } from '../session.js';
import { LockedError, RemoteCommandError } from '../errors.js';
import { operator } from '../operator.js';
import { abandon, abortPoint, unlockStep, INTERRUPTED_STATUS, LOCKED_STATUS, otherSlot, requestAbort, startNew, switchOver, type LockInfo } from '../steps/deploy.js';
import { guardInterrupts, InterruptedError, type InterruptGuard } from '../interrupt.js';

export interface HostRun {
  ex: Executor;
  locked: boolean;
  release?: string;
  /** The slot this run started (stopped again if the run is abandoned). */
  started?: Slot;
}

export function newLock(what: string): LockInfo {
  return { by: operator(), pid: process.pid, since: new Date().toISOString(), what, token: randomBytes(8).toString('hex') };
}

export async function openAll(session: Session): Promise<HostRun[]> {
  const runs: HostRun[] = [];
  const results = await Promise.allSettled(session.settings.hosts.map((h) => session.open(h)));
  for (const r of results) if (r.status === 'fulfilled') runs.push({ ex: r.value, locked: false });
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failed) {
    await closeAll(runs);
    throw failed.reason;
  }
  return runs;
}

export async function closeAll(runs: HostRun[]): Promise<void> {
  await Promise.all(runs.map((r) => r.ex.close()));
}

/** Runs fn on every host at once; when any fails, waits for the others, then throws the first error. */
export async function onEvery<T>(runs: HostRun[], fn: (run: HostRun) => Promise<T>): Promise<T[]> {
  const results = await Promise.allSettled(runs.map(fn));
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Connects to every host, runs fn on each at once, and closes the connections. */
export async function onEveryHost<T>(session: Session, fn: (run: HostRun) => Promise<T>): Promise<T[]> {
  const runs = await openAll(session);
  try {
    return await onEvery(runs, fn);
  } finally {
    await closeAll(runs);
  }
}

/**
 * Make `release` live on every host: start it in each host's idle slot, health-check, then
 * switch everywhere (lockstep). With one host both go in one script (the switch commands run
 * only after the health check passed): one round trip less.
 */
export async function goLive(
  session: Session,
  runs: HostRun[],
  g: { release: string; liveSlots: Slot[]; lock: LockInfo; log: Record<string, unknown>; prune: boolean; guard: InterruptGuard },
): Promise<void> {
  const s = session.settings;
  runs.forEach((run, i) => (run.started = otherSlot(g.liveSlots[i])));
  g.log.duration_s = Math.round((performance.now() - session.started) / 100) / 10;
  const start = (run: HostRun) => startNew(s, g.release, run.started!);
  const sw = (run: HostRun) => switchOver(s, { release: g.release, slot: run.started!, token: g.lock.token, log: g.log, prune: g.prune });
  if (runs.length === 1) {
    const [run] = runs;
    const a = start(run);
    const b = sw(run);
    const commands = [...a.commands, abortPoint(s, g.lock.token), ...b.commands];
    await run.ex.run({ ...a, id: `${a.id}+${b.id}`, title: `${a.title}, switch traffic`, commands });
    run.locked = false;
    return;
  }
  await onEvery(runs, (run) => run.ex.run(start(run)));
  g.guard.check();
  await onEvery(runs, async (run) => {
    await run.ex.run(sw(run));
    run.locked = false;
  });
}

/** The run has nothing to do: give the locks back (logged as "already live") and say so. */
export async function nothingToDo(session: Session, runs: HostRun[], lock: LockInfo, log: Record<string, unknown>, message: string): Promise<void> {
  await onEvery(runs, (run) => run.ex.run(unlockStep(session.settings, lock.token, { ...log, result: 'already live' })));
  runs.forEach((r) => (r.locked = false));
  session.reporter.info(message);
}

/** A lock command that found the lock taken becomes "locked by ... since ...", exit 4. */
export function asLockError(err: unknown, app: string): unknown {
  if (!(err instanceof RemoteCommandError) || err.status !== LOCKED_STATUS) return err;
  let holder: Partial<LockInfo> = {};
  try {
    holder = JSON.parse(/locked: (.*)/.exec(err.stderr)?.[1] ?? '{}');
  } catch {
    /* unreadable lock info: report what we have */
  }
  return new LockedError(
    `${err.host}: ${app} is locked by ${holder.by ?? 'someone'} (pid ${holder.pid ?? '?'}) since ${holder.since ?? '?'}: ${holder.what ?? '?'}`,
    `Wait for that run to finish. If it was killed, remove the lock with \`deploy ${app} unlock\`.`,
  );
}

/**
 * The part of a release operation that may be abandoned: on any error or Ctrl-C the
 * live release keeps serving, new slots stop, the lock is released, the failure logged.
 */
export async function withCleanup<T>(session: Session, runs: HostRun[], lock: LockInfo, log: Record<string, unknown>, body: (guard: InterruptGuard) => Promise<T>): Promise<T> {
  const guard = guardInterrupts((signal) => {
    session.reporter.warn(`${signal}: stopping before the switch, then cleaning up (press Ctrl-C again to quit at once)`);
    // A step that goes on to the switch checks for this flag first.
    for (const r of runs.filter((run) => run.locked)) void r.ex.run(requestAbort(session.settings, lock.token)).catch(() => undefined);
  });
  try {
    return await body(guard);
  } catch (caught) {
    const interrupted = caught instanceof RemoteCommandError && caught.status === INTERRUPTED_STATUS;
    const err = interrupted ? new InterruptedError('SIGINT') : caught;
    const failure = asLockError(err, session.settings.app);
    const step = err instanceof RemoteCommandError ? err.step : (err as Error).name === 'InterruptedError' ? 'interrupted' : 'aborted';
    const entry = { ...log, result: 'failed', failed_step: step, duration_s: Math.round((performance.now() - session.started) / 100) / 10 };
    await Promise.allSettled(
      runs.filter((r) => r.locked).map((r) => r.ex.run(abandon(session.settings, { release: r.release, slot: r.started, token: lock.token, log: entry }))),
    );
    if (runs.some((r) => r.locked) && !(failure instanceof LockedError)) session.reporter.info(chalk.yellow('The live release kept serving; the lock was released.'));
    throw failure;
  } finally {
    guard.dispose();
  }
}
