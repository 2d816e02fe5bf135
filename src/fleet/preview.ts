// --dry-run of deploy: besides the commands, the diff of each server file the settings
// determine, as the host has it now against what the deploy would write. The host is only read
// (one step, over a real connection); secrets show as [redacted] on both sides.
import chalk from 'chalk';
import { createTwoFilesPatch } from 'diff';
import { step, value, type Step, type StepResult } from '../plan.js';
import type { Session } from '../session.js';
import type { HostSpec, Settings } from '../settings/types.js';
import { layout, liveRelease, SLOTS } from '../layout.js';
import { sh, type Sh } from '../shell.js';
import { envFileContent } from '../steps/build.js';
import { processManager } from '../steps/manager/index.js';
import { runsProcesses } from '../steps/processes.js';
import {
  configFileContent,
  gunicornConfigContent,
  gunicornStartContent,
  nginxSiteContent,
  processScriptContent,
  SECRET_KEY_PLACEHOLDER,
} from '../steps/server-files.js';

interface ServerFile {
  /** What the operator reads. */
  path: string;
  /** Shell code printing the server's copy (secrets masked). */
  read: Sh;
  /** What the deploy would write, as shown (secrets redacted). */
  next: string;
}

/** Config lines whose value is a secret. */
const SECRET_LINE = /^(secret_key|database_url|email_host_password)(\s*=\s*).*$/gm;
const maskConfig = (text: string) => text.replace(SECRET_LINE, '$1$2[redacted]');

function files(s: Settings, host: HostSpec): ServerFile[] {
  const L = layout(s);
  const pm = processManager(s);
  const web = host.roles.includes('web');
  const live = liveRelease(L, web);
  const cat = (path: string) => sh`deploy_read ${path}`;
  const out: ServerFile[] = [
    {
      path: 'gunicorn.conf.py',
      read: sh`deploy_read_live ${live} .deploy/gunicorn.conf.py ${L.gunicornConf}`,
      next: gunicornConfigContent(s).toString(),
    },
    {
      path: 'gunicorn-start.py',
      read: sh`deploy_read_live ${live} .deploy/gunicorn-start.py`,
      next: gunicornStartContent(s).toString(),
    },
    {
      path: `config file (${s.configFile})`,
      read: sh`deploy_read_live_config ${live} .deploy/app.conf ${s.configFile}`,
      next: maskConfig(configFileContent(s).toString().replace(SECRET_KEY_PLACEHOLDER, '[redacted]')),
    },
    // The environment: which variables, never their values.
    {
      path: 'environment (.deploy-env)',
      read: sh`deploy_read_live_env ${live} .deploy-env`,
      next: envFileContent(s)
        .toString()
        .replace(/=.*$/gm, '=[redacted]')
        .replace(/^APP_CONFIG_FILE=.*\n/m, ''),
    },
  ];
  if (web) {
    out.push({ path: L.nginxSite, read: cat(L.nginxSite), next: nginxSiteContent(s).toString() });
    for (const slot of SLOTS)
      out.push({ path: pm.programFile(slot), read: cat(pm.programFile(slot)), next: pm.slotProgram(slot).toString() });
  }
  if (runsProcesses(s, host)) {
    for (const name of Object.keys(s.processes)) {
      out.push({
        path: pm.programFile(name),
        read: cat(pm.programFile(name)),
        next: pm.processProgram(name).toString(),
      });
      out.push({
        path: `.deploy/processes/${name}`,
        read: sh`deploy_read_live ${live} ${`.deploy/processes/${name}`}`,
        next: processScriptContent(s, name).toString(),
      });
    }
  }
  return out;
}

export interface FileChange {
  path: string;
  /** The unified diff, without its two header lines. */
  patch: string[];
  added: number;
  removed: number;
}

/** The step that reads a host's server files (only reads), and which of them this deploy changes. */
export function serverFiles(s: Settings, host: HostSpec): { step: Step; changed(res: StepResult): FileChange[] } {
  const list = files(s, host);
  return {
    step: step(
      'read-files',
      'read the server files',
      list.map((f, i) => value(`f${i}`, f.read, { as: 'app' })),
    ),
    changed: (res) =>
      list.flatMap((f, i) => {
        const now = res.values[`f${i}`] ?? '';
        if (now.trim() === f.next.trim()) return [];
        const patch = createTwoFilesPatch(
          `${f.path} (on the server)`,
          `${f.path} (this deploy)`,
          `${now.trim()}\n`,
          `${f.next.trim()}\n`,
          '',
          '',
          { context: 2 },
        )
          .split('\n')
          .slice(2);
        const count = (c: string) => patch.filter((l) => l.startsWith(c) && !l.startsWith(c.repeat(3))).length;
        return [{ path: f.path, patch, added: count('+'), removed: count('-') }];
      }),
  };
}

/** Prints, per host, the diff of each file that would change (or says that none would); a host that cannot be read is said so. */
export async function previewFiles(session: Session): Promise<void> {
  const { settings: s, reporter } = session;
  await Promise.all(
    s.hosts.map(async (host) => {
      const read = serverFiles(s, host);
      let ex;
      try {
        ex = await session.openSsh(host);
      } catch (e) {
        reporter.info(
          chalk.yellow(
            `${host.label}: could not read the server's files (${(e as Error).message.split('\n')[0]}): no diff shown`,
          ),
        );
        return;
      }
      try {
        const changed = read.changed(await ex.run(read.step));
        for (const f of changed)
          reporter.info(`${chalk.bold(`${host.label}  ${f.path} would change:`)}\n${f.patch.map(colour).join('\n')}`);
        if (!changed.length) reporter.info(`${host.label}: no server file would change`);
        reporter.hostData(
          host.label,
          'would_change',
          changed.map((f) => f.path),
        );
      } catch (e) {
        reporter.info(
          chalk.yellow(
            `${host.label}: could not read the server's files (${(e as Error).message.split('\n')[0]}): no diff shown`,
          ),
        );
      } finally {
        await ex.close();
      }
    }),
  );
}

function colour(line: string): string {
  if (line.startsWith('+') && !line.startsWith('+++')) return chalk.green(line);
  if (line.startsWith('-') && !line.startsWith('---')) return chalk.red(line);
  return line;
}
