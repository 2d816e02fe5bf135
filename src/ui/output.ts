// What the operator sees: one line per finished step and host, a spinner while steps
// run (on a terminal), streamed remote output with -v, a summary, a JSON result with
// --json, and always a full log file (redacted, timed) for reading a CI failure afterwards,
// with each host's part of it in a file of its own when there are several (host-logs.ts).
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import type { StepStatus } from '../plan.js';
import { formatMs } from './format.js';
import { Board } from './board.js';
import { HostLogs } from './host-logs.js';
import { hostTable } from './table.js';
import { terminalSafe } from '../printable.js';

export interface ReporterOptions {
  verbose: boolean;
  json?: boolean;
  logFile?: string | null;
}

const SYMBOL: Record<StepStatus | 'dry', string> = { changed: '✓', ok: '=', checked: '✓', failed: '✗', dry: '·' };
const WORD: Record<StepStatus | 'dry', string> = {
  changed: 'done',
  ok: 'already done',
  checked: 'ok',
  failed: 'FAILED',
  dry: 'dry run',
};

export { formatMs };

/** What this machine keeps between runs (logs, host-times): $XDG_STATE_HOME/deploy. */
export function stateDir(): string {
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'deploy');
}

export function defaultLogFile(app: string, command: string): string {
  const dir = process.env.DEPLOY_LOG_DIR ?? join(stateDir(), 'logs');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(dir, `${app}-${command}-${stamp}.log`);
}

export interface StepRecord {
  id: string;
  title: string;
  status: StepStatus;
  duration_ms: number;
}

export interface HostResult {
  steps: StepRecord[];
  [data: string]: unknown;
}

/** The machine-readable result (--json), filled in as the run goes. */
export interface RunResult {
  command: string;
  app: string;
  ok: boolean;
  dry_run: boolean;
  release?: string;
  /** source = archive: the archive sent to every host. */
  archive?: { sha256: string; bytes: number };
  /** Environments built once and sent to the other hosts instead of each running pip (fleet/build-once.ts). */
  environments?: { venv: string; built_on: string; sent_to: string[]; sha256: string; bytes: number }[];
  duration_ms?: number;
  log?: string | null;
  /** Several hosts: the directory of each host's own log (<host>.log). */
  host_logs?: string;
  /** history: the runs recorded on the servers, merged, newest first. */
  history?: import('../history.js').HistoryRow[];
  /** deploy and rollback: what moves, per host, shown before traffic does (fleet/changes.ts). */
  changes?: {
    kind: 'deploy' | 'rollback';
    release: string;
    hosts: Record<string, import('../steps/changes.js').HostChanges | import('../steps/changes.js').Leaving>;
  };
  /** status: the fleet runs more than one release: each release and the hosts that run it. */
  drift?: Record<string, string[]>;
  /** Per host: the steps run, and the command's data (status, releases, logs, run's output). */
  hosts: Record<string, HostResult>;
  error?: {
    message: string;
    exit_status: number;
    host?: string;
    step?: string;
    command?: string;
    remote_status?: number;
  };
}

interface Spinner {
  text: string;
  start(): Spinner;
  clear(): Spinner;
  stop(): Spinner;
}

/** The reporter of the run under way, so the CLI's error handler can finish its JSON. */
export let currentReporter: Reporter | undefined;

export class Reporter {
  readonly verbose: boolean;
  readonly json: boolean;
  logFile: string | null;
  /** The log file, open for the run: one write per line, not an open and a close as well. */
  private logFd?: number;
  /** Several hosts: each one's lines also in a file of its own. */
  private hostLogs?: HostLogs;
  readonly result: RunResult;
  private readonly out: NodeJS.WriteStream;
  private readonly running = new Map<string, { title: string; started: number }>();
  private spinner?: Spinner;
  private spinnerLoading?: Promise<void>;
  private ticker?: NodeJS.Timeout;
  /** Several hosts on a terminal: one live line each. */
  private board?: Board;
  /** Each host's roles, for the summary table. */
  private roles = new Map<string, string[]>();
  /** Finished steps not shown yet (holdSteps): shown, or dropped, once the caller knows what they were. */
  private held?: { record: StepRecord & { host: string }; line: string }[];

  constructor(opts: ReporterOptions & { command: string; app: string; dryRun?: boolean }) {
    this.verbose = opts.verbose;
    this.json = !!opts.json;
    // With --json, stdout carries only the JSON document; people read stderr.
    this.out = this.json ? process.stderr : process.stdout;
    this.logFile = opts.logFile ?? null;
    this.result = {
      command: opts.command,
      app: opts.app,
      ok: false,
      dry_run: !!opts.dryRun,
      hosts: {},
      log: this.logFile,
    };
    // The run before this one in the same process (tests) is over: its log is closed.
    currentReporter?.closeLog();
    if (this.logFile) {
      try {
        mkdirSync(join(this.logFile, '..'), { recursive: true, mode: 0o700 });
        this.writeLog(`# deploy ${process.argv.slice(2).join(' ')}  (${new Date().toISOString()})\n`);
      } catch {
        this.logFile = null;
        this.result.log = null;
      }
    }
    currentReporter = this;
  }

