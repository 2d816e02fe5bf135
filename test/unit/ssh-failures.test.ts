// The advice a failed connection gets: the address, the host name, the key or the host key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConnectionError } from '../../src/errors.ts';
import { connectionFailure, hostKeyRefusal } from '../../src/ssh/failures.ts';
import { fingerprint, type KnownHostsEntry } from '../../src/ssh/known-hosts.ts';
import type { HostSpec } from '../../src/settings/types.ts';

const host: HostSpec = {
  user: 'ubuntu',
  host: 'web.example.com',
  port: 22,
  label: 'ubuntu@web.example.com',
  roles: ['web'],
};
const onPort: HostSpec = {
  user: 'ubuntu',
  host: '10.0.0.2',
  port: 2222,
  label: 'ubuntu@10.0.0.2:2222',
  roles: ['web'],
};
const none = { offered: [], skipped: [] };
const netError = (code: string, message = code) => Object.assign(new Error(message), { code, level: 'client-socket' });

function blob(type: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, randomBytes(32)]);
}

test('refused, unreachable, timed out: the address, the port and sshd', () => {
  for (const [err, said] of [
    [netError('ECONNREFUSED'), /web\.example\.com:22 refused the connection/],
    [netError('EHOSTUNREACH'), /no route to web\.example\.com/],
    [netError('ENETUNREACH'), /no route/],
    [
      Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }),
      /no answer from web\.example\.com:22 within 20 s/,
    ],
    [netError('ETIMEDOUT'), /no answer/],
    [
      Object.assign(new Error('No response from server'), { code: 'ETIMEDOUT' }),
      /closed the connection before SSH was ready/,
    ],
  ] as const) {
    const e = connectionFailure(host, err, none, 20000);
    assert.ok(e instanceof ConnectionError);
    assert.equal(e.exitCode, 1);
    assert.match(e.message, said);
    assert.match(e.hint!, /address and port in deploy_hosts .*sshd is running/);
    assert.doesNotMatch(`${e.message} ${e.hint}`, /authorized_keys|host name/);
  }
});

test('a name that does not resolve: the host name', () => {
  for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
    const e = connectionFailure(host, netError(code, `getaddrinfo ${code} web.example.com`), none, 20000);
    assert.match(e.message, /the host name web\.example\.com/);
    assert.match(e.hint!, /host name in deploy_hosts/);
    assert.doesNotMatch(e.hint!, /port|authorized_keys/);
  }
});

test("authentication refused: the keys offered, their fingerprints, and that user's authorized_keys", () => {
  const auth = Object.assign(new Error('All configured authentication methods failed'), {
    level: 'client-authentication',
  });
  const key = { name: '~/.ssh/deploy_key', type: 'ssh-ed25519', fingerprint: 'SHA256:abc', file: '~/.ssh/deploy_key' };
  let e = connectionFailure(onPort, auth, { offered: [key], skipped: [] }, 20000);
  assert.match(e.message, /refused the key offered for ubuntu: ~\/\.ssh\/deploy_key \(ssh-ed25519 SHA256:abc\)/);
  assert.match(e.hint!, /~ubuntu\/\.ssh\/authorized_keys on 10\.0\.0\.2/);
  assert.match(e.hint!, /ssh-copy-id -i ~\/\.ssh\/deploy_key -p 2222 ubuntu@10\.0\.0\.2/);
  assert.doesNotMatch(e.hint!, /address and port/);

  const agentKey = { name: 'ssh-agent key me@laptop', type: 'ssh-rsa', fingerprint: 'SHA256:def' };
  e = connectionFailure(host, auth, { offered: [agentKey, key], skipped: ['~/.ssh/id_rsa'] }, 20000);
  assert.match(
    e.message,
    /refused the keys offered for ubuntu: ssh-agent key me@laptop \(ssh-rsa SHA256:def\), ~\/\.ssh\/deploy_key/,
  );
  assert.match(e.message, /~\/\.ssh\/id_rsa skipped: protected by a passphrase/);

  e = connectionFailure(host, auth, none, 20000);
  assert.match(e.message, /no SSH key to offer: the ssh-agent holds no key/);
  e = connectionFailure(host, auth, { offered: [], skipped: [], agentFailure: 'Failed to connect to agent' }, 20000);
  assert.match(
    e.message,
    /no SSH key to offer: the ssh-agent \(SSH_AUTH_SOCK\) did not answer: Failed to connect to agent/,
  );
  e = connectionFailure(host, auth, { offered: [key], skipped: [], agentFailure: 'Failed to connect to agent' }, 20000);
  assert.match(e.message, /deploy_key .*\(the ssh-agent \(SSH_AUTH_SOCK\) did not answer/);
});

test('anything else: the error as ssh2 says it', () => {
  const e = connectionFailure(host, new Error('Connection lost before handshake'), none, 20000);
  assert.match(e.message, /cannot connect: Connection lost before handshake/);
});

test('host key refusals name the types, the fingerprint, where the known key is and how to remove it', () => {
  const file = '/home/me/.ssh/known_hosts';
  const entry = (type: string, line = 3, f = file): KnownHostsEntry => ({ file: f, line, type, key: blob(type) });
  const presented = blob('ssh-ed25519');

  let e = hostKeyRefusal(host, { status: 'changed', known: [entry('ecdsa-sha2-nistp256')] }, presented, file);
  assert.match(
    e.message,
    /CHANGED: its known key is of type ecdsa-sha2-nistp256 \(\/home\/me\/\.ssh\/known_hosts:3\), but it no longer offers that type and presents ssh-ed25519 SHA256:/,
  );
  assert.match(e.hint!, /ssh-keygen -R 'web\.example\.com' -f \/home\/me\/\.ssh\/known_hosts/);

  e = hostKeyRefusal(
    onPort,
    { status: 'changed', known: [entry('ssh-ed25519', 1, '/etc/ssh/ssh_known_hosts')] },
    presented,
    file,
  );
  assert.match(
    e.message,
    new RegExp(
      `presents ssh-ed25519 ${fingerprint(presented).replace(/[+/]/g, '\\$&')}, which is not the ssh-ed25519 key known for it in /etc/ssh/ssh_known_hosts:1`,
    ),
  );
  assert.match(e.hint!, /ssh-keygen -R '\[10\.0\.0\.2\]:2222' -f \/etc\/ssh\/ssh_known_hosts/);

  e = hostKeyRefusal(
    host,
    { status: 'revoked', entry: { ...entry('ssh-ed25519'), marker: 'revoked' } },
    presented,
    file,
  );
  assert.match(e.message, /REVOKED \(@revoked in \/home\/me\/\.ssh\/known_hosts:3\)/);

  e = hostKeyRefusal(
    host,
    { status: 'cert-authority', authorities: [{ ...entry('ssh-ed25519', 7), marker: 'cert-authority' }] },
    presented,
    file,
  );
  assert.match(
    e.message,
    /@cert-authority in \/home\/me\/\.ssh\/known_hosts:7\), and deploy does not support host certificates/,
  );
  assert.match(e.hint!, /ssh-keyscan -t ssh-ed25519 web\.example\.com >> \/home\/me\/\.ssh\/known_hosts/);
});
