// Running a release operation on every host in lockstep: each phase finishes on all
// hosts before the next starts, so traffic switches only once every host is proven good.
import { randomBytes } from 'node:crypto';
import chalk from 'chalk';
import type { Executor } from '../exec/executor.js';
import type { Slot } from '../layout.js';
import type { Session } from '../session.js';
import { LockedError, RemoteCommandError } from '../errors.js';
import { operator } from '../operator.js';
import { describeLock } from '../lock-holder.js';
import { abandon, parseAbandon, startAndSwitch, startNew, switchOver, unlockStep, LOCK_COMMAND } from '../steps/deploy.js';
import { LOCKED_STATUS, parseLock, type LockInfo } from '../steps/lock.js';
import { otherSlot } from '../steps/slots.js';
import { abortRequest, INTERRUPTED_STATUS } from '../steps/switch.js';
import { guardInterrupts, InterruptedError, type InterruptGuard } from '../interrupt.js';

export interface HostRun {
  ex: Executor;
  /** This run holds the host's lock (set only once the lock command succeeded). */
  locked: boolean;
  release?: string;
  /** The slot this run started (stopped again if the run is abandoned). */
  started?: Slot;
  /** The release this run makes live (the new one, or a rollback's target). */
  target?: string;
  /** The switch went through on this host (its lock is released with it). */
  switched?: boolean;
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
 * Runs a step whose command number LOCK_COMMAND takes the lock; marks the run locked once
 * it holds it (also when a later command of the step fails).
 */
export async function runLocking<T>(run: HostRun, fn: () => Promise<T>): Promise<T> {
  try {
    const result = await fn();
    run.locked = true;
    return result;
  } catch (err) {
    if (!(err instanceof RemoteCommandError) || err.index === undefined || err.index > LOCK_COMMAND) run.locked = true;
    throw err;
  }
}

/** Where the run is, so a signal gets the right answer. */
export interface RunState {
  guard: InterruptGuard;
  /** Several hosts are switching: too late to stop, the switch finishes everywhere. */
  switching: boolean;
  /** Replies to Ctrl-C's abort requests, per host: "stopping" or "too-late". */
  abortReplies: Promise<void>[];
  tooLate: string[];
}

/**
 * Make `release` live on every host: start it in each host's idle slot, health-check, then
 * switch everywhere (lockstep). With one host both go in one script (the switch commands run
 * only after the health check passed and the last stop point): one round trip less.
 */
export async function goLive(session: Session, runs: HostRun[], g: { release: string; liveSlots: Slot[]; lock: LockInfo; log: Record<string, unknown>; prune: boolean; state: RunState }): Promise<void> {
  const s = session.settings;
  runs.forEach((run, i) => {
    run.started = otherSlot(g.liveSlots[i]);
    run.target = g.release;
  });
  g.log.duration_s = Math.round((performance.now() - session.started) / 100) / 10;
  const plan = (run: HostRun) => ({ release: g.release, slot: run.started!, token: g.lock.token, log: g.log, prune: g.prune });
  if (runs.length === 1) {
    const [run] = runs;
    await run.ex.run(startAndSwitch(s, plan(run)));
    run.locked = false;
    run.switched = true;
    return;
  }
  await onEvery(runs, (run) => run.ex.run(startNew(s, g.release, run.started!)));
  // The fleet's last stop point: past it, every host switches.
  g.state.guard.check();
  g.state.switching = true;
  await onEvery(runs, async (run) => {
    await run.ex.run(switchOver(s, plan(run)));
    run.locked = false;
    run.switched = true;
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
  const holder = parseLock(/locked: (.*)/.exec(err.stderr)?.[1] ?? '{}') ?? {};
  return new LockedError(
    `${err.host}: ${app} is locked by ${describeLock(holder)}`,
    `Wait for that run to finish. If it was killed, remove the lock with \`deploy ${app} unlock\`.`,
  );
}

/**
 * The part of a release operation that may be abandoned: on any error or signal before the
 * switch, the live release keeps serving, new slots stop, the lock is released, the failure
 * logged; each host then reports what it really serves.
 */
export async function withCleanup<T>(session: Session, runs: HostRun[], lock: LockInfo, log: Record<string, unknown>, body: (state: RunState) => Promise<T>): Promise<T> {
  const { reporter } = session;
  const state: RunState = { guard: undefined as unknown as InterruptGuard, switching: false, abortReplies: [], tooLate: [] };
  state.guard = guardInterrupts((signal) => {
    if (state.switching) {
      reporter.warn(`${signal}: too late to stop: traffic is switching on every host; letting it finish (press Ctrl-C again to quit at once)`);
      return;
    }
    reporter.warn(`${signal}: asking the hosts to stop before traffic switches (press Ctrl-C again to quit at once)`);
    // A step that goes on to the switch first races this request for the same decision file.
    for (const run of runs.filter((r) => r.locked)) {
      const label = run.ex.host.label;
      const reply = run.ex.run(abortRequest(session.settings, lock.token)).then(
        (res) => {
          if (res.values.decision === 'too-late') {
            state.tooLate.push(label);
            reporter.warn(`${label}: too late to stop: traffic is already switching to ${run.target ?? 'the new release'}; letting it finish`);
          } else reporter.info(`${label}: stopping before the switch, then cleaning up`);
        },
        () => undefined,
      );
      state.abortReplies.push(reply);
    }
  });
  try {
    const result = await body(state);
    await Promise.all(state.abortReplies);
    if (state.guard.signal && (state.tooLate.length || state.switching)) reporter.info(chalk.yellow(`${state.guard.signal} came after the switch had begun: the run finished it.`));
    return result;
  } catch (caught) {
    await Promise.all(state.abortReplies);
    const interrupted = caught instanceof RemoteCommandError && caught.status === INTERRUPTED_STATUS;
    const err = interrupted ? new InterruptedError(state.guard.signal ?? 'SIGINT') : caught;
    const failure = asLockError(err, session.settings.app);
    const step = err instanceof RemoteCommandError ? err.step : err instanceof InterruptedError ? 'interrupted' : 'aborted';
    const entry = { ...log, result: 'failed', failed_step: step, duration_s: Math.round((performance.now() - session.started) / 100) / 10 };
    await Promise.all(
      runs
        .filter((r) => r.locked)
        .map(async (r) => {
          const label = r.ex.host.label;
          try {
            const live = parseAbandon(await r.ex.run(abandon(session.settings, { release: r.release, slot: r.started, token: lock.token, log: entry })));
            if (!live) return;
            if (r.started && live.slot === r.started) reporter.info(chalk.yellow(`${label}: ${live.release} is live (the switch had completed before the failure)`));
            else reporter.info(chalk.yellow(`${label}: ${live.release || 'the live release'} kept serving (slot ${live.slot}); the lock was released.`));
          } catch (e) {
            reporter.warn(`${label}: could not clean up (${(e as Error).message.split('\n')[0]}): the lock stays until \`deploy ${session.settings.app} unlock\`; the next run repairs the rest.`);
          }
        }),
    );
    // Hosts that switched before another failed serve the new release: say so, host by host.
    for (const r of runs.filter((run) => run.switched)) reporter.info(chalk.yellow(`${r.ex.host.label}: ${r.target} is live (it switched before the failure)`));
    throw failure;
  } finally {
    state.guard.dispose();
  }
}