  private writeLog(text: string): void {
    this.logFd ??= openSync(this.logFile!, 'a', 0o600);
    writeSync(this.logFd, text);
  }

  /** The log file is closed (the run is over); a line logged later opens it again. */
  closeLog(): void {
    this.hostLogs?.close();
    if (this.logFd === undefined) return;
    try {
      closeSync(this.logFd);
    } catch {
      /* already closed */
    }
    this.logFd = undefined;
  }

  /**
   * Log file only: commands, outputs, timings (already redacted by the caller). A line of one of
   * the run's hosts (`host` given, or the line starts with its name) also goes to its own log.
   */
  log(text: string, host?: string): void {
    if (!this.logFile) return;
    const line = `[${(performance.now() / 1000).toFixed(3)}] ${text.endsWith('\n') ? text : `${text}\n`}`;
    try {
      this.writeLog(line);
    } catch {
      /* a full disk must not break a deploy */
    }
    if (this.hostLogs) {
      const of = host ?? hostNamed(text);
      if (of !== undefined) this.hostLogs.line(of, line);
    }
  }

  /** The run's hosts: with several on a terminal, a live board replaces the step lines. Roles are known for every host of the fleet (a run may lock one --hosts left out). */
  useHosts(
    hosts: { label: string; roles: string[] }[],
    fleet: { label: string; roles: string[] }[],
    board: boolean,
  ): void {
    this.roles = new Map([...fleet, ...hosts].map((h) => [h.label, h.roles]));
    if (this.logFile && hosts.length > 1) {
      this.hostLogs = new HostLogs(
        this.logFile,
        hosts.map((h) => h.label),
      );
      this.result.host_logs = this.hostLogs.dir;
    }
    if (board && hosts.length > 1 && this.out.isTTY && !this.verbose && !this.json)
      this.board = new Board(
        this.out,
        hosts.map((h) => h.label),
      );
  }

  /** A line for the operator, printed above the spinner (or the board). */
  private print(text: string): void {
    if (this.board) return this.board.print(text);
    this.spinner?.clear();
    this.out.write(`${text}\n`);
  }

  info(text: string): void {
    this.print(text);
    this.log(text);
  }

  warn(text: string): void {
    this.print(chalk.yellow(text));
    this.log(`WARNING ${text}`);
  }

  /** A remote output line: shown with -v (or when streaming), always logged; its control characters escaped. */
  remote(host: string, line: string, isErr = false, show = this.verbose): void {
    const text = terminalSafe(line);
    this.log(`${host} ${isErr ? '!' : '|'} ${text}`, host);
    if (show) this.print(`${chalk.dim(`${host} ${isErr ? '!' : '|'}`)} ${text}`);
  }

  /** A remote command as it starts, shown with -v. */
  command(host: string, text: string): void {
    this.log(`${host} $ ${text}`, host);
    if (this.verbose) this.print(`${chalk.cyan(`${host} $`)} ${text}`);
  }

  stepStart(host: string, title: string): void {
    this.running.set(`${host}\0${title}`, { title: `${host}  ${title}`, started: performance.now() });
    if (this.board) return this.board.start(host, title);
    // yocto-spinner draws in place only on a terminal outside CI; elsewhere each frame would be a line.
    if (this.verbose || !this.out.isTTY || 'CI' in process.env || this.json) return;
    this.spinnerLoading ??= import('yocto-spinner').then(({ default: yoctoSpinner }) => {
      // Signals are ours: a deploy interrupted by Ctrl-C must clean up, not exit at once.
      this.spinner = yoctoSpinner({ text: '', stream: this.out, handleSignals: false }) as unknown as Spinner;
      process.once('exit', () => this.spinner?.stop());
      this.ticker = setInterval(() => this.updateSpinner(), 100);
      this.ticker.unref();
      this.updateSpinner();
    });
  }

  private updateSpinner(): void {
    if (!this.spinner) return;
    if (!this.running.size) {
      this.spinner.stop();
      return;
    }
    const now = performance.now();
    this.spinner.text = [...this.running.values()]
      .map((r) => `${r.title}  ${chalk.dim(formatMs(now - r.started))}`)
      .join(chalk.dim('  |  '));
    this.spinner.start();
  }

  /** A command's data for one host, for --json (status, releases, logs, run). */
  hostData(host: string, key: string, value: unknown): void {
    (this.result.hosts[host] ??= { steps: [] })[key] = value;
  }

