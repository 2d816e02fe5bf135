// `deploy <app> releases`: what each host keeps, newest first.
import chalk from 'chalk';
import { startSession, type GlobalOptions } from '../session.js';
import * as D from '../steps/deploy.js';
import { parseLock } from '../steps/lock.js';
import { describeLock } from '../lock-holder.js';
import { isWeb, onEveryHost } from '../fleet/fleet.js';
import { terminalSafe } from '../printable.js';

export async function releasesCommand(opts: GlobalOptions & { app: string }): Promise<void> {
  const session = startSession(opts.app, 'releases', opts, false);
  const { settings: s, reporter } = session;
  await onEveryHost(session, async (run) => {
    const res = await run.ex.run(D.inspect(s, undefined, isWeb(run)));
    if (opts.dryRun) return;
    const { releases, current, live, lock } = D.parseInspect(res);
    const label = run.ex.host.label;
    const holder = parseLock(lock);
    reporter.hostData(
      label,
      'releases',
      releases.map((r) => ({ ...r, live: r.name === current })),
    );
    if (isWeb(run)) reporter.hostData(label, 'live_slot', live);
    const lines = [chalk.bold(label)];
    for (const r of releases) {
      const mark = r.name === current ? chalk.green('* current') : r.state === 'built' ? '' : chalk.red(r.state);
      // What a release says of itself is the app user's file: shown with its control characters escaped.
      const safe = (v?: string) => terminalSafe(String(v ?? ''));
      lines.push(
        `  ${safe(r.name).padEnd(34)} ${safe(r.ref).padEnd(14)} ${safe(r.commit).slice(0, 8).padEnd(8)} ${safe(r.source).padEnd(7)}  ${safe(r.time).replace('T', ' ').slice(0, 19)}  ${safe(r.by)} ${mark}`,
      );
    }
    if (holder) lines.push(chalk.yellow(`  locked by ${describeLock(holder)}`));
    reporter.info(lines.join('\n'));
  });
}
