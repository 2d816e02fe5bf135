// ~/.ssh/known_hosts, read and appended the way OpenSSH does (plain and hashed
// host names, [host]:port for non-22 ports), so the operator's ssh and this tool agree.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type HostKeyStatus = 'known' | 'unknown' | 'changed';

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

function matchesName(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return field.split(',').some((n) => n === name);
}

export function checkHostKey(file: string, host: string, port: number, blob: Buffer): HostKeyStatus {
  if (!existsSync(file)) return 'unknown';
  const name = hostPattern(host, port);
  const type = keyType(blob);
  const b64 = blob.toString('base64');
  let sameTypeDiffers = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) continue;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (fields.length < 3 || !matchesName(fields[0], name)) continue;
    if (marker === '@revoked' && fields[2] === b64) return 'changed';
    if (marker) continue;
    if (fields[1] === type && fields[2] === b64) return 'known';
    if (fields[1] === type) sameTypeDiffers = true;
  }
  return sameTypeDiffers ? 'changed' : 'unknown';
}

export function recordHostKey(file: string, host: string, port: number, blob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${hostPattern(host, port)} ${keyType(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
}

/** A hashed host name as `ssh-keygen -H` writes it (used by the tests). */
export function hashedName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}
