// `deploy <app> logs [-f] [--lines N]`: gunicorn (with the app's output) and nginx logs
// from every host, each line prefixed by its host. -f follows until Ctrl-C.
import { startSession, type GlobalOptions } from '../session.js';
import { logs } from '../steps/ops.js';
import { UsageError } from '../errors.js';
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

export async function logsCommand(opts: GlobalOptions & { app: string; follow: boolean; lines: number }): Promise<void> {
  if (opts.follow && opts.json) throw new UsageError('--json and --follow do not go together: --json prints one document at the end');
  const session = startSession(opts.app, 'logs', opts, false);
  const fleet = await Fleet.connect(session);
  const stop = () => {
    session.reporter.stopSpinner();
    void fleet.close().then(() => process.exit(0));
  };
  if (opts.follow) process.once('SIGINT', stop);
  try {
    await fleet.each(async (run) => {
      const res = await run.ex.run(logs(session.settings, opts.lines, opts.follow));
      session.reporter.hostData(run.ex.host.label, 'logs', logLines(`${res.values.programs ?? ''}\n${res.values.logs ?? ''}`));
    });
  } finally {
    process.off('SIGINT', stop);
    await fleet.close();
  }
}
