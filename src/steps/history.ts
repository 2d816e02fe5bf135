// What `history` reads on each host: the last entries of the app's deploy log (one line of JSON
// per run: deploy, rollback, maintenance, unlock of an interrupted run), and the lock, which
// names a run still going or killed.
import { layout } from '../layout.js';
import { onlyIf, step, type Step } from '../plan.js';
import { sh } from '../shell.js';
import type { Settings } from '../settings/types.js';
import { readLock } from './lock.js';

export function readHistory(s: Settings, entries: number): Step {
  const L = layout(s);
  return onlyIf(
    sh`test -d ${L.root}`,
    step('history', 'read the deploy log', [
      { run: sh`deploy_log_tail ${L.deployLog} ${String(entries)}`, as: 'app', probe: true, name: 'log' },
      readLock(s),
    ]),
  );
}
