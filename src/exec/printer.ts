// --dry-run: prints what would run, per host and step, and touches nothing.
// It renders the same script as the SSH executor (renderScript), so the two cannot drift.
import chalk from 'chalk';
import type { Step, StepResult } from '../plan.js';
import type { Sh } from '../shell.js';
import type { HostSpec } from '../settings/types.js';
import { PRELUDE, remoteShell, describeCommand, renderScript, renderStepBody, type RenderContext } from '../render.js';
import { LIBRARY_TEXT } from '../library.js';
import type { Reporter } from '../ui/output.js';
import { size } from '../printable.js';
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

  private preludeShown = false;

  /**
   * Renders the very script the SSH executor would send (secrets redacted): a plan the renderer
   * rejects fails here too. Shows each command's description; with -v the whole script.
   */
  async run(step: Step): Promise<StepResult> {
    const script = renderScript(step, this.ctx, false);
    this.onIssue?.(this.host.label, step, script);
    this.reporter.info(
      chalk.bold(`${this.host.label}  ${step.title}`) + chalk.dim(`  [${step.id}, via ${remoteShell(step, this.ctx)}]`),
    );
    if (step.upload)
      this.reporter.info(
        `    sends ${step.upload.file} (${size(step.upload.bytes)}, sha256 ${step.upload.sha256}) over this host's SSH connection to the command's standard input`,
      );
    if (step.download)
      this.reporter.info(
        `    receives the command's standard output over this host's SSH connection into ${step.download}`,
      );
    if (this.reporter.verbose) {
      if (!this.preludeShown)
        this.reporter.info(
          chalk.dim(
            `# every script starts with this (remote/markers.sh, remote/prelude.sh):\n${PRELUDE}\n# then the functions of remote/lib/ it calls, of these:\n${LIBRARY_TEXT}`,
          ),
        );
      this.preludeShown = true;
      this.reporter.info(renderStepBody(step, this.ctx, false, 'named').replace(/^/gm, '    '));
    } else {
      if (step.onlyIf) this.reporter.info(`    only if: ${step.onlyIf}`);
      for (const c of step.commands) this.reporter.info(describeCommand(c, step, this.ctx).replace(/^/gm, '    '));
    }
    this.reporter.stepDone(
      { host: this.host.label, id: step.id, title: step.title, status: 'ok', durationMs: 0 },
      true,
    );
    const values = Object.fromEntries(step.commands.flatMap((c) => (c.name ? [[c.name, `<${c.name}>`]] : [])));
    return {
      step,
      host: this.host.label,
      status: 'ok',
      durationMs: 0,
      stdout: '',
      commands: step.commands.map((_, i) => ({ index: i + 1, stdout: '', stderr: '', changed: false, skipped: false })),
      values,
    };
  }

  async attach(command: Sh, tty: boolean): Promise<number> {
    this.onIssue?.(this.host.label, { id: 'run', title: 'run', privileged: false, commands: [] }, String(command));
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
