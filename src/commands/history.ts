// `deploy <app> history [-n N]`: the runs recorded on the servers, every host's log merged, newest
// first: when, who from which machine, what, which commit and release, how it ended, how long,
// where. A team sees each other's runs, not only those in this machine's own logs.
import chalk from 'chalk';
import { startSession, type GlobalOptions } from '../session.js';
import { onEveryHost } from '../fleet/fleet.js';
import { readHistory } from '../steps/history.js';
import { parseLock } from '../steps/lock.js';
import { mergeHistory, parseLog, type HistoryRow } from '../history.js';
import { terminalSafe } from '../printable.js';
import { UsageError } from '../errors.js';

export async function historyCommand(opts: GlobalOptions & { app: string; entries?: string }): Promise<void> {
  const limit = opts.entries === undefined ? 20 : Number(opts.entries);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new UsageError(`-n takes a number of runs from 1 to 10000, not '${opts.entries}'`);
  const session = startSession(opts.app, 'history', opts, false);
  const { reporter } = session;
  // Each host's last runs: twice as many as shown, so that runs on some hosts only do not push the others out.
  const read = await onEveryHost(session, async (run) => {
    const res = await run.ex.run(readHistory(session.settings, limit * 2 + 10));
    return {
      label: run.ex.host.label,
      entries: parseLog(res.values.log ?? ''),
      lock: parseLock(res.values.lock ?? ''),
    };
  });
  if (opts.dryRun) return;
  const rows = mergeHistory(read, limit);
  reporter.result.history = rows;
  const all = read.length;
  reporter.info(rows.length ? table(rows, all) : 'No run is recorded on these hosts yet.');
}

/** One line per run; every value from the servers' files is shown with its control characters escaped. */
function table(rows: HistoryRow[], hostCount: number): string {
  const safe = (v: unknown) => terminalSafe(String(v ?? ''));
  const when = (t: string) => {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? safe(t) : d.toISOString().replace('T', ' ').slice(0, 19);
  };
  const where = (h: string[]) =>
    h.length === hostCount && hostCount > 1 ? `all ${hostCount}` : h.map(safe).join(', ');
  const cells = rows.map((r) => [
    when(r.time),
    safe(r.operator),
    safe(r.command),
    safe(r.ref),
    safe(r.commit).slice(0, 8),
    safe(r.release),
    r.duration_s === undefined ? '' : `${r.duration_s} s`,
    where(r.hosts),
    safe(r.result),
  ]);
  const head = ['when (UTC)', 'who', 'command', 'ref', 'commit', 'release', 'took', 'hosts', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const colour = (c: string[]) => {
    const text = line(c);
    const result = c.at(-1) ?? '';
    return /^ok\b|already live/.test(result) ? text : /running/.test(result) ? chalk.yellow(text) : chalk.red(text);
  };
  return [chalk.bold(line(head)), ...cells.map(colour)].join('\n');
}
