// The deploy lock: a directory made with mkdir (atomic) holding who took it. Only the run
// that took it (its token) releases it; `unlock` removes a lock whose holder is gone. It lives in
// the app's directory, so the app user takes and gives it back: root never writes there.
import { onlyIf, step, type Command, type Step } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { sh } from '../shell.js';

/** Exit status of the lock command when another run holds the lock (deploy_lock, remote/lib/lock.sh). */
export const LOCKED_STATUS = 75;

export interface LockInfo {
  by: string;
  pid: number;
  since: string;
  what: string;
  token: string;
}

export function acquireLock(s: Settings, info: LockInfo): Command {
  const lock = layout(s).lock;
  return { run: sh`deploy_lock ${lock} ${JSON.stringify(info)}`, as: 'app' };
}

/** Only the run that took the lock releases it. */
export function releaseLock(s: Settings, token: string): Command {
  const lock = layout(s).lock;
  return { run: sh`deploy_unlock ${lock} ${token}`, as: 'app', probe: true };
}

export function readLock(s: Settings): Command {
  return { run: sh`deploy_lock_info ${layout(s).lock}`, as: 'app', probe: true, name: 'lock' };
}

/** Removes the lock if it still is the one the operator was shown (not a newer run's); then `logged` (its run's entry in the deploy log). */
export function removeLock(s: Settings, token: string | undefined, logged?: Command): Step {
  const lock = layout(s).lock;
  const run = token ? sh`deploy_remove_lock ${lock} ${token}` : sh`rm -rf ${lock}`;
  return step('unlock', 'remove the lock', [{ run, as: 'app' }, ...(logged ? [logged] : [])]);
}

export function parseLock(text: string): Partial<LockInfo> | undefined {
  const t = text.trim();
  if (!t) return undefined;
  try {
    return JSON.parse(t) as Partial<LockInfo>;
  } catch {
    return {};
  }
}

/** The lock's holder, when there is an app directory (setup cut off before it, or never run: no lock, no app user to read it). */
export function readLockStep(s: Settings): Step {
  return onlyIf(sh`test -d ${layout(s).root}`, step('lock-info', 'read the lock', [readLock(s)]));
}
