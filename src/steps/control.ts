// start, stop and restart of processes (`deploy <app> start|stop|restart`): each host's step,
// under the lock it releases, with the deploy log's line. A restart of web is the deploy's switch
// (fleet/golive.ts), not this.
import { step, type Command, type Step } from '../plan.js';
import type { HostSpec, Settings } from '../settings/types.js';
import { layout, liveSlotCode, SLOTS, type Slot } from '../layout.js';
import { sh, type Sh } from '../shell.js';
import { appendDeployLog } from './deploy.js';
import { releaseLock, type LockInfo } from './lock.js';
import { healthCheck } from './slots.js';
import { slotLog } from './manager/index.js';
import { restartProcesses, runsProcesses, startProcesses, stopProcesses } from './processes.js';

export type Action = 'start' | 'stop' | 'restart';

/** What one control run does: its action, on web (the live slot) and these processes. */
export interface Control {
  action: Action;
  /** What the operator reads: a process, or every process. */
  what: string;
  web: boolean;
  procs: string[];
  lock: LockInfo;
  log: Record<string, unknown>;
}

/** The host's step: its commands, then the lock given back and the deploy log's line. */
export function controlStep(s: Settings, host: HostSpec, c: Control): Step {
  return step(c.action, `${c.action} ${c.what}`, [
    ...commandsFor(c.action, s, host, c.web, c.procs),
    releaseLock(s, c.lock.token),
    appendDeployLog(s, { ...c.log, result: 'ok' }),
  ]);
}

/** One host's commands for start, stop, or a restart of processes only. */
export function commandsFor(action: Action, s: Settings, host: HostSpec, web: boolean, procs: string[]): Command[] {
  const L = layout(s);
  const on = runsProcesses(s, host);
  const cmds: Command[] = [];
  const live = sh`"$(${liveSlotCode(L)})"`;
  if (web && host.roles.includes('web')) {
    if (action === 'stop') cmds.push({ run: sh`__ctl ${s.project} stop ${s.project}-${live}` });
    if (action === 'start') {
      // Only the live slot: nginx sends traffic to it. Then prove it answers (its log read from this start on).
      const whenLive = (slot: Slot, call: Sh) => sh`deploy_when_live ${L.liveFlag} ${slot} ${call}`;
      cmds.push(...SLOTS.map((slot) => ({ run: whenLive(slot, slotLog(s, slot).mark), probe: true })));
      cmds.push({ run: sh`__ctl ${s.project} start ${s.project}-${live}` });
      cmds.push(...SLOTS.map((slot) => ({ run: whenLive(slot, healthCheck(s, slot).run), probe: true })));
    }
  }
  if (on) {
    if (action === 'stop') cmds.push(...stopProcesses(s, procs));
    if (action === 'start') cmds.push(...startProcesses(s, true, procs));
    if (action === 'restart') cmds.push(...restartProcesses(s, true, procs));
  }
  return cmds;
}
