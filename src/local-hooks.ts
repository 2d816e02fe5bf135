// [LOCAL_HOOKS]: the operator's shell commands, run on this machine (never on the servers) around
// a deploy or a rollback. before_deploy and before_rollback run before any host is connected to,
// and their failure stops the command with nothing touched (exit LOCAL_HOOK_FAILED); after_deploy,
// after_rollback and after_failure report, and their failure is a warning. What a hook gets is
// planned by pure functions (facts → summary, the JSON file; hookEnv, its environment);
// runLocalHook runs one; LocalHooks is what the commands call (docs/operations.md "Local hooks").
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import chalk from 'chalk';
import { DeployError, EXIT } from './errors.js';
import { InterruptedError, SIGNALS } from './interrupt.js';
import { operator } from './operator.js';
import { terminalSafe } from './printable.js';
import { quote } from './shell.js';
import { formatMs } from './ui/format.js';
import { HOOK_FAILED_STATUS } from './fleet/golive.js';
import { LEFT_BEHIND_STATUS } from './fleet/budget.js';
import { ALREADY_LIVE, NOT_SWITCHED } from './fleet/cleanup.js';
import type { Session } from './session.js';
import type { LocalHookName } from './settings/schema.js';
import type { Settings } from './settings/types.js';
import type { ReleaseInfo } from './steps/deploy.js';

export type LocalCommand = 'deploy' | 'rollback';

/**
 * DEPLOY_RESULT: empty before the run; after it, ok, nothing to do, partial (the release went
 * live but the command exits 5, a server hook failed, or 6, hosts were left behind) or failed.
 */
export type RunOutcome = '' | 'ok' | 'nothing to do' | 'partial' | 'failed';

/** What the run knows at a hook's time; what it does not know yet is empty (null in the JSON). */
export interface HookFacts {
  app: string;
  command: LocalCommand;
  ref: string;
  commit: string;
  release: string;
  /** The run's hosts (labels), with the release each served before the run and after it, where known. */
  hosts: { host: string; before?: string; after?: string }[];
  result: RunOutcome;
  operator: string;
  /** Seconds since the command started: after the run only. */
  durationS?: number;
  /** The command's exit status and error, after the run. */
  exitStatus?: number;
  error?: string;
  /** What moves, per host, once the run read it (--json's `changes`). */
  changes?: unknown;
}

/**
 * The JSON file a hook finds at DEPLOY_CHANGES_FILE: an object whose keys stay, and to which keys
 * are added (`changes`: what moved per host, as --json has it), so a reader
 * ignores the keys it does not know. Secrets are never in it.
 */
export function summary(hook: LocalHookName, f: HookFacts): Record<string, unknown> {
  const known = (v: string | undefined) => v || null;
  return {
    version: 1,
    hook,
    app: f.app,
    command: f.command,
    ref: known(f.ref),
    commit: known(f.commit),
    release: known(f.release),
    hosts: f.hosts.map((h) => ({ host: h.host, before: known(h.before), after: known(h.after) })),
    result: known(f.result),
    exit_status: f.exitStatus ?? null,
    error: f.error ?? null,
    operator: f.operator,
    duration_s: f.durationS ?? null,
    changes: f.changes ?? null,
  };
}

/** The DEPLOY_* variables of a hook; `file` is DEPLOY_CHANGES_FILE. */
export function deployVariables(f: HookFacts, file: string): Record<string, string> {
  return {
    DEPLOY_APP: f.app,
    DEPLOY_COMMAND: f.command,
    DEPLOY_REF: f.ref,
    DEPLOY_COMMIT: f.commit,
    DEPLOY_RELEASE: f.release,
    DEPLOY_HOSTS: f.hosts.map((h) => h.host).join(','),
    DEPLOY_RESULT: f.result,
    DEPLOY_OPERATOR: f.operator,
    DEPLOY_DURATION_S: f.durationS === undefined ? '' : String(f.durationS),
    DEPLOY_CHANGES_FILE: file,
  };
}

/**
 * A hook's environment: the operator's own (`base`: PATH, HOME, their tools' variables), the
 * [ENV] values pass_env names, then DEPLOY_*, which win. No other secret of the settings ([ENV],
 * env_file, database_url, the e-mail password) is in it.
 */
