// The one executor that touches servers: each step goes as one script over the
// host's single SSH connection, and every exit status is checked.
import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import type { Client, ClientChannel } from 'ssh2';
import type { Step, StepResult } from '../plan.js';
import type { Sh } from '../shell.js';
import type { HostSpec } from '../settings/types.js';
import {
  lineSplitter,
  parseOutput,
  remoteShell,
  describeCommand,
  renderScript,
  streamCommand,
  MARK,
  type RenderContext,
} from '../render.js';
import { DeployError, RemoteCommandError } from '../errors.js';
import type { Reporter } from '../ui/output.js';
import type { Executor, IssueListener } from './executor.js';
import { RootShell } from './root-shell.js';
import { terminalSafe } from '../printable.js';
import { connectionEnded, ConnectionLostError } from '../ssh/lost.js';

/** What a step's channel gave back: no exit status when the connection went under it. */
type Sent = { stdout: string; stderr: string; code: number | null; signal?: string | null };

export class SshExecutor implements Executor {
  readonly dryRun = false;
  roundTrips = 0;
  /** Kept: node-ssh forgets the connection once it has closed, and then why it closed is what counts. */
  private readonly conn: Client;
  private closing = false;

  constructor(
    readonly host: HostSpec,
    private readonly ssh: NodeSSH,
    private readonly ctx: RenderContext,
    private readonly reporter: Reporter,
    private readonly onIssue?: IssueListener,
    /** Tests: the exact bytes of each step's script, as sent (secrets revealed). */
    private readonly onWire?: (host: string, script: string) => void,
    /** Called once the connection is closed (releases the bastions it went through). */
    private readonly onClose?: () => Promise<void>,
  ) {
    this.conn = ssh.connection!;
  }

  /** The connection is gone (and not because this run closed it): the error that says so. */
  private lost(step?: string): ConnectionLostError | undefined {
    const why = this.closing ? undefined : connectionEnded(this.conn);
    return why === undefined ? undefined : new ConnectionLostError(this.host.label, step, why);
  }

  async run(step: Step): Promise<StepResult> {
    const label = this.host.label;
    const shown = step.commands.map((c) => describeCommand(c, step, this.ctx));
    this.onIssue?.(label, step, renderScript(step, this.ctx, false));
    this.reporter.log(`--- ${label} step ${step.id}: ${step.title} (${remoteShell(step, this.ctx)})`);
    this.reporter.stepStart(label, step.title);
    const started = performance.now();
    this.roundTrips++;
    const script = renderScript(step, this.ctx, true);
    this.onWire?.(label, script);
    let res: Sent | undefined;
    let failure: unknown;
    try {
      const gone = this.lost(step.title);
      if (gone) throw gone;
      // A file's transfer has no markers (its command reads or writes the file): it begins now.
      if (step.upload || step.download) this.reporter.command(label, shown[0]);
      res = await this.send(step, script, this.lineHandler(step, shown));
    } catch (e) {
      failure = e;
    }
    // This run closed the connection under the step (Ctrl-C ends `logs -f` so): not a failure of the step.
    if (this.closing && (!res || res.code === null))
      throw new DeployError(`${label}: the connection was closed during "${step.title}"`);
    // A step cut off by the loss of its connection has no exit status: the loss is its failure.
    const gone = res && res.code !== null ? undefined : this.lost(step.title);
    if (gone || !res) {
      const durationMs = performance.now() - started;
      this.reporter.stepDone({ host: label, id: step.id, title: step.title, status: 'failed', durationMs });
      if (gone) this.reporter.hostData(label, 'result', `connection lost at "${step.title}"`);
      throw gone ?? failure;
    }
    return this.result(step, shown, res, performance.now() - started);
  }

