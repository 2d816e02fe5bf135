// Making a built release live across the fleet. Web hosts start it in their idle slot and
// prove it answers before any traffic moves. Without batch_size every web host switches at
// once; with it, batch by batch, each batch checked through its nginx before the next
// switches (a batch that fails goes back, and the rollout stops). Worker hosts point
// `current` at it last. Run-once commands (migrate on a shared database, [RUN_ONCE]) run on
// the fleet's primary before anything switches, also when --hosts leaves the primary out.
import { DeployError, RemoteCommandError } from '../errors.js';
import type { Slot } from '../layout.js';
import type { Step } from '../plan.js';
import type { Settings } from '../settings/types.js';
import type { HookName } from '../settings/schema.js';
import {
  activateWorker,
  appendDeployLog,
  finishSwitch,
  revertBatch,
  runOnce,
  startAndSwitch,
  startNew,
  switchBatch,
  switchOver,
  type GoLive,
} from '../steps/deploy.js';
import { hook } from '../steps/hooks.js';
import { otherSlot } from '../steps/slots.js';
import { runsProcesses } from '../steps/processes.js';
import type { RunState } from './run-state.js';
import { failedOn, isWeb, type Fleet, type HostRun } from './fleet.js';
import { eachOrLeaveBehind } from './budget.js';
import { hostsText } from './select.js';
import { hostsOf } from '../settings/hosts.js';
import type { HostShare } from '../settings/types.js';
import { canaryVerdict, canaryWatch, parseWatch } from '../steps/canary.js';

/** Exit status of a run whose release went live everywhere it switched, but whose after_switch (or after_rollback) hook failed somewhere. */
export const HOOK_FAILED_STATUS = 5;

/** The canary's watch found it worse than the release before it: it goes back, the run stops. */
export class CanaryError extends DeployError {}

/** The release is live and the run finished (lock released, old slots stopped); the operator's hook after the switch failed on some hosts. */
export class HookFailedError extends DeployError {
  exitCode = HOOK_FAILED_STATUS;
}

/** The web hosts in batches of batch_size (a count or a percentage, at least one host each). */
export function batches<T>(hosts: T[], size: HostShare | undefined): T[][] {
  if (!size || !hosts.length) return [hosts];
  const n = hostsOf(size, hosts.length, 1);
  const out: T[][] = [];
  for (let i = 0; i < hosts.length; i += n) out.push(hosts.slice(i, i + n));
  return out;
}

/** migrate on a shared database and [RUN_ONCE], once, on the fleet's primary (in the run or locked from outside it), in the new release. */
export async function runOnceOnPrimary(fleet: Fleet, release: string): Promise<void> {
  const st = runOnce(fleet.settings, release);
  if (!st.commands.length) return;
  const primary = fleet.primary;
  // Connect with withPrimary makes sure it is there; a run without the primary must not run them elsewhere.
  if (!primary)
    throw new DeployError(
      `the primary (${fleet.settings.primary}) is not connected: run-once commands run nowhere else`,
    );
  if (primary.outside)
    fleet.session.reporter.info(
      `${primary.ex.host.label} (the primary, not in --hosts) runs the run-once work in ${release}; it keeps serving its release`,
    );
  // Outside fleet.each: its failure (or its lost connection) is marked here, for the table.
  await primary.ex.run(st).catch(failedOn(primary));
}

/** The hook that follows a switch of this kind, if any. */
function afterHook(kind: GoLive['kind']): HookName | undefined {
  return kind === 'deploy' ? 'after_switch' : kind === 'rollback' ? 'after_rollback' : undefined;
}

/**
 * Runs a step that switches (or finishes a switch) and ends with the hook after the switch. The
 * hook runs once: when it fails, the rest of the step (prune, the lock, the log) still runs, the
 * host counts as switched, and the failure is kept for the end of the run (HookFailedError).
 */
export async function runSwitching(fleet: Fleet, run: HostRun, st: Step, g: GoLive): Promise<void> {
  const s = fleet.settings;
  const name = afterHook(g.kind);
  const cmd = name ? hook(s, name, g.release, { primary: g.primary })[0] : undefined;
  const at = cmd ? st.commands.findIndex((c) => String(c.run) === String(cmd.run)) + 1 : 0;
  try {
    await run.ex.run(st);
    if (at) run.hookRan = true;
  } catch (err) {
    if (!at || !(err instanceof RemoteCommandError) || err.index === undefined || err.index < at) throw err;
    run.hookRan = true;
    if (err.index > at) throw err;
    run.hookFailed = err;
    // What the step had left after the hook, its log line saying what failed.
    const ok = String(appendDeployLog(s, { ...g.log, result: 'ok' }).run);
    const rest = st.commands
      .slice(at)
      .map((c) =>
        String(c.run) === ok
          ? appendDeployLog(s, { ...g.log, result: `ok, but ${name} failed (exit status ${err.status})` })
          : c,
      );
    await run.ex.run({ ...st, id: 'after-hook-failed', title: `finish the switch (${name} failed)`, commands: rest });
  }
}

