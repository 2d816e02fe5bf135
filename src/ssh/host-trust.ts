// `hosts trust`'s decisions, kept apart from the network for tests: what each key read means
// against known_hosts (known, new, CHANGED, REVOKED), the table the operator confirms, the
// keys recorded (each name once, as connect() records them), and the failure that ends the run.
import { removeCommands } from './failures.js';
import { checkHostKey, fingerprint, hostPattern, keyType, recordHostKey } from './known-hosts.js';

export type TrustState = 'known' | 'new' | 'changed' | 'revoked' | 'unreachable';

/** Where a key is read: a settings host, or a bastion on the way to one. */
export interface TrustTarget {
  /** As written (deploy_hosts, proxy_jump, a ProxyJump hop). */
  label: string;
  /** Where it is reached (~/.ssh/config's HostName applied): the name known_hosts records. */
  host: string;
  port: number;
  /** The bastions before it, in order (their labels). */
  via: string[];
  /** Hosts behind it are reached through it. */
  bastion: boolean;
}

export interface KnownKey {
  type: string;
  fingerprint: string;
  /** file:line */
  at: string;
}

export interface TrustRow extends TrustTarget {
  /** The name known_hosts uses for it: host, or [host]:port. */
  name: string;
  state: TrustState;
  /** The key read (not for unreachable hosts). */
  key?: Buffer;
  type?: string;
  fingerprint?: string;
  /** changed: the keys known for it (none of them the one read); revoked: the @revoked line. */
  known?: KnownKey[];
  /** ssh-keygen -R for the files holding the known keys (changed). */
  remove?: string;
  /** Said under the table (only a @cert-authority line names the host...). */
  note?: string;
  /** unreachable: why, one line. */
  why?: string;
  /** unreachable because of this bastion (its key not trusted, or it is not reached): nothing was tried. */
  behind?: string;
  recorded?: boolean;
}

/** The name known_hosts uses for a host (lower case, as ssh looks it up and records it). */
export function knownHostsName(host: string, port: number): string {
  return hostPattern(host.toLowerCase(), port);
}

/** What the key a host presented means against these known_hosts files (the user's first). */
export function decide(target: TrustTarget, key: Buffer, files: string[]): TrustRow {
  const row: TrustRow = {
    ...target,
    name: knownHostsName(target.host, target.port),
    state: 'new',
    key,
    type: keyType(key),
    fingerprint: fingerprint(key),
  };
  const check = checkHostKey(files, target.host, target.port, key);
  const known = (e: { type: string; key: Buffer; file: string; line: number }): KnownKey => ({
    type: e.type,
    fingerprint: fingerprint(e.key),
    at: `${e.file}:${e.line}`,
  });
  switch (check.status) {
    case 'known':
      return { ...row, state: 'known' };
    case 'unknown':
      return row;
    case 'cert-authority':
      // deploy does not take host certificates: the key itself, once recorded, is what it checks.
      return {
        ...row,
        note: `only a @cert-authority line names it (${check.authorities[0].file}:${check.authorities[0].line}); deploy checks the key itself`,
      };
    case 'changed':
      return {
        ...row,
        state: 'changed',
        known: check.known.map(known),
        remove: removeCommands(target, check.known),
      };
    case 'revoked':
      return { ...row, state: 'revoked', known: [known(check.entry)] };
  }
}

/** A host whose key could not be read; `behind`: the bastion that stopped it from being tried. */
export function unreachable(target: TrustTarget, why: string, behind?: string): TrustRow {
  return {
    ...target,
    name: knownHostsName(target.host, target.port),
    state: 'unreachable',
    why,
    ...(behind ? { behind } : {}),
  };
}

/** The new keys to record: each known_hosts name once. */
export function toRecord(rows: TrustRow[]): TrustRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => r.state === 'new' && r.key && !seen.has(r.name) && seen.add(r.name));
}

/** Appends the new keys to the user's known_hosts, as connect() records a key it accepts; marks them recorded. */
export function recordNew(file: string, rows: TrustRow[]): TrustRow[] {
  const fresh = toRecord(rows);
  for (const r of fresh) {
    recordHostKey(file, r.host, r.port, r.key!);
    r.recorded = true;
  }
  return fresh;
}

/** Hosts' known_hosts names for a line of text: a fleet of hundreds is cut short (the table names every one). */
export function names(rows: TrustRow[], most = 12): string {
  const shown = rows.slice(0, rows.length > most ? most - 1 : most).map((r) => r.name);
  return rows.length > shown.length ? `${shown.join(', ')} and ${rows.length - shown.length} more` : shown.join(', ');
}

/** The state as the table says it. */
export function stateWord(r: TrustRow): string {
  switch (r.state) {
    case 'known':
      return 'known';
    case 'new':
      return r.recorded ? 'new, recorded' : 'new';
    case 'changed':
      return 'CHANGED';
    case 'revoked':
      return 'REVOKED';
    case 'unreachable':
      return 'unreachable';
  }
}

