// `deploy <app> unlock`: remove a lock left by a run that was killed.
import chalk from 'chalk';
import { startSession, type GlobalOptions } from '../session.js';
import { step } from '../plan.js';
import { layout } from '../layout.js';
import { sh } from '../shell.js';
import { closeAll, openAll } from './fleet.js';

export async function unlockCommand(opts: GlobalOptions & { app: string }): Promise<void> {
  const session = startSession(opts.app, 'unlock', opts);
  const { settings: s, reporter, asker } = session;
  const lock = layout(s).lock;
  const runs = await openAll(session);
  try {
    // Host by host: each may ask a question.
    for (const run of runs) {
      const res = await run.ex.run(step('lock-info', 'read the lock', [{ run: sh`cat ${lock}/info 2>/dev/null || true`, probe: true }]));
      const holder = res.commands[0]?.stdout.trim();
      if (!holder && !opts.dryRun) {
        reporter.info(`${run.ex.host.label}: not locked`);
        continue;
      }
      if (!(await asker.confirm(`${run.ex.host.label} is locked by ${holder}. Remove the lock? (only if that run is dead)`, false))) continue;
      await run.ex.run(step('unlock', 'remove the lock', [{ run: sh`rm -rf ${lock}` }]));
      reporter.info(chalk.green(`${run.ex.host.label}: unlocked`));
    }
  } finally {
    await closeAll(runs);
  }
}
