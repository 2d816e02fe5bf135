// [HOOKS]: the operator's shell commands at fixed points of a deploy or rollback. Each runs in
// the release directory as the app user, with the release's environment and virtualenv, inside
// the run's script (so under its lock); its output is shown with its step.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import type { HookName } from '../settings/schema.js';
import { layout } from '../layout.js';
import { sh } from '../shell.js';

/** Where a hook runs: `primary` says whether this host is the one run-once hooks go to. */
export interface HookHost {
  primary: boolean;
}

/** The hook's command for this host, or nothing (unset, or run-once and this is not the primary). */
export function hook(s: Settings, name: HookName, release: string, on: HookHost): Command[] {
  const h = s.hooks[name];
  if (!h || (h.once && !on.primary)) return [];
  const dir = layout(s).release(release);
  return [{ run: sh`deploy_hook ${name} ${dir} ${h.command}`, as: 'app', show: true }];
}
