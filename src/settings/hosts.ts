// The hosts and their roles: deploy_hosts, or [HOSTS] by role, each server once; and the
// batches of a rolling deploy.
import { PATTERNS, list } from './rules.js';
import type { Checker } from './checker.js';
import type { HostShare, HostSpec, Role } from './types.js';
import { printable } from '../printable.js';

/** One [user@]host[:port] as a HostSpec; undefined (reported under key) when it is not one. */
export function parseHost(c: Checker, key: string, label: string, roles: Role[]): HostSpec | undefined {
  const m = PATTERNS.host.exec(label);
  const port = m?.[3] ? Number(m[3]) : 22;
  if (!m || port < 1 || port > 65535) {
    c.report(key, `${printable(label)} is not [user@]host[:port]`);
    return undefined;
  }
  return { user: m[1] ?? '', host: m[2].replace(/^\[|\]$/g, ''), port, label, roles, portGiven: !!m[3] };
}

/** The same server: one host name (any case, with or without the final dot) and port. */
const serverId = (h: HostSpec) => `${h.host.toLowerCase().replace(/\.$/, '')}:${h.port}`;

/** Parsed here rather than checked by a table rule: items become HostSpecs, and the same server twice is a problem across items. */
function hostList(c: Checker, key: string, roles: Role[]): HostSpec[] {
  const hosts: HostSpec[] = [];
  const seen = new Set<string>();
  for (const label of list(c.get(key))) {
    const h = parseHost(c, key, label, roles);
    if (!h) continue;
    // The same server twice would run two deploys against each other (the second finds the lock).
    if (seen.has(serverId(h))) c.report(key, `${printable(label)}: this server is listed twice`);
    seen.add(serverId(h));
    hosts.push(h);
  }
  return hosts;
}

/**
 * The hosts and their roles: deploy_hosts (all web hosts, the first the primary), or [HOSTS]
 * (web, worker, primary), not both. A server in web and worker has both roles.
 */
export function fleetHosts(c: Checker): { hosts: HostSpec[]; primary: string } {
  const byRole = c.isSet('web') || c.isSet('worker') || c.isSet('primary');
  if (!byRole) {
    if (!c.isSet('deploy_hosts'))
      c.report('deploy_hosts', 'required (or a [HOSTS] section listing the web and worker hosts)');
    const hosts = hostList(c, 'deploy_hosts', ['web']);
    return { hosts, primary: hosts[0]?.label ?? '' };
  }
  if (c.isSet('deploy_hosts'))
    c.report(
      'deploy_hosts',
      'set together with [HOSTS]: list the hosts in one place (deploy_hosts, or [HOSTS] web and worker)',
    );
  const hosts: HostSpec[] = [];
  for (const h of [...hostList(c, 'web', ['web']), ...hostList(c, 'worker', ['worker'])]) {
    const same = hosts.find((o) => serverId(o) === serverId(h));
    if (same) same.roles.push(...h.roles.filter((r) => !same.roles.includes(r)));
    else hosts.push(h);
  }
  if (!hosts.length && c.ok('web') && c.ok('worker')) c.report('web', 'no host: [HOSTS] needs web or worker hosts');
  const given = c.get('primary');
  if (!given) return { hosts, primary: (hosts.find((h) => h.roles.includes('web')) ?? hosts[0])?.label ?? '' };
  const p = parseHost(c, 'primary', given, []);
  const match = p && hosts.find((h) => serverId(h) === serverId(p));
  if (p && !match) c.report('primary', `${printable(given)} is not one of the web or worker hosts`);
  return { hosts, primary: match?.label ?? '' };
}

/** batch_size, canary, max_failed_hosts: a count or a percentage of the hosts. */
export function hostShare(c: Checker, key: string): HostShare | undefined {
  const v = c.value(key);
  if (!v || !c.ok(key)) return undefined;
  return v.endsWith('%') ? { percent: Number(v.slice(0, -1)) } : { count: Number(v) };
}

/** How many of `total` hosts a share names: a percentage rounds down (at least `least`). */
export function hostsOf(share: HostShare, total: number, least = 0): number {
  return 'count' in share ? share.count : Math.max(least, Math.floor((total * share.percent) / 100));
}