export function hookEnv(
  base: NodeJS.ProcessEnv,
  s: Pick<Settings, 'localHooks'>,
  f: HookFacts,
  file: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(s.localHooks.passEnv)) env[k] = v.reveal();
  return Object.assign(env, deployVariables(f, file));
}

/** Shorter values are not redacted: they would garble every line (and are no secret worth the name). */
const REDACT_FROM = 4;

/** A line of a hook's output with the values pass_env gave it shown as [redacted]. */
export function redact(line: string, secrets: string[]): string {
  const longestFirst = secrets.filter((v) => v.length >= REDACT_FROM).sort((a, b) => b.length - a.length);
  return longestFirst.reduce((text, v) => text.replaceAll(v, '[redacted]'), line);
}

export interface HookSpec {
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutS: number;
}

export interface HookOutcome {
  ok: boolean;
  status: number | null;
  signal: string | null;
  /** Killed at its timeout. */
  timedOut: boolean;
  /** Stopped by this signal to deploy (Ctrl-C). */
  interrupted?: string;
  /** It could not be started. */
  error?: string;
  ms: number;
}

/** After the timeout's SIGTERM, the hook's processes have this long before SIGKILL. */
const KILL_AFTER_MS = 5000;
/** After bash exits, its output may still come this long (a process it left behind may hold the pipes). */
const DRAIN_MS = 1000;

/**
 * Runs `bash -c COMMAND` in its own process group, no input, each line of its output to `onLine`.
 * At the timeout, or on a first SIGINT/SIGTERM/SIGHUP to deploy, the whole group gets SIGTERM, then
 * SIGKILL; a second signal kills it at once and exits 130.
 */
export function runLocalHook(spec: HookSpec, onLine: (line: string, isErr: boolean) => void): Promise<HookOutcome> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn('bash', ['-c', spec.command], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const timers: NodeJS.Timeout[] = [];
    let timedOut = false;
    let interrupted: string | undefined;
    let exit: { status: number | null; signal: string | null } | undefined;
    let finished = false;
    const group = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    };
    const stop = () => {
      group('SIGTERM');
      timers.push(setTimeout(() => group('SIGKILL'), KILL_AFTER_MS));
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (interrupted) {
        group('SIGKILL');
        process.exit(130);
      }
      interrupted = signal;
      stop();
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, spec.timeoutS * 1000),
    );
    const streams = [
      lineReader(child.stdout, (l) => onLine(l, false)),
      lineReader(child.stderr, (l) => onLine(l, true)),
    ];
    const finish = (error?: string) => {
      if (finished) return;
      finished = true;
      for (const t of timers) clearTimeout(t);
      for (const signal of SIGNALS) process.off(signal, onSignal);
      for (const end of streams) end();
      const status = exit?.status ?? null;
      done({
        ok: !error && !timedOut && !interrupted && status === 0,
        status,
        signal: exit?.signal ?? null,
        timedOut,
        interrupted,
        error,
        ms: performance.now() - started,
      });
    };
    child.on('error', (e) => finish(e.message));
    child.on('exit', (status, signal) => {
      exit = { status, signal };
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, DRAIN_MS),
      );
    });
    child.on('close', () => finish());
  });
}

/** Calls `onLine` for each line of a stream; the function returned flushes a last line without a newline. */
function lineReader(stream: NodeJS.ReadableStream, onLine: (line: string) => void): () => void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  return () => {
    if (rest) onLine(rest);
    rest = '';
  };
}

/** Why a hook failed, in words. */
export function failure(outcome: HookOutcome, timeoutS: number): string {
  if (outcome.error) return `could not start: ${outcome.error}`;
  if (outcome.interrupted) return `stopped by ${outcome.interrupted}`;
  if (outcome.timedOut) return `killed after its timeout of ${timeoutS} s`;
  if (outcome.signal) return `killed by ${outcome.signal}`;
  return `exit status ${outcome.status}`;
}

/** A before_deploy or before_rollback hook failed: the command stops, no host touched. */
export class LocalHookError extends DeployError {
  exitCode = EXIT.LOCAL_HOOK_FAILED;
}

