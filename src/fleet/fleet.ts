// The hosts of one run, connected: every per-host action goes through each(), which works
// on at most `parallel` hosts at once and, when some fail, waits for the others before it
// throws. The rest of src/fleet/ says what happens across hosts (lock, go-live, clean-up).
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import type { Executor } from '../exec/executor.js';
import type { Slot } from '../layout.js';
import type { Session } from '../session.js';
import { ConnectionError } from '../errors.js';
import { ConnectionLostError } from '../ssh/lost.js';
import type { HostSpec } from '../settings/types.js';
import { operator } from '../operator.js';
import type { LockInfo } from '../steps/lock.js';

export interface HostRun {
  ex: Executor;
  /** This run holds the host's lock (set only once the lock command succeeded). */
  locked: boolean;
  /** The release this run builds here (marked failed if the run is abandoned). */
  release?: string;
  /** The slot this run started (stopped again if the run is abandoned). */
  started?: Slot;
  /** The release this run makes live (the new one, or a rollback's target). */
  target?: string;
  /** The switch went through on this host (its lock released with it, or at the end of a rollout). */
  switched?: boolean;
  /** deploy --maintenance: this run may put its maintenance page up here (it takes it down however the run ends). */
  page?: boolean;
  /** The host's connection was lost: what it did last, and what it serves, are unknown. */
  lost?: ConnectionLostError;
}

export const isWeb = (run: HostRun): boolean => run.ex.host.roles.includes('web');

export function newLock(what: string): LockInfo {
  return { by: operator(), pid: process.pid, since: new Date().toISOString(), what, token: randomBytes(8).toString('hex') };
}

export class Fleet {
  private readonly limit: ReturnType<typeof pLimit>;

  private constructor(
    readonly session: Session,
    readonly runs: HostRun[],
  ) {
    this.limit = pLimit(session.settings.parallel);
  }

  /**
   * Connects to every host (at most `parallel` at once). A host that cannot be reached fails
   * the run before anything changed anywhere: every such host is named.
   */
  static async connect(session: Session): Promise<Fleet> {
    const { fleet, failed } = await Fleet.connectReachable(session);
    const { runs } = fleet;
    const hosts = session.settings.hosts;
    if (failed.length) {
      await Promise.all(runs.map((r) => r.ex.close()));
      if (failed.length === 1 && hosts.length === 1) throw failed[0].err;
      const reached = hosts.filter((h) => !failed.some((f) => f.host === h)).map((h) => h.label);
      const err = new ConnectionError(
        `cannot reach ${failed.length} of ${hosts.length} hosts, nothing was changed on any host:\n${failed.map((f) => `  ${f.err.message.split('\n')[0]}`).join('\n')}`,
        reached.length ? `Bring them back, or leave them out on purpose: --hosts ${reached.join(',')}` : (failed[0].err as ConnectionError).hint,
      );
      if (failed.every((f) => f.err.name === 'UsageError')) throw failed[0].err;
      throw err;
    }
    return fleet;
  }

  /** Connects to every host it can (at most `parallel` at once): the fleet of those, and why each other one failed. */
  static async connectReachable(session: Session): Promise<{ fleet: Fleet; failed: { host: HostSpec; err: Error }[] }> {
    const limit = pLimit(session.settings.parallel);
    const hosts = session.settings.hosts;
    const results = await Promise.allSettled(hosts.map((h) => limit(() => session.open(h))));
    const runs = results.flatMap((r) => (r.status === 'fulfilled' ? [{ ex: r.value, locked: false }] : []));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ host: hosts[i], err: r.reason as Error }] : []));
    return { fleet: new Fleet(session, runs), failed };
  }

  get settings() {
    return this.session.settings;
  }

  get web(): HostRun[] {
    return this.runs.filter(isWeb);
  }

  get workers(): HostRun[] {
    return this.runs.filter((r) => !isWeb(r));
  }

  /** Where run-once commands go: the primary if this run has it, else the first host (a --hosts run without it). */
  get primary(): HostRun {
    return this.runs.find((r) => r.ex.host.label === this.settings.primary) ?? this.runs[0];
  }

  /** The same fleet, limited to some of its hosts (a rollback leaves out those already there). */
  only(runs: HostRun[]): Fleet {
    return new Fleet(this.session, runs);
  }

  /** fn on each of `runs` (default: all), at most `parallel` at once; the first error once all are done. */
  async each<T>(fn: (run: HostRun) => Promise<T>, runs: HostRun[] = this.runs): Promise<T[]> {
    const marked = (run: HostRun) => (err: unknown) => {
      if (err instanceof ConnectionLostError) run.lost ??= err;
      throw err;
    };
    const results = await Promise.allSettled(runs.map((run) => this.limit(() => fn(run)).catch(marked(run))));
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
    return results.map((r) => (r as PromiseFulfilledResult<T>).value);
  }

  async close(): Promise<void> {
    await Promise.all(this.runs.map((r) => r.ex.close()));
  }
}

/** Connects, runs fn on every host (at most `parallel` at once), and closes the connections. */
export async function onEveryHost<T>(session: Session, fn: (run: HostRun) => Promise<T>): Promise<T[]> {
  const fleet = await Fleet.connect(session);
  try {
    return await fleet.each(fn);
  } finally {
    await fleet.close();
  }
}
