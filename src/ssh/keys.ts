// Private key files, looked at without ssh2 (so identity_file can be checked before
// anything connects without loading ssh2): is it a readable key, is it protected by a
// passphrase, and what is its public key (so the agent's copy of it can be used).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** Default keys tried without identity_file, in OpenSSH's order. */
export const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export interface KeyFile {
  /** As the operator wrote it (shown in messages). */
  shown: string;
  /** With ~ expanded. */
  path: string;
  text: string;
  encrypted: boolean;
  /** The public key blob, when the file (or the .pub beside it) says it without a passphrase. */
  publicKey?: Buffer;
}

export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

/** The formats ssh2 reads: OpenSSH's own, PEM (RSA, DSA, EC; maybe encrypted) and PuTTY's. */
const PRIVATE_KEY_START = /^(-----BEGIN (OPENSSH|RSA|DSA|EC) PRIVATE KEY-----|PuTTY-User-Key-File-[23]:)/;
const PUBLIC_KEY_LINE = /^(ssh-|ecdsa-|sk-)\S+ AAAA/;

/** Why a file cannot be used as identity_file, from the error reading it. */
export function unreadableReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'does not exist';
    case 'ENOTDIR':
      return 'does not exist (a part of its path is not a directory)';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read: permission denied';
    case 'EISDIR':
      return 'is a directory, not a key file';
    default:
      return `cannot be read: ${err.message}`;
  }
}

function identityProblem(shown: string, what: string, hint: string): UsageError {
  return new UsageError(`identity_file ${shown} ${what}`, hint);
}

/**
 * Reads identity_file and tells what is wrong with it as a UsageError (a local problem:
 * nothing was touched). A passphrase-protected key is not an error here.
 */
export function readKeyFile(shown: string): KeyFile {
  const path = expandHome(shown);
  const fix =
    'Set identity_file in [DEPLOY] to your private SSH key (e.g. ~/.ssh/id_ed25519), or remove it to use ssh-agent and the default keys.';
  let text: string;
  try {
    text = readFileSync(path, 'utf8'); // a directory fails with EISDIR
  } catch (err) {
    const reason = unreadableReason(err as NodeJS.ErrnoException);
    throw identityProblem(
      shown,
      reason,
      /permission/.test(reason) ? 'Make it readable by the user running deploy (owned by you, chmod 600).' : fix,
    );
  }
  text = text.replace(/^\uFEFF/, '').trim();
  if (PUBLIC_KEY_LINE.test(text))
    throw identityProblem(
      shown,
      'is a public key, not a private key',
      `Point identity_file at the private key (${shown.replace(/\.pub$/, '')}, without .pub).`,
    );
  if (!PRIVATE_KEY_START.test(text)) {
    const pkcs8 = /^-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(text);
    throw identityProblem(
      shown,
      pkcs8
        ? 'is not a private key in a format SSH reads here (PKCS#8)'
        : 'is not a private key (no OpenSSH, PEM or PuTTY key in it)',
      pkcs8 ? `Convert it to OpenSSH's format: ssh-keygen -p -f ${shown}` : fix,
    );
  }
  const encrypted = isEncrypted(text);
  return { shown, path, text, encrypted, publicKey: embeddedPublicKey(text) ?? publicKeyBeside(path) };
}

export const NO_AGENT = 'no ssh-agent is running (SSH_AUTH_SOCK is not set)';

/**
 * Checks identity_file before any connection: it exists, is a readable private key, and
 * if a passphrase protects it, an ssh-agent is there to hold it (whether the agent
 * really holds it is asked when connecting). Throws a UsageError (exit 2).
 */
export function checkIdentityFile(identityFile: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  if (!identityFile) return;
  const key = readKeyFile(identityFile);
  if (key.encrypted && !env.SSH_AUTH_SOCK) throw passphraseError(key.shown, NO_AGENT);
}

/**
 * The error for a key that needs its passphrase: we never ask for it, the agent holds
 * the key. `subject` is what the message names ("identity_file x" or a default key).
 */
export function passphraseError(file: string, why: string, subject = `identity_file ${file}`): UsageError {
  const add = `ssh-add ${file}`;
  return new UsageError(
    `${subject} is protected by a passphrase and ${why}`,
    why === NO_AGENT
      ? `Start an agent and load the key into it: eval "$(ssh-agent)" && ${add}`
      : `Load the key into your agent (it asks for the passphrase once): ${add}`,
  );
}

/** OpenSSH format: a cipher other than "none"; PEM: a Proc-Type header; PuTTY: an Encryption line. */
export function isEncrypted(text: string): boolean {
  if (text.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----')) {
    const body = openSshBody(text);
    return body ? readString(body, OPENSSH_MAGIC.length).value.toString() !== 'none' : false;
  }
  if (text.startsWith('PuTTY-User-Key-File-')) return !/^Encryption: none\s*$/m.test(text);
  return /^Proc-Type: 4,ENCRYPTED/m.test(text);
}

const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0');

function openSshBody(text: string): Buffer | undefined {
  const b64 = text.replace(/-----(BEGIN|END) OPENSSH PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  const body = Buffer.from(b64, 'base64');
  return body.subarray(0, OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC) ? body : undefined;
}

function readString(buf: Buffer, at: number): { value: Buffer; next: number } {
  const len = buf.readUInt32BE(at);
  if (at + 4 + len > buf.length) throw new RangeError('truncated key');
  return { value: buf.subarray(at + 4, at + 4 + len), next: at + 4 + len };
}

/**
 * The public key that OpenSSH's format stores unencrypted before the private part
 * (cipher, kdf, kdf options, key count, then the first public key), and PuTTY's
 * Public-Lines. PEM keys do not have one.
 */
export function embeddedPublicKey(text: string): Buffer | undefined {
  try {
    if (text.startsWith('PuTTY-User-Key-File-')) {
      const m = /^Public-Lines: (\d+)\r?\n/m.exec(text);
      if (!m) return undefined;
      const lines = text
        .slice(m.index + m[0].length)
        .split(/\r?\n/)
        .slice(0, Number(m[1]));
      return Buffer.from(lines.join(''), 'base64');
    }
    const body = openSshBody(text);
    if (!body) return undefined;
    let at = OPENSSH_MAGIC.length;
    for (let i = 0; i < 3; i++) at = readString(body, at).next; // cipher, kdf, kdf options
    if (body.readUInt32BE(at) < 1) return undefined;
    return readString(body, at + 4).value;
  } catch {
    return undefined; // a damaged key: ssh2 says what is wrong when it parses it
  }
}

/** The blob of `path.pub` ("type base64 comment"), if it is there and readable. */
export function publicKeyBeside(path: string): Buffer | undefined {
  try {
    const [, b64] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
    return b64 ? Buffer.from(b64, 'base64') : undefined;
  } catch {
    return undefined;
  }
}

/** The default key files that exist and read as keys; others are skipped as OpenSSH does. */
export function defaultKeyFiles(): KeyFile[] {
  const found: KeyFile[] = [];
  for (const name of DEFAULT_KEYS) {
    try {
      found.push(readKeyFile(`~/.ssh/${name}`));
    } catch {
      /* missing or not a key: OpenSSH skips it too */
    }
  }
  return found;
}
