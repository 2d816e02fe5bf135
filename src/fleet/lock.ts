// One lock per fleet: taken on every host before anything changes there (and on the fleet's
// primary when --hosts leaves it out: runs on parts of the fleet wait for each other). A host
// that cannot be locked makes the run give back the locks it took; with --lock-wait it then
// waits and tries again until the lock is free everywhere (all or nothing: two waiting runs
// never hold each other's hosts).
import { setTimeout as sleep } from 'node:timers/promises';
import { LockedError, RemoteCommandError } from '../errors.js';
import { LOCK_COMMAND } from '../steps/deploy.js';
import { releaseLock, type LockInfo } from '../steps/lock.js';
import { step } from '../plan.js';
import { asLockError, LOCKED_BY_ANOTHER } from './cleanup.js';
import type { Fleet, HostRun } from './fleet.js';

/** How often a waiting run says it still waits (it tries again every 2 s). */
const SAY_EVERY_MS = 30_000;

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

/**
 * `locking(run)` (a step that takes the lock, then reads what the run needs) on every host the
 * run locks (fleet.all: the selected hosts, then the primary when it is outside them); the
 * results in that order.
 */
export async function lockFleet<T>(
  fleet: Fleet,
  lock: LockInfo,
  lockWaitS: number,
  locking: (run: HostRun) => Promise<T>,
  interrupted: () => void = () => undefined,
): Promise<T[]> {
  const { reporter, settings: s } = fleet.session;
  const deadline = performance.now() + lockWaitS * 1000;
  const waits = lockWaitS > 0;
  let said = '';
  let saidAt = 0;
  for (let waited = false; ; waited = true) {
    // While it may wait, an attempt's steps are shown only once it is known what they were.
    if (waits) reporter.holdSteps();
    const errors = new Map<HostRun, unknown>();
    try {
      const results = await fleet.each(
        (run) =>
          runLocking(run, () => locking(run)).catch((e) => {
            errors.set(run, e);
            throw e;
          }),
        fleet.all,
      );
      reporter.flushHeld();
      if (waited) reporter.info('got the lock on every host');
      return results;
    } catch (err) {
      // Wait only when every host that failed found the lock taken: any other failure is one.
      const holders = new Map([...errors].map(([run, e]) => [run, asLockError(e, s.app)]));
      const waiting = [...holders.values()].every((e) => e instanceof LockedError);
      if (!waiting || performance.now() >= deadline) {
        reporter.flushHeld();
        for (const [run, e] of holders) if (e instanceof LockedError) run.outcome = LOCKED_BY_ANOTHER;
        throw waiting
          ? asLockError(err, s.app)
          : ([...holders.values()].find((e) => !(e instanceof LockedError)) ?? err);
      }
      // Give back what this attempt took, so that the run holding the rest can finish.
      await fleet
        .each(
          (run) => run.ex.run(step('unlock', 'give the lock back', [releaseLock(s, lock.token)])),
          fleet.all.filter((r) => r.locked),
        )
        .catch(() => undefined);
      // Meeting a lock was no failure of theirs.
      fleet.all.forEach((r) => {
        r.locked = false;
        r.failed = undefined;
      });
      const why = new Map(
        [...holders].map(([run, e]) => [
          run.ex.host.label,
          (e as Error).message.replace(`${run.ex.host.label}: ${s.app} is `, ''),
        ]),
      );
      const text = `on ${[...why.keys()].join(', ')} (${[...new Set(why.values())].join('; ')})`;
      const say = text !== said || performance.now() - saidAt >= SAY_EVERY_MS;
      reporter.dropHeld(why);
      if (say) {
        reporter.info(`… waiting for the lock ${text}, ${Math.ceil((deadline - performance.now()) / 1000)} s left`);
        said = text;
        saidAt = performance.now();
      }
      // Ctrl-C while it waits: it stops waiting (it holds no lock now).
      interrupted();
      await sleep(Math.min(2000, Math.max(0, deadline - performance.now())));
      interrupted();
    }
  }
}