  /** What to do with each line the step prints: its markers move the display on, the rest is shown or logged. */
  private lineHandler(step: Step, shown: string[]): (isErr: boolean) => (line: string) => void {
    const label = this.host.label;
    let running = 0;
    return (isErr) => (line) => {
      if (line.startsWith(MARK)) {
        const [word, i] = line.slice(1).split(' ');
        if (word === 'begin' && !isErr) {
          running = Number(i);
          this.reporter.command(label, shown[running - 1] ?? '');
        }
        if (word === 'paused') this.reporter.warn(`${label}: paused before ${i} (DEPLOY_PAUSE_AT)`);
        // __warn on the server: something the operator must read even when the step succeeds.
        if (word === 'warn') this.reporter.warn(`${label}: ${terminalSafe(line.slice(line.indexOf(' ') + 1))}`);
        return;
      }
      const show = this.reporter.verbose || !!step.stream || !!step.commands[running - 1]?.show;
      this.reporter.remote(label, line, isErr, show);
    };
  }

  /** The step's script through root's shell, or the login's; an upload's or a download's file on a channel of its own. */
  private async send(step: Step, script: string, onLine: (isErr: boolean) => (line: string) => void): Promise<Sent> {
    if (step.download) return this.receive(step, step.download, onLine(true));
    if (step.privileged && !step.aside && !step.upload)
      return (await this.rootShell()).run(script, onLine(false), onLine(true));
    const out = lineSplitter(onLine(false));
    const err = lineSplitter(onLine(true));
    // An upload's file is its command's input: streamed as the host takes it, never held in memory.
    const file = step.upload ? createReadStream(step.upload.file) : undefined;
    try {
      return await this.ssh.execCommand(step.upload ? streamCommand(step, this.ctx) : remoteShell(step, this.ctx), {
        noTrim: true,
        stdin: file ?? script,
        onStdout: (c) => out.push(c),
        onStderr: (c) => err.push(c),
        onChannel: (ch) => ch.on('error', () => undefined),
      });
    } finally {
      file?.destroy();
      out.end();
      err.end();
    }
  }

  /** A download's command, its standard output written to `file` as it comes (node-ssh's execCommand would keep it all in memory, as text). */
  private receive(step: Step, file: string, onErr: (line: string) => void): Promise<Sent> {
    const err = lineSplitter(onErr);
    let stderr = '';
    return new Promise<Sent>((resolve, reject) => {
      this.conn.exec(streamCommand(step, this.ctx), (e, channel) => {
        if (e) return reject(e);
        const out = createWriteStream(file);
        channel.pipe(out);
        channel.stderr.on('data', (c: Buffer) => ((stderr += c), err.push(c)));
        for (const stream of [channel, channel.stderr, out]) stream.on('error', () => undefined);
        let code: number | null = null;
        let signal: string | null = null;
        channel.on('exit', (c: number | null, sig?: string) => ((code = c), (signal = sig ?? null)));
        channel.on('close', () => {
          err.end();
          finished(out).then(
            () => resolve({ stdout: '', stderr, code, signal }),
            (werr: unknown) => reject(werr),
          );
        });
      });
    });
  }

  /** The step's result from what it printed, or the error of the command that failed. */
  private result(step: Step, shown: string[], res: Sent, durationMs: number): StepResult {
    const label = this.host.label;
    const parsed = parseOutput(res.stdout, res.stderr, step.commands.length);
    if (res.code !== 0) {
      this.reporter.stepDone({ host: label, id: step.id, title: step.title, status: 'failed', durationMs });
      const f = parsed.failed;
      if (f && f.index > 0)
        throw new RemoteCommandError(label, step.title, shown[f.index - 1], f.status, parsed.stderr[f.index], f.index);
      if (step.upload || step.download)
        throw new RemoteCommandError(label, step.title, shown[0], res.code ?? -1, res.stderr, 1);
      const why = res.stderr || (res.signal ? `killed by ${res.signal}` : '');
      throw new RemoteCommandError(label, step.title, remoteShell(step, this.ctx), res.code ?? -1, why);
    }
    const commands = step.commands.map((_, i) => ({
      index: i + 1,
      stdout: parsed.stdout[i + 1],
      stderr: parsed.stderr[i + 1],
      changed: parsed.changed.has(i + 1),
      skipped: parsed.skipped.has(i + 1),
    }));
    const values = Object.fromEntries(
      step.commands.flatMap((c, i) => (c.name ? [[c.name, parsed.stdout[i + 1].trim()]] : [])),
    );
    const changed = parsed.changed.size || step.upload;
    const status = changed ? 'changed' : step.commands.every((c) => c.probe) ? 'checked' : 'ok';
    const result: StepResult = {
      step,
      host: label,
      status,
      durationMs,
      stdout: parsed.stdout.join('\n'),
      commands,
      values,
    };
    this.reporter.stepDone({ host: label, id: step.id, title: step.title, status: result.status, durationMs });
    return result;
  }

