// Moving traffic from one slot to the other, crash-consistently.
//
// The commit point is one file: slots/live-b (present: nginx sends traffic to slot b;
// absent: to slot a), created or removed in one system call and read by nginx on every
// request. Everything else follows it: `current` is repaired to the live slot's release at
// the start of every run, and a slot is only ever stopped when the file says it is idle.
// So a run killed at any moment (locally, by a cut connection or a reboot) leaves a
// server whose traffic goes to a healthy, started slot, and the next run finds one truth.
import { step, type Command, type Step } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, type Slot } from '../layout.js';
import { sh } from '../shell.js';
import { leftPageOff } from './maintenance.js';

/** Exit status of a script that stopped because the operator pressed Ctrl-C (deploy_abort_point, remote/lib/switch.sh). */
export const INTERRUPTED_STATUS = 130;

/**
 * The last point where Ctrl-C still stops a run, right before traffic moves. The script and
 * Ctrl-C's request (abortRequest) race to create the same file; whichever creates it decides,
 * so the operator is told the truth: stopped before the switch, or too late to stop it.
 */
export function abortPoint(s: Settings, token: string): Command {
  const f = layout(s).decision(token);
  return { run: sh`deploy_abort_point ${f}`, as: 'app', probe: true };
}

/** Ctrl-C while a script runs: sent over a second channel of the same connection. Prints "stopping" or "too-late". */
export function abortRequest(s: Settings, token: string): Step {
  const f = layout(s).decision(token);
  const decision: Command = { run: sh`deploy_abort_request ${f}`, as: 'app', probe: true, name: 'decision' };
  return { ...step('abort', 'ask the running step to stop before the switch', [decision]), aside: true };
}

/** The commit point: from the next request on, nginx sends traffic to `slot`. The app user's file, in its directory. */
export function commitSwitch(s: Settings, slot: Slot): Command {
  const flag = layout(s).liveFlag;
  return slot === 'b'
    ? { run: sh`touch ${flag}`, unless: sh`test -e ${flag}`, as: 'app' }
    : { run: sh`rm -f ${flag}`, unless: sh`test ! -e ${flag}`, as: 'app' };
}

/** `current` names the live slot's release (for people, `run` and Capistrano habits). */
export function followCurrent(s: Settings): Command {
  const L = layout(s);
  return { run: sh`deploy_follow_current ${L.liveFlag} ${L.slots} ${L.current}`, as: 'app', probe: true };
}

/** What the other pieces of state must be, given the commit point, after a run was cut short. */
export function repair(s: Settings): Command[] {
  const L = layout(s);
  return [
    { ...followCurrent(s), name: 'repaired' },
    // Leftovers of killed runs: half-made links, decisions of dead runs (we hold the lock), half-deleted releases.
    { run: sh`deploy_clear_leftovers ${L.current} ${L.slots} ${L.root}`, as: 'app', probe: true },
    { run: sh`deploy_finish_deletes ${L.releases} ${s.venvsDir}`, as: 'app', probe: true },
    leftPageOff(s),
  ];
}

/** Make the started slot live: commit, then `current` follows. */
export function switchTo(s: Settings, slot: Slot): Command[] {
  return [commitSwitch(s, slot), followCurrent(s)];
}
