// Before traffic moves, the operator sees what moves: a deploy's change once every host built
// the release (commits, files, migrations, requirements, server files), a rollback's loss before
// it switches (commits, migrations it does not reverse). Shown on a terminal and with --yes,
// in --json's `changes`, and in the local hooks' DEPLOY_CHANGES_FILE.
import {
  parseChanges,
  parseLeaving,
  leavingProbe,
  leavingTarget,
  type HostChanges,
  type Leaving,
} from '../steps/changes.js';
import { step, type StepResult } from '../plan.js';
import { changesText, leavingText } from '../ui/changes.js';
import { serverFiles } from './preview.js';
import type { Fleet, HostRun } from './fleet.js';

/** The server files' readers of the hosts whose live fingerprint differs (the build runs their reads; made once per host). */
export type ServerFileReaders = Map<HostRun, ReturnType<typeof serverFiles>>;

export function serverFileReaders(fleet: Fleet, runs: HostRun[], sameConfig: Map<HostRun, boolean>): ServerFileReaders {
  return new Map(
    runs.filter((run) => sameConfig.get(run) === false).map((run) => [run, serverFiles(fleet.settings, run.ex.host)]),
  );
}

/** Each host's change, from its build's probes (`built`: the build step's result per host). */
export function readChanges(
  fleet: Fleet,
  built: Map<HostRun, StepResult>,
  readers: ServerFileReaders,
): [string, HostChanges][] {
  return fleet.runs
    .filter((run) => built.has(run))
    .map((run) => {
      const res = built.get(run)!;
      const c = parseChanges(res.values.changes ?? '');
      const files = readers.get(run);
      if (files) c.server_files = files.changed(res).map(({ path, added, removed }) => ({ path, added, removed }));
      return [run.ex.host.label, c];
    });
}

/** Shows the change (and records it for --json and the hooks); true when traffic may switch. */
export async function confirmSwitch(fleet: Fleet, release: string, byHost: [string, HostChanges][]): Promise<boolean> {
  const { reporter, asker, settings: s } = fleet.session;
  reporter.result.changes = { kind: 'deploy', release, hosts: Object.fromEntries(byHost) };
  // The question needs the terminal: a live board would draw over it (with --yes it stays).
  if (!asker.yes) reporter.stopSpinner();
  reporter.info(changesText(release, byHost, s.source === 'git'));
  const n = fleet.runs.length;
  return asker.confirm(`Switch traffic on ${n} ${n === 1 ? 'host' : 'hosts'} to ${release}?`);
}

/** A rollback's loss on each host that moves, read in one step per host, shown and recorded. */
export async function showLeaving(
  fleet: Fleet,
  moving: HostRun[],
  target: string,
  read: (run: HostRun) => string = () => '',
): Promise<void> {
  const { reporter, settings: s } = fleet.session;
  const byRun = new Map<HostRun, Leaving>();
  await fleet.each(async (run) => {
    // Read already with the releases (inspect), when that was for this target.
    const ready = read(run);
    if (leavingTarget(ready) === target) return void byRun.set(run, parseLeaving(ready));
    const probe = leavingProbe(s, target, run.ex.host.roles.includes('web'));
    const res = await run.ex.run(step('leaving', `read what going back to ${target} leaves`, [probe]));
    byRun.set(run, parseLeaving(res.values.leaving ?? ''));
  }, moving);
  const byHost = moving.map((r) => [r.ex.host.label, byRun.get(r)!] as [string, Leaving]);
  reporter.result.changes = { kind: 'rollback', release: target, hosts: Object.fromEntries(byHost) };
  reporter.info(leavingText(target, byHost));
}