  async attach(command: Sh, tty: boolean): Promise<number> {
    const label = this.host.label;
    this.reporter.command(label, String(command));
    this.roundTrips++;
    const gone = this.lost();
    if (gone) throw gone;
    return new Promise<number>((resolve, reject) => {
      const opts = tty
        ? {
            pty: {
              term: process.env.TERM ?? 'xterm',
              rows: process.stdout.rows ?? 24,
              cols: process.stdout.columns ?? 80,
            },
          }
        : {};
      const started = (err: Error | undefined, channel: ClientChannel) => {
        if (err) return reject(this.lost() ?? err);
        const stdin = process.stdin;
        if (tty && stdin.isTTY) stdin.setRawMode(true);
        // As with ssh: the command reads what this process is given (the terminal, a pipe, a file), up to its end.
        stdin.pipe(channel);
        for (const stream of [channel, channel.stderr, stdin]) stream.on('error', () => undefined);
        channel.pipe(process.stdout, { end: false });
        channel.stderr.pipe(process.stderr, { end: false });
        const onResize = () => channel.setWindow(process.stdout.rows ?? 24, process.stdout.columns ?? 80, 0, 0);
        if (tty) process.stdout.on('resize', onResize);
        let exit: number | null | undefined;
        channel.on('exit', (code: number | null) => (exit = code));
        channel.on('close', () => {
          stdin.unpipe(channel);
          if (tty && stdin.isTTY) stdin.setRawMode(false);
          stdin.pause();
          if (tty) process.stdout.off('resize', onResize);
          // Closed without an exit status: the connection went, and with it what the command did.
          const lost = exit === undefined ? this.lost() : undefined;
          if (lost) reject(lost);
          else resolve(exit ?? 255);
        });
      };
      try {
        this.conn.exec(command.reveal(), opts, started);
      } catch (err) {
        reject(this.lost() ?? err);
      }
    });
  }

  async capture(command: Sh, stdin?: Readable): Promise<{ code: number; stdout: string; stderr: string }> {
    this.reporter.command(this.host.label, String(command));
    this.roundTrips++;
    const gone = this.lost();
    if (gone) throw gone;
    const res = await this.ssh
      .execCommand(command.reveal(), { noTrim: true, stdin, onChannel: (ch) => ch.on('error', () => undefined) })
      .catch((err: unknown) => {
        throw this.lost() ?? err;
      });
    if (res.code === null) {
      const lost = this.lost();
      if (lost) throw lost;
    }
    return { code: res.code ?? 255, stdout: res.stdout, stderr: res.stderr };
  }

  /** Privileged steps share one `sudo -n bash` (opened after the sudo check passed). */
  private shell?: Promise<RootShell>;
  private rootShell(): Promise<RootShell> {
    this.shell ??= RootShell.open(this.conn, this.ctx.rootless ? 'bash' : 'sudo -n bash');
    return this.shell;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.shell) (await this.shell.catch(() => undefined))?.close();
    this.ssh.dispose();
    await this.onClose?.();
  }
}
