// `deploy <app> maintenance on [--message TEXT]` and `maintenance off`: the maintenance page on
// every web host (workers have no nginx). No lock on purpose: it is the switch an operator
// reaches for while something else is wrong, a deploy under way or a lock left behind
// included, and it is one file written atomically that no deploy or rollback reads.
import chalk from 'chalk';
import { startSession, type GlobalOptions } from '../session.js';
import { UsageError } from '../errors.js';
import { isWeb, onEveryHost } from '../fleet/fleet.js';
import { operator } from '../operator.js';
import { printable } from '../printable.js';
import { appendDeployLog } from '../steps/deploy.js';
import { DEFAULT_MESSAGE, maintenance, maintenancePage } from '../steps/maintenance.js';

export interface MaintenanceOptions extends GlobalOptions {
  app: string;
  action: 'on' | 'off';
  message?: string;
}

/** A message is one paragraph of text: no control characters (it is shown by status too). */
function checkMessage(message: string): void {
  if (!message.trim()) throw new UsageError('--message is empty', 'Leave it out for the default message.');
  if (message.length > 1000) throw new UsageError(`--message is ${message.length} characters long: at most 1000`);
  if (/[\p{Cc}]/u.test(message))
    throw new UsageError(`--message ${printable(message)} contains control characters (line breaks, tabs, escapes)`);
}

export async function maintenanceCommand(opts: MaintenanceOptions): Promise<void> {
  if (opts.action === 'off' && opts.message !== undefined) throw new UsageError('--message goes with `maintenance on`');
  if (opts.message !== undefined) checkMessage(opts.message);
  const session = startSession(opts.app, 'maintenance', opts);
  const { settings: s, asker, reporter } = session;
  const web = s.hosts.filter((h) => h.roles.includes('web')).map((h) => h.label);
  if (!web.length)
    throw new UsageError(
      "no web host in this run: the web hosts' nginx serves the maintenance page",
      `${s.app}'s web hosts: ${s.hosts.map((h) => h.label).join(', ')}`,
    );
  const on = opts.action === 'on';
  const question = on
    ? `Put ${s.app}'s maintenance page up on ${web.join(', ')}? Every request but the health check gets it, with a 503, until \`maintenance off\`.`
    : `Take ${s.app}'s maintenance page down on ${web.join(', ')}? The site answers again.`;
  if (!(await asker.confirm(question))) return reporter.info('Nothing done.');

  const time = new Date().toISOString();
  const message = opts.message ?? DEFAULT_MESSAGE;
  const page = on ? maintenancePage(s, { since: time, message, by: operator() }) : undefined;
  const log = appendDeployLog(s, {
    time,
    operator: operator(),
    command: `maintenance ${opts.action}`,
    ...(on ? { message } : {}),
    hosts: web,
    result: 'ok',
  });
  await onEveryHost(session, async (run) => {
    if (isWeb(run)) await run.ex.run(maintenance(s, page, [log]));
  });
  reporter.info(
    on
      ? chalk.yellow(
          `${s.app}: maintenance page up on ${web.join(', ')} (503 but for the health check, until \`deploy ${s.app} maintenance off\`)`,
        )
      : chalk.green(`${s.app}: maintenance page down on ${web.join(', ')}: the site answers`),
  );
  session.finish(
    opts.dryRun ? `dry run of maintenance ${opts.action} for ${s.app}` : `maintenance ${opts.action} for ${s.app} done`,
  );
}
