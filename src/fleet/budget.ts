// max_failed_hosts: a deploy may leave some hosts behind. A host that fails before its switch
// (it cannot be reached, its build fails, its new slot fails its health check) is cleaned up at
// once, keeps serving its release and is left out of the rest of the run; the others go live.
// The run then exits LEFT_BEHIND_STATUS naming them. Past the budget, or on the primary (it
// locks runs on parts of the fleet and runs the run-once work), a failure stops the whole run
// as before.
import { ConnectionError, DeployError, RemoteCommandError } from '../errors.js';
import { hostsOf } from '../settings/hosts.js';
import type { HostSpec } from '../settings/types.js';
import { ConnectionLostError } from '../ssh/lost.js';
import { LOCKED_STATUS } from '../steps/lock.js';
import { INTERRUPTED_STATUS } from '../steps/switch.js';
import type { Session } from '../session.js';
import { Fleet, type HostRun } from './fleet.js';
import type { RunState } from './run-state.js';

/** Exit status of a deploy that went live on some hosts and left the others (max_failed_hosts) on their release. */
export const LEFT_BEHIND_STATUS = 6;

export class LeftBehindError extends DeployError {
  exitCode = LEFT_BEHIND_STATUS;
}

/** How many of the run's hosts may be left behind. */
export function budgetOf(session: Session): number {
  const s = session.settings;
  return hostsOf(s.maxFailedHosts, s.hosts.length);
}

/** A failure of the host itself (a command, its connection), not of the run (a lock held by another run, Ctrl-C). */
export function hostFailure(err: unknown): boolean {
  if (err instanceof RemoteCommandError) return err.status !== INTERRUPTED_STATUS && err.status !== LOCKED_STATUS;
  return err instanceof ConnectionLostError || err instanceof ConnectionError;
}

/**
 * Connects to every host. Within the budget, hosts that cannot be reached are left out (named in
 * the summary); the primary must answer. Past it, the run stops as Fleet.connect does.
 */
export async function connectWithBudget(session: Session): Promise<Fleet> {
  const budget = budgetOf(session);
  if (!budget) return Fleet.connect(session, { withPrimary: true });
  const { fleet, failed } = await Fleet.connectReachable(session, { withPrimary: true });
  const primary = session.settings.primary;
  const fatal =
    failed.length > budget ||
    !fleet.runs.length ||
    failed.some((f) => f.host.label === primary || !hostFailure(f.err) || f.err.name === 'UsageError');
  if (fatal) {
    await fleet.close();
    return Fleet.connect(session, { withPrimary: true });
  }
  for (const f of failed) leaveUnreached(fleet, f.host, f.err);
  return fleet;
}

function leaveUnreached(fleet: Fleet, host: HostSpec, err: Error): void {
  const { reporter } = fleet.session;
  const why = `unreachable (${err.message.split('\n')[0].replace(/^[^:]*: /, '')})`;
  fleet.unreached.push({ label: host.label, why });
  reporter.warn(`${host.label}: left behind: ${why}`);
  reporter.hostData(host.label, 'release', 'unknown');
  reporter.hostData(host.label, 'result', `left behind: ${why}`);
}

/**
 * fn on each of `runs` like fleet.each, except that hosts failing on their own, within the
 * budget, are cleaned up and left behind instead of stopping the run.
 */
export async function eachOrLeaveBehind(
  fleet: Fleet,
  state: RunState,
  phase: string,
  fn: (run: HostRun) => Promise<unknown>,
  runs: HostRun[] = fleet.runs,
): Promise<void> {
  const results = await fleet.settle(fn, runs);
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ run: runs[i], err: r.reason as unknown }] : [],
  );
  if (!failed.length) return;
  const left = fleet.leftBehind.length + failed.length;
  const tolerable =
    left <= budgetOf(fleet.session) &&
    failed.length < fleet.runs.length &&
    failed.every((f) => hostFailure(f.err) && f.run !== fleet.primary && !f.run.outside);
  if (!tolerable) throw failed[0].err;
  await Promise.all(
    failed.map(async ({ run, err }) => {
      const why = `failed at ${phase}: ${
        (err as Error).message
          .split('\n')
          .at(-1)
          ?.replace(/^\s*\|\s*/, '')
          .trim() ?? ''
      }`;
      run.behind = why;
      fleet.session.reporter.warn(`${run.ex.host.label}: left behind (${why}); it keeps serving its release`);
      await state.leaveBehind(run, err);
      run.outcome = `left behind: ${why}`;
    }),
  );
}

/** After the run: the hosts left behind, named with why and what they serve (exit LEFT_BEHIND_STATUS). */
export function leftBehindError(
  fleet: Fleet,
  release: string,
  commit: string,
  total: number,
): LeftBehindError | undefined {
  const left = fleet.leftBehind;
  if (!left.length) return undefined;
  const s = fleet.settings;
  const live = total - left.length;
  const lines = left.map((l) => `  ${l.label}: ${l.why}${l.serves ? ` (serves ${l.serves})` : ''}`);
  return new LeftBehindError(
    `${release} is live on ${live} of ${total} hosts; ${left.length} left behind (max_failed_hosts = ${budgetOf(fleet.session)}):\n${lines.join('\n')}`,
    `They keep serving their release (\`deploy ${s.app} status\` shows which host runs what). Fix them, then bring them up to date: \`deploy ${s.app} deploy --hosts ${left.map((l) => l.label).join(',')}${commit ? ` --ref ${commit}` : ''}\`.`,
  );
}
