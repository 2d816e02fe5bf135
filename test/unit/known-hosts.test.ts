import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_HOST_KEY_ALGORITHMS,
  checkHostKey,
  fingerprint,
  hashedName,
  keyType,
  knownKeyTypes,
  matchHostField,
  matchWildcard,
  preferredHostKeyAlgorithms,
  recordHostKey,
} from '../../src/ssh/known-hosts.ts';

/** A key blob as SSH sends it: length-prefixed type, then key material. */
function blob(type: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, randomBytes(32)]);
}

const b64 = (key: Buffer) => key.toString('base64');
const line = (hosts: string, key: Buffer, marker = '') =>
  `${marker ? `${marker} ` : ''}${hosts} ${keyType(key)} ${b64(key)}`;

/** A known_hosts file with these lines, in a fresh directory. */
function knownHosts(...lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

test('known_hosts: unknown, recorded, known, changed — plain, [host]:port and hashed entries', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
  const key = blob('ssh-ed25519');
  assert.equal(keyType(key), 'ssh-ed25519');
  assert.match(fingerprint(key), /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.equal(checkHostKey([file], '10.0.0.2', 2222, key).status, 'unknown');
  recordHostKey(file, '10.0.0.2', 2222, key);
  assert.match(readFileSync(file, 'utf8'), /^\[10\.0\.0\.2\]:2222 ssh-ed25519 /);
  assert.equal(checkHostKey([file], '10.0.0.2', 2222, key).status, 'known');
  assert.equal(checkHostKey([file], '10.0.0.2', 22, key).status, 'unknown', 'another port is another entry');
  const changed = checkHostKey([file], '10.0.0.2', 2222, blob('ssh-ed25519'));
  assert.equal(changed.status, 'changed');
  assert.deepEqual(changed.status === 'changed' && changed.known.map((e) => [e.file, e.line, e.type]), [
    [file, 1, 'ssh-ed25519'],
  ]);

  const hashed = knownHosts(
    '# comment',
    line(hashedName('example.com'), key),
    line(hashedName('[example.com]:2222'), key),
  );
  assert.equal(checkHostKey([hashed], 'example.com', 22, key).status, 'known');
  assert.equal(
    checkHostKey([hashed], 'EXAMPLE.com', 22, key).status,
    'known',
    'ssh lowercases the name before hashing',
  );
  assert.equal(checkHostKey([hashed], 'example.com', 2222, key).status, 'known');
  assert.equal(checkHostKey([hashed], 'example.org', 22, key).status, 'unknown');
});

test('known_hosts: a key of another type for a known host is a change, not a new host', () => {
  const ecdsa = blob('ecdsa-sha2-nistp256');
  const file = knownHosts(line('10.0.0.2', ecdsa));
  const check = checkHostKey([file], '10.0.0.2', 22, blob('ssh-ed25519'));
  assert.equal(check.status, 'changed');
  assert.deepEqual(check.status === 'changed' && check.known.map((e) => e.type), ['ecdsa-sha2-nistp256']);
  assert.equal(checkHostKey([file], '10.0.0.2', 22, ecdsa).status, 'known');
  // Both types known: either one passes.
  const ed = blob('ssh-ed25519');
  const both = knownHosts(line('10.0.0.2', ecdsa), line('10.0.0.2', ed));
  assert.equal(checkHostKey([both], '10.0.0.2', 22, ed).status, 'known');
});

test('known_hosts patterns: lists, * and ? wildcards, ! negations, case, [host]:port', () => {
  assert.ok(matchWildcard('*.example.com', 'web1.example.com'));
  assert.ok(!matchWildcard('*.example.com', 'example.com'));
  assert.ok(matchWildcard('web?.example.com', 'web1.example.com'));
  assert.ok(!matchWildcard('web?.example.com', 'web12.example.com'));
  assert.ok(matchWildcard('10.0.0.*', '10.0.0.7'));
  assert.ok(!matchWildcard('10.0.0.*', '10.0.1.7'), 'a dot is a dot, not any character');
  assert.ok(matchWildcard('[10.0.0.*]:2222', '[10.0.0.7]:2222'));
  assert.ok(!matchWildcard('[10.0.0.*]:2222', '[10.0.0.7]:22'));
  assert.ok(matchWildcard('WEB.example.com', 'web.example.com'));

  assert.ok(matchHostField('a.example.com,b.example.com', 'b.example.com'));
  assert.ok(matchHostField('*.example.com,!db.example.com', 'web.example.com'));
  assert.ok(
    !matchHostField('*.example.com,!db.example.com', 'db.example.com'),
    'a matching negation rules the line out',
  );
  assert.ok(!matchHostField('!db.example.com', 'web.example.com'), 'only negations: no positive match');
  assert.ok(!matchHostField('|1|bad', 'example.com'));

  const key = blob('ssh-ed25519');
  const file = knownHosts(line('*.example.com,!db.example.com', key), line('[10.0.0.*]:2222', key));
  assert.equal(checkHostKey([file], 'web.example.com', 22, key).status, 'known');
  assert.equal(checkHostKey([file], 'db.example.com', 22, key).status, 'unknown');
  assert.equal(checkHostKey([file], '10.0.0.9', 2222, key).status, 'known');
  assert.equal(checkHostKey([file], '10.0.0.9', 22, key).status, 'unknown');
});

test('known_hosts markers: @revoked refuses, @cert-authority alone is reported, unknown markers are ignored', () => {
  const key = blob('ssh-ed25519');
  const revoked = knownHosts(line('*', key, '@revoked'), line('example.com', key));
  const r = checkHostKey([revoked], 'example.com', 22, key);
  assert.equal(r.status, 'revoked', 'a revoked key is refused even when also listed');
  assert.equal(r.status === 'revoked' && r.entry.line, 1);

  const ca = blob('ssh-ed25519');
  const onlyCa = knownHosts(line('*.example.com', ca, '@cert-authority'));
  const c = checkHostKey([onlyCa], 'web.example.com', 22, key);
  assert.equal(c.status, 'cert-authority');
  assert.equal(checkHostKey([onlyCa], 'other.org', 22, key).status, 'unknown', 'a CA for other hosts says nothing');
  assert.equal(
    checkHostKey(
      [knownHosts(line('*.example.com', ca, '@cert-authority'), line('web.example.com', key))],
      'web.example.com',
      22,
      key,
    ).status,
    'known',
  );

  assert.equal(
    checkHostKey([knownHosts(line('example.com', blob('ssh-ed25519'), '@bogus'))], 'example.com', 22, key).status,
    'unknown',
  );
  assert.deepEqual(
    knownKeyTypes(
      [knownHosts(line('example.com', ca, '@cert-authority'), line('example.com', blob('ssh-rsa')))],
      'example.com',
      22,
    ),
    ['ssh-rsa'],
    'marker lines are not known key types',
  );
});

test('known_hosts: the system file is read too, new keys go to the user file only; missing files are fine', () => {
  const key = blob('ecdsa-sha2-nistp256');
  const system = knownHosts(line('example.com', key));
  const user = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
  assert.equal(checkHostKey([user, system], 'example.com', 22, key).status, 'known');
  const other = checkHostKey([user, system], 'example.com', 22, blob('ssh-ed25519'));
  assert.equal(other.status, 'changed');
  assert.equal(other.status === 'changed' && other.known[0].file, system);
  assert.deepEqual(knownKeyTypes([user, system], 'example.com', 22), ['ecdsa-sha2-nistp256']);

  const fresh = blob('ssh-ed25519');
  recordHostKey(user, 'new.example.com', 22, fresh);
  assert.equal(readFileSync(system, 'utf8'), `${line('example.com', key)}\n`);
  assert.equal(checkHostKey([user, system], 'new.example.com', 22, fresh).status, 'known');
  assert.equal(checkHostKey(['/nonexistent/known_hosts'], 'example.com', 22, key).status, 'unknown');
});

test('recordHostKey starts a new line when the file does not end with one, and writes the name in lower case', () => {
  const first = blob('ssh-ed25519');
  const file = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
  writeFileSync(file, line('a.example.com', first)); // no final newline
  const second = blob('ssh-ed25519');
  recordHostKey(file, 'B.Example.com', 22, second);
  assert.deepEqual(readFileSync(file, 'utf8').split('\n'), [
    line('a.example.com', first),
    line('b.example.com', second),
    '',
  ]);
  assert.equal(checkHostKey([file], 'a.example.com', 22, first).status, 'known');
  assert.equal(checkHostKey([file], 'b.example.com', 22, second).status, 'known');
});

test('host key algorithms: the known types first, in the default order, then the rest', () => {
  assert.deepEqual(preferredHostKeyAlgorithms([]), DEFAULT_HOST_KEY_ALGORITHMS);
  assert.deepEqual(preferredHostKeyAlgorithms(['ecdsa-sha2-nistp256']).slice(0, 2), [
    'ecdsa-sha2-nistp256',
    'ssh-ed25519',
  ]);
  assert.deepEqual(
    preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 4),
    ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519'],
    'an RSA key under any of its signature algorithms',
  );
  assert.deepEqual(preferredHostKeyAlgorithms(['ssh-rsa', 'ecdsa-sha2-nistp256']).slice(0, 4), [
    'ecdsa-sha2-nistp256',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ]);
  assert.equal(preferredHostKeyAlgorithms(['ssh-dss'])[0], 'ssh-dss');
  assert.ok(!preferredHostKeyAlgorithms([]).includes('ssh-dss'));
  assert.deepEqual(
    preferredHostKeyAlgorithms(['sk-ssh-ed25519@openssh.com']),
    DEFAULT_HOST_KEY_ALGORITHMS,
    'types ssh2 cannot verify are not asked for',
  );
  for (const types of [['ssh-ed25519'], ['ssh-rsa'], ['ecdsa-sha2-nistp521', 'ssh-dss']]) {
    const algos = preferredHostKeyAlgorithms(types);
    assert.equal(new Set(algos).size, algos.length, 'no duplicates');
  }
});
