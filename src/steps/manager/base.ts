// What a process manager is to the plans (supervisor.ts and systemd.ts are the two), and what
// both share: the programs' names, the shell command a slot runs, the data their files are
// rendered from.
import type { Command } from '../../plan.js';
import type { Settings } from '../../settings/types.js';
import { layout, type Slot } from '../../layout.js';
import type { Masked, Sh } from '../../shell.js';
import { processScript } from '../server-files.js';

export type ManagerName = Settings['processManager'];

/**
 * What runs the app's programs: the two gunicorn slots (a, b) and the [PROCESSES] (by name).
 * Starting, stopping and reading them goes through deploy-ctl with both (./ctl.ts); what differs
 * is here, and in the library functions of remote/lib/programs.sh that take `name`.
 */
export interface ProcessManager {
  /** process_manager's value: what deploy-ctl's ctl.conf and the library functions are told. */
  readonly name: ManagerName;
  /** The file that defines a program: a slot (a, b) or a process (its name). */
  programFile(program: string): string;
  /** The programs' files of the app's processes, as a glob (to find those that left the settings). */
  /** The program files of the app's processes, as a glob the shell expands. */
  readonly processGlob: Sh;
  /** The content of a slot's program file and of a process's, as the settings make them. */
  slotProgram(slot: Slot): Masked;
  processProgram(process: string): Masked;
  /** The systemd unit that starts the live slot at boot (with supervisor too: after supervisord). */
  readonly bootUnit: { name: string; file: string; content: Masked };
  /** Where a slot's output goes: its log file (supervisor) or its unit (systemd's journal). */
  slotLog(slot: Slot): string;
  /** The packages setup installs for it. */
  readonly packages: string[];
  /** The commands a host must have when setup installs no packages (--dependencies=no). */
  readonly commands: string[];
  /** The system services the programs need running (supervisord itself). */
  readonly services: string[];
  /** Make the processes start at boot (supervisor's programs do by themselves). */
  enableAtBoot(processes: string[]): Command[];
}

/** A slot's or a process's program (supervisor) or unit (systemd, without .service). */
export const programOf = (s: Settings, name: string) => `${s.project}-${name}`;

/**
 * The shell command a slot runs (in its slot directory): gunicorn, through the release's
 * .deploy/gunicorn-start.py. Releases from before .deploy/ use the shared gunicorn.conf.py; from
 * before gunicorn-start.py, `python -m gunicorn` (a rollback to one boots as it did).
 */
export function gunicornCommand(s: Settings, slot: Slot): string {
  const L = layout(s);
  return `set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=${L.gunicornConf}; } && r=./.deploy/gunicorn-start.py && { [ -f "$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$r" --config "$c" --bind ${L.bind(slot)} ${s.wsgiApp}`;
}

/** What a slot's program file is rendered from (templates/supervisor.conf, templates/slot.service). */
export function slotData(s: Settings, slot: Slot) {
  const L = layout(s);
  return {
    app: s.project,
    slot,
    program: programOf(s, slot),
    slotDir: L.slot(slot),
    appUser: s.appUser,
    home: s.home,
    stopWait: s.gunicornTimeout + 5,
    logDir: L.programLogs,
  };
}

/** What a process's program file is rendered from (templates/process.supervisor.conf, templates/process.service). */
export function processData(s: Settings, name: string) {
  const L = layout(s);
  return {
    app: s.project,
    name,
    program: programOf(s, name),
    script: processScript(s, name),
    current: L.current,
    appUser: s.appUser,
    home: s.home,
    stopSignal: s.processStop.signal,
    stopTimeout: s.processStop.timeout,
    logDir: L.programLogs,
  };
}

/** The boot unit: its name and file under /etc/systemd/system (either manager's). */
export function bootUnitName(s: Settings): { name: string; file: string } {
  const name = `deploy-${s.project}-boot.service`;
  return { name, file: `/etc/systemd/system/${name}` };
}
