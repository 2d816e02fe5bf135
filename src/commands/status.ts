// `deploy <app> status`: per host, what is live and whether it answers.
import chalk from 'chalk';
import { startSession, type GlobalOptions } from '../session.js';
import { status } from '../steps/ops.js';
import { onEveryHost } from './fleet.js';

export async function statusCommand(opts: GlobalOptions & { app: string }): Promise<void> {
  const session = startSession(opts.app, 'status', opts, false);
  const { settings: s, reporter } = session;
  await onEveryHost(session, async (run) => {
    const res = await run.ex.run(status(s));
    if (opts.dryRun) return;
    const rows = res.commands.flatMap((c) => c.stdout.split('\n').filter(Boolean).map((line) => line.split('\t')));
    const lines = [chalk.bold(run.ex.host.label)];
    for (const [key, value = ''] of rows) {
      let shown = value.trim();
      if (key === 'release') {
        const r = JSON.parse(shown || '{}');
        shown = r.release ? `${r.release}  ${r.ref} ${String(r.commit).slice(0, 8)}  deployed ${String(r.time).replace('T', ' ').slice(0, 19)} by ${r.by || '?'}` : chalk.yellow('none (run setup)');
      }
      if (key.startsWith('health') || key === 'site') shown = /^[23]\d\d /.test(shown) ? chalk.green(shown) : chalk.red(shown || 'no answer');
      if (key === 'lock' && shown !== 'free') shown = chalk.yellow(shown);
      lines.push(`  ${key.padEnd(13)} ${shown}`);
    }
    reporter.info(lines.join('\n'));
  });
}
