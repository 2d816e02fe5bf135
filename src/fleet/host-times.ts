// The slowest hosts first. A phase with more hosts than `parallel` ends when its last host does:
// run in the fleet's order, a slow host that starts last sticks out past every other by most of
// its own time (10 % of a 1,000-host build, docs/fleets.md "The simulator"). Started
// longest-first, the hosts fill the slots evenly and the phase ends within a fraction of a
// percent of its bound. How long each host took is known only from a run before: each run
// records, on this machine, every host's time in the long steps, and the next starts the
// slowest first (hosts it has no time for before them: a new host builds from nothing).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateDir } from '../ui/output.js';
import type { RunResult } from '../ui/output.js';

/** The steps whose hosts are ordered, slowest first: building (one step, or the environment) and the health check. */
export const TIMED_STEPS = ['build', 'build-env', 'start'] as const;
export type TimedStep = (typeof TIMED_STEPS)[number];

/** Per host label, its last time (ms) in each timed step. */
export type HostTimes = Record<string, Partial<Record<TimedStep, number>>>;

export const hostTimesFile = (app: string): string => join(stateDir(), 'host-times', `${app}.json`);

/** What earlier runs recorded (nothing, if no run did or the file cannot be read: the fleet's order then). */
export function loadHostTimes(app: string): HostTimes {
  try {
    const parsed = JSON.parse(readFileSync(hostTimesFile(app), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as HostTimes) : {};
  } catch {
    return {};
  }
}

/** `items` in the order to start them: the longest last time first, those without one before all (stable otherwise). */
export function longestFirst<T>(items: T[], label: (item: T) => string, times: HostTimes, step: TimedStep): T[] {
  const last = (item: T) => times[label(item)]?.[step] ?? Number.POSITIVE_INFINITY;
  return items
    .map((item, i) => ({ item, i, ms: last(item) }))
    .sort((a, b) => b.ms - a.ms || a.i - b.i)
    .map((x) => x.item);
}

/** The run's times in the timed steps that finished, merged over what was recorded (other hosts keep theirs). */
export function mergeHostTimes(before: HostTimes, result: Pick<RunResult, 'hosts'>): HostTimes {
  const after: HostTimes = { ...before };
  for (const [label, host] of Object.entries(result.hosts)) {
    for (const st of host.steps) {
      if (st.status === 'failed' || !(TIMED_STEPS as readonly string[]).includes(st.id)) continue;
      after[label] = { ...after[label], [st.id]: st.duration_ms };
    }
  }
  return after;
}

/** Records this run's times for the next; a machine that cannot write them keeps the fleet's order, nothing more. */
export function saveHostTimes(app: string, before: HostTimes, result: Pick<RunResult, 'hosts'>): void {
  const file = hostTimesFile(app);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify(mergeHostTimes(before, result))}\n`);
    renameSync(`${file}.tmp`, file);
  } catch {
    // The order is an optimisation: a run never fails for it.
  }
}
