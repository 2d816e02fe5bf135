// `deploy <app> logs [-f] [--lines N]`: gunicorn (with the app's output) and nginx logs
// from every host, each line prefixed by its host. -f follows until Ctrl-C.
import { startSession, type GlobalOptions } from '../session.js';
import { logs } from '../steps/ops.js';
import { closeAll, onEvery, openAll } from './fleet.js';

export async function logsCommand(opts: GlobalOptions & { app: string; follow: boolean; lines: number }): Promise<void> {
  const session = startSession(opts.app, 'logs', opts, false);
  const runs = await openAll(session);
  const stop = () => {
    session.reporter.stopSpinner();
    void closeAll(runs).then(() => process.exit(0));
  };
  if (opts.follow) process.once('SIGINT', stop);
  try {
    await onEvery(runs, (run) => run.ex.run(logs(session.settings, opts.lines, opts.follow)));
  } finally {
    process.off('SIGINT', stop);
    await closeAll(runs);
  }
}
