// The host's system services the app needs: nginx on a web host, the process manager's own
// (supervisor), and the settings' `services`. They are systemd units with either manager; the
// shell that reads and starts them is remote/lib/programs.sh's.
import type { Command } from '../../plan.js';
import type { Settings } from '../../settings/types.js';
import { sh, type Sh } from '../../shell.js';
import { processManager } from './index.js';

export { startServicesHint } from './systemd.js';

/** The system services a host needs to serve the app: nginx on a web host, and the process manager. */
export function requiredServices(s: Settings, host: { roles: string[] }): string[] {
  return [...(host.roles.includes('web') ? ['nginx'] : []), ...processManager(s).services];
}

/** Fails, saying so, when a service the app needs is not running: a deploy would report a site live that nobody serves. */
export function requireServices(s: Settings, web: boolean): Command {
  const why = web ? 'the site is down' : 'the processes of the app are down';
  return {
    run: sh`deploy_require_services ${why} ${requiredServices(s, { roles: web ? ['web'] : [] })}`,
    // As the app user, beside the lock: one user switch fewer in every prepare (reading a unit's state needs no root).
    as: 'app',
    probe: true,
  };
}

/** "<unit> <state>" per unit. */
export function serviceStates(units: string[]): Sh {
  return sh`deploy_services_state ${units}`;
}

/** Units enabled and started (already done when each is enabled and running). */
export function enableServices(units: string[]): Command {
  return { run: sh`deploy_enable_services ${units}`, unless: sh`deploy_services_on ${units}` };
}

/** "<enabled> <active> <next run>" of a systemd timer (certbot's). */
export function timerState(unit: string): Sh {
  return sh`deploy_timer_state ${unit}`;
}
