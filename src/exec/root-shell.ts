// One long-lived `sudo -n bash` per host, fed one step script at a time. Opening an exec
// channel costs ~50 ms (sshd forks, sudo opens a PAM session, bash starts); through one
// shell a step costs a round trip. Each script runs in a subshell, so its `set -e`, traps
// and `exit` end the step, not the shell; an end marker on both streams carries its status.
// The script is read whole by head, then evaluated: bash reads its own input a byte at a time
// (render.ts BASH_STDIN).
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import { lineSplitter } from '../render.js';

export interface ShellResult {
  stdout: string;
  stderr: string;
  code: number;
}

interface Pending {
  tag: string;
  out: string[];
  err: string[];
  outDone: boolean;
  errDone: boolean;
  code: number;
  onOut: (line: string) => void;
  onErr: (line: string) => void;
  resolve: (r: ShellResult) => void;
  reject: (e: Error) => void;
}

/** What RootShell needs of an SSH channel (tests give it a local bash). */
export type ShellChannel = Pick<ClientChannel, 'on' | 'write' | 'end'> & {
  stderr: { on(event: 'data', fn: (chunk: Buffer) => void): unknown };
};

export class RootShell {
  private pending?: Pending;
  private closed?: Error;

  constructor(private readonly channel: ShellChannel) {
    const out = lineSplitter((line) => this.line('out', line));
    const err = lineSplitter((line) => this.line('err', line));
    channel.on('data', (chunk: Buffer) => out.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    channel.on('close', () => this.end(new Error('the remote shell ended')));
    // A write to a channel that has gone fails this way; unheard, the error would crash the process.
    channel.on('error', (err: Error) => this.end(err));
  }

  private end(err: Error): void {
    this.closed ??= err;
    this.pending?.reject(this.closed);
    this.pending = undefined;
  }

  static open(conn: Client, shell = 'sudo -n bash'): Promise<RootShell> {
    return new Promise((resolve, reject) => {
      conn.exec(shell, (err, channel) => (err ? reject(err) : resolve(new RootShell(channel))));
    });
  }

  /** Runs one script; resolves when both of its streams have ended, with its exit status. */
  run(script: string, onOut: (line: string) => void, onErr: (line: string) => void): Promise<ShellResult> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.pending) return Promise.reject(new Error('a step is already running in this shell'));
    const tag = randomBytes(6).toString('hex');
    return new Promise<ShellResult>((resolve, reject) => {
      this.pending = { tag, out: [], err: [], outDone: false, errDone: false, code: -1, onOut, onErr, resolve, reject };
      this.channel.write(
        `__s=$(head -c ${Buffer.byteLength(script)})\n${script}( eval "$__s"\n) </dev/null\nprintf '\\036end-${tag} %s\\n' "$?"; printf '\\036end-${tag}\\n' >&2\n`,
      );
    });
  }

  /** One line of the running step's output (lineSplitter puts end markers on lines of their own). */
  private line(stream: 'out' | 'err', line: string): void {
    const p = this.pending;
    if (!p) return;
    if (line.startsWith(`\x1eend-${p.tag}`)) {
      if (stream === 'out') {
        p.outDone = true;
        p.code = Number(line.split(' ')[1]);
      } else p.errDone = true;
    } else {
      (stream === 'out' ? p.out : p.err).push(line);
      (stream === 'out' ? p.onOut : p.onErr)(line);
    }
    if (p.outDone && p.errDone) {
      this.pending = undefined;
      p.resolve({ stdout: p.out.join('\n'), stderr: p.err.join('\n'), code: p.code });
    }
  }

  close(): void {
    this.channel.end('exit\n');
  }
}
