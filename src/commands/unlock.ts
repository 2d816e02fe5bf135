// `deploy <app> unlock [--force]`: remove a lock left by a run that was killed. A lock whose
// holder still runs on this machine is refused without --force: breaking it would let two
// runs change the same server at once. A lock taken on another machine cannot be checked from
// here: the operator is asked, naming its holder; --yes alone does not remove it (a CI job
// would break a colleague's running deploy), --yes --force does. Whatever is removed is named.
import chalk from 'chalk';
import { startSession, type GlobalOptions } from '../session.js';
import { LockedError } from '../errors.js';
import { parseLock, readLockStep, removeLock } from '../steps/lock.js';
import { describeLock, holderState } from '../lock-holder.js';
import { Fleet } from '../fleet/fleet.js';
import { appendDeployLog } from '../steps/deploy.js';
import { lockedRun } from '../history.js';
import { operator } from '../operator.js';
import type { LockInfo } from '../steps/lock.js';
import type { Settings } from '../settings/types.js';
import type { Command as RemoteCommand } from '../plan.js';

export async function unlockCommand(opts: GlobalOptions & { app: string; force: boolean }): Promise<void> {
  const session = startSession(opts.app, 'unlock', opts);
  const { settings: s, reporter, asker } = session;
  const fleet = await Fleet.connect(session);
  try {
    const one = async (run: (typeof fleet.runs)[number]) => {
      const label = run.ex.host.label;
      const res = await run.ex.run(readLockStep(s));
      const holder = parseLock(res.values.lock ?? '');
      if (!holder && !opts.dryRun) {
        reporter.info(`${label}: not locked`);
        reporter.hostData(label, 'unlocked', false);
        return;
      }
      const state = holder ? holderState(holder) : 'elsewhere';
      const whose = holder ? describeLock(holder) : 'a holder the dry run does not read';
      if (holder) reporter.hostData(label, 'lock', { ...holder, token: undefined, holder: state, text: whose });
      if (state === 'running here' && !opts.force) {
        reporter.hostData(label, 'unlocked', false);
        throw new LockedError(
          `${label}: ${s.app} is locked by ${whose}: not removing a lock whose run is still going`,
          `Wait for it, or stop it (kill ${holder!.pid}); \`deploy ${s.app} unlock --force\` removes the lock anyway.`,
        );
      }
      // Nobody is asked under --yes: a lock whose run may be going on another machine needs --force as well.
      if (state === 'elsewhere' && asker.yes && !opts.force && !opts.dryRun) {
        reporter.hostData(label, 'unlocked', false);
        throw new LockedError(
          `${label}: ${s.app} is locked by ${whose}, taken on another machine (or by a holder it does not name): --yes does not remove it, since this machine cannot tell whether that run is over`,
          `Make sure that run is over (\`deploy ${s.app} status\` shows the lock), then \`deploy ${s.app} unlock --yes --force\`, or run \`deploy ${s.app} unlock\` and answer.`,
        );
      }
      const question = holder
        ? `${label} is locked by ${whose}. Remove the lock?${state === 'elsewhere' ? ' (only if that run is over)' : ''}`
        : `Remove the lock on ${label}?`;
      if (!(await asker.confirm(question, state === 'gone'))) {
        reporter.hostData(label, 'unlocked', false);
        return;
      }
      await run.ex.run(removeLock(s, holder?.token, holder && interrupted(s, holder, label)));
      reporter.hostData(label, 'unlocked', true);
      reporter.info(
        chalk.green(opts.dryRun ? `${label}: the lock would be removed` : `${label}: removed the lock of ${whose}`),
      );
    };
    // Questions go host by host; with none to ask (--yes), every host at once.
    if (asker.yes) await fleet.each(one);
    else for (const run of fleet.runs) await one(run);
  } finally {
    await fleet.close();
  }
}

/**
 * The run whose lock is removed was killed (or is given up on): its entry in the host's deploy
 * log, under its own start time, operator and command, so that `history` keeps it once the
 * lock is gone.
 */
function interrupted(s: Settings, holder: Partial<LockInfo>, label: string): RemoteCommand {
  return appendDeployLog(s, {
    ...lockedRun(holder),
    // No start time (a lock without readable info): no entry history could place.
    time: holder.since,
    hosts: [label],
    result: `interrupted (its lock removed by ${operator()} at ${new Date().toISOString()})`,
  });
}
