// `deploy <app> logs [-f] [--lines N]`: gunicorn (with the app's output) and nginx logs
// from every host, each line prefixed by its host. -f follows until Ctrl-C.
import { startSession, type GlobalOptions } from '../session.js';
import { logs } from '../steps/ops.js';
import { DeployError, UsageError } from '../errors.js';
import { Fleet } from '../fleet/fleet.js';

/** tail's output as lines, each with the file it came from (tail heads each file with "==> f <=="). */
export function logLines(text: string): { file: string; line: string }[] {
  let file = '';
  const lines: { file: string; line: string }[] = [];
  for (const line of text.split('\n')) {
    const head = /^==> (.*) <==$/.exec(line);
    if (head) file = head[1];
    else if (line) lines.push({ file, line });
  }
  return lines;
}

export async function logsCommand(
  opts: GlobalOptions & { app: string; follow: boolean; lines: number },
): Promise<void> {
  if (opts.follow && opts.json)
    throw new UsageError('--json and --follow do not go together: --json prints one document at the end');
  const session = startSession(opts.app, 'logs', opts, false);
  const { reporter } = session;
  const fleet = await Fleet.connect(session);
  // Following: a host that fails (its connection lost) is said at once and the others go on; the run fails at the end.
  const failures: Error[] = [];
  let interrupt: () => void = () => undefined;
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
  let stopped = false;
  const stop = () => {
    stopped = true;
    reporter.stopSpinner();
    interrupt();
  };
  if (opts.follow) process.once('SIGINT', stop);
  try {
    const all = fleet.each(async (run) => {
      try {
        const res = await run.ex.run(logs(session.settings, opts.lines, opts.follow));
        reporter.hostData(
          run.ex.host.label,
          'logs',
          logLines(`${res.values.programs ?? ''}\n${res.values.logs ?? ''}`),
        );
      } catch (err) {
        if (!opts.follow) throw err;
        // Ctrl-C closes the connections under the follows: that ends them, it is no failure.
        if (stopped) return;
        failures.push(err as Error);
        if (failures.length < fleet.runs.length)
          reporter.warn(`${(err as Error).message.split('\n')[0]} (still following the other hosts)`);
      }
    });
    // Ctrl-C ends a follow (the connections close below): what a host still sends is cut there.
    await (opts.follow ? Promise.race([all, interrupted]) : all);
  } finally {
    process.off('SIGINT', stop);
    await fleet.close();
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length)
    throw new DeployError(
      `logs: ${failures.length} of ${fleet.runs.length} hosts failed:\n${failures.map((f) => `  ${f.message.split('\n')[0]}`).join('\n')}`,
      (failures[0] as DeployError).hint,
    );
}