/** What LocalHooks.read needs of a fleet: each host, what it served when it was read, and what became of it. */
export interface HostsRead {
  all: { ex: { host: { label: string } }; serves?: string }[];
  runs: { outcome?: string }[];
}

/** One command's local hooks, from before it connects to the end of its run. */
export class LocalHooks {
  private readonly s: Settings;
  /** What each host served when the run read it, by label. */
  private readonly served = new Map<string, string | undefined>();
  private fleet?: HostsRead;
  private log?: Record<string, unknown>;
  private releases?: ReleaseInfo[];
  private ended = false;

  private constructor(
    private readonly session: Session,
    readonly command: LocalCommand,
    /** What is known before the run: the ref asked for; with source = archive, the commit too. */
    private readonly first: { ref?: string; commit?: string },
  ) {
    this.s = session.settings;
  }

  /**
   * Runs before_<command> (a dry run prints it). Its failure throws LocalHookError (exit
   * LOCAL_HOOK_FAILED), or InterruptedError when deploy was sent a signal: no host was connected to.
   */
  static async before(
    session: Session,
    command: LocalCommand,
    first: { ref?: string; commit?: string } = {},
  ): Promise<LocalHooks> {
    const hooks = new LocalHooks(session, command, first);
    const name: LocalHookName = `before_${command}`;
    const outcome = await hooks.run(name, hooks.facts(''));
    if (outcome?.interrupted)
      throw new InterruptedError(outcome.interrupted, `the ${name} hook was stopped; no host was touched`);
    if (outcome && !outcome.ok)
      throw new LocalHookError(
        `the ${name} hook failed on this machine (${failure(outcome, hooks.s.localHooks.timeoutS)}): no host was touched`,
        `Its output is above (and in the log). Fix what it says, or the hook in [LOCAL_HOOKS], then run \`deploy ${hooks.s.app} ${command}\` again.`,
      );
    return hooks;
  }

  /**
   * Under the lock, once every host was read: what each served before the run, the run's log
   * record (its ref, commit and release, read when the run ends) and, for a rollback, the kept
   * releases (its target's ref and commit).
   */
  read(fleet: HostsRead, log: Record<string, unknown>, releases?: ReleaseInfo[]): void {
    this.fleet = fleet;
    this.log = log;
    this.releases = releases;
    for (const r of fleet.all) this.served.set(r.ex.host.label, r.serves);
  }

  /** A step before the run's own clean-up (connecting): when it fails, after_failure runs, and the error goes on. */
  watch<T>(step: Promise<T>): Promise<T> {
    return step.catch(async (err) => {
      throw await this.end(err);
    });
  }

  /**
   * The run is over (`err` is what it throws, if anything): after_<command> when it went live
   * (ok, or partial with exit 5 or 6) or had nothing to do, else after_failure; a dry run prints
   * them. A hook's failure is a warning: the command's result stays. Returns `err`, to be thrown.
   */
  async end(err?: unknown): Promise<unknown> {
    if (this.ended) return err;
    this.ended = true;
    const result = this.outcome(err);
    const after: LocalHookName = `after_${this.command}`;
    if (this.session.opts.dryRun) {
      await this.run(after, this.facts('ok'));
      await this.run('after_failure', this.facts('failed'), ` (if the ${this.command} fails)`);
      return err;
    }
    const name = result === 'failed' ? 'after_failure' : after;
    const outcome = await this.run(name, this.facts(result, err));
    if (outcome && !outcome.ok)
      this.session.reporter.warn(
        `the ${name} hook failed on this machine (${failure(outcome, this.s.localHooks.timeoutS)}); the ${this.command}'s own result stands. Its output is above (and in the log).`,
      );
    return err;
  }

  private outcome(err: unknown): RunOutcome {
    if (err instanceof DeployError && [HOOK_FAILED_STATUS, LEFT_BEHIND_STATUS].includes(err.exitCode)) return 'partial';
    if (err) return 'failed';
    // fleet/cleanup.ts's nothingToDo marks every host it unlocks `already live`, or not switched
    // when the operator said no: either way nothing changed.
    const runs = this.fleet?.runs ?? [];
    return runs.length && runs.every((r) => r.outcome === ALREADY_LIVE || r.outcome === NOT_SWITCHED)
      ? 'nothing to do'
      : 'ok';
  }

