// When a release operation stops early (a failure, a signal): every host this run locked is
// cleaned up, and each says what it really serves.
import chalk from 'chalk';
import pLimit from 'p-limit';
import { runsProcesses, writeProcessPrograms } from '../steps/processes.js';
import { LockedError, RemoteCommandError } from '../errors.js';
import { describeLock } from '../lock-holder.js';
import { guardInterrupts, InterruptedError, type InterruptGuard } from '../interrupt.js';
import { abandon, finishSwitch, parseAbandon, unlockStep } from '../steps/deploy.js';
import { LOCKED_STATUS, parseLock, type LockInfo } from '../steps/lock.js';
import { abortRequest, INTERRUPTED_STATUS } from '../steps/switch.js';
import type { Fleet, HostRun } from './fleet.js';
import type { RunState } from './run-state.js';

export type { RunState } from './run-state.js';
import { HookFailedError, runSwitching, withoutHook } from './golive.js';
import { ConnectionLostError } from '../ssh/lost.js';

/**
 * The run has nothing to do: give the locks back (logged as "already live") and say so. A host
 * still has programs of processes its role does not run (a run of an older version on part of
 * the fleet wrote them): they go, stopped first.
 */
export async function nothingToDo(
  fleet: Fleet,
  lock: LockInfo,
  log: Record<string, unknown>,
  message: string,
  outcome = ALREADY_LIVE,
): Promise<void> {
  const s = fleet.settings;
  await fleet.each(async (run) => {
    const unlock = unlockStep(s, lock.token, { ...log, result: outcome });
    const stray =
      Object.keys(s.processes).length && !runsProcesses(s, run.ex.host) ? writeProcessPrograms(s, false) : [];
    await run.ex.run({ ...unlock, commands: [...stray, ...unlock.commands] });
    run.locked = false;
    run.outcome = outcome;
  });
  fleet.session.reporter.info(message);
}

export const ALREADY_LIVE = 'already live';
/** The operator said no to the switch, once they saw the change: the built release stays, unused. */
export const NOT_SWITCHED = 'not switched (answered no)';

/** The outcome of a host whose lock another run holds. */
export const LOCKED_BY_ANOTHER = 'locked by another run';

/** A lock command that found the lock taken becomes "locked by ... since ...", exit 4. */
export function asLockError(err: unknown, app: string): unknown {
  if (!(err instanceof RemoteCommandError) || err.status !== LOCKED_STATUS) return err;
  const holder = parseLock(/locked: (.*)/.exec(err.stderr)?.[1] ?? '{}') ?? {};
  return new LockedError(
    `${err.host}: ${app} is locked by ${describeLock(holder)}`,
    `Wait for that run to finish (or use --lock-wait SECONDS). If it was killed, remove the lock with \`deploy ${app} unlock\`.`,
  );
}

/** Ctrl-C: ask each locked host's running script to stop before the switch; each says whether it was in time. */
function askToStop(fleet: Fleet, state: RunState, signal: string): void {
  const { reporter } = fleet.session;
  if (state.switching) {
    reporter.warn(
      `${signal}: too late to stop: traffic is switching on every host; letting it finish (press Ctrl-C again to quit at once)`,
    );
    return;
  }
  reporter.warn(`${signal}: asking the hosts to stop before traffic switches (press Ctrl-C again to quit at once)`);
  // A step that goes on to the switch first races this request for the same decision file.
  for (const run of fleet.all.filter((r) => r.locked)) {
    const label = run.ex.host.label;
    const reply = run.ex.run(abortRequest(fleet.settings, state.lock.token)).then(
      (res) => {
        if (res.values.decision === 'too-late') {
          state.tooLate.push(label);
          reporter.warn(
            `${label}: too late to stop: traffic is already switching to ${run.target ?? 'the new release'}; letting it finish`,
          );
        } else reporter.info(`${label}: stopping before the switch, then cleaning up`);
      },
      () => undefined,
    );
    state.abortReplies.push(reply);
  }
}

/**
 * The part of a release operation that may be abandoned: on any error or signal before a
 * host switches, its live release keeps serving, its new slot stops, its lock is released and
 * the failure logged; a host that had switched keeps the new release and says so.
 */
