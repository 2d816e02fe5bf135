import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkHostKey, fingerprint, hashedName, keyType, recordHostKey } from '../../src/ssh/known-hosts.ts';

/** A key blob as SSH sends it: length-prefixed type, then key material. */
function blob(type: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, randomBytes(32)]);
}

test('known_hosts: unknown, recorded, known, changed — plain, [host]:port and hashed entries', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
  const key = blob('ssh-ed25519');
  assert.equal(keyType(key), 'ssh-ed25519');
  assert.match(fingerprint(key), /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.equal(checkHostKey(file, '10.0.0.2', 2222, key), 'unknown');
  recordHostKey(file, '10.0.0.2', 2222, key);
  assert.match(readFileSync(file, 'utf8'), /^\[10\.0\.0\.2\]:2222 ssh-ed25519 /);
  assert.equal(checkHostKey(file, '10.0.0.2', 2222, key), 'known');
  assert.equal(checkHostKey(file, '10.0.0.2', 22, key), 'unknown', 'another port is another entry');
  assert.equal(checkHostKey(file, '10.0.0.2', 2222, blob('ssh-ed25519')), 'changed');
  assert.equal(checkHostKey(file, '10.0.0.2', 2222, blob('ecdsa-sha2-nistp256')), 'unknown', 'a key of another type is not a change');

  const hashed = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
  writeFileSync(hashed, `# comment\n${hashedName('example.com')} ssh-ed25519 ${key.toString('base64')}\n`);
  assert.equal(checkHostKey(hashed, 'example.com', 22, key), 'known');
  assert.equal(checkHostKey(hashed, 'example.org', 22, key), 'unknown');
  writeFileSync(hashed, `@revoked example.com ssh-ed25519 ${key.toString('base64')}\n`);
  assert.equal(checkHostKey(hashed, 'example.com', 22, key), 'changed', 'a revoked key is refused');
});
