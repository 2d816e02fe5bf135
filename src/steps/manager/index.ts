// The process manager: what runs the app's programs, the two gunicorn slots and [PROCESSES]:
// supervisor (the default) or systemd (process_manager = systemd). The plans ask this module;
// only supervisor.ts and systemd.ts know which one runs (and remote/lib/programs.sh, told by
// name). The switch is the same with both. Programs are started, stopped and read through
// deploy-ctl (./ctl.ts) as root or, for a deploy user, through sudo: one way for both.
import type { Command } from '../../plan.js';
import type { Settings } from '../../settings/types.js';
import { layout, type Slot } from '../../layout.js';
import { sh, type Sh } from '../../shell.js';
import type { ProcessManager } from './base.js';
import { stopPrograms } from './ctl.js';
import { SUPERVISOR_PROGRAMS, supervisor, supervisorSlotFile } from './supervisor.js';
import { SYSTEMD_UNITS, systemd, systemdSlotFile } from './systemd.js';

export type { ProcessManager } from './base.js';
export { gunicornCommand, programOf } from './base.js';
export { controlFiles, ctl, ctlConf, programStates, stopPrograms } from './ctl.js';
export { supervisorSocketRootOnly } from './supervisor.js';

export function processManager(s: Settings): ProcessManager {
  return s.processManager === 'systemd' ? systemd(s) : supervisor(s);
}

/** A slot's program file under either manager: where setup finds an install of this app (and, among other apps' ports, skips its own). */
export function slotFilesOfEitherManager(s: Settings): string[] {
  return (['a', 'b'] as Slot[]).flatMap((slot) => [supervisorSlotFile(s, slot), systemdSlotFile(s, slot)]);
}

/** Every app's program files on a host, under either manager (globs). */
export const PROGRAM_FILES_OF_EVERY_APP = [SUPERVISOR_PROGRAMS, SYSTEMD_UNITS];

/** Root writes a program file; a deploy user (no root) can only check it is what the settings say. */
export function writeProgram(s: Settings, name: string, content = programContent(s, name)): Command {
  return { run: sh`deploy_put_program ${processManager(s).programFile(name)}`, stdin: content, reportsChange: true };
}

function programContent(s: Settings, name: string) {
  const pm = processManager(s);
  return name === 'a' || name === 'b' ? pm.slotProgram(name) : pm.processProgram(name);
}

/** After program files changed in this step (`changed`: the step's own flag by default), the manager reads them; none restarts. */
export function rereadPrograms(s: Settings, changed: Sh = sh`"$__step_changed"`): Sh {
  return sh`deploy_reread_programs ${processManager(s).name} ${changed}`;
}

/**
 * Both slots' programs and the unit that starts the live one at boot, then the manager reads
 * them. A running slot is never restarted here: the change applies when the slot next starts
 * (deploy-ctl sees it and updates the program), so setup never interrupts the site.
 */
export function slotPrograms(s: Settings): Command[] {
  const pm = processManager(s);
  const boot = pm.bootUnit;
  return [
    { run: sh`__put ${boot.file} 0644 root:root`, stdin: boot.content, reportsChange: true },
    ...(['a', 'b'] as Slot[]).map((slot) => ({
      run: sh`__put ${pm.programFile(slot)} 0644 root:root`,
      stdin: pm.slotProgram(slot),
      reportsChange: true,
    })),
    { run: sh`deploy_boot_unit_enable ${boot.name}`, unless: sh`deploy_boot_unit_enabled ${boot.name} ${boot.file}` },
    { run: rereadPrograms(s), probe: true },
  ];
}

/**
 * A slot's log from one start on: `mark` notes where it stands before the start, `read` prints
 * what came since, `crashed` tells whether it crashed since (systemd restarted it; supervisor's
 * log says so itself). Shell calls; `mark` sets variables the others read in the same script.
 */
export function slotLog(s: Settings, slot: Slot): { mark: Sh; read: Sh; crashed: Sh } {
  const pm = processManager(s);
  const args = sh`${pm.name} ${pm.slotLog(slot)}`;
  return {
    mark: sh`deploy_slot_log_mark ${args}`,
    read: sh`deploy_slot_log ${args}`,
    crashed: sh`deploy_slot_crashed ${args}`,
  };
}

/** Stop a slot unless nginx sends it the traffic (a run that started it, then did not switch). */
export function stopIfIdle(s: Settings, slot: Slot): Sh {
  return sh`deploy_when_idle ${layout(s).liveFlag} ${slot} ${stopPrograms(s, [slot])}`;
}
