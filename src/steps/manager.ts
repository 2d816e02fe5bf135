// What runs the app's programs, the two gunicorn slots and [PROCESSES]: supervisor (seed 000,
// the default) or systemd (process_manager = systemd). The switch is the same with both: only
// these shell fragments and files differ. Supervisor logs go to the app's log directory;
// systemd's to the journal.
import type { Settings } from '../settings/types.js';
import { layout, type Slot } from '../layout.js';
import { sh, type Masked, type Sh } from '../shell.js';
import { renderTemplate } from '../templates.js';
import { processScript } from './release-files.js';

export const usesSystemd = (s: Settings) => s.processManager === 'systemd';

/** supervisor program or systemd unit (without .service) of a slot or a process. */
export const programOf = (s: Settings, name: string) => `${s.project}-${name}`;

export function programFile(s: Settings, name: string): string {
  if (usesSystemd(s)) return `/etc/systemd/system/${programOf(s, name)}.service`;
  return name === 'a' || name === 'b' ? layout(s).supervisorConf(name) : `/etc/supervisor/conf.d/${s.project}-process-${name}.conf`;
}

/** The shell command a slot runs (in its slot directory); releases from before .deploy/ use the shared gunicorn.conf.py. */
export function gunicornCommand(s: Settings, slot: Slot): string {
  const L = layout(s);
  return `set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=${L.gunicornConf}; } && exec ./.venv/bin/python -m gunicorn --config "$c" --bind ${L.bind(slot)} ${s.wsgiApp}`;
}

export function slotProgramContent(s: Settings, slot: Slot): Masked {
  const L = layout(s);
  const data = { app: s.project, slot, program: programOf(s, slot), slotDir: L.slot(slot), appUser: s.appUser, home: s.home, stopWait: s.gunicornTimeout + 5, logDir: L.log };
  if (usesSystemd(s)) return renderTemplate('slot.service', { ...data, gunicornCommand: gunicornCommand(s, slot).replace(/\$/g, '$$$$') }, s.file);
  return renderTemplate('supervisor.conf', { ...data, gunicornCommand: gunicornCommand(s, slot) }, s.file);
}

export function processProgramContent(s: Settings, name: string): Masked {
  const L = layout(s);
  const data = { app: s.project, name, program: programOf(s, name), script: processScript(s, name), current: L.current, appUser: s.appUser, home: s.home, stopSignal: s.processStop.signal, stopTimeout: s.processStop.timeout, logDir: L.log };
  return renderTemplate(usesSystemd(s) ? 'process.service' : 'process.supervisor.conf', data, s.file);
}

export const bootUnitFile = (s: Settings) => `/etc/systemd/system/deploy-${s.project}-boot.service`;

export function bootUnitContent(s: Settings): Masked {
  const L = layout(s);
  return renderTemplate(usesSystemd(s) ? 'boot-systemd.service' : 'boot.service', { app: s.project, liveFlag: L.liveFlag, slotsDir: L.slots }, s.file);
}

/** After program files changed: make the manager read them (supervisor: reread; systemd: daemon-reload). */
export function reloadPrograms(s: Settings): Sh {
  return usesSystemd(s) ? sh`systemctl daemon-reload` : sh`supervisorctl reread >/dev/null`;
}

/** Stop a program and wait (its graceful stop); a missing or stopped one is fine. */
export function stopProgram(s: Settings, name: string): Sh {
  return usesSystemd(s) ? sh`systemctl stop ${`${programOf(s, name)}.service`} 2>/dev/null || true` : sh`supervisorctl stop ${programOf(s, name)} >/dev/null 2>&1 || true`;
}

/** "<program> <STATE> <detail>" per program, supervisorctl status's shape, for both managers. */
export function programStates(s: Settings, names: string[]): Sh {
  const programs = names.map((n) => programOf(s, n));
  if (!usesSystemd(s)) return sh`supervisorctl status ${programs} 2>/dev/null || true`;
  return sh`for p in ${programs}; do st=$(systemctl show -p ActiveState --value "$p.service" 2>/dev/null); pid=$(systemctl show -p MainPID --value "$p.service" 2>/dev/null); since=$(systemctl show -p ActiveEnterTimestamp --value "$p.service" 2>/dev/null); case "$st" in active) echo "$p RUNNING pid $pid, since $since";; activating) echo "$p STARTING";; failed) echo "$p FATAL (systemd: failed)";; *) echo "$p STOPPED";; esac; done`;
}

/**
 * Shell code that marks where a slot's start begins (`mark`), prints its log since (`read`), and
 * tells whether it crashed since (`crashed`: systemd restarted it; supervisor's log says so).
 */
export function slotLog(s: Settings, slot: Slot): { mark: Sh; read: Sh; crashed: Sh } {
  if (usesSystemd(s)) {
    const unit = `${programOf(s, slot)}.service`;
    const restarts = sh`systemctl show -p NRestarts --value ${unit} 2>/dev/null || echo 0`;
    return {
      mark: sh`__log_since=$(date '+%Y-%m-%d %H:%M:%S'); __restarts_from=$(${restarts})`,
      read: sh`journalctl -q --no-pager -o cat -u ${unit} --since "\${__log_since:-today}" 2>/dev/null`,
      crashed: sh`{ n=$(${restarts}); [ "\${n:-0}" -gt 0 ] && [ "$n" != "\${__restarts_from:-0}" ]; }`,
    };
  }
  const file = `${layout(s).log}/gunicorn-${slot}.log`;
  return { mark: sh`__log_from=$(( $(stat -c %s ${file} 2>/dev/null || echo 0) + 1 ))`, read: sh`tail -c +"\${__log_from:-1}" ${file} 2>/dev/null`, crashed: sh`false` };
}
