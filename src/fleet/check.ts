// Preflight on every host: what `deploy <app> check` prints, and what setup runs first (it stops
// before changing anything when a check blocks). Only reads: the login user's step, then root's
// where sudo allows, and this machine's resolver for server_name (ssl = letsencrypt).
import { lookup } from 'node:dns/promises';
import chalk from 'chalk';
import { verdicts, worst, type CheckFacts, type CheckRow } from '../check.js';
import { DeployError, EXIT } from '../errors.js';
import { checkAsApp, checkAsLogin, checkAsRoot } from '../steps/check.js';
import type { Fleet, HostRun } from './fleet.js';

/** A check blocks setup or deploy on some host: nothing was changed. */
export class CheckBlockedError extends DeployError {
  exitCode = EXIT.CHECK_BLOCKED;
}

export interface HostChecks {
  host: string;
  rows: CheckRow[];
}

/** server_name's names (not the catch-all, not wildcards) as this machine resolves them. */
async function resolveNames(serverName: string): Promise<Record<string, string[]>> {
  const names = serverName.split(' ').filter((n) => n && n !== '_' && !n.includes('*') && !n.startsWith('~'));
  const out: Record<string, string[]> = {};
  await Promise.all(
    names.map(async (n) => {
      // A resolver that does not answer in 2 s (none reachable) counts as no address: a warning, not a wait.
      const late = new Promise<string[]>((done) => setTimeout(() => done([]), 2000).unref());
      out[n] = await Promise.race([
        lookup(n, { all: true }).then(
          (as) => as.map((a) => a.address),
          () => [],
        ),
        late,
      ]);
    }),
  );
  return out;
}

async function checkHost(fleet: Fleet, run: HostRun, resolved?: Record<string, string[]>): Promise<HostChecks> {
  const s = fleet.settings;
  const web = run.ex.host.roles.includes('web');
  const sent = Date.now();
  const login = await run.ex.run(checkAsLogin(s, web));
  const back = Date.now();
  const sudo = (login.values.sudo ?? '').trim() === 'yes';
  const asApp = checkAsApp(s);
  // Before setup made the app user there is no deploy key: the step is skipped ("none").
  const app = sudo && asApp ? (await run.ex.run(asApp)).values : {};
  const root = sudo
    ? { deploy_key: app.deploy_key || 'none', ...(await run.ex.run(checkAsRoot(s, web))).values }
    : undefined;
  const facts: CheckFacts = {
    login: login.values,
    root,
    localMs: (sent + back) / 2,
    uncertaintyMs: (back - sent) / 2,
    resolved,
    web,
  };
  return { host: run.ex.host.label, rows: verdicts(s, facts) };
}

/** Every host's checks (at most `parallel` at once); a dry run only prints the steps. */
export async function checkFleet(fleet: Fleet): Promise<HostChecks[]> {
  const s = fleet.settings;
  const resolved = s.web.ssl === 'letsencrypt' ? await resolveNames(s.serverName) : undefined;
  const out = new Map<HostRun, HostChecks>();
  await fleet.each(async (run) => void out.set(run, await checkHost(fleet, run, resolved)));
  return fleet.runs.map((r) => out.get(r)!).filter(Boolean);
}

const MARK = { ok: chalk.green('ok'), warn: chalk.yellow('warn'), block: chalk.red('block') };

/** A table per host; `only` leaves out the rows that are ok (setup's short form). */
export function checksText(all: HostChecks[], only?: 'problems'): string {
  return all
    .flatMap(({ host, rows }) => {
      const shown = only ? rows.filter((r) => r.verdict !== 'ok') : rows;
      if (!shown.length) return [`${chalk.bold(host)}: every check ok`];
      const width = Math.max(...shown.map((r) => r.check.length));
      return [
        chalk.bold(
          `${host}: ${worst(rows) === 'block' ? chalk.red('blocked') : worst(rows) === 'warn' ? 'ok, with warnings' : 'ok'}`,
        ),
        ...shown.map(
          (r) =>
            `  ${r.check.padEnd(width)}  ${MARK[r.verdict].padEnd(5 + (MARK[r.verdict].length - r.verdict.length))}  ${r.detail}`,
        ),
      ];
    })
    .join('\n');
}

/** The error when a check blocks, naming the hosts and why. */
export function blockedError(all: HostChecks[], what: 'check' | 'setup', app: string): CheckBlockedError | undefined {
  // Setup goes as far as it can without the git host: its deploy-key gate says what to do there.
  const blocking = (r: CheckRow) => r.verdict === 'block' && !(what === 'setup' && r.deployOnly);
  const blocked = all.filter((h) => h.rows.some(blocking));
  if (!blocked.length) return undefined;
  const why = blocked
    .map(
      (h) =>
        `${h.host}: ${h.rows
          .filter(blocking)
          .map((r) => `${r.check} (${r.detail})`)
          .join('; ')}`,
    )
    .join('; ');
  return new CheckBlockedError(
    what === 'setup' ? `setup stopped before changing anything: ${why}` : `a check blocks setup or deploy: ${why}`,
    `Fix what the check says on those hosts, then run it again (\`deploy ${app} check\` shows every check).`,
  );
}
