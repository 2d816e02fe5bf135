// known_hosts, read and appended the way OpenSSH does, so the operator's ssh and this
// tool agree: the user's file and the system's, comma-separated patterns with * ? and
// ! negations, hashed names, [host]:port for non-22 ports, @revoked and @cert-authority.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** OpenSSH's GlobalKnownHostsFile: read, never written. */
export const SYSTEM_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';

export function userKnownHosts(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

export interface KnownHostsEntry {
  file: string;
  /** 1-based, for messages ("known_hosts:3"). */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  type: string;
  key: Buffer;
}

export type HostKeyCheck =
  | { status: 'known'; entry: KnownHostsEntry }
  | { status: 'unknown' }
  /** The host has entries, none with this key (of this type or, when it no longer offers the known type, of another). */
  | { status: 'changed'; known: KnownHostsEntry[] }
  | { status: 'revoked'; entry: KnownHostsEntry }
  /** Only @cert-authority lines match: host certificates are not supported. */
  | { status: 'cert-authority'; authorities: KnownHostsEntry[] };

/** The name known_hosts uses for a host: plain on port 22, else [host]:port. */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The key type is the first length-prefixed string of the key blob. */
export function keyType(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('ascii');
}

/** SHA256:base64 without padding, as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** OpenSSH's match_pattern: `*` any run of characters, `?` exactly one; case-insensitive. */
export function matchWildcard(pattern: string, name: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}

/**
 * Does a known_hosts host field name this host? A hashed field (|1|salt|hash) is one
 * name; otherwise a comma-separated list where any matching !pattern rules the line
 * out, as OpenSSH's match_hostname does.
 */
export function matchHostField(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let positive = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (!matchWildcard(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return []; // missing or unreadable: OpenSSH goes on with the other file
  }
}

/** Every line of these files that names this host, in file order. */
export function knownHostsEntries(files: string[], host: string, port: number): KnownHostsEntry[] {
  // ssh lowercases the host name before it looks it up (and before it hashes it).
  const name = hostPattern(host.toLowerCase(), port);
  const entries: KnownHostsEntry[] = [];
  for (const file of files) {
    readLines(file).forEach((text, i) => {
      const fields = text.trim().split(/\s+/);
      if (!fields[0] || fields[0].startsWith('#')) return;
      let marker: KnownHostsEntry['marker'];
      if (fields[0].startsWith('@')) {
        const m = fields.shift();
        if (m !== '@revoked' && m !== '@cert-authority') return; // an unknown marker: OpenSSH ignores the line
        marker = m === '@revoked' ? 'revoked' : 'cert-authority';
      }
      if (fields.length < 3 || !matchHostField(fields[0], name)) return;
      entries.push({ file, line: i + 1, marker, type: fields[1], key: Buffer.from(fields[2], 'base64') });
    });
  }
  return entries;
}

/** Checks the key a host presented against known_hosts entries (user's file first, then the system's). */
export function checkHostKey(files: string[], host: string, port: number, blob: Buffer): HostKeyCheck {
  const entries = knownHostsEntries(files, host, port);
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(blob));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = entries.filter((e) => !e.marker);
  const match = plain.find((e) => e.key.equals(blob));
  if (match) return { status: 'known', entry: match };
  if (plain.length) return { status: 'changed', known: plain };
  const authorities = entries.filter((e) => e.marker === 'cert-authority');
  if (authorities.length) return { status: 'cert-authority', authorities };
  return { status: 'unknown' };
}

/** Key types known for this host (plain entries only), first seen first. */
export function knownKeyTypes(files: string[], host: string, port: number): string[] {
  return [
    ...new Set(
      knownHostsEntries(files, host, port)
        .filter((e) => !e.marker)
        .map((e) => e.type),
    ),
  ];
}

/** ssh2's default server host key algorithms (ssh2 1.x, Node with Ed25519), in its order. */
export const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** An RSA key (type ssh-rsa) is presented under any of its signature algorithms. */
function algorithmsOf(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

/**
 * The host key algorithms to ask for: those of the known key types first (in the default
 * order), then the rest, as OpenSSH orders HostKeyAlgorithms by what known_hosts holds.
 * The server takes the first one it has, so a host that still has its known key type
 * is verified against that key rather than presenting another type as "new".
 */
export function preferredHostKeyAlgorithms(knownTypes: string[]): string[] {
  const wanted = new Set(knownTypes.flatMap(algorithmsOf));
  // ssh-dss is supported by ssh2 but not offered by default: ask for it only when it is the known type.
  const all = wanted.has('ssh-dss') ? [...DEFAULT_HOST_KEY_ALGORITHMS, 'ssh-dss'] : DEFAULT_HOST_KEY_ALGORITHMS;
  return [...all.filter((a) => wanted.has(a)), ...all.filter((a) => !wanted.has(a))];
}

/** Appends the key to the user's known_hosts (never the system file), plain like `ssh` does without HashKnownHosts. */
export function recordHostKey(file: string, host: string, port: number, blob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const newline = endsMidLine(file) ? '\n' : ''; // else the new line would be glued to the last one
  appendFileSync(
    file,
    `${newline}${hostPattern(host.toLowerCase(), port)} ${keyType(blob)} ${blob.toString('base64')}\n`,
    { mode: 0o600 },
  );
}

function endsMidLine(file: string): boolean {
  const text = readLines(file).join('\n');
  return text !== '' && !text.endsWith('\n');
}

/** A hashed host name as `ssh-keygen -H` writes it (used by the tests). */
export function hashedName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}
