// Making a built release live across the fleet. Web hosts start it in their idle slot and
// prove it answers before any traffic moves. Without batch_size every web host switches at
// once; with it, batch by batch, each batch checked through its nginx before the next
// switches (a batch that fails goes back, and the rollout stops). Worker hosts point
// `current` at it last. Run-once commands (migrate on a shared database, [RUN_ONCE]) run on
// the primary before anything switches.
import { DeployError } from '../errors.js';
import type { Slot } from '../layout.js';
import { activateWorker, finishSwitch, revertBatch, runOnce, startAndSwitch, startNew, switchBatch, switchOver, type GoLive } from '../steps/deploy.js';
import { otherSlot } from '../steps/slots.js';
import { runsProcesses } from '../steps/processes.js';
import type { RunState } from './cleanup.js';
import { isWeb, type Fleet, type HostRun } from './fleet.js';

/** The web hosts in batches of batch_size (a count or a percentage, at least one host each). */
export function batches<T>(hosts: T[], size: { count: number } | { percent: number } | undefined): T[][] {
  if (!size || !hosts.length) return [hosts];
  const n = 'count' in size ? size.count : Math.max(1, Math.floor((hosts.length * size.percent) / 100));
  const out: T[][] = [];
  for (let i = 0; i < hosts.length; i += n) out.push(hosts.slice(i, i + n));
  return out;
}

/** migrate on a shared database and [RUN_ONCE], once, on the primary host, in the new release (nothing if there is none). */
export async function runOnceOnPrimary(fleet: Fleet, release: string): Promise<void> {
  const st = runOnce(fleet.settings, release);
  if (!st.commands.length) return;
  const primary = fleet.primary;
  if (primary.ex.host.label !== fleet.settings.primary) fleet.session.reporter.info(`the primary (${fleet.settings.primary}) is not in this run: run-once commands go to ${primary.ex.host.label}`);
  await primary.ex.run(st);
}

export async function goLive(fleet: Fleet, g: { release: string; liveSlots: Slot[]; state: RunState; kind?: GoLive['kind']; processes?: boolean }): Promise<void> {
  const s = fleet.settings;
  const { lock, log, prune } = g.state;
  fleet.runs.forEach((run, i) => {
    run.target = g.release;
    if (isWeb(run)) run.started = otherSlot(g.liveSlots[i]);
  });
  log.duration_s = Math.round((performance.now() - fleet.session.started) / 100) / 10;
  const primary = fleet.primary;
  const plan = (run: HostRun): GoLive => ({ release: g.release, slot: run.started ?? 'a', token: lock.token, log, prune, kind: g.kind ?? 'deploy', processes: g.processes !== false && runsProcesses(s, run.ex.host), primary: run === primary, page: run.page });
  const { web, workers } = fleet;

  // One web host: start, health check, last stop point and switch in one script.
  if (fleet.runs.length === 1 && web.length === 1) {
    const [run] = web;
    await run.ex.run(startAndSwitch(s, plan(run)));
    run.locked = false;
    run.switched = true;
    return;
  }
  const groups = batches(web, s.batchSize);
  if (groups.length <= 1) {
    await fleet.each((run) => run.ex.run(startNew(s, g.release, run.started!, plan(run))), web);
    // The fleet's last stop point: past it, every host switches.
    g.state.guard.check();
    g.state.switching = true;
    await fleet.each(async (run) => {
      await run.ex.run(isWeb(run) ? switchOver(s, plan(run)) : activateWorker(s, plan(run)));
      run.locked = false;
      run.switched = true;
    });
    return;
  }
  await rollOut(fleet, groups, plan, g.state);
  g.state.switching = true;
  await fleet.each(async (run) => {
    await run.ex.run(isWeb(run) ? finishSwitch(s, plan(run)) : activateWorker(s, plan(run)));
    run.locked = false;
    run.switched = true;
  }, [...web, ...workers]);
}

/**
 * Batch by batch: start, switch, check through nginx. Old slots keep running until the
 * rollout is over, so a batch that fails goes back at once; then the rollout stops, and the
 * error says which hosts serve which release.
 */
async function rollOut(fleet: Fleet, groups: HostRun[][], plan: (run: HostRun) => GoLive, state: RunState): Promise<void> {
  const s = fleet.settings;
  for (const [i, batch] of groups.entries()) {
    state.guard.check();
    const names = batch.map((r) => r.ex.host.label).join(', ');
    fleet.session.reporter.info(`batch ${i + 1} of ${groups.length}: ${names}`);
    try {
      await fleet.each((run) => run.ex.run(startNew(s, plan(run).release, run.started!, plan(run))), batch);
      state.guard.check();
      await fleet.each(async (run) => {
        await run.ex.run(switchBatch(s, plan(run)));
        run.switched = true;
      }, batch);
    } catch (err) {
      // This batch goes back where it switched; the slots this run started there stop in the clean-up.
      await Promise.allSettled(batch.filter((r) => r.switched).map((r) => r.ex.run(revertBatch(s, otherSlot(r.started!))).then(() => (r.switched = false))));
      // A host whose connection was lost may have switched or not: it is not counted as either.
      const switched = fleet.runs.filter((r) => r.switched && !r.lost).map((r) => r.ex.host.label);
      const rest = fleet.runs.filter((r) => !r.switched && !r.lost).map((r) => r.ex.host.label);
      const lost = fleet.runs.filter((r) => r.lost).map((r) => r.ex.host.label);
      const why = (err as Error).message.split('\n')[0];
      throw new DeployError(
        `the rollout stopped at batch ${i + 1} of ${groups.length} (${names}): ${why}\n  ${plan(batch[0]).release} is live on: ${switched.join(', ') || 'no host'}\n  the previous release is live on: ${rest.join(', ') || 'no host'}${lost.length ? `\n  unknown (unreachable): ${lost.join(', ')}` : ''}`,
        lost.length
          ? `Once ${lost.join(', ')} answer${lost.length === 1 ? 's' : ''} again: \`deploy ${s.app} unlock\`, then deploy again, or bring every host back with \`deploy ${s.app} rollback\`.`
          : `Fix the cause and deploy again, or bring every host back with \`deploy ${s.app} rollback\`.`,
      );
    }
  }
}