/** The settings without the hook after this kind of switch: for finishing a switch whose hook already ran. */
export function withoutHook(s: Settings, kind: GoLive['kind']): Settings {
  const name = afterHook(kind);
  return name ? { ...s, hooks: { ...s.hooks, [name]: undefined } } : s;
}

export async function goLive(
  fleet: Fleet,
  g: {
    release: string;
    liveSlots: Slot[];
    state: RunState;
    kind?: GoLive['kind'];
    processes?: boolean;
    /** A rollback's hosts whose idle slot still runs the release (keep_previous_slot). */
    warm?: (run: HostRun) => boolean;
  },
): Promise<void> {
  const s = fleet.settings;
  const { lock, log, prune } = g.state;
  fleet.runs.forEach((run, i) => {
    run.target = g.release;
    if (isWeb(run)) run.started = otherSlot(g.liveSlots[i]);
  });
  log.duration_s = Math.round((performance.now() - fleet.session.started) / 100) / 10;
  const primary = fleet.primary;
  const kind = g.kind ?? 'deploy';
  const plan = (run: HostRun): GoLive => ({
    release: g.release,
    slot: run.started ?? 'a',
    token: lock.token,
    log,
    prune,
    kind,
    processes: g.processes !== false && runsProcesses(s, run.ex.host),
    programs: runsProcesses(s, run.ex.host),
    primary: run === primary,
    page: run.page,
    warm: g.warm?.(run),
  });
  const { web, workers } = fleet;
  // A deploy may leave hosts whose new slot fails behind (max_failed_hosts); a rollback or restart goes everywhere or nowhere.
  const start = (batch: HostRun[]) => {
    const fn = (run: HostRun) => run.ex.run(startNew(s, g.release, run.started!, plan(run)));
    const runs = fleet.slowestFirst(batch, 'start');
    return kind === 'deploy' ? eachOrLeaveBehind(fleet, g.state, 'health check', fn, runs) : fleet.each(fn, runs);
  };
  const switched = (run: HostRun) => {
    run.locked = false;
    run.switched = true;
  };
  const name = afterHook(kind);
  if (primary?.outside && name && s.hooks[name]?.once)
    fleet.session.reporter.info(
      `${name} runs on the primary only (run_once), and the primary (${primary.ex.host.label}) does not switch in this run: it does not run`,
    );

  // One web host: start, health check, last stop point and switch in one script.
  if (fleet.runs.length === 1 && web.length === 1) {
    const [run] = web;
    await runSwitching(fleet, run, startAndSwitch(s, plan(run)), plan(run));
    switched(run);
    return hookFailures(fleet, g.release, name);
  }
  // A deploy's canary goes live first, alone, and is watched (a fleet's; one web host has no one to follow it).
  const canary = kind === 'deploy' && web.length > 1 ? s.canary : undefined;
  const groups = canary ? canaryFirst(web, canary.hosts, s.batchSize) : batches(web, s.batchSize);
  if (groups.length <= 1 && !canary) {
    await start(web);
    // The fleet's last stop point: past it, every host switches.
    g.state.guard.check();
    g.state.switching = true;
    await fleet.each(async (run) => {
      await runSwitching(fleet, run, isWeb(run) ? switchOver(s, plan(run)) : activateWorker(s, plan(run)), plan(run));
      switched(run);
    });
    return hookFailures(fleet, g.release, name);
  }
  await rollOut(fleet, groups, plan, g.state, start, canary);
  g.state.switching = true;
  await fleet.each(
    async (run) => {
      await runSwitching(fleet, run, isWeb(run) ? finishSwitch(s, plan(run)) : activateWorker(s, plan(run)), plan(run));
      switched(run);
    },
    [...web, ...workers].filter((r) => !r.behind),
  );
  return hookFailures(fleet, g.release, name);
}

/** The canary hosts (at least one), then the others in batches of batch_size (all at once without). */
export function canaryFirst<T>(web: T[], canary: HostShare, size: HostShare | undefined): T[][] {
  const n = hostsOf(canary, web.length, 1);
  const rest = web.slice(n);
  return rest.length ? [web.slice(0, n), ...batches(rest, size)] : [web.slice(0, n)];
}

/** The canary is live: each host watched at once, then judged together; one that does not pass throws. */
async function watchCanary(fleet: Fleet, runs: HostRun[], canary: NonNullable<Settings['canary']>): Promise<void> {
  const { reporter } = fleet.session;
  const names = runs.map((r) => r.ex.host.label).join(', ');
  reporter.info(`canary ${names}: live; watching it for ${canary.waitS} s before the other hosts follow`);
  const results = await fleet.each(
    (run) => run.ex.run(canaryWatch(fleet.settings, canary.waitS, run.switchedAt ?? '')),
    runs,
  );
  const watched = results.flatMap((res, i) => parseWatch(runs[i].ex.host.label, res) ?? []);
  if (watched.length < runs.length) return;
  const verdict = canaryVerdict(watched, canary.max5xxPercent);
  if (!verdict.ok) throw new CanaryError(verdict.text);
  reporter.info(`canary passed: ${verdict.text}`);
}

