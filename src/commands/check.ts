// `deploy <app> check`: every host read, nothing changed. A table per host (OS, sudo, disk,
// ports, server_name, clock, git host and deploy key, Python, packages); exit CHECK_BLOCKED (8)
// when a check blocks setup or deploy somewhere.
import { startSession, type GlobalOptions } from '../session.js';
import { Fleet } from '../fleet/fleet.js';
import { blockedError, checkFleet, checksText } from '../fleet/check.js';

export async function checkCommand(opts: GlobalOptions & { app: string }): Promise<void> {
  const session = startSession(opts.app, 'check', opts, false);
  const { reporter } = session;
  const fleet = await Fleet.connect(session);
  let all;
  try {
    all = await checkFleet(fleet);
  } finally {
    await fleet.close();
  }
  if (opts.dryRun) return;
  for (const h of all) reporter.hostData(h.host, 'checks', h.rows);
  reporter.info(checksText(all));
  const blocked = blockedError(all, 'check', session.settings.app);
  if (blocked) throw blocked;
}
