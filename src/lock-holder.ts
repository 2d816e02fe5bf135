// Who holds a deploy lock, in words: a run on this machine whose process is gone left a
// stale lock (unlock may remove it); one whose process still runs must not be broken by mistake.
import { readFileSync } from 'node:fs';
import type { LockInfo } from './steps/lock.js';
import { operator } from './operator.js';
import { terminalSafe } from './printable.js';

export type HolderState = 'running here' | 'gone' | 'elsewhere';

/** When did process PID start (ms since the epoch), from /proc; undefined if unknown. */
function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && btime ? btime * 1000 + (ticks * 1000) / 100 : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder on this machine (same user@host) is running if its pid is alive and was not reused since the lock was taken. */
export function holderState(info: Partial<LockInfo>, me = operator()): HolderState {
  if (info.by !== me || !info.pid) return 'elsewhere';
  if (!alive(info.pid)) return 'gone';
  const started = processStart(info.pid);
  const since = Date.parse(info.since ?? '');
  if (started !== undefined && Number.isFinite(since) && started > since + 2000) return 'gone';
  return 'running here';
}

/** "root@vm (pid 123, which is no longer running) since 2026-11-24 10:00:00: deploy main" */
export function describeLock(info: Partial<LockInfo>, me = operator()): string {
  const state = holderState(info, me);
  const pid = info.pid ?? '?';
  const who =
    state === 'gone'
      ? `pid ${pid}, which is no longer running`
      : state === 'running here'
        ? `pid ${pid}, still running on this machine`
        : `pid ${pid}`;
  const since = (info.since ?? '?').replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
  // The lock file is the app user's: what it says is shown with its control characters escaped.
  return terminalSafe(`${info.by ?? 'someone'} (${who}) since ${since}: ${info.what ?? '?'}`);
}
