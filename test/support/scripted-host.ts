// Hosts that follow a script instead of a server: the fleet engine's unit test and the fleet
// simulator (bench/simulate.ts) drive the real engine (src/fleet/, the commands, the reporter)
// with them. Each reports its steps as the SSH executor does, so the lines, the board and the
// summary come from the same calls; with `render` it also does the controller's own work per
// step (the script rendered, each command described and logged), so that its cost is measured.
import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteCommandError } from '../../src/errors.ts';
import type { Executor } from '../../src/exec/executor.ts';
import type { Step, StepResult } from '../../src/plan.ts';
import { describeCommand, renderScript, type RenderContext } from '../../src/render.ts';
import type { HostSpec } from '../../src/settings/types.ts';
import type { Sh } from '../../src/shell.ts';
import { currentReporter } from '../../src/ui/output.ts';

/** What a scripted host does for a step: fail it, wait for something first, take its time, or answer these values. */
export interface Behaviour {
  /** index: which command fails (1-based), or a function of the step's commands (their code) finding it. */
  fail?: { index: number | ((commands: string[]) => number); status: number; stderr?: string };
  before?: () => Promise<void>;
  values?: Record<string, string>;
  /** How long the step takes (the server's work and the round trip), in ms. */
  latencyMs?: number;
  /** What the step prints, line by line (logged as a host's output is). */
  output?: string[];
}

export const COMMIT = 'a'.repeat(40);
export const LIVE_RELEASE = '20261124T000000-bbbbbbbb';

/** What a host says by default: a set-up host serving LIVE_RELEASE in slot a. */
export const DEFAULT_VALUES: Record<string, Record<string, string>> = {
  prepare: {
    resolved: `${COMMIT} branch main`,
    live_slot: 'a',
    live_release: `{"release":"${LIVE_RELEASE}","commit":"${'b'.repeat(40)}"}\nchanged`,
    repaired: '',
  },
  abandon: { live: `live a ${LIVE_RELEASE}` },
  abort: { decision: 'stopping' },
};

export class ScriptedHost implements Executor {
  readonly dryRun = false;
  roundTrips = 0;
  readonly steps: string[] = [];
  /** Each step's commands (their code, as the dry run shows it). */
  readonly scripts: string[][] = [];
  constructor(
    readonly host: HostSpec,
    private readonly script: (stepId: string) => Behaviour,
    /** Render and log each step as the SSH executor does (the simulator: the controller's work per step). */
    private readonly render?: RenderContext,
  ) {}

  async run(step: Step): Promise<StepResult> {
    const label = this.host.label;
    const reporter = currentReporter;
    // A fleet builds in two steps (files, then environment: fleet/build-once.ts), one phase here.
    const code = step.commands.map((c) => String(c.run));
    if (step.id !== 'build-env') this.steps.push(step.id), this.scripts.push(code);
    this.roundTrips++;
    const b = this.script(step.id);
    const shown = this.render ? step.commands.map((c) => describeCommand(c, step, this.render!)) : [];
    if (this.render) {
      reporter?.log(`--- ${label} step ${step.id}: ${step.title}`);
      renderScript(step, this.render, true);
    }
    // Reported as the SSH executor reports them: the lines and the summary come from these.
    reporter?.stepStart(label, step.title);
    const started = performance.now();
    await b.before?.();
    if (b.latencyMs) await sleep(b.latencyMs);
    for (const c of shown) reporter?.command(label, c);
    for (const line of b.output ?? []) reporter?.remote(label, line);
    const done = (status: 'changed' | 'failed') =>
      reporter?.stepDone({
        host: label,
        id: step.id,
        title: step.title,
        status,
        durationMs: b.latencyMs ? performance.now() - started : 1,
      });
    if (b.fail) {
      const index = typeof b.fail.index === 'number' ? b.fail.index : b.fail.index(code);
      done('failed');
      throw new RemoteCommandError(label, step.title, `command ${index}`, b.fail.status, b.fail.stderr ?? '', index);
    }
    done('changed');
    return {
      step,
      host: label,
      status: 'changed',
      durationMs: 1,
      stdout: '',
      commands: [],
      values: { ...DEFAULT_VALUES[step.id], ...b.values },
    };
  }

  async attach(_c: Sh): Promise<number> {
    return 0;
  }

  async capture(): Promise<{ code: number; stdout: string; stderr: string }> {
    return { code: 0, stdout: '', stderr: '' };
  }

  async close(): Promise<void> {}
}
