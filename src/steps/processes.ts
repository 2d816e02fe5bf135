// [PROCESSES]: the app's long-running processes beside gunicorn (workers, schedulers). Each is a
// supervisor program or systemd unit that runs its script from `current`, so it starts in the
// live release; after each switch (deploy, rollback) it is stopped gracefully and started
// again in the new one. With roles, only worker hosts run them.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { raw, sh, type Sh } from '../shell.js';
import { ctl, programFile, programOf, processProgramContent, reloadPrograms, usesSystemd } from './manager.js';

/** Worker hosts when the fleet has some, else every host. The whole fleet's: a --hosts run on a web host does not make it one. */
export function runsProcesses(s: Settings, host: { roles: string[] }): boolean {
  if (!Object.keys(s.processes).length) return false;
  return (s.fleet ?? s.hosts).some((h) => h.roles.includes('worker')) ? host.roles.includes('worker') : true;
}

/** Where the program files of the app's processes are, as a glob (to find ones no longer in the settings). The * must reach the shell unquoted: a quoted one matched no file, and no stale program was ever removed. */
function programGlob(s: Settings): Sh {
  return usesSystemd(s) ? sh`/etc/systemd/system/${s.project}-${raw('*')}.service` : sh`/etc/supervisor/conf.d/${s.project}-process-${raw('*')}.conf`;
}

/**
 * Root writes the programs (this host's: none on a host that runs no processes) and removes
 * those whose process left the settings, stopping them first. A deploy user cannot: it checks.
 */
export function writeProcessPrograms(s: Settings, on: boolean): Command[] {
  const names = on ? Object.keys(s.processes) : [];
  const wanted = names.map((n) => programFile(s, n));
  const cmds: Command[] = names.map((n) => ({
    run: sh`if [ "$(id -u)" = 0 ]; then __put ${programFile(s, n)} 0644 root:root; elif ! cmp -s - ${programFile(s, n)}; then echo ${`${programFile(s, n)} differs from what the settings make: run setup to apply the change (deploy_user cannot)`} >&2; exit 1; fi`,
    stdin: processProgramContent(s, n),
    reportsChange: true,
  }));
  // systemd units of the slots and the boot unit match the glob too: only files marked as processes go.
  const isProcess = usesSystemd(s) ? sh`grep -q '^# deploy-process: ' "$f"` : sh`true`;
  const stop = usesSystemd(s) ? sh`systemctl disable --now "$(basename "$f")" >/dev/null 2>&1 || true` : sh`supervisorctl stop "$(sed -n 's/^\\[program:\\(.*\\)\\]$/\\1/p' "$f")" >/dev/null 2>&1 || true`;
  cmds.push({
    // Each wanted file compared whole (a quoted list inside a case pattern kept its quotes, and would not match).
    run: sh`for f in ${programGlob(s)}; do [ -f "$f" ] || continue; keep=0; for w in ${wanted}; do if [ "$f" = "$w" ]; then keep=1; fi; done; [ "$keep" = 0 ] || continue; ${isProcess} || continue; ${stop}; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done`,
    reportsChange: true,
  });
  // Only when a program file changed: the switch before it in the same step changes other things,
  // and a reread costs supervisor ~0.7 s of every deploy.
  const changed = [sh`[ "\${__programs_removed:-0}" = 1 ]`, ...wanted.map((f) => sh`__was_changed ${f}`)].map(String).join(' || ');
  cmds.push({ run: sh`if ${raw(changed)}; then ${reloadPrograms(s)}${usesSystemd(s) ? sh`` : sh` && supervisorctl update >/dev/null`}; fi`, probe: true });
  return cmds;
}

/**
 * Stop each process (its stop signal, then up to its stop timeout) and start it in the release
 * `current` now points to. A process that does not stay up fails the step, with its log.
 */
export function restartProcesses(s: Settings, on: boolean, only?: string[]): Command[] {
  const names = on ? (only ?? Object.keys(s.processes)) : [];
  if (!names.length) return [];
  const enable: Command[] = usesSystemd(s) ? [enableUnits(s, names)] : [];
  return [...enable, { run: sh`${ctl(s, 'stop', names)} || true` }, ...startEach(s, names)];
}

/** systemd: the units start at boot (supervisor programs autostart). Root's: setup and root's deploys. */
function enableUnits(s: Settings, names: string[]): Command {
  const units = names.map((n) => `${programOf(s, n)}.service`);
  return { run: sh`systemctl enable --quiet ${units}`, unless: sh`(for u in ${units}; do systemctl is-enabled --quiet "$u" || exit 1; done)` };
}

/**
 * Start each (one already running is fine). Supervisor counts a process as started once it stayed
 * up startsecs (1 s); systemd's units are checked after 1 s. One that does not fails, with its log.
 */
function startEach(s: Settings, names: string[]): Command[] {
  const stayedUp = usesSystemd(s) ? sh` && sleep 1 && systemctl is-active --quiet ${s.project}-"$n".service` : sh``;
  return [
    {
      run: sh`for n in ${names}; do if ! { __ctl ${s.project} start ${s.project}-"$n"${stayedUp}; }; then echo "process $n did not stay up; its log ends with:" >&2; __ctl ${s.project} log ${s.project}-"$n" 20 >&2 || true; exit 1; fi; done`,
    },
  ];
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
  return [...(usesSystemd(s) ? [enableUnits(s, names)] : []), ...startEach(s, names)];
}
