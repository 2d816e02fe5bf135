// What the operator sees: one line per finished step, streamed remote output with -v,
// and a full log file (redacted) for reading a CI failure afterwards.
import { appendFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import type { StepResult, StepStatus } from '../plan.js';

export interface ReporterOptions {
  verbose: boolean;
  /** Where human-readable progress goes (stderr when --json owns stdout). */
  stream?: NodeJS.WriteStream;
  logFile?: string | null;
}

const SYMBOL: Record<StepStatus | 'dry', string> = { changed: '✓', ok: '=', checked: '✓', failed: '✗', dry: '·' };
const WORD: Record<StepStatus | 'dry', string> = { changed: 'done', ok: 'already done', checked: 'ok', failed: 'FAILED', dry: 'dry run' };

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function defaultLogFile(app: string, command: string): string {
  const dir = process.env.DEPLOY_LOG_DIR ?? join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'deploy', 'logs');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(dir, `${app}-${command}-${stamp}.log`);
}

export class Reporter {
  readonly verbose: boolean;
  readonly logFile: string | null;
  private readonly out: NodeJS.WriteStream;

  constructor(opts: ReporterOptions) {
    this.verbose = opts.verbose;
    this.out = opts.stream ?? process.stdout;
    this.logFile = opts.logFile ?? null;
    if (this.logFile) {
      try {
        mkdirSync(join(this.logFile, '..'), { recursive: true, mode: 0o700 });
        appendFileSync(this.logFile, `# deploy log ${new Date().toISOString()} argv: ${process.argv.slice(2).join(' ')}\n`, { mode: 0o600 });
      } catch {
        this.logFile = null;
      }
    }
  }

  /** Log file only: commands, outputs, timings (already redacted by the caller). */
  log(text: string): void {
    if (!this.logFile) return;
    try {
      const at = `[${(performance.now() / 1000).toFixed(3)}] `;
      appendFileSync(this.logFile, at + (text.endsWith('\n') ? text : `${text}\n`));
    } catch {
      /* a full disk must not break a deploy */
    }
  }

  info(text: string): void {
    this.out.write(`${text}\n`);
    this.log(text);
  }

  warn(text: string): void {
    this.out.write(`${chalk.yellow(text)}\n`);
    this.log(`WARNING ${text}`);
  }

  /** A remote output line, shown with -v. */
  remote(host: string, text: string, isErr = false): void {
    this.log(`${host} ${isErr ? '!' : '|'} ${text}`);
    if (this.verbose) this.out.write(`${chalk.dim(`${host} ${isErr ? '!' : '|'}`)} ${text}\n`);
  }

  /** A remote command as it starts, shown with -v. */
  command(host: string, text: string): void {
    this.log(`${host} $ ${text}`);
    if (this.verbose) this.out.write(`${chalk.cyan(`${host} $`)} ${text}\n`);
  }

  stepDone(result: Pick<StepResult, 'host' | 'status' | 'durationMs'> & { title: string }, dry = false): void {
    const status = dry ? 'dry' : result.status;
    const colour = status === 'failed' ? chalk.red : status === 'changed' ? chalk.green : chalk.dim;
    const line = `${colour(SYMBOL[status])} ${result.host}  ${result.title}  ${chalk.dim(`${WORD[status]}${dry ? '' : `, ${formatMs(result.durationMs)}`}`)}`;
    this.out.write(`${line}\n`);
    this.log(`${SYMBOL[status]} ${result.host} ${result.title} ${WORD[status]} ${formatMs(result.durationMs)}`);
  }
}
