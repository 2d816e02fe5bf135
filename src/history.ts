// `history`'s merge: every host keeps its own deploy log, and one run writes the same entry
// (its start time, operator and command) on each host it touched. Merged, a run is one row
// with the hosts that logged it; a lock still held is a run going on, or one that was killed
// (unlock later logs it as interrupted).
import { describeLock, holderState } from './lock-holder.js';
import type { LockInfo } from './steps/lock.js';

/** One run as a host's deploy log has it (steps/deploy.ts appendDeployLog; older entries lack some fields). */
export interface LogEntry {
  time: string;
  operator?: string;
  command?: string;
  ref?: string;
  commit?: string;
  release?: string;
  target?: string;
  result?: string;
  duration_s?: number;
  hosts?: string[];
  [field: string]: unknown;
}

/** One run across the fleet. */
export interface HistoryRow {
  time: string;
  operator: string;
  command: string;
  ref?: string;
  commit?: string;
  release?: string;
  result: string;
  duration_s?: number;
  /** The hosts whose log has this run (or, for a lock, that hold it). */
  hosts: string[];
}

/** A host's log lines: the entries that parse (a line cut by a full disk or edited by hand is skipped). */
export function parseLog(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as LogEntry;
      if (e && typeof e === 'object' && typeof e.time === 'string') out.push(e);
    } catch {
      /* not a log entry */
    }
  }
  return out;
}

const key = (e: { time: string; operator?: string; command?: string }) =>
  `${e.time}\0${e.operator ?? ''}\0${e.command ?? ''}`;

/**
 * Every host's entries and lock, merged into runs, newest first, at most `limit`. A run whose
 * hosts disagree on its result says how many said what ("ok on 2, failed on 1").
 */
export function mergeHistory(
  hosts: { label: string; entries: LogEntry[]; lock?: Partial<LockInfo> }[],
  limit: number,
  me?: string,
): HistoryRow[] {
  const runs = new Map<string, { entry: LogEntry; results: Map<string, string[]>; hosts: string[] }>();
  /** `label` says `result` of the run `e` names: one row per run, each field from whichever host has it. */
  const record = (e: LogEntry, result: string, label: string) => {
    let run = runs.get(key(e));
    if (!run) runs.set(key(e), (run = { entry: { ...e }, results: new Map(), hosts: [] }));
    // A run that failed on one host logged less there.
    for (const [k, v] of Object.entries(e)) if (run.entry[k] === undefined && v !== undefined) run.entry[k] = v;
    run.results.set(result, [...(run.results.get(result) ?? []), label]);
    if (!run.hosts.includes(label)) run.hosts.push(label);
  };
  for (const h of hosts) {
    for (const e of h.entries) record(e, e.result ?? '?', h.label);
    if (h.lock?.since) {
      const state = holderState(h.lock, me);
      const result =
        state === 'running here'
          ? 'running (its lock is held)'
          : state === 'gone'
            ? `interrupted: its process is gone, its lock is held (\`unlock\` removes it)`
            : `running or interrupted: its lock is held (${describeLock(h.lock, me)})`;
      record(lockedRun(h.lock), result, h.label);
    }
  }
  return [...runs.values()]
    .map(({ entry: e, results, hosts: labels }) => ({
      time: e.time,
      operator: e.operator ?? '?',
      command: e.command ?? '?',
      ref: e.ref ?? e.target,
      commit: e.commit,
      release: e.release,
      result:
        results.size === 1 ? [...results.keys()][0] : [...results].map(([r, on]) => `${r} on ${on.length}`).join(', '),
      duration_s: typeof e.duration_s === 'number' ? e.duration_s : undefined,
      hosts: labels,
    }))
    .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0))
    .slice(0, limit);
}

/** The run a lock names, as its deploy-log entry would (`what` is "deploy main", "rollback", "setup"). */
export function lockedRun(lock: Partial<LockInfo>): LogEntry & { time: string } {
  const [command, ...ref] = (lock.what ?? '').split(' ');
  return { time: lock.since ?? '', operator: lock.by, command: command || undefined, ref: ref.join(' ') || undefined };
}