/** Every host finished its switch; the hook failed on some: said once, for all of them. */
function hookFailures(fleet: Fleet, release: string, name: HookName | undefined): void {
  const failed = fleet.runs.filter((r) => r.hookFailed);
  if (!failed.length || !name) return;
  const s = fleet.settings;
  for (const r of failed)
    r.outcome = `ok, but ${name} failed (exit status ${(r.hookFailed as RemoteCommandError).status})`;
  const where = failed.map((r) => r.ex.host.label).join(', ');
  throw new HookFailedError(
    `${release} is live${fleet.runs.length > 1 ? ` on ${fleet.runs.map((r) => r.ex.host.label).join(', ')}` : ''}, but the ${name} hook failed on ${where}: ${(failed[0].hookFailed as RemoteCommandError).stderr.trim().split('\n').at(-1) ?? ''}`,
    `The ${name === 'after_switch' ? 'deploy' : 'rollback'} itself is done (the release serves, locks are released, old slots stopped); the hook's output is above. Fix the hook, and run its command by hand where it failed (\`deploy ${s.app} run --host HOST -- …\`).`,
  );
}

/**
 * Batch by batch: start, switch, check through nginx. Old slots keep running until the
 * rollout is over, so a batch that fails goes back at once; then the rollout stops, and the
 * error says which hosts serve which release.
 */
async function rollOut(
  fleet: Fleet,
  groups: HostRun[][],
  plan: (run: HostRun) => GoLive,
  state: RunState,
  start: (runs: HostRun[]) => Promise<unknown>,
  canary?: Settings['canary'],
): Promise<void> {
  const s = fleet.settings;
  for (const [i, batch] of groups.entries()) {
    state.guard.check();
    const names = batch.map((r) => r.ex.host.label).join(', ');
    const watched = i === 0 && canary;
    const shown = hostsText(batch.map((r) => r.ex.host));
    fleet.session.reporter.info(watched ? `canary: ${shown}` : `batch ${i + 1} of ${groups.length}: ${shown}`);
    try {
      await start(batch);
      state.guard.check();
      await fleet.each(
        async (run) => {
          run.switchedAt = (await run.ex.run(switchBatch(s, plan(run)))).values.switched_at;
          run.switched = true;
        },
        batch.filter((r) => !r.behind),
      );
      if (watched)
        await watchCanary(
          fleet,
          batch.filter((r) => !r.behind),
          canary,
        );
      state.guard.check();
    } catch (err) {
      // This batch goes back where it switched; the slots this run started there stop in the clean-up.
      await Promise.allSettled(
        batch
          .filter((r) => r.switched)
          .map((r) =>
            r.ex.run(revertBatch(s, otherSlot(r.started!))).then(() => {
              r.switched = false;
              r.outcome = `back on its previous release (${watched ? 'the canary did not pass' : 'its batch failed'})`;
            }),
          ),
      );
      const where = watched ? 'the canary did not pass' : `the rollout stopped at batch ${i + 1}`;
      for (const later of groups.slice(i + 1).flat()) later.outcome = `not reached (${where})`;
      for (const w of fleet.workers) w.outcome = `not switched (${where})`;
      // A host whose connection was lost may have switched or not: it is not counted as either.
      const switched = fleet.runs.filter((r) => r.switched && !r.lost).map((r) => r.ex.host.label);
      const rest = fleet.runs.filter((r) => !r.switched && !r.lost).map((r) => r.ex.host.label);
      const lost = fleet.runs.filter((r) => r.lost).map((r) => r.ex.host.label);
      // The failing host's own words (a RemoteCommandError's stderr tail) say why: they stay.
      const why = (err as Error).message;
      throw new DeployError(
        `${watched ? `the canary (${names}) did not pass, it went back` : `the rollout stopped at batch ${i + 1} of ${groups.length} (${names})`}: ${why}\n  ${plan(batch[0]).release} is live on: ${switched.join(', ') || 'no host'}\n  the previous release is live on: ${rest.join(', ') || 'no host'}${lost.length ? `\n  unknown (unreachable): ${lost.join(', ')}` : ''}`,
        lost.length
          ? `Once ${lost.join(', ')} answer${lost.length === 1 ? 's' : ''} again: \`deploy ${s.app} unlock\`, then deploy again, or bring every host back with \`deploy ${s.app} rollback\`.`
          : `Fix the cause and deploy again, or bring every host back with \`deploy ${s.app} rollback\`.`,
      );
    }
  }
}