/** The table: host, port, via, key type, fingerprint, state; then a line for each host that needs one. */
export function trustTable(rows: TrustRow[]): string[] {
  const head = ['host', 'port', 'via', 'key type', 'fingerprint', 'state'];
  const cells = rows.map((r) => [
    hostCell(r),
    String(r.port),
    r.via.length ? r.via.join(' > ') : '-',
    r.type ?? '-',
    r.fingerprint ?? '-',
    stateWord(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `  ${c.map((v, i) => v.padEnd(widths[i])).join('  ')}`.trimEnd();
  return [line(head), ...cells.map(line), ...rows.flatMap(details)];
}

/** The host, with the name it was written as when ~/.ssh/config turned it into another (an alias), and whether it is a bastion. */
function hostCell(r: TrustRow): string {
  const written = r.label
    .replace(/^[^@]*@/, '')
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '');
  const notes = [written.toLowerCase() === r.host.toLowerCase() ? '' : written, r.bastion ? 'bastion' : ''].filter(
    Boolean,
  );
  return notes.length ? `${r.host} (${notes.join(', ')})` : r.host;
}

function details(r: TrustRow): string[] {
  const known = (r.known ?? []).map((k) => `${k.type} ${k.fingerprint} (${k.at})`).join(', ');
  switch (r.state) {
    case 'changed':
      return [
        `${r.name}: the host key has CHANGED: known ${known}; it now presents ${r.type} ${r.fingerprint}. Not overwritten.`,
      ];
    case 'revoked':
      return [`${r.name}: its key ${r.type} ${r.fingerprint} is REVOKED (@revoked in ${r.known?.[0]?.at}).`];
    case 'unreachable':
      return [`${r.label}: ${r.why}`];
    default:
      return r.note ? [`${r.name}: ${r.note}`] : [];
  }
}

/** The run's end when some host is not trusted: changed, revoked or unreachable ones named, and what to do. */
export function trustFailure(rows: TrustRow[], app: string): { message: string; hint: string } | undefined {
  const bad = rows.filter((r) => r.state === 'changed' || r.state === 'revoked' || r.state === 'unreachable');
  if (!bad.length) return undefined;
  const recorded = rows.filter((r) => r.recorded);
  const known = rows.filter((r) => r.state === 'known');
  const fresh = rows.filter((r) => r.state === 'new' && !r.recorded);
  const others = [
    recorded.length ? `recorded: ${names(recorded)}` : '',
    known.length ? `already known: ${names(known)}` : '',
    fresh.length ? `new, not recorded: ${names(fresh)}` : '',
  ].filter(Boolean);
  const lines = bad.map((r) => {
    if (r.state === 'unreachable') return `  ${r.label}: ${r.why}`;
    const known = (r.known ?? []).map((k) => `${k.type} ${k.fingerprint} (${k.at})`).join(', ');
    return r.state === 'changed'
      ? `  ${r.name}: the host key has CHANGED: known ${known}, now ${r.type} ${r.fingerprint}; not overwritten`
      : `  ${r.name}: the host key ${r.type} ${r.fingerprint} is REVOKED (${known})`;
  });
  const changed = bad.filter((r) => r.state === 'changed');
  const down = bad.filter((r) => r.state === 'unreachable' && !r.behind);
  const blocked = [...new Set(bad.flatMap((r) => (r.behind ? [r.behind] : [])))];
  const one = (list: unknown[], singular: string, plural: string) => (list.length === 1 ? singular : plural);
  const hints = [
    changed.length
      ? `If ${changed.map((r) => r.name).join(', ')} ${one(changed, 'was', 'were')} reinstalled or ${one(changed, 'its', 'their')} host keys replaced on purpose (check the new fingerprint against the server's own: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on its console, or ask its administrator), remove the old key: ${changed.map((r) => r.remove).join(' and ')}.`
      : '',
    bad.some((r) => r.state === 'revoked') ? 'A revoked key stays refused: the server needs a new host key.' : '',
    down.length
      ? `Bring ${down.map((r) => r.label).join(', ')} back, or leave ${one(down, 'it', 'them')} out with --hosts.`
      : '',
    blocked.length
      ? `The hosts behind ${blocked.join(', ')} are read once ${one(blocked, 'that bastion is', 'those bastions are')} trusted and reached.`
      : '',
    `Then run \`deploy ${app} hosts trust\` again${others.length ? ': keys already known or recorded stay as they are' : ''}.`,
  ].filter(Boolean);
  return {
    message: `${bad.length} of ${rows.length} host${rows.length === 1 ? '' : 's'} not trusted${others.length ? ` (${others.join('; ')})` : ''}:\n${lines.join('\n')}`,
    hint: hints.join(' '),
  };
}

/** One host's key for --json. */
export function trustJson(r: TrustRow): Record<string, unknown> {
  return {
    role: r.bastion ? 'bastion' : 'host',
    host: r.host,
    port: r.port,
    known_hosts_name: r.name,
    via: r.via,
    key_type: r.type ?? null,
    fingerprint: r.fingerprint ?? null,
    state: r.state,
    recorded: !!r.recorded,
    ...(r.known ? { known: r.known } : {}),
    ...(r.note ? { note: r.note } : {}),
    ...(r.why ? { error: r.why } : {}),
  };
}
