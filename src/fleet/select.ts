// --hosts a,b: a run on some of the hosts, named as the operator knows them: the host name or
// address, with or without user@ and :port. An unknown name is a usage error (exit 2).
import { closest, distance } from 'fastest-levenshtein';
import { UsageError } from '../errors.js';
import { printable } from '../printable.js';
import type { HostSpec, Settings } from '../settings/types.js';

/** The names a host answers to. */
function names(h: HostSpec): string[] {
  const user = h.user ? `${h.user}@` : '';
  return [h.label, h.host, `${user}${h.host}`, `${h.host}:${h.port}`, `${user}${h.host}:${h.port}`].map((n) =>
    n.toLowerCase(),
  );
}

export function selectHosts(hosts: HostSpec[], spec: string): HostSpec[] {
  const wanted = spec
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  if (!wanted.length)
    throw new UsageError('--hosts names no host', `Name one or more of: ${hosts.map((h) => h.label).join(', ')}`);
  // Each name once, not each host's names again for every name given: --hosts may list hundreds.
  const named = new Map<string, HostSpec[]>();
  for (const h of hosts) for (const n of new Set(names(h))) named.set(n, [...(named.get(n) ?? []), h]);
  const chosen = new Set<HostSpec>();
  for (const w of wanted) {
    const match = named.get(w.toLowerCase()) ?? [];
    if (!match.length) {
      const all = hosts.flatMap((h) => [h.label, h.host]);
      const best = all.length ? closest(w, all) : '';
      const hint = best && distance(w, best) <= Math.max(2, Math.floor(w.length / 3)) ? ` (did you mean ${best}?)` : '';
      throw new UsageError(
        `--hosts: no host ${printable(w)} in the settings${hint}`,
        `The hosts are: ${hosts.map((h) => h.label).join(', ')}`,
      );
    }
    match.forEach((h) => chosen.add(h));
  }
  // In the settings' order: the primary and the batches stay what they are.
  return hosts.filter((h) => chosen.has(h));
}

/** The fleet's primary when --hosts leaves it out (undefined when it is in the run, or there is none): runs that lock lock it too. */
export function outsidePrimary(s: Settings): HostSpec | undefined {
  if (s.hosts.some((h) => h.label === s.primary)) return undefined;
  return (s.fleet ?? s.hosts).find((h) => h.label === s.primary);
}

/** The hosts as a question or a line names them: each one up to ten, past that their number and the first three. */
export function hostsText(hosts: HostSpec[]): string {
  const labels = hosts.map((h) => h.label);
  return labels.length <= 10 ? labels.join(', ') : `${labels.length} hosts (${labels.slice(0, 3).join(', ')}, …)`;
}

/** The hosts as a deploy log line records them: each one up to twenty, past that their number (every host's line carries it). */
export function hostsLogged(hosts: HostSpec[]): string[] | number {
  return hosts.length <= 20 ? hosts.map((h) => h.label) : hosts.length;
}
