// Build once for the fleet (README "Where releases come from"): every host lays out the release's
// files and says which environment it needs; where two or more hosts need the same new one on
// the same platform, one of them (the primary, if it is one of them) builds it while the others
// wait, and they receive it instead of running pip. Every other host builds as before, at once.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import type { Step, StepResult } from '../plan.js';
import { RemoteCommandError } from '../errors.js';
import { size } from '../printable.js';
import { sha256Of } from '../source/archive.js';
import {
  parseEnvironmentState,
  receiveEnvironment,
  sendEnvironment,
  type EnvironmentState,
} from '../steps/environment.js';
import type { Fleet, HostRun } from './fleet.js';

export interface BuildSteps {
  /** Anything the host needs first (the release archive, source = archive). */
  before?(run: HostRun): Promise<void>;
  /** The release's files, ending with the environment's state (D.buildFiles). */
  files(run: HostRun): Step;
  /** Its environment, static files and migrations (D.buildEnvironment). */
  environment(run: HostRun): Step;
  /** Each host's environment step's result, once it ran. */
  built?(run: HostRun, res: StepResult): void;
}

/** Hosts that need the same environment, not built yet, on the same platform: the first builds it. */
export function shareGroups(runs: HostRun[], states: (EnvironmentState | undefined)[], primary?: HostRun): HostRun[][] {
  const byKey = new Map<string, HostRun[]>();
  runs.forEach((run, i) => {
    const st = states[i];
    if (!st || st.complete) return;
    const key = `${st.venv} ${st.platform}`;
    byKey.set(key, [...(byKey.get(key) ?? []), run]);
  });
  return [...byKey.values()]
    .filter((g) => g.length > 1)
    .map((g) => (primary && g.includes(primary) ? [primary, ...g.filter((r) => r !== primary)] : g));
}

/** How the hosts' work runs: fleet.each, or a deploy's that may leave failing hosts behind (fleet/budget.ts). */
export type EachHost = (fn: (run: HostRun) => Promise<unknown>, runs: HostRun[]) => Promise<unknown>;

export async function buildOnce(
  fleet: Fleet,
  hosts: HostRun[],
  steps: BuildSteps,
  each: EachHost = (fn, runs) => fleet.each(fn, runs),
): Promise<void> {
  const { reporter } = fleet.session;
  const environment = (run: HostRun) => run.ex.run(steps.environment(run)).then((res) => steps.built?.(run, res));
  const found = new Map<HostRun, EnvironmentState | undefined>();
  await each(async (run) => {
    await steps.before?.(run);
    found.set(run, parseEnvironmentState((await run.ex.run(steps.files(run))).values.environment));
  }, hosts);
  const runs = hosts.filter((r) => !r.behind);
  const states = runs.map((r) => found.get(r));
  const shared = shareGroups(runs, states, fleet.primary);
  const receivers = new Set(shared.flatMap((g) => g.slice(1)));
  // The builders, and every host that has nothing to receive, at once.
  await each(
    environment,
    fleet.slowestFirst(
      runs.filter((r) => !receivers.has(r)),
      'build-env',
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'deploy-environment-'));
  try {
    for (const [n, [builder, ...others]] of shared.entries()) {
      // Its builder was left behind (max_failed_hosts): the others build their own.
      if (builder.behind) {
        await each(environment, others);
        continue;
      }
      const venv = states[runs.indexOf(builder)]!.venv;
      const file = join(dir, `environment-${n}.tar.gz`);
      const from = builder.ex.host.label;
      // The builder's release is built: if its environment cannot be fetched, the others build their own.
      const fetched = await builder.ex.run(sendEnvironment(venv, file)).then(
        () => true,
        (err: unknown) => {
          if (!(err instanceof RemoteCommandError)) throw err;
          reporter.warn(
            `could not fetch the environment from ${from} (${err.message.split('\n')[0]}): the other hosts build their own`,
          );
          return false;
        },
      );
      if (!fetched) {
        await each(environment, others);
        continue;
      }
      const archive = { file, bytes: statSync(file).size, sha256: await sha256Of(file) };
      reporter.info(
        chalk.dim(
          `  environment ${venv} built once on ${from} (${size(archive.bytes)}), sent to ${others.map((r) => r.ex.host.label).join(', ')}`,
        ),
      );
      (reporter.result.environments ??= []).push({
        venv,
        built_on: from,
        sent_to: others.map((r) => r.ex.host.label),
        sha256: archive.sha256,
        bytes: archive.bytes,
      });
      await each(async (run) => {
        await run.ex.run(receiveEnvironment(venv, archive, from));
        await environment(run);
      }, others);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
