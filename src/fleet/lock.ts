// One lock per fleet: taken on every host before anything changes there. A host that cannot be
// locked makes the run give back the locks it took; with --lock-wait it then waits and tries
// again until the lock is free everywhere (all or nothing: two waiting runs never hold each
// other's hosts).
import { setTimeout as sleep } from 'node:timers/promises';
import { LockedError, RemoteCommandError } from '../errors.js';
import { LOCK_COMMAND } from '../steps/deploy.js';
import { releaseLock, type LockInfo } from '../steps/lock.js';
import { step } from '../plan.js';
import { asLockError } from './cleanup.js';
import type { Fleet, HostRun } from './fleet.js';

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

/** `locking(run)` (a step that takes the lock, then reads what the run needs) on every host. */
export async function lockFleet<T>(fleet: Fleet, lock: LockInfo, lockWaitS: number, locking: (run: HostRun) => Promise<T>): Promise<T[]> {
  const { reporter, settings: s } = fleet.session;
  const deadline = performance.now() + lockWaitS * 1000;
  for (let waited = false; ; waited = true) {
    try {
      const results = await fleet.each((run) => runLocking(run, () => locking(run)));
      if (waited) reporter.info('got the lock on every host');
      return results;
    } catch (err) {
      const locked = asLockError(err, s.app);
      if (!(locked instanceof LockedError) || performance.now() >= deadline) throw err;
      // Give back what this attempt took, so that the run holding the rest can finish.
      await fleet.each((run) => run.ex.run(step('unlock', 'give the lock back', [releaseLock(s, lock.token)])), fleet.runs.filter((r) => r.locked));
      fleet.runs.forEach((r) => (r.locked = false));
      reporter.info(`waiting for the lock (${locked.message.replace(/^[^:]+: /, '')}), ${Math.ceil((deadline - performance.now()) / 1000)} s left`);
      await sleep(Math.min(2000, Math.max(0, deadline - performance.now())));
    }
  }
}
