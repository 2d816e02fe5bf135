// The summary of a run on several hosts: one row per host (host, role, release, result, time);
// past GROUP_OVER hosts, where a row each would scroll the story off the screen, one block per
// result (and release, and role when the hosts have different ones), its hosts wrapped.
import chalk from 'chalk';
import { formatMs } from './format.js';

export interface HostRow {
  host: string;
  role: string;
  release: string;
  result: string;
  ms: number;
}

/** A row per host up to this many. */
export const GROUP_OVER = 20;

/** A result that is not what the run was for: shown in red. */
const BAD = /^(failed|not |stopped|connection lost|unknown)/;

export function hostTable(rows: HostRow[], columns: number): string[] {
  return rows.length > GROUP_OVER ? grouped(rows, columns) : perHost(rows);
}

function perHost(rows: HostRow[]): string[] {
  const cells = rows.map((r) => [r.host, r.role, r.release, r.result, formatMs(r.ms)]);
  const head = ['host', 'role', 'release', 'result', 'time'];
  const widths = head.map((_, i) => Math.max(head[i].length, ...cells.map((r) => r[i].length)));
  const line = (c: string[]) => `  ${c.map((v, i) => v.padEnd(widths[i])).join('  ')}`.trimEnd();
  return [chalk.dim(line(head)), ...cells.map((c) => line(c).replace(c[3], BAD.test(c[3]) ? chalk.red(c[3]) : c[3]))];
}

/** `ok (87)  release …  1.2 s to 4.5 s`, then its hosts, wrapped; blocks of a kind in the fleet's order. */
function grouped(rows: HostRow[], columns: number): string[] {
  const roles = new Set(rows.map((r) => r.role)).size > 1;
  const groups = new Map<string, HostRow[]>();
  for (const r of rows) {
    const key = `${r.result}\0${r.release}\0${roles ? r.role : ''}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  // What went well, then where it failed (the cause), then what that made of the others.
  const rank = (result: string) => (result === 'ok' ? 0 : /^(failed|connection lost)/.test(result) ? 1 : 2);
  const ordered = [...groups.values()].sort((a, b) => rank(a[0].result) - rank(b[0].result));
  return ordered.flatMap((g) => {
    const { result, release, role } = g[0];
    const times = g.map((r) => r.ms);
    const [least, most] = [Math.min(...times), Math.max(...times)];
    const head = [
      `${BAD.test(result) ? chalk.red(result) : result} (${g.length})`,
      release ? `release ${release}` : '',
      roles ? `role ${role || 'none'}` : '',
      chalk.dim(least === most ? formatMs(least) : `${formatMs(least)} to ${formatMs(most)}`),
    ];
    return [`  ${head.filter(Boolean).join('  ')}`, ...wrap(g.map((r) => r.host).join(', '), columns - 4, '    ')];
  });
}

/** Text wrapped at its spaces to `width` columns, each line indented. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}
