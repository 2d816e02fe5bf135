// systemd (process_manager = systemd): each program is a unit in /etc/systemd/system, its output
// in the journal. The slots' units are not enabled (a boot unit starts the live one); the
// processes' are. systemd is also every Debian host's service manager: the hint for a stopped
// service is here too.
import type { Settings } from '../../settings/types.js';
import type { Slot } from '../../layout.js';
import { layout } from '../../layout.js';
import { raw, sh } from '../../shell.js';
import { renderTemplate } from '../../templates.js';
import { bootUnitName, gunicornCommand, processData, programOf, slotData, type ProcessManager } from './base.js';

/** The unit of a slot, whichever manager runs the app (setup looks for both). */
export const systemdSlotFile = (s: Settings, slot: Slot) => `/etc/systemd/system/${programOf(s, slot)}.service`;

/** Every unit on a host (setup reads the ports the slots of every app bind). */
export const SYSTEMD_UNITS = '/etc/systemd/system/*.service';

export function systemd(s: Settings): ProcessManager {
  const L = layout(s);
  const unit = (name: string) => `${programOf(s, name)}.service`;
  return {
    name: 'systemd',
    programFile: (name) => `/etc/systemd/system/${unit(name)}`,
    // The slots' units and the boot unit match it too: only a unit marked as a process's goes.
    processGlob: sh`/etc/systemd/system/${s.project}-${raw('*')}.service`,
    // A unit's ExecStart expands $ itself: the shell's must reach the shell.
    slotProgram: (slot) =>
      renderTemplate(
        'slot.service',
        { ...slotData(s, slot), gunicornCommand: gunicornCommand(s, slot).replace(/\$/g, '$$$$') },
        s.file,
      ),
    processProgram: (name) => renderTemplate('process.service', processData(s, name), s.file),
    bootUnit: {
      ...bootUnitName(s),
      content: renderTemplate(
        'boot-systemd.service',
        { app: s.project, liveFlag: L.liveFlag, slotsDir: L.slots },
        s.file,
      ),
    },
    slotLog: (slot) => unit(slot),
    packages: [],
    commands: [],
    services: [],
    enableAtBoot: (names) => {
      const units = names.map(unit);
      return [{ run: sh`systemctl enable --quiet ${units}`, unless: sh`deploy_units_enabled ${units}` }];
    },
  };
}

/** What an operator runs to start system services that are down (status says so). */
export function startServicesHint(units: string[]): string {
  return `sudo systemctl start ${units.join(' ')}`;
}
