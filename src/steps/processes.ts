// [PROCESSES]: the app's long-running processes beside gunicorn (workers, schedulers). Each is a
// program of the process manager that runs its script from `current`, so it starts in the live
// release; after each switch (deploy, rollback) it is stopped gracefully and started again in the
// new one. With roles, only worker hosts run them.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { sh } from '../shell.js';
import { ctl, processManager, stopPrograms, writeProgram } from './manager/index.js';

/** Worker hosts when the fleet has some, else every host. The whole fleet's: a --hosts run on a web host does not make it one. */
export function runsProcesses(s: Settings, host: { roles: string[] }): boolean {
  if (!Object.keys(s.processes).length) return false;
  return (s.fleet ?? s.hosts).some((h) => h.roles.includes('worker')) ? host.roles.includes('worker') : true;
}

/**
 * Root writes the programs (this host's: none on a host that runs no processes) and removes
 * those whose process left the settings, stopping them first. A deploy user cannot: it checks.
 */
export function writeProcessPrograms(s: Settings, on: boolean): Command[] {
  const pm = processManager(s);
  const names = on ? Object.keys(s.processes) : [];
  const wanted = names.map((n) => pm.programFile(n));
  return [
    ...names.map((n) => writeProgram(s, n)),
    // The glob reaches the shell unquoted: a quoted one matched no file, and no stale program went.
    { run: sh`deploy_drop_programs ${pm.name} ${wanted.join(' ')} ${pm.processGlob}`, reportsChange: true },
    // Only when a program file changed: the switch before it in the same step changes other things.
    { run: sh`deploy_update_programs ${[pm.name, ...wanted]}`, probe: true },
  ];
}

/**
 * Stop each process (its stop signal, then up to its stop timeout) and start it in the release
 * `current` now points to. A process that does not stay up fails the step, with its log.
 */
export function restartProcesses(s: Settings, on: boolean, only?: string[]): Command[] {
  const names = on ? (only ?? Object.keys(s.processes)) : [];
  if (!names.length) return [];
  return [...processManager(s).enableAtBoot(names), { run: stopPrograms(s, names) }, startEach(s, names)];
}

/**
 * Start each (one already running is fine). Supervisor counts a process as started once it stayed
 * up startsecs (1 s); systemd's units are checked after 1 s. One that does not fails, with its log.
 */
function startEach(s: Settings, names: string[]): Command {
  return { run: sh`deploy_start_processes ${processManager(s).name} ${s.project} ${names}` };
}

/** Stop the app's processes (the `stop` command). */
export function stopProcesses(s: Settings, names: string[]): Command[] {
  if (!names.length) return [];
  return [{ run: ctl(s, 'stop', names) }];
}

/** Start the processes that are not running (setup, `start`); running ones are left alone. */
export function startProcesses(s: Settings, on: boolean, only?: string[]): Command[] {
  const names = on ? (only ?? Object.keys(s.processes)) : [];
  if (!names.length) return [];
  return [...processManager(s).enableAtBoot(names), startEach(s, names)];
}
