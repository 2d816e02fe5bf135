// A run on several hosts also writes each host's part of its log to a file of its own, in a
// directory beside the run's log (<run log without .log>/<host>.log): with hundreds of hosts, the
// one log interleaves them all, and one host's story is what a failure needs. The run's log stays
// whole. A host's lines are kept until its step ends, then written at once (one write per step,
// not per line), or sooner once they are many (`logs -f` streams for as long as it is left
// running); whatever is left is written when the run ends, or the process exits.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** A host's lines kept at most (characters) before they are written, its step over or not. */
const KEEP = 64 * 1024;

/** Every HostLogs with lines not yet written: one exit hook writes them all. */
const open = new Set<HostLogs>();
let hooked = false;

export class HostLogs {
  readonly dir: string;
  private readonly files = new Map<string, string>();
  private readonly pending = new Map<string, { lines: string[]; size: number }>();
  private made = false;
  /** Something went wrong (a full disk, no permission): the run goes on without them. */
  private broken = false;

  constructor(runLog: string, hosts: string[]) {
    this.dir = runLog.replace(/\.log$/, '');
    for (const h of hosts) this.files.set(h, join(this.dir, `${fileName(h)}.log`));
    open.add(this);
    if (!hooked) {
      hooked = true;
      process.once('exit', () => {
        for (const logs of open) logs.flush();
      });
    }
  }

  /** Some host's log was written: the directory exists. */
  get written(): boolean {
    return this.made;
  }

  line(host: string, text: string): void {
    if (this.broken || !this.files.has(host)) return;
    const kept = this.pending.get(host);
    if (!kept) this.pending.set(host, { lines: [text], size: text.length });
    else {
      kept.lines.push(text);
      kept.size += text.length;
      if (kept.size > KEEP) this.flush(host);
    }
  }

  /** Writes what `host` (default: every host) has pending. */
  flush(host?: string): void {
    if (this.broken) return;
    const hosts = host === undefined ? [...this.pending.keys()] : [host];
    try {
      if (!this.made && hosts.some((h) => this.pending.has(h))) {
        mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        this.made = true;
      }
      for (const h of hosts) {
        const kept = this.pending.get(h);
        if (!kept) continue;
        this.pending.delete(h);
        appendFileSync(this.files.get(h)!, kept.lines.join(''), { mode: 0o600 });
      }
    } catch {
      // A full disk must not break a deploy; the run's own log says what it could.
      this.broken = true;
      this.pending.clear();
    }
  }

  /** The run is over: everything written, nothing more to keep. */
  close(): void {
    this.flush();
    open.delete(this);
  }
}

/** A host's label as a file name: user@10.0.0.1 and user@host:2222 stay readable; [v6] and anything odd become _. */
function fileName(label: string): string {
  return label.replace(/[^A-Za-z0-9@.:_-]/g, '_').replace(/:/g, '_');
}
