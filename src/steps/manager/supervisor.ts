// supervisor (process_manager = supervisor, the default): each program is a file in
// /etc/supervisor/conf.d, its output a log file in a directory only root can write. The slots do
// not start by themselves: a systemd unit starts the live one whenever supervisord starts.
import type { Command } from '../../plan.js';
import type { Settings } from '../../settings/types.js';
import { layout, type Slot } from '../../layout.js';
import { raw, sh } from '../../shell.js';
import { renderTemplate } from '../../templates.js';
import { bootUnitName, gunicornCommand, processData, slotData, type ProcessManager } from './base.js';

/** The program file of a slot, whichever manager runs the app (setup looks for both). */
export const supervisorSlotFile = (s: Settings, slot: Slot) => `/etc/supervisor/conf.d/${s.project}-${slot}.conf`;

/** Every app's program files on a host (setup reads the ports their slots bind). */
export const SUPERVISOR_PROGRAMS = '/etc/supervisor/conf.d/*.conf';

export function supervisor(s: Settings): ProcessManager {
  return {
    name: 'supervisor',
    programFile: (name) =>
      name === 'a' || name === 'b'
        ? supervisorSlotFile(s, name)
        : `/etc/supervisor/conf.d/${s.project}-process-${name}.conf`,
    processGlob: sh`/etc/supervisor/conf.d/${s.project}-process-${raw('*')}.conf`,
    slotProgram: (slot) =>
      renderTemplate('supervisor.conf', { ...slotData(s, slot), gunicornCommand: gunicornCommand(s, slot) }, s.file),
    processProgram: (name) => renderTemplate('process.supervisor.conf', processData(s, name), s.file),
    bootUnit: { ...bootUnitName(s), content: renderTemplate('boot.service', bootData(s), s.file) },
    slotLog: (slot) => `${layout(s).programLogs}/gunicorn-${slot}.log`,
    packages: ['supervisor'],
    commands: ['supervisorctl'],
    services: ['supervisor'],
    enableAtBoot: () => [],
  };
}

function bootData(s: Settings) {
  const L = layout(s);
  return { app: s.project, liveFlag: L.liveFlag, slotsDir: L.slots };
}

/** supervisord's control socket, and the drop-in by which an older version opened it to a group. */
const SOCKET = '/var/run/supervisor.sock';
const SOCKET_DROP = '/etc/supervisor/conf.d/00-deploy-socket.conf';

/**
 * supervisor's socket is root's only (whichever manager runs this app: another app's supervisor
 * may be there). An older version opened it to a group for deploy users, so that any of them
 * could stop every app on the host.
 */
export function supervisorSocketRootOnly(): Command[] {
  return [
    { run: sh`rm -f ${SOCKET_DROP}`, unless: sh`! grep -qs 'Written by .deploy' ${SOCKET_DROP}` },
    { run: sh`deploy_socket_root_only ${SOCKET}`, unless: sh`deploy_socket_is_root_only ${SOCKET} ${SOCKET_DROP}` },
  ];
}
