// When a release operation stops early (a failure, a signal): every host this run locked is
// cleaned up, and each says what it really serves.
import chalk from 'chalk';
import { runsProcesses } from '../steps/processes.js';
import { LockedError, RemoteCommandError } from '../errors.js';
import { describeLock } from '../lock-holder.js';
import { guardInterrupts, InterruptedError, type InterruptGuard } from '../interrupt.js';
import { abandon, finishSwitch, parseAbandon, unlockStep } from '../steps/deploy.js';
import { LOCKED_STATUS, parseLock, type LockInfo } from '../steps/lock.js';
import { abortRequest, INTERRUPTED_STATUS } from '../steps/switch.js';
import type { Fleet, HostRun } from './fleet.js';
import { ConnectionLostError } from '../ssh/lost.js';

/** Where the run is, so a signal gets the right answer. */
export interface RunState {
  guard: InterruptGuard;
  /** Hosts are switching: too late to stop, the switch finishes. */
  switching: boolean;
  /** Replies to Ctrl-C's abort requests. */
  abortReplies: Promise<void>[];
  tooLate: string[];
  /** A rolling deploy: hosts that switched keep their old slot until the rollout is over. */
  log: Record<string, unknown>;
  lock: LockInfo;
  prune: boolean;
}

/** The run has nothing to do: give the locks back (logged as "already live") and say so. */
export async function nothingToDo(fleet: Fleet, lock: LockInfo, log: Record<string, unknown>, message: string): Promise<void> {
  await fleet.each((run) => run.ex.run(unlockStep(fleet.settings, lock.token, { ...log, result: 'already live' })));
  fleet.runs.forEach((r) => (r.locked = false));
  fleet.session.reporter.info(message);
}

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
    reporter.warn(`${signal}: too late to stop: traffic is switching on every host; letting it finish (press Ctrl-C again to quit at once)`);
    return;
  }
  reporter.warn(`${signal}: asking the hosts to stop before traffic switches (press Ctrl-C again to quit at once)`);
  // A step that goes on to the switch first races this request for the same decision file.
  for (const run of fleet.runs.filter((r) => r.locked)) {
    const label = run.ex.host.label;
    const reply = run.ex.run(abortRequest(fleet.settings, state.lock.token)).then(
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
}

/**
 * The part of a release operation that may be abandoned: on any error or signal before a
 * host switches, its live release keeps serving, its new slot stops, its lock is released and
 * the failure logged; a host that had switched keeps the new release and says so.
 */
export async function withCleanup<T>(fleet: Fleet, lock: LockInfo, log: Record<string, unknown>, prune: boolean, body: (state: RunState) => Promise<T>): Promise<T> {
  const { session } = fleet;
  const { reporter } = session;
  const state: RunState = { guard: undefined as unknown as InterruptGuard, switching: false, abortReplies: [], tooLate: [], log, lock, prune };
  state.guard = guardInterrupts((signal) => askToStop(fleet, state, signal));
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
    const step = err instanceof RemoteCommandError ? err.step : err instanceof InterruptedError ? 'interrupted' : err instanceof ConnectionLostError && err.step ? err.step : 'aborted';
    const entry = { ...log, result: 'failed', failed_step: step, duration_s: Math.round((performance.now() - session.started) / 100) / 10 };
    // Hosts that switched (and were unlocked) before another failed serve the new release; the clean-up speaks for the others.
    const finished = fleet.runs.filter((run) => run.switched && !run.locked);
    await Promise.all(fleet.runs.filter((r) => r.locked).map((r) => cleanUp(fleet, r, lock.token, entry)));
    for (const r of finished) reporter.info(chalk.yellow(`${r.ex.host.label}: ${r.target} is live (it switched before the failure)`));
    if (failure instanceof ConnectionLostError) failure.hint = `Once ${failure.host} answers again: \`deploy ${session.settings.app} unlock\` there, then run again (the next run repairs what this one left).`;
    throw failure;
  } finally {
    state.guard.dispose();
  }
}

/** One locked host: a host that switched in a rollout that stopped finishes its switch; any other is abandoned. */
async function cleanUp(fleet: Fleet, r: HostRun, token: string, entry: Record<string, unknown>): Promise<void> {
  const { reporter, settings: s } = fleet.session;
  const label = r.ex.host.label;
  try {
    if (r.lost) throw r.lost;
    if (r.switched && r.started && r.target) {
      await r.ex.run(finishSwitch(s, { release: r.target, slot: r.started, token, log: { ...entry, result: 'ok (rollout stopped after this host switched)' }, prune: false, kind: 'deploy', processes: runsProcesses(s, r.ex.host), primary: label === s.primary, page: r.page }));
      r.locked = false;
      reporter.info(chalk.yellow(`${label}: ${r.target} is live (it switched before the rollout stopped)`));
      return;
    }
    const live = parseAbandon(await r.ex.run(abandon(s, { release: r.release, slot: r.started, token, log: entry, page: r.page })));
    r.locked = false;
    if (!live) return;
    if (r.started && live.slot === r.started) reporter.info(chalk.yellow(`${label}: ${live.release} is live (the switch had completed before the failure)`));
    else reporter.info(chalk.yellow(`${label}: ${live.release || 'the live release'} kept serving (slot ${live.slot}); the lock was released.`));
  } catch (e) {
    if (e instanceof ConnectionLostError) {
      const serves = r.switched ? `it had switched to ${r.target} before` : `what it serves (${r.target ? `the previous release or ${r.target}` : 'the release it served before'}) is unknown until it answers again`;
      reporter.warn(`${label}: unreachable, not cleaned up (${e.reason}); ${serves} (\`deploy ${s.app} status\`); its lock stays: once it is back, \`deploy ${s.app} unlock\`, then run again (the next run repairs the rest).`);
      return;
    }
    reporter.warn(`${label}: could not clean up (${(e as Error).message.split('\n')[0]}): the lock stays until \`deploy ${s.app} unlock\`; the next run repairs the rest.`);
  }
}
