// deploy-ctl (remote/deploy-ctl.sh): the one root program a deploy user may run, and how root's
// own runs start, stop and read the app's programs too, with either manager. Setup installs it
// and ctl.conf, its list of the app's programs (docs/threat-model.md).
import { createHash } from 'node:crypto';
import type { Command } from '../../plan.js';
import type { Settings } from '../../settings/types.js';
import { DEPLOY_CTL, layout } from '../../layout.js';
import { Masked, sh, type Sh } from '../../shell.js';
import { remoteFile } from '../../remote-files.js';
import { programOf } from './base.js';

/** remote/deploy-ctl.sh, as setup installs it, and its digest (what a deploy checks). */
const DEPLOY_CTL_TEXT = remoteFile('deploy-ctl.sh');
const DEPLOY_CTL_FILE = new Masked(DEPLOY_CTL_TEXT, DEPLOY_CTL_TEXT);
const DEPLOY_CTL_DIGEST = createHash('sha256').update(DEPLOY_CTL_TEXT).digest('hex');

/** deploy-ctl for this app: `action` on its programs (names as in the settings: a, b, a process). */
export function ctl(s: Settings, action: 'start' | 'stop' | 'status', names: string[]): Sh {
  return sh`__ctl ${s.project} ${action} ${names.map((n) => programOf(s, n))}`;
}

/** Stop programs and wait (their graceful stop); a missing or stopped one is fine. */
export function stopPrograms(s: Settings, names: string[]): Sh {
  return sh`deploy_stop_programs ${s.project} ${names.map((n) => programOf(s, n))}`;
}

/** "<program> <STATE> <detail>" per program (supervisor's status lines, with either manager). */
export function programStates(s: Settings, names: string[]): Sh {
  return names.length ? sh`deploy_program_states ${s.project} ${names.map((n) => programOf(s, n))}` : sh`true`;
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
  const ctlCommand: Command = install
    ? { run: sh`__put ${DEPLOY_CTL} 0755 root:root`, stdin: DEPLOY_CTL_FILE, reportsChange: true }
    : // As the app user (the program is world-readable): it joins the checks after the lock, one user switch fewer.
      { run: sh`deploy_ctl_current ${DEPLOY_CTL_DIGEST} ${DEPLOY_CTL} ${s.app}`, as: 'app', probe: true };
  const conf = ctlConf(s);
  return [
    ctlCommand,
    { run: sh`deploy_ctl_conf ${L.store} ${L.ctlConf} ${s.app}`, stdin: new Masked(conf, conf), reportsChange: true },
  ];
}