export async function withCleanup<T>(
  fleet: Fleet,
  lock: LockInfo,
  log: Record<string, unknown>,
  prune: boolean,
  body: (state: RunState) => Promise<T>,
): Promise<T> {
  const { session } = fleet;
  const { reporter } = session;
  const failedEntry = (err: unknown) => ({
    ...log,
    result: 'failed',
    failed_step: failedStep(err),
    duration_s: Math.round((performance.now() - session.started) / 100) / 10,
  });
  const state: RunState = {
    guard: undefined as unknown as InterruptGuard,
    switching: false,
    abortReplies: [],
    tooLate: [],
    log,
    lock,
    prune,
    leaveBehind: (run, err) => cleanUp(fleet, run, lock.token, failedEntry(err)),
  };
  state.guard = guardInterrupts((signal) => askToStop(fleet, state, signal));
  try {
    const result = await body(state);
    await Promise.all(state.abortReplies);
    if (state.guard.signal && (state.tooLate.length || state.switching))
      reporter.info(chalk.yellow(`${state.guard.signal} came after the switch had begun: the run finished it.`));
    await releaseOutside(fleet, lock, log);
    return result;
  } catch (caught) {
    await Promise.all(state.abortReplies);
    // The release went live and every host finished; only the operator's hook after the switch failed.
    if (caught instanceof HookFailedError) {
      await releaseOutside(fleet, lock, log);
      throw caught;
    }
    const interrupted = caught instanceof RemoteCommandError && caught.status === INTERRUPTED_STATUS;
    const err = interrupted ? new InterruptedError(state.guard.signal ?? 'SIGINT') : caught;
    const failure = asLockError(err, session.settings.app);
    const entry = failedEntry(err);
    markNotSwitched(fleet, err, failure, state.guard.signal);
    // Hosts that switched (and were unlocked) before another failed serve the new release; the clean-up speaks for the others.
    const finished = fleet.runs.filter((run) => run.switched && !run.locked);
    for (const r of finished) {
      const elsewhere = err instanceof RemoteCommandError && err.host !== r.ex.host.label;
      r.outcome = `switched, then the run failed${elsewhere ? ` on ${err.host}` : ''}`;
    }
    // At most `parallel` at once, as every other phase (a fleet of hundreds cleans up in turn).
    const limit = pLimit(session.settings.parallel);
    await Promise.all(fleet.all.filter((r) => r.locked).map((r) => limit(() => cleanUp(fleet, r, lock.token, entry))));
    for (const r of finished)
      reporter.info(chalk.yellow(`${r.ex.host.label}: ${r.target} is live (it switched before the failure)`));
    if (failure instanceof ConnectionLostError)
      failure.hint = `Once ${failure.host} answers again: \`deploy ${session.settings.app} unlock\` there, then run again (the next run repairs what this one left).`;
    throw failure;
  } finally {
    state.guard.dispose();
    reportHosts(fleet);
  }
}

/** The step a failure names in the deploy log. */
function failedStep(err: unknown): string {
  if (err instanceof RemoteCommandError) return err.step;
  if (err instanceof InterruptedError) return 'interrupted';
  return err instanceof ConnectionLostError && err.step ? err.step : 'aborted';
}

/** The run went through: the primary it locked from outside --hosts gets its lock back (its built release, if any, stays: a kept release). */
async function releaseOutside(fleet: Fleet, lock: LockInfo, log: Record<string, unknown>): Promise<void> {
  const r = fleet.outside;
  if (!r?.locked) return;
  await r.ex.run(
    unlockStep(fleet.settings, lock.token, {
      ...log,
      result: 'ok (the primary, not in --hosts: locked, not switched)',
    }),
  );
  r.locked = false;
  r.outcome ??= 'not switched (the primary, not in --hosts: locked)';
}

/**
 * The summary table and --json, per host: the release it serves after the run as far as it said
 * (the one it switched to, or what its clean-up read), and what became of it.
 */
