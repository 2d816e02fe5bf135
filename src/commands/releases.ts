// `deploy <app> releases`: what each host keeps, newest first.
import chalk from 'chalk';
import { startSession, type GlobalOptions } from '../session.js';
import * as D from '../steps/deploy.js';
import { parseLock } from '../steps/lock.js';
import { describeLock } from '../lock-holder.js';
import { onEveryHost } from '../fleet/fleet.js';

export async function releasesCommand(opts: GlobalOptions & { app: string }): Promise<void> {
  const session = startSession(opts.app, 'releases', opts, false);
  const { settings: s, reporter } = session;
  await onEveryHost(session, async (run) => {
    const res = await run.ex.run(D.inspect(s));
    if (opts.dryRun) return;
    const { releases, current, live, lock } = D.parseInspect(res);
    const label = run.ex.host.label;
    const holder = parseLock(lock);
    reporter.hostData(label, 'releases', releases.map((r) => ({ ...r, live: r.name === current })));
    reporter.hostData(label, 'live_slot', live);
    const lines = [chalk.bold(label)];
    for (const r of releases) {
      const mark = r.name === current ? chalk.green('* current') : r.state === 'built' ? '' : chalk.red(r.state);
      lines.push(`  ${r.name.padEnd(34)} ${(r.ref ?? '').padEnd(14)} ${(r.commit ?? '').slice(0, 8).padEnd(8)}  ${(r.time ?? '').replace('T', ' ').slice(0, 19)}  ${r.by ?? ''} ${mark}`);
    }
    if (holder) lines.push(chalk.yellow(`  locked by ${describeLock(holder)}`));
    reporter.info(lines.join('\n'));
  });
}
