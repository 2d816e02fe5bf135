// A connection that dies after its handshake (issue 23, item 1): its errors are recorded, never
// thrown (an 'error' event nobody hears crashes the process), and the keepalives that find a dead
// host come from ~/.ssh/config the way OpenSSH reads them. The real thing, on test hosts whose
// network is cut: test/reliability/network-drop.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { connectionEnded, ConnectionLostError, DEFAULT_KEEPALIVE, watchConnection } from '../../src/ssh/lost.ts';
import { SshConfig } from '../../src/ssh/route.ts';
import { RootShell, type ShellChannel } from '../../src/exec/root-shell.ts';
import type { HostSpec } from '../../src/settings/types.ts';

const fakeClient = () => new EventEmitter() as unknown as Client;

test('keepalives unanswered: recorded with what they were, not thrown', () => {
  const conn = fakeClient();
  watchConnection(conn, { intervalMs: 2000, countMax: 2 });
  assert.equal(connectionEnded(conn), undefined);
  // Without a listener, emit('error') would throw here (and, from a timer, crash the CLI).
  (conn as unknown as EventEmitter).emit(
    'error',
    Object.assign(new Error('Keepalive timeout'), { level: 'client-timeout' }),
  );
  (conn as unknown as EventEmitter).emit('close');
  assert.match(connectionEnded(conn)!, /no answer to 2 SSH keepalives sent 2 s apart/);
});

test('a reset, or the server closing: each said as such; the first cause wins', () => {
  const reset = fakeClient();
  watchConnection(reset, DEFAULT_KEEPALIVE);
  (reset as unknown as EventEmitter).emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
  (reset as unknown as EventEmitter).emit('error', new Error('later'));
  assert.equal(connectionEnded(reset), 'the connection was reset (ECONNRESET)');
  const closed = fakeClient();
  watchConnection(closed, DEFAULT_KEEPALIVE);
  (closed as unknown as EventEmitter).emit('close');
  assert.equal(connectionEnded(closed), 'the server closed the connection');
});

test('the error names the host and the step', () => {
  const e = new ConnectionLostError('ubuntu@10.0.0.2', 'build release r1', 'the connection was reset (ECONNRESET)');
  assert.equal(
    e.message,
    'ubuntu@10.0.0.2: connection lost during "build release r1": the connection was reset (ECONNRESET)',
  );
  assert.match(e.hint!, /ssh ubuntu@10\.0\.0\.2/);
  assert.equal(e.exitCode, 1);
});

test('ServerAliveInterval and ServerAliveCountMax from ~/.ssh/config; 0 does not turn keepalives off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-keepalive-'));
  const file = join(dir, 'config');
  writeFileSync(
    file,
    'Host quick\n  ServerAliveInterval 2\n  ServerAliveCountMax 2\nHost slow\n  ServerAliveInterval 30\nHost off\n  ServerAliveInterval 0\n  ServerAliveCountMax 0\n',
  );
  const config = new SshConfig(file);
  const at = (host: string): HostSpec => ({ user: 'u', host, port: 22, label: `u@${host}`, roles: ['web'] });
  assert.deepEqual(config.route(at('quick'), { proxyJump: [] }).keepalive, { intervalMs: 2000, countMax: 2 });
  assert.deepEqual(config.route(at('slow'), { proxyJump: [] }).keepalive, { intervalMs: 30000, countMax: 3 });
  assert.equal(config.route(at('off'), { proxyJump: [] }).keepalive, undefined, 'the defaults');
  assert.equal(config.route(at('other'), { proxyJump: [] }).keepalive, undefined, 'the defaults');
});

test('the root shell: a channel error fails the step under way and every later one, and is not thrown', async () => {
  const channel = new EventEmitter() as EventEmitter & {
    stderr: EventEmitter;
    write(s: string): boolean;
    end(s?: string): void;
  };
  channel.stderr = new EventEmitter();
  channel.write = () => true;
  channel.end = () => undefined;
  const shell = new RootShell(channel as unknown as ShellChannel);
  const step = shell.run(
    'true',
    () => undefined,
    () => undefined,
  );
  channel.emit('error', new Error('write after end'));
  await assert.rejects(step, /write after end/);
  await assert.rejects(
    shell.run(
      'true',
      () => undefined,
      () => undefined,
    ),
    /write after end/,
  );
});
