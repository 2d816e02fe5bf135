// What runs the app's programs, the two gunicorn slots and [PROCESSES]: supervisor (seed 000,
// the default) or systemd (process_manager = systemd). The switch is the same with both: only
// these shell fragments and files differ. Programs are started, stopped and read through
// deploy-ctl (remote/deploy-ctl.sh), as root or, for a deploy user, through sudo: one way for
// both. Supervisor writes the programs' output to a directory only root can write; systemd to
// the journal.
import { createHash } from 'node:crypto';
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { DEPLOY_CTL, layout, type Slot } from '../layout.js';
import { Masked, sh, type Sh } from '../shell.js';
import { renderTemplate } from '../templates.js';
import { remoteFile } from '../remote-files.js';
import { processScript } from './server-files.js';

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
  const data = { app: s.project, slot, program: programOf(s, slot), slotDir: L.slot(slot), appUser: s.appUser, home: s.home, stopWait: s.gunicornTimeout + 5, logDir: L.programLogs };
  if (usesSystemd(s)) return renderTemplate('slot.service', { ...data, gunicornCommand: gunicornCommand(s, slot).replace(/\$/g, '$$$$') }, s.file);
  return renderTemplate('supervisor.conf', { ...data, gunicornCommand: gunicornCommand(s, slot) }, s.file);
}

export function processProgramContent(s: Settings, name: string): Masked {
  const L = layout(s);
  const data = { app: s.project, name, program: programOf(s, name), script: processScript(s, name), current: L.current, appUser: s.appUser, home: s.home, stopSignal: s.processStop.signal, stopTimeout: s.processStop.timeout, logDir: L.programLogs };
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

/** remote/deploy-ctl.sh, as setup installs it, and its digest (what a deploy checks). */
const DEPLOY_CTL_TEXT = remoteFile('deploy-ctl.sh');
const DEPLOY_CTL_FILE = new Masked(DEPLOY_CTL_TEXT, DEPLOY_CTL_TEXT);
const DEPLOY_CTL_DIGEST = createHash('sha256').update(DEPLOY_CTL_TEXT).digest('hex');

/** The system services a host needs to serve the app: nginx on a web host, and the process manager. */
export function requiredServices(s: Settings, host: { roles: string[] }): string[] {
  return [...(host.roles.includes('web') ? ['nginx'] : []), ...(s.processManager === 'systemd' ? [] : ['supervisor'])];
}

/** deploy-ctl for this app: `action` on its programs (names as in the settings: a, b, a process). */
export function ctl(s: Settings, action: 'start' | 'stop' | 'status', names: string[]): Sh {
  return sh`__ctl ${s.project} ${action} ${names.map((n) => programOf(s, n))}`;
}

/** Stop a program and wait (its graceful stop); a missing or stopped one is fine. */
export function stopProgram(s: Settings, name: string): Sh {
  return sh`${ctl(s, 'stop', [name])} || true`;
}

/** "<program> <STATE> <detail>" per program, supervisorctl status's shape, for both managers. */
export function programStates(s: Settings, names: string[]): Sh {
  return names.length ? sh`${ctl(s, 'status', names)} || true` : sh`true`;
}

/** What deploy-ctl trusts: the app's programs and where their logs are, written by root from the settings. */
export function ctlConf(s: Settings): string {
  const L = layout(s);
  const programs = ['a', 'b', ...Object.keys(s.processes)].map((n) => programOf(s, n));
  return `# ${s.project}: written by \`deploy ${s.project} setup\`; read by ${DEPLOY_CTL}.\nmanager ${s.processManager}\nprograms ${programs.join(' ')}\nlogs ${L.programLogs}\nsite_logs /var/log/nginx/${s.project}.access.log /var/log/nginx/${s.project}.error.log\n`;
}

/**
 * deploy-ctl and the app's ctl.conf. Setup installs deploy-ctl (`install`); a deploy checks it is
 * this version's by its digest (a new version of deploy-ctl goes out with setup). ctl.conf follows
 * the settings ([PROCESSES]): root writes it; a deploy user cannot, and checks it is current.
 */
export function controlFiles(s: Settings, install: boolean): Command[] {
  const L = layout(s);
  const setupFirst = (file: string) => `${file} is not the one this version of deploy needs: run \`deploy ${s.app} setup\``;
  const ctlCommand: Command = install
    ? { run: sh`__put ${DEPLOY_CTL} 0755 root:root`, stdin: DEPLOY_CTL_FILE, reportsChange: true }
    : { run: sh`echo ${`${DEPLOY_CTL_DIGEST}  ${DEPLOY_CTL}`} | sha256sum --quiet --strict -c 2>/dev/null || { echo ${setupFirst(DEPLOY_CTL)} >&2; exit 1; }`, probe: true };
  const conf = ctlConf(s);
  return [
    ctlCommand,
    {
      run: sh`if [ "$EUID" = 0 ]; then __root_dir 0755 root:root ${L.store} && __put ${L.ctlConf} 0644 root:root; elif ! cmp -s - ${L.ctlConf}; then echo ${`${setupFirst(L.ctlConf)} (deploy_user cannot)`} >&2; exit 1; fi`,
      stdin: new Masked(conf, conf),
      reportsChange: true,
    },
  ];
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
  const file = `${layout(s).programLogs}/gunicorn-${slot}.log`;
  return { mark: sh`__log_from=$(( $(stat -c %s ${file} 2>/dev/null || echo 0) + 1 ))`, read: sh`tail -c +"\${__log_from:-1}" ${file} 2>/dev/null`, crashed: sh`false` };
}
