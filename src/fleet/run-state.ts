// What a deploy or rollback run keeps while it goes live, shared by the go-live and the
// clean-up (cleanup.ts) that answers a signal or a failure.
import type { InterruptGuard } from '../interrupt.js';
import type { LockInfo } from '../steps/lock.js';
import type { HostRun } from './fleet.js';

/** Where the run is, so a signal gets the right answer. */
export interface RunState {
  guard: InterruptGuard;
  /** Hosts are switching: too late to stop, the switch finishes. */
  switching: boolean;
  /** Replies to Ctrl-C's abort requests. */
  abortReplies: Promise<void>[];
  tooLate: string[];
  /** A rolling deploy: hosts that switched keep their old slot until the rollout is over. */
  log: Record<string, unknown>;
  lock: LockInfo;
  prune: boolean;
  /** Cleans up one host that failed on its own and is left behind (fleet/budget.ts), as a failed run would. */
  leaveBehind(run: HostRun, err: unknown): Promise<void>;
}
