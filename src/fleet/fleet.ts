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
import { outsidePrimary } from './select.js';
import { operator } from '../operator.js';
import type { LockInfo } from '../steps/lock.js';
import { loadHostTimes, longestFirst, saveHostTimes, TIMED_STEPS, type TimedStep } from './host-times.js';

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
  /** A rolling batch's switch: the host's clock then (epoch seconds), where a canary's watch counts from. */
  switchedAt?: string;
  /** deploy --maintenance: this run may put its maintenance page up here (it takes it down however the run ends). */
  page?: boolean;
  /** The host's connection was lost: what it did last, and what it serves, are unknown. */
  lost?: ConnectionLostError;
  /**
   * The fleet's primary when --hosts leaves it out: every run locks it (so runs on parts of the
   * fleet wait for each other) and run-once work goes there, but it never goes live in this run.
   */
  outside?: boolean;
  /** The release it serves after the run, as far as it said (the summary table). */
  serves?: string;
  /** What became of it, when that is not a plain `ok` or a failure of its own step (the summary table). */
  outcome?: string;
  /** A step of its own failed in this run (or it was lost): the table says so, no other reason is given. */
  failed?: unknown;
  /** The hook after the switch (after_switch, after_rollback) ran here: it runs once, whatever follows. */
  hookRan?: boolean;
  /** ...and failed: the release stays live, the run finishes, and the command exits HOOK_FAILED_STATUS. */
  hookFailed?: Error;
  /** Left behind (max_failed_hosts, fleet/budget.ts): why. It is cleaned up and out of the rest of the run. */
  behind?: string;
}

export const isWeb = (run: HostRun): boolean => run.ex.host.roles.includes('web');

export function newLock(what: string): LockInfo {
  return {
    by: operator(),
    pid: process.pid,
    since: new Date().toISOString(),
    what,
    token: randomBytes(8).toString('hex'),
  };
}

export class Fleet {
  private readonly limit: ReturnType<typeof pLimit>;
  /** Each host's time in the long steps, from the runs before (fleet/host-times.ts). */
  private readonly times: ReturnType<typeof loadHostTimes>;

  /** Hosts that could not be reached and were left out (max_failed_hosts): never connected. */
  readonly unreached: { label: string; why: string }[] = [];

  private constructor(
    readonly session: Session,
    /** The hosts --hosts selected (all, without it), connected. */
    private readonly members: HostRun[],
    /** The fleet's primary when --hosts leaves it out and the run locks it (connect's withPrimary). */
    readonly outside?: HostRun,
  ) {
    this.limit = pLimit(session.settings.parallel);
    this.times = loadHostTimes(session.settings.app);
  }

  /** `runs` in the order to start `step` on them: the slowest last time first (fleet/host-times.ts). */
  slowestFirst(runs: HostRun[], step: TimedStep): HostRun[] {
    return runs.length > this.settings.parallel ? longestFirst(runs, (r) => r.ex.host.label, this.times, step) : runs;
  }

  /** What the run works on: the hosts selected and connected, but those left behind. */
  get runs(): HostRun[] {
    return this.members.filter((r) => !r.behind);
  }

  /** The hosts this run left behind (max_failed_hosts): unreachable, or failed before their switch; what each serves. */
  get leftBehind(): { label: string; why: string; serves?: string }[] {
    const failed = this.members.filter((r) => r.behind);
    return [...this.unreached, ...failed.map((r) => ({ label: r.ex.host.label, why: r.behind!, serves: r.serves }))];
  }

