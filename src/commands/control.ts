// `deploy <app> start|stop|restart [PROCESS]` (seeds 001 and 004). PROCESS is `web` (the
// gunicorn slots) or a [PROCESSES] name; none means all. A restart of web is the same
// zero-downtime switch as a deploy (the live release starts in the idle slot, is
// health-checked, gets the traffic), never a cold restart. Each runs under the fleet's lock.
import { hostsLogged } from '../fleet/select.js';
import chalk from 'chalk';
import { startSession, type GlobalOptions, type Session } from '../session.js';
import { controlStep, type Action } from '../steps/control.js';
import type { RunState } from '../fleet/run-state.js';
import * as D from '../steps/deploy.js';
import { UsageError, DeployError, withNextStep } from '../errors.js';
import { Fleet, isWeb, newLock, type HostRun } from '../fleet/fleet.js';
import { lockFleet } from '../fleet/lock.js';
import { withCleanup } from '../fleet/cleanup.js';
import { goLive } from '../fleet/golive.js';
import { closest, distance } from 'fastest-levenshtein';
import type { Settings } from '../settings/types.js';
import { printable } from '../printable.js';

export interface ControlOptions extends GlobalOptions {
  app: string;
  action: Action;
  process?: string;
  lockWait?: number;
}

export async function controlCommand(opts: ControlOptions): Promise<void> {
  const session = startSession(opts.app, opts.action, opts);
  const { settings: s, asker, reporter } = session;
  checkProcess(s, opts.process);
  const web = opts.process === undefined || opts.process === 'web';
  const procs = opts.process === undefined ? Object.keys(s.processes) : opts.process === 'web' ? [] : [opts.process];
  const what = opts.process ?? 'every process';
  const warn = opts.action === 'stop' && web ? ' The site stops answering until `start`.' : '';
  if (
    !(await asker.confirm(
      `${opts.action[0].toUpperCase()}${opts.action.slice(1)} ${what} of ${s.app} on ${s.hosts.map((h) => h.label).join(', ')}?${warn}`,
    ))
  )
    return reporter.info('Nothing done.');

  const lock = newLock(`${opts.action} ${opts.process ?? ''}`.trim());
  // The fleet's primary is locked too when --hosts leaves it out: runs on parts of the fleet wait for each other.
  const fleet = await Fleet.connect(session, { withPrimary: true });
  const log: Record<string, unknown> = {
    time: new Date().toISOString(),
    operator: lock.by,
    command: opts.action,
    process: opts.process ?? 'all',
    hosts: hostsLogged(s.hosts),
  };
  try {
    await withCleanup(fleet, lock, log, false, async (state) => {
      const all = await lockFleet(
        fleet,
        lock,
        opts.lockWait ?? 0,
        async (run) => D.parseInspect(await run.ex.run(D.inspect(s, lock, isWeb(run)))),
        () => state.guard.check(),
      );
      all.forEach((h, i) => (fleet.all[i].serves = h.current || undefined));
      const seen = all.slice(0, fleet.runs.length);
      if (opts.action === 'restart' && web && fleet.web.length)
        return restartWeb(session, fleet, seen, state, log, procs.length > 0, what);
      await fleet.each(async (run: HostRun) => {
        await run.ex.run(controlStep(s, run.ex.host, { action: opts.action, what, web, procs, lock, log }));
        run.locked = false;
      });
      reporter.info(
        chalk.green(
          `${s.app}: ${opts.action === 'stop' ? 'stopped' : opts.action === 'start' ? 'started' : 'restarted'} ${what} on ${fleet.runs.map((r) => r.ex.host.label).join(', ')}`,
        ),
      );
    });
  } catch (err) {
    throw withNextStep(err, s.app, `${opts.action}`);
  } finally {
    await fleet.close();
  }
  session.finish(opts.dryRun ? `dry run of ${opts.action} for ${s.app}` : `${opts.action} of ${s.app} done`);
}

/** A name given on the command line that is not web nor a [PROCESSES] name: bad usage, with the closest. */
function checkProcess(s: Settings, process?: string): void {
  const names = ['web', ...Object.keys(s.processes)];
  if (process !== undefined && !names.includes(process)) {
    const best = closest(process, names);
    const hint = distance(process, best) <= 2 ? ` (did you mean ${best}?)` : '';
    throw new UsageError(`no process named ${printable(process)}${hint}`, `${s.app}'s processes: ${names.join(', ')}`);
  }
}

/** restart web: the zero-downtime path, the live release again in the idle slot; the processes restart after the switch. */
async function restartWeb(
  session: Session,
  fleet: Fleet,
  seen: ReturnType<typeof D.parseInspect>[],
  state: RunState,
  log: Record<string, unknown>,
  processes: boolean,
  what: string,
): Promise<void> {
  const { settings: s, reporter } = session;
  // The zero-downtime path: the live release again, in the idle slot; the processes restart after the switch.
  const release = seen[fleet.runs.indexOf(fleet.web[0])].current || '<live release>';
  const differ = fleet.web.filter((r) => seen[fleet.runs.indexOf(r)].current !== release);
  if (differ.length && !session.opts.dryRun)
    throw new DeployError(
      `the web hosts do not run the same release (${differ.map((r) => r.ex.host.label).join(', ')} differ): deploy or roll back first`,
    );
  log.release = release;
  await goLive(fleet, {
    release,
    liveSlots: seen.map((h) => h.live),
    state,
    kind: 'restart',
    processes,
  });
  reporter.info(
    chalk.green(`${s.app}: restarted ${what} on ${fleet.runs.map((r) => r.ex.host.label).join(', ')} (${release})`),
  );
}