  stepDone(r: { host: string; id: string; title: string; status: StepStatus; durationMs: number }, dry = false): void {
    this.running.delete(`${r.host}\0${r.title}`);
    const status = dry ? 'dry' : r.status;
    const record = { id: r.id, title: r.title, status: r.status, duration_ms: Math.round(r.durationMs) };
    const colour = status === 'failed' ? chalk.red : status === 'changed' ? chalk.green : chalk.dim;
    const took = chalk.dim(`${WORD[status]}, ${formatMs(r.durationMs)}`);
    const line = `${colour(SYMBOL[status])} ${r.host}  ${r.title}  ${took}`;
    if (!dry) {
      this.log(`${SYMBOL[status]} ${r.host} ${r.title} ${WORD[status]} ${formatMs(r.durationMs)}`, r.host);
      this.hostLogs?.flush(r.host);
    }
    if (this.held && !dry) {
      this.held.push({ record: { ...record, host: r.host }, line });
      return;
    }
    this.show(r.host, record, line, dry);
  }

  private show(host: string, record: StepRecord, line: string, dry = false): void {
    (this.result.hosts[host] ??= { steps: [] }).steps.push(record);
    if (dry) return;
    if (this.board) {
      this.board.done(host, record.title, record.status === 'failed', record.duration_ms);
      if (record.status === 'failed') this.print(line);
      return;
    }
    this.print(line);
    this.updateSpinner();
  }

  /**
   * Steps finish without being shown until flushHeld() or dropHeld(): a step that may only have
   * met another run's lock (--lock-wait) is not a failure, and an attempt that gives its locks
   * back again is not news. The log file still gets every line.
   */
  holdSteps(): void {
    this.held ??= [];
  }

  /** The held steps happened as they are: shown and recorded. */
  flushHeld(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const h of held) this.show(h.record.host, h.record, h.line);
  }

  /** The held steps were an attempt that waits for a lock: not shown (the caller says it waits); the board shows the hosts held by another run as waiting. */
  dropHeld(waiting: Map<string, string>): void {
    this.held = undefined;
    for (const host of waiting.keys()) this.board?.start(host, 'waiting for the lock');
  }

  /** End of run: a table of the hosts when there are several, the total, the log path. */
  finish(summary: string, ok: boolean, startedAt: number): void {
    this.stopSpinner();
    this.result.ok = ok;
    this.result.duration_ms = Math.round(performance.now() - startedAt);
    if (Object.keys(this.result.hosts).length > 1) this.table(false);
    this.print(chalk.bold(`${summary} in ${formatMs(this.result.duration_ms)}`));
    if (this.logFile) this.print(chalk.dim(`log: ${this.logFile}`));
    this.sayHostLogs();
    this.closeLog();
  }

  /** Where each host's own log is, once there is one. */
  private sayHostLogs(): void {
    this.hostLogs?.flush();
    if (this.hostLogs?.written) this.print(chalk.dim(`each host's log: ${this.hostLogs.dir}/`));
  }

  stopSpinner(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.spinner?.stop();
    this.board?.stop();
    this.board = undefined;
  }

  /**
   * host, role, release, result, time: a row per host, or with many, a block per result (table.ts).
   * atEnd: nothing follows it but the error (the CLI's), so it says where each host's log is.
   */
  table(atEnd = true): void {
    this.stopSpinner();
    // In the fleet's order, whichever host answered first.
    const order = new Map([...this.roles.keys()].map((h, i) => [h, i]));
    const at = (host: string) => order.get(host) ?? order.size;
    const rows = Object.entries(this.result.hosts)
      .sort(([a], [b]) => at(a) - at(b))
      .map(([host, h]) => {
        const failed = h.steps.find((s) => s.status === 'failed');
        const result = typeof h.result === 'string' ? h.result : failed ? `failed at "${failed.title}"` : 'ok';
        // What the host said it serves; never the run's release just because the run had one.
        const release = typeof h.release === 'string' ? h.release : '';
        const ms = h.steps.reduce((n, s) => n + s.duration_ms, 0);
        return { host, role: (this.roles.get(host) ?? []).join(','), release, result, ms };
      });
    // Not a terminal (CI's log): wrapped as on a wide one.
    for (const line of hostTable(rows, this.out.columns || 100)) this.print(line);
    if (atEnd) this.sayHostLogs();
  }

  /** --json: the result document on stdout. */
  emitJson(): void {
    process.stdout.write(`${JSON.stringify(this.result, null, 2)}\n`);
  }
}

/** The host a log line is about, when it starts with one's name (`--- host step …`, `host: …`). */
function hostNamed(text: string): string | undefined {
  const m = /^(?:--- |connecting to |connected to |WARNING )?(\S+)/.exec(text);
  return m ? m[1].replace(/:$/, '') : undefined;
}
