// --dry-run: prints what would run, per host and step, and touches nothing.
// It renders through the same renderCommand as the SSH executor, so the two cannot drift.
import chalk from 'chalk';
import type { Step, StepResult } from '../plan.js';
import type { Sh } from '../shell.js';
import type { HostSpec } from '../settings/types.js';
import { remoteShell, describeCommand, type RenderContext } from '../render.js';
import type { Reporter } from '../ui/output.js';
import type { Executor, IssueListener } from './executor.js';

export class PrinterExecutor implements Executor {
  readonly dryRun = true;
  readonly roundTrips = 0;

  constructor(
    readonly host: HostSpec,
    private readonly ctx: RenderContext,
    private readonly reporter: Reporter,
    private readonly onIssue?: IssueListener,
  ) {}

  async run(step: Step): Promise<StepResult> {
    const shown = step.commands.map((c) => describeCommand(c, step, this.ctx));
    this.onIssue?.(this.host.label, step, shown);
    this.reporter.info(chalk.bold(`${this.host.label}  ${step.title}`) + chalk.dim(`  [${step.id}, via ${remoteShell(step, this.ctx)}]`));
    if (step.onlyIf) this.reporter.info(`    only if: ${step.onlyIf}`);
    for (const text of shown) this.reporter.info(text.replace(/^/gm, '    '));
    this.reporter.stepDone({ host: this.host.label, id: step.id, title: step.title, status: 'ok', durationMs: 0 }, true);
    return { step, host: this.host.label, status: 'ok', durationMs: 0, stdout: '', commands: step.commands.map((_, i) => ({ index: i + 1, stdout: '', stderr: '', changed: false, skipped: false })) };
  }

  async attach(command: Sh, tty: boolean): Promise<number> {
    this.onIssue?.(this.host.label, { id: 'run', title: 'run', privileged: false, commands: [] }, [String(command)]);
    this.reporter.info(chalk.bold(`${this.host.label}  run${tty ? ' (with a terminal)' : ''}`));
    this.reporter.info(`    ${command}`);
    return 0;
  }

  async capture(command: Sh): Promise<{ code: number; stdout: string; stderr: string }> {
    await this.attach(command, false);
    return { code: 0, stdout: '', stderr: '' };
  }

  async close(): Promise<void> {}
}
