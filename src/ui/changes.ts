// The change a deploy brings (or a rollback takes away), as the operator reads it before the
// question that moves traffic: hosts that agree are shown once.
import chalk from 'chalk';
import type { Commit, HostChanges, Leaving } from '../steps/changes.js';
import { terminalSafe } from '../printable.js';

/** Hosts whose changes are the same, in the fleet's order. */
export function groupByHost<T>(byHost: [string, T][]): { hosts: string[]; value: T }[] {
  const groups = new Map<string, { hosts: string[]; value: T }>();
  for (const [host, value] of byHost) {
    const key = JSON.stringify(value);
    const g = groups.get(key);
    if (g) g.hosts.push(host);
    else groups.set(key, { hosts: [host], value });
  }
  return [...groups.values()];
}

const short = (sha: string) => sha.slice(0, 8);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function commitLines(list: Commit[], count: number): string[] {
  const lines = list.map(
    (c) => `    ${chalk.yellow(c.sha)}  ${terminalSafe(c.subject)}  ${chalk.dim(terminalSafe(c.author))}`,
  );
  if (count > list.length) lines.push(chalk.dim(`    and ${count - list.length} more`));
  return lines;
}

/** "catalog: 0002_sku, 0003_price; orders: 0004_state": migrations per app, in the order they run. */
export function migrationsPerApp(names: string[]): string {
  const apps = new Map<string, string[]>();
  for (const n of names) {
    const [app, ...rest] = n.split('.');
    apps.set(app, [...(apps.get(app) ?? []), rest.join('.')]);
  }
  return [...apps].map(([app, ms]) => `${app}: ${ms.join(', ')}`).join('; ');
}

/** One group's change, indented under its hosts. */
export function changeLines(c: HostChanges, sourceGit: boolean): string[] {
  const out: string[] = [];
  if (!c.live) out.push('  nothing is live yet: everything is new');
  else if (c.commits) {
    const { count, left_out: leftOut, ancestor, list } = c.commits;
    if (ancestor) out.push(`  ${plural(count, 'commit')} since ${short(c.live)}, the live one:`);
    else
      out.push(
        chalk.yellow(
          `  not an ancestor: the new commit does not descend from the live one (${short(c.live)}): ${plural(count, 'commit')} not live, ${plural(leftOut, 'live commit')} left out`,
        ),
      );
    out.push(...commitLines(list, count));
  } else if (!sourceGit)
    out.push(chalk.dim(`  commits: not read (no repository on the server); live: ${short(c.live)}`));
  if (c.files_changed !== null) out.push(`  ${plural(c.files_changed, 'file')} changed`);
  if (c.migrations_unknown !== undefined)
    out.push(chalk.yellow(`  migrations: could not ask Django (${terminalSafe(c.migrations_unknown)})`));
  else if (c.migrations)
    out.push(
      c.migrations.length
        ? chalk.bold(`  migrations that will run: ${migrationsPerApp(c.migrations)}`)
        : '  migrations: none to run',
    );
  const r = c.requirements;
  // The servers' text made safe first, then coloured: escaping after would print the colours' codes.
  const t = terminalSafe;
  const req = [
    ...r.added.map((l) => chalk.green(`+ ${t(l)}`)),
    ...r.removed.map((l) => chalk.red(`- ${t(l)}`)),
    ...r.changed.map((x) => `${t(x.from)} -> ${t(x.to)}`),
  ];
  out.push(req.length ? `  requirements: ${req.join(', ')}` : '  requirements: unchanged');
  out.push(
    c.server_files.length
      ? `  server files: ${c.server_files.map((f) => `${f.path} (+${f.added} -${f.removed})`).join(', ')}`
      : '  server files: unchanged',
  );
  return out;
}

/** The whole summary: each group of hosts, then its change. */
export function changesText(release: string, byHost: [string, HostChanges][], sourceGit: boolean): string {
  return groupByHost(byHost)
    .flatMap((g) => [chalk.bold(`${g.hosts.join(', ')}: ${release} brings`), ...changeLines(g.value, sourceGit)])
    .join('\n');
}

/** What a rollback takes away, per group of hosts, with the warning about migrations. */
export function leavingText(target: string, byHost: [string, Leaving][]): string {
  return groupByHost(byHost)
    .flatMap((g) => {
      const { commits, migrations } = g.value;
      const out = [chalk.bold(`${g.hosts.join(', ')}: going back to ${target} leaves`)];
      if (commits) {
        out.push(`  ${plural(commits.count, 'commit')}:`);
        out.push(...commitLines(commits.list, commits.count));
      }
      if (migrations.length)
        out.push(
          chalk.yellow(
            `  ${plural(migrations.length, 'migration')} applied since ${target}: ${migrationsPerApp(migrations)}`,
          ),
          chalk.yellow(
            '  warning: a rollback does not reverse migrations: the database keeps them, and the older code must cope with it',
          ),
        );
      else out.push('  no migration applied since it');
      return out;
    })
    .join('\n');
}
