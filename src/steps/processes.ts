// [PROCESSES]: the app's long-running processes beside gunicorn (workers, schedulers). Each is a
// supervisor program or systemd unit that runs its script from `current`, so it starts in the
// live release; after each switch (deploy, rollback) it is stopped gracefully and started
// again in the new one. With roles, only worker hosts run them.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { raw, sh } from '../shell.js';
import { programFile, programOf, processProgramContent, reloadPrograms, usesSystemd } from './manager.js';

/** Worker hosts when the fleet has some, else every host. */
export function runsProcesses(s: Settings, host: { roles: string[] }): boolean {
  if (!Object.keys(s.processes).length) return false;
  return s.hosts.some((h) => h.roles.includes('worker')) ? host.roles.includes('worker') : true;
}

/** Where the program files of the app's processes are, as a glob (to find ones no longer in the settings). */
function programGlob(s: Settings): string {
  return usesSystemd(s) ? `/etc/systemd/system/${s.project}-*.service` : `/etc/supervisor/conf.d/${s.project}-process-*.conf`;
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
    run: sh`for f in ${programGlob(s)}; do [ -f "$f" ] || continue; case " ${wanted.join(' ')} " in *" $f "*) continue;; esac; ${isProcess} || continue; ${stop}; rm -f "$f"; __changed_files="$__changed_files $f"; __programs_removed=1; __mark changed; done`,
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
  const programs = names.map((n) => programOf(s, n));
  if (usesSystemd(s)) {
    const units = programs.map((p) => `${p}.service`);
    return [
      { run: sh`systemctl enable --quiet ${units}`, unless: sh`(for u in ${units}; do systemctl is-enabled --quiet "$u" || exit 1; done)` },
      { run: sh`systemctl restart ${units} && sleep 1 && for u in ${units}; do systemctl is-active --quiet "$u" || { echo "process $u did not stay up; its journal ends with:" >&2; journalctl -q --no-pager -o cat -n 20 -u "$u" >&2; exit 1; }; done` },
    ];
  }
  const log = layout(s).log;
  return [
    {
      run: sh`supervisorctl stop ${programs} >/dev/null 2>&1 || true; for p in ${programs}; do out=$(supervisorctl start "$p" 2>&1) || true; case "$out" in *ERROR*) n=\${p#${`${s.project}-`}}; echo "process $n did not start ($out); ${log}/$n.log ends with:" >&2; tail -n 20 ${log}/"$n".log >&2 2>/dev/null || true; exit 1;; esac; done`,
    },
  ];
}

/** Stop the app's processes (the `stop` command). */
export function stopProcesses(s: Settings, names: string[]): Command[] {
  if (!names.length) return [];
  const programs = names.map((n) => programOf(s, n));
  return [{ run: usesSystemd(s) ? sh`systemctl stop ${programs.map((p) => `${p}.service`)}` : sh`supervisorctl stop ${programs} >/dev/null` }];
}

/** Start the processes that are not running (setup, `start`); running ones are left alone. */
export function startProcesses(s: Settings, on: boolean, only?: string[]): Command[] {
  const names = on ? (only ?? Object.keys(s.processes)) : [];
  if (!names.length) return [];
  const programs = names.map((n) => programOf(s, n));
  if (usesSystemd(s)) return [{ run: sh`systemctl enable --quiet --now ${programs.map((p) => `${p}.service`)}` }];
  return [{ run: sh`for p in ${programs}; do out=$(supervisorctl start "$p" 2>&1) || true; case "$out" in *"already started"*|*": started"*) ;; *) echo "process $p did not start: $out" >&2; exit 1;; esac; done` }];
}