  /**
   * Connects to every host (at most `parallel` at once). A host that cannot be reached fails
   * the run before anything changed anywhere: every such host is named. withPrimary: a run that
   * takes the lock also connects to the fleet's primary when --hosts leaves it out (it locks it:
   * runs on parts of the fleet wait for each other, and run-once work has one place to go).
   */
  static async connect(session: Session, opts: { withPrimary?: boolean } = {}): Promise<Fleet> {
    const { fleet, failed } = await Fleet.connectReachable(session, opts);
    const s = session.settings;
    const extra = opts.withPrimary ? outsidePrimary(s) : undefined;
    const hosts = extra ? [...s.hosts, extra] : s.hosts;
    if (failed.length) {
      await fleet.close();
      if (failed.length === 1 && hosts.length === 1) throw failed[0].err;
      const reached = s.hosts.filter((h) => !failed.some((f) => f.host === h)).map((h) => h.label);
      const isOutside = (h: HostSpec) => !s.hosts.includes(h);
      const outsideFailed = failed.find((f) => isOutside(f.host));
      const err = new ConnectionError(
        `cannot reach ${failed.length} of ${hosts.length} hosts, nothing was changed on any host:\n${failed.map((f) => `  ${f.err.message.split('\n')[0]}${isOutside(f.host) ? ` (the primary, not in --hosts: every run locks it)` : ''}`).join('\n')}`,
        outsideFailed
          ? `Bring ${outsideFailed.host.label} back: runs on part of the fleet lock the primary, so that they wait for each other and run-once work (migrate on a shared database, [RUN_ONCE]) runs there once. If it is gone for good, make another host the primary ([HOSTS] primary = …).`
          : reached.length
            ? `Bring them back, or leave them out on purpose: --hosts ${reached.join(',')}`
            : (failed[0].err as ConnectionError).hint,
      );
      if (failed.every((f) => f.err.name === 'UsageError')) throw failed[0].err;
      throw err;
    }
    return fleet;
  }

  /** Connects to every host it can (at most `parallel` at once): the fleet of those, and why each other one failed. */
  static async connectReachable(
    session: Session,
    opts: { withPrimary?: boolean } = {},
  ): Promise<{ fleet: Fleet; failed: { host: HostSpec; err: Error }[] }> {
    const s = session.settings;
    const limit = pLimit(s.parallel);
    const extra = opts.withPrimary ? outsidePrimary(s) : undefined;
    const hosts = extra ? [...s.hosts, extra] : s.hosts;
    const results = await Promise.allSettled(hosts.map((h) => limit(() => session.open(h))));
    const opened = results.map((r, i) =>
      r.status === 'fulfilled'
        ? { ex: r.value, locked: false, ...(hosts[i] === extra ? { outside: true } : {}) }
        : undefined,
    );
    const runs = opened.filter((r, i): r is HostRun => !!r && hosts[i] !== extra);
    const outside = extra ? opened.at(-1) : undefined;
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ host: hosts[i], err: r.reason as Error }] : [],
    );
    return { fleet: new Fleet(session, runs, outside), failed };
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

  /** Every host this run connected: the selected ones (those left behind too), and the primary when it is outside them. */
  get all(): HostRun[] {
    return this.outside ? [...this.members, this.outside] : this.members;
  }

  /** Where run-once work goes: always the fleet's primary (in this run, or locked from outside it); never another host. */
  get primary(): HostRun | undefined {
    return this.all.find((r) => r.ex.host.label === this.settings.primary);
  }

  /** The same fleet, limited to some of its hosts (a rollback leaves out those already there). */
  only(runs: HostRun[]): Fleet {
    return new Fleet(this.session, runs, this.outside);
  }

  /** fn on each of `runs` (default: all), at most `parallel` at once; the first error once all are done. */
  async each<T>(fn: (run: HostRun) => Promise<T>, runs: HostRun[] = this.runs): Promise<T[]> {
    const results = await this.settle(fn, runs);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
    return results.map((r) => (r as PromiseFulfilledResult<T>).value);
  }

  /** fn on each of `runs`, at most `parallel` at once, every outcome kept (a failing host marked, for the table). */
  settle<T>(fn: (run: HostRun) => Promise<T>, runs: HostRun[] = this.runs): Promise<PromiseSettledResult<T>[]> {
    return Promise.allSettled(runs.map((run) => this.limit(() => fn(run)).catch(failedOn(run))));
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((r) => r.ex.close()));
    const { reporter, opts, settings } = this.session;
    const timed = Object.values(reporter.result.hosts).some((h) =>
      h.steps.some((st) => (TIMED_STEPS as readonly string[]).includes(st.id)),
    );
    if (timed && !opts.dryRun) saveHostTimes(settings.app, this.times, reporter.result);
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

/** Marks `run` with the error its step threw (and as lost when its connection went), for the summary table; rethrows it. */
export function failedOn(run: HostRun): (err: unknown) => never {
  return (err) => {
    if (err instanceof ConnectionLostError) run.lost ??= err;
    run.failed ??= err;
    throw err;
  };
}