function reportHosts(fleet: Fleet): void {
  const { reporter } = fleet.session;
  for (const r of fleet.all) {
    const label = r.ex.host.label;
    const serves = r.lost ? undefined : r.switched && !r.locked ? r.target : r.serves;
    reporter.hostData(label, 'release', serves ?? (r.lost ? 'unknown' : ''));
    // A lost host already says where it was lost.
    if (r.outcome && !r.lost) reporter.hostData(label, 'result', r.outcome);
  }
}

/** One locked host: a host that switched in a rollout that stopped finishes its switch; any other is abandoned. */
async function cleanUp(fleet: Fleet, r: HostRun, token: string, entry: Record<string, unknown>): Promise<void> {
  const { reporter, settings: s } = fleet.session;
  const label = r.ex.host.label;
  try {
    if (r.lost) throw r.lost;
    if (r.switched && r.started && r.target) {
      // Its after_switch hook runs once: when it already ran (its finish failed after it), the rest goes without it.
      const g = {
        release: r.target,
        slot: r.started,
        token,
        log: { ...entry, result: 'ok (rollout stopped after this host switched)' },
        prune: false,
        kind: 'deploy' as const,
        processes: runsProcesses(s, r.ex.host),
        primary: label === s.primary,
        page: r.page,
      };
      await runSwitching(fleet, r, finishSwitch(r.hookRan ? withoutHook(s, 'deploy') : s, g), g);
      r.locked = false;
      r.outcome = `switched before the rollout stopped${r.hookFailed ? ', but after_switch failed' : ''}`;
      reporter.info(chalk.yellow(`${label}: ${r.target} is live (it switched before the rollout stopped)`));
      return;
    }
    const live = parseAbandon(
      await r.ex.run(abandon(s, { release: r.release, slot: r.started, token, log: entry, page: r.page })),
    );
    r.locked = false;
    if (!live) return;
    r.serves = live.release || r.serves;
    if (r.started && live.slot === r.started) {
      r.outcome = 'switched before the failure';
      reporter.info(chalk.yellow(`${label}: ${live.release} is live (the switch had completed before the failure)`));
    } else if (!r.outside)
      reporter.info(
        chalk.yellow(
          `${label}: ${live.release || 'the live release'} kept serving (slot ${live.slot}); the lock was released.`,
        ),
      );
  } catch (e) {
    r.serves = undefined;
    if (e instanceof ConnectionLostError) {
      const serves = r.switched
        ? `it had switched to ${r.target} before`
        : `what it serves (${r.target ? `the previous release or ${r.target}` : 'the release it served before'}) is unknown until it answers again`;
      reporter.warn(
        `${label}: unreachable, not cleaned up (${e.reason}); ${serves} (\`deploy ${s.app} status\`); its lock stays: once it is back, \`deploy ${s.app} unlock\`, then run again (the next run repairs the rest).`,
      );
      return;
    }
    r.outcome = 'not cleaned up: its lock stays';
    reporter.warn(
      `${label}: could not clean up (${(e as Error).message.split('\n')[0]}): the lock stays until \`deploy ${s.app} unlock\`; the next run repairs the rest.`,
    );
  }
}

/** Why each host that neither failed itself nor switched did not switch: the summary's words. */
function markNotSwitched(fleet: Fleet, err: unknown, failure: unknown, signal: string | undefined): void {
  // What a host that neither failed itself nor switched became: the summary says why it did not switch.
  const where = err instanceof RemoteCommandError || err instanceof ConnectionLostError ? err.host : undefined;
  const why =
    err instanceof InterruptedError || signal
      ? `stopped before the switch (${signal ?? 'SIGINT'})`
      : failure instanceof LockedError
        ? `not switched (${
            fleet.all
              .filter((r) => r.outcome === LOCKED_BY_ANOTHER)
              .map((r) => r.ex.host.label)
              .join(', ') || 'a host'
          } is locked by another run)`
        : `not switched (the run failed${where ? ` on ${where}` : ''})`;
  for (const r of fleet.all)
    if (!r.outcome && !r.failed && !r.lost) r.outcome = r.outside ? `not switched (the primary, not in --hosts)` : why;
}