  /** The facts at a hook's time: `result` is empty before the run. */
  facts(result: RunOutcome, err?: unknown): HookFacts {
    const log = this.log ?? {};
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const hostsAfter = this.session.reporter.result.hosts;
    const hosts = this.s.hosts.map((h) => {
      const after = result ? text(hostsAfter[h.label]?.release) : '';
      return {
        host: h.label,
        before: this.served.get(h.label) || undefined,
        after: after && after !== 'unknown' ? after : undefined,
      };
    });
    // Nothing to do: the release is the one every host serves.
    const serving = [...new Set(hosts.map((h) => h.after))];
    const release = text(log.release) || (result === 'nothing to do' && serving.length === 1 ? (serving[0] ?? '') : '');
    const kept = this.releases?.find((r) => r.name === release);
    // A deploy's log has the commit (and the ref as resolved) once the ref is resolved.
    const resolved = !!text(log.commit);
    return {
      app: this.s.app,
      command: this.command,
      ref: (resolved ? text(log.ref) : kept?.ref) || this.first.ref || '',
      commit: (resolved ? text(log.commit) : kept?.commit) || this.first.commit || '',
      release,
      hosts,
      result,
      operator: operator(),
      durationS: result ? Math.round((performance.now() - this.session.started) / 100) / 10 : undefined,
      exitStatus: result ? (err instanceof DeployError ? err.exitCode : err ? EXIT.FAILURE : EXIT.OK) : undefined,
      error: err ? ((err as Error).message ?? String(err)) : undefined,
      changes: this.session.reporter.result.changes,
    };
  }

  /**
   * Runs one hook when it is set, with its JSON file in a directory of its own (removed after it);
   * its output goes to stderr and the log, each line after the hook's name. A dry run says what
   * would run, with what, and runs nothing.
   */
  private async run(name: LocalHookName, f: HookFacts, when = ''): Promise<HookOutcome | undefined> {
    const command = this.s.localHooks.commands[name];
    if (!command) return undefined;
    const { reporter } = this.session;
    const cwd = dirname(resolve(this.s.file));
    const { timeoutS, passEnv } = this.s.localHooks;
    const variables = (file: string) =>
      Object.entries({ ...deployVariables(f, file), ...passEnv })
        .map(([k, v]) => `${k}=${typeof v === 'string' ? quote(v) : v}`)
        .join(' ');
    if (this.session.opts.dryRun) {
      reporter.info(`${chalk.dim('·')} this machine  ${name} would run${when}, in ${cwd}: bash -c ${quote(command)}`);
      reporter.info(chalk.dim(`    with ${variables(join(tmpdir(), 'deploy-hook-XXXXXX', 'changes.json'))}`));
      return undefined;
    }
    // A spinner or a live board would draw over the hook's lines: the run's steps show as lines instead.
    reporter.stopSpinner();
    const dir = mkdtempSync(join(tmpdir(), 'deploy-hook-'));
    const file = join(dir, 'changes.json');
    writeFileSync(file, `${JSON.stringify(summary(name, f), null, 2)}\n`, { mode: 0o600 });
    reporter.log(
      `local hook ${name}: bash -c ${quote(command)} in ${cwd}, timeout ${timeoutS} s, with ${variables(file)}`,
    );
    const secrets = Object.values(passEnv).map((v) => v.reveal());
    try {
      const outcome = await runLocalHook(
        { command, cwd, env: hookEnv(process.env, this.s, f, file), timeoutS },
        (line, isErr) => {
          const text = `${name} ${isErr ? '!' : '|'} ${terminalSafe(redact(line, secrets))}`;
          process.stderr.write(`${chalk.dim(text.slice(0, name.length + 2))}${text.slice(name.length + 2)}\n`);
          reporter.log(text);
        },
      );
      const took = formatMs(outcome.ms);
      reporter.info(
        outcome.ok
          ? `${chalk.green('✓')} this machine  ${name}  ${chalk.dim(`done, ${took}`)}`
          : `${chalk.red('✗')} this machine  ${name}  ${chalk.dim(`FAILED (${failure(outcome, timeoutS)}), ${took}`)}`,
      );
      return outcome;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
