// `hosts trust`: each host's decision against known_hosts (known, new, CHANGED, REVOKED), the table,
// what gets appended; reading a key from a local SSH server without authenticating; and the CLI
// end to end against that server (no terminal, --yes, again, --dry-run, --json, a changed key).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import { fingerprint, hashedName, keyType } from '../../src/ssh/known-hosts.ts';
import {
  decide,
  names,
  recordNew,
  toRecord,
  trustFailure,
  trustJson,
  trustTable,
  unreachable,
  type TrustTarget,
} from '../../src/ssh/host-trust.ts';
import { readHostKey } from '../../src/ssh/host-key-scan.ts';
import { ConnectionError } from '../../src/errors.ts';

/** A key blob as SSH sends it: length-prefixed type, then key material. */
function blob(type: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, randomBytes(32)]);
}
const line = (name: string, key: Buffer, marker = '') =>
  `${marker ? `${marker} ` : ''}${name} ${keyType(key)} ${key.toString('base64')}`;
const dir = () => mkdtempSync(join(tmpdir(), 'trust-'));
function knownHosts(...lines: string[]): string {
  const file = join(dir(), 'known_hosts');
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}
const target = (host: string, port = 22, extra: Partial<TrustTarget> = {}): TrustTarget => ({
  label: `ubuntu@${host}${port === 22 ? '' : `:${port}`}`,
  host,
  port,
  via: [],
  bastion: false,
  ...extra,
});

test('each host: known, new, CHANGED (both fingerprints, ssh-keygen -R), REVOKED, cert-authority only', () => {
  const a = blob('ssh-ed25519');
  const b = blob('ssh-ed25519');
  const c = blob('ssh-ed25519');
  const file = knownHosts(
    line('10.0.0.1', a),
    line(hashedName('[10.0.0.2]:2222'), b),
    line('10.0.0.3', c, '@revoked'),
    line('*.example.com', c, '@cert-authority'),
  );
  const known = decide(target('10.0.0.1'), a, [file]);
  assert.equal(known.state, 'known');
  assert.equal(known.name, '10.0.0.1');
  assert.equal(known.fingerprint, fingerprint(a));

  const fresh = decide(target('10.0.0.9', 2222), a, [file]);
  assert.equal(fresh.state, 'new');
  assert.equal(fresh.name, '[10.0.0.9]:2222', 'the [host]:port name known_hosts uses');

  // A hashed entry for [10.0.0.2]:2222 holds b; the host now presents a.
  const changed = decide(target('10.0.0.2', 2222), a, [file]);
  assert.equal(changed.state, 'changed');
  assert.deepEqual(changed.known, [{ type: 'ssh-ed25519', fingerprint: fingerprint(b), at: `${file}:2` }]);
  assert.equal(changed.remove, `ssh-keygen -R '[10.0.0.2]:2222' -f ${file}`);

  assert.equal(decide(target('10.0.0.3'), c, [file]).state, 'revoked');
  const ca = decide(target('web.example.com'), a, [file]);
  assert.equal(ca.state, 'new');
  assert.match(ca.note!, /@cert-authority/);

  // Upper case in a name: looked up and recorded in lower case, as ssh does.
  assert.equal(decide(target('Web.Example.NET'), a, [file]).name, 'web.example.net');
});

test('what gets appended: the new keys only, each name once, as connect() records them; CHANGED ones never', () => {
  const old = blob('ssh-ed25519');
  const file = knownHosts(line('10.0.0.2', old));
  const before = readFileSync(file, 'utf8');
  const k1 = blob('ssh-ed25519');
  const k2 = blob('ecdsa-sha2-nistp256');
  const rows = [
    decide(target('10.0.0.1', 22, { bastion: true }), k1, [file]),
    decide(target('10.0.0.2'), k1, [file]), // changed
    decide(target('10.0.0.3', 2222, { via: ['ubuntu@10.0.0.1'] }), k2, [file]),
    decide(target('10.0.0.3', 2222, { label: 'app3' }), k2, [file]), // the same name again
    unreachable(target('10.0.0.4'), 'cannot connect: no answer from 10.0.0.4:22 within 20 s'),
  ];
  assert.deepEqual(
    toRecord(rows).map((r) => r.name),
    ['10.0.0.1', '[10.0.0.3]:2222'],
  );
  recordNew(file, rows);
  assert.equal(
    readFileSync(file, 'utf8'),
    `${before}10.0.0.1 ssh-ed25519 ${k1.toString('base64')}\n[10.0.0.3]:2222 ecdsa-sha2-nistp256 ${k2.toString('base64')}\n`,
  );
  assert.deepEqual(
    rows.map((r) => !!r.recorded),
    [true, false, true, false, false],
  );
  // Read again, the recorded ones are known; the changed one still is.
  assert.equal(decide(target('10.0.0.3', 2222), k2, [file]).state, 'known');
  assert.equal(decide(target('10.0.0.2'), k1, [file]).state, 'changed');
});

test('the table: host, port, via, key type, fingerprint, state; a line for each host that is not fine', () => {
  const file = knownHosts(line('10.0.0.2', blob('ssh-ed25519')));
  const k = blob('ssh-ed25519');
  const rows = [
    decide(target('10.0.0.1', 22, { bastion: true }), k, [file]),
    decide(target('10.0.0.2', 22, { via: ['ubuntu@10.0.0.1'] }), k, [file]),
    decide(target('10.0.0.5', 22, { label: 'app5', via: ['ubuntu@10.0.0.1', 'jump2'] }), k, [file]),
    unreachable(target('10.0.0.4', 2200, { via: ['ubuntu@10.0.0.1'] }), 'cannot connect: refused'),
  ];
  const table = trustTable(rows);
  assert.match(table[0], /^ {2}host +port +via +key type +fingerprint +state$/);
  assert.match(table[1], new RegExp(`^ {2}10\\.0\\.0\\.1 \\(bastion\\) +22 +- +ssh-ed25519 +${fp(k)} +new$`));
  assert.match(table[2], new RegExp(`^ {2}10\\.0\\.0\\.2 +22 +ubuntu@10\\.0\\.0\\.1 +ssh-ed25519 +${fp(k)} +CHANGED$`));
  assert.match(table[3], /^ {2}10\.0\.0\.5 \(app5\) +22 +ubuntu@10\.0\.0\.1 > jump2 /, 'an alias is named');
  assert.match(table[4], /^ {2}10\.0\.0\.4 +2200 +ubuntu@10\.0\.0\.1 +- +- +unreachable$/);
  assert.match(
    table[5],
    /^10\.0\.0\.2: the host key has CHANGED: known ssh-ed25519 SHA256:\S+ \(.*known_hosts:1\); it now presents ssh-ed25519 SHA256:/,
  );
  assert.equal(table[6], 'ubuntu@10.0.0.4:2200: cannot connect: refused');
  assert.equal(table.length, 7);
  rows[0].recorded = true;
  assert.match(trustTable(rows)[1], /new, recorded$/);
});

const fp = (k: Buffer) => fingerprint(k).replace(/[+/]/g, '\\$&');

test('the failure: CHANGED named with both fingerprints, unreachable ones, which were recorded; none when all is well', () => {
  const old = blob('ssh-ed25519');
  const file = knownHosts(line('10.0.0.2', old), line('10.0.0.3', blob('ssh-ed25519')));
  const k = blob('ssh-ed25519');
  const fine = [decide(target('10.0.0.1'), k, [file])];
  assert.equal(trustFailure(fine, 'shop'), undefined);
  const rows = [
    ...fine,
    decide(target('10.0.0.2'), k, [file]),
    unreachable(target('10.0.0.4'), 'cannot connect: 10.0.0.4:22 refused the connection'),
    decide(target('10.0.0.5'), k, [file]),
  ];
  rows[0].recorded = true;
  const f = trustFailure(rows, 'shop')!;
  assert.match(f.message, /^2 of 4 hosts not trusted \(recorded: 10\.0\.0\.1; new, not recorded: 10\.0\.0\.5\):\n/);
  assert.ok(f.message.includes(`10.0.0.2: the host key has CHANGED: known ssh-ed25519 ${fingerprint(old)}`), f.message);
  assert.ok(f.message.includes(`now ssh-ed25519 ${fingerprint(k)}; not overwritten`), f.message);
  assert.match(f.message, /ubuntu@10\.0\.0\.4: cannot connect: 10\.0\.0\.4:22 refused the connection$/m);
  assert.ok(f.hint.includes(`ssh-keygen -R '10.0.0.2' -f ${file}`), f.hint);
  assert.match(f.hint, /Bring ubuntu@10\.0\.0\.4 back, or leave it out with --hosts\./);
  assert.match(f.hint, /Then run `deploy shop hosts trust` again: keys already known or recorded stay as they are\.$/);

  // Behind a bastion whose key changed nothing is tried: said so, not "bring it back".
  const bastion = decide(target('10.0.0.2', 22, { bastion: true }), k, [file]);
  const behind = unreachable(
    target('10.0.0.9', 22, { via: ['ubuntu@10.0.0.2'] }),
    'not tried: the bastion ubuntu@10.0.0.2 presents a CHANGED key',
    'ubuntu@10.0.0.2',
  );
  const g = trustFailure([bastion, behind], 'shop')!;
  assert.match(g.message, /^2 of 2 hosts not trusted:\n/);
  assert.match(g.hint, /The hosts behind ubuntu@10\.0\.0\.2 are read once that bastion is trusted and reached\./);
  assert.doesNotMatch(g.hint, /Bring/);
});

test('names in a line: a fleet of hundreds is cut short', () => {
  const rows = Array.from({ length: 200 }, (_, i) => unreachable(target(`10.0.${i >> 8}.${i & 255}`), 'x'));
  assert.equal(names(rows.slice(0, 2)), '10.0.0.0, 10.0.0.1');
  assert.equal(names(rows.slice(0, 12)).split(', ').length, 12);
  assert.match(names(rows), /^10\.0\.0\.0, .*, 10\.0\.0\.10 and 189 more$/);
});

test('--json: one object per host with its fingerprint and state', () => {
  const k = blob('ssh-ed25519');
  const row = decide(target('10.0.0.1', 2222, { via: ['jump'] }), k, [knownHosts()]);
  row.recorded = true;
  assert.deepEqual(trustJson(row), {
    role: 'host',
    host: '10.0.0.1',
    port: 2222,
    known_hosts_name: '[10.0.0.1]:2222',
    via: ['jump'],
    key_type: 'ssh-ed25519',
    fingerprint: fingerprint(k),
    state: 'new',
    recorded: true,
  });
  assert.equal(trustJson(unreachable(target('10.0.0.2'), 'gone')).error, 'gone');
});

const servers: ssh2.Server[] = [];
after(() => {
  for (const s of servers) s.close(() => undefined);
});

/** A local SSH server with these host keys; counts the authentication attempts it sees. */
async function sshServer(hostKeys: string[]) {
  const seen = { auth: 0, clients: 0 };
  const server = new ssh2.Server({ hostKeys }, (client) => {
    seen.clients++;
    client.on('authentication', (ctx) => {
      seen.auth++;
      ctx.reject();
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  servers.push(server);
  return { server, port, seen };
}
const pub = (k: { public: string }) => Buffer.from(k.public.split(' ')[1], 'base64');
const spec = (port: number) => ({
  user: 'ubuntu',
  host: '127.0.0.1',
  port,
  label: `ubuntu@127.0.0.1:${port}`,
  roles: [],
});

test('reading a key: the exchange, then the connection closed: no authentication is tried', async () => {
  const ed = ssh2.utils.generateKeyPairSync('ed25519');
  const ec = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
  const { port, seen } = await sshServer([ed.private, ec.private]);
  const key = await readHostKey({ host: spec(port), files: [knownHosts()] });
  assert.ok(key.equals(pub(ed)), 'ed25519 first, as ssh2 and connect() ask');
  // The types known_hosts holds for the host are asked for first, as connect() does: the key checked is the one it would see.
  const file = knownHosts(line(`[127.0.0.1]:${port}`, blob('ecdsa-sha2-nistp256')));
  assert.ok((await readHostKey({ host: spec(port), files: [file] })).equals(pub(ec)));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(seen.clients, 2);
  assert.equal(seen.auth, 0, 'no authentication attempt reached the server');
  await assert.rejects(
    readHostKey({ host: spec(1), files: [] }),
    (e: Error) => e instanceof ConnectionError && /127\.0\.0\.1:1 refused the connection/.test(e.message),
  );
});

const BIN = new URL('../../bin/deploy.js', import.meta.url).pathname;

test('the CLI: no terminal and no --yes refuses (exit 2); --dry-run, --yes, again, --json, a CHANGED key', async () => {
  const k1 = ssh2.utils.generateKeyPairSync('ed25519');
  const first = await sshServer([k1.private]);
  const home = dir();
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  const known = join(home, '.ssh', 'known_hosts');
  const settings = join(home, 'settings.ini');
  writeFileSync(
    settings,
    `[DEPLOY]\nproject_name = shop\nrepository = git@example.com:me/shop.git\ndeploy_hosts = ubuntu@127.0.0.1:${first.port}\nstrict_host_keys = yes\n\n[APP]\nsettings_file = shop.settings.prod\n`,
  );
  // Not spawnSync: the servers answer from this process's event loop.
  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, '-c', settings, 'shop', 'hosts', 'trust', ...args], {
        env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b) => (stdout += b));
      child.stderr.on('data', (b) => (stderr += b));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr, output: stdout + stderr }));
    });
  const read = () => {
    try {
      return readFileSync(known, 'utf8');
    } catch {
      return '';
    }
  };

  const refused = await cli();
  assert.equal(refused.code, 2, refused.output);
  assert.match(refused.stderr, /no terminal to confirm the fingerprints on, and no --yes/);
  assert.match(refused.stderr, /next: .*--dry-run.*--yes/);
  assert.equal(first.seen.clients, 0, 'no host contacted');

  const dry = await cli('--dry-run');
  assert.equal(dry.code, 0, dry.output);
  assert.ok(dry.stdout.includes(fingerprint(pub(k1))), dry.stdout);
  assert.match(dry.stdout, /dry run: 1 new key not recorded/);
  assert.equal(read(), '');

  const yes = await cli('--yes');
  assert.equal(yes.code, 0, yes.output);
  assert.match(yes.stdout, new RegExp(`127\\.0\\.0\\.1 +${first.port} +- +ssh-ed25519 +${fp(pub(k1))} +new`));
  assert.equal(read(), `[127.0.0.1]:${first.port} ssh-ed25519 ${pub(k1).toString('base64')}\n`);

  const again = await cli('--yes', '--json');
  assert.equal(again.code, 0, again.output);
  const doc = JSON.parse(again.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.command, 'hosts');
  assert.deepEqual(doc.hosts[`ubuntu@127.0.0.1:${first.port}`].host_key.state, 'known');
  assert.equal(doc.hosts[`ubuntu@127.0.0.1:${first.port}`].host_key.fingerprint, fingerprint(pub(k1)));
  assert.equal(read(), `[127.0.0.1]:${first.port} ssh-ed25519 ${pub(k1).toString('base64')}\n`, 'unchanged');

  // The same address and port, another key: CHANGED, named with both fingerprints, exit 1, nothing written.
  const port = first.port;
  await new Promise<void>((r) => first.server.close(() => r()));
  const k2 = ssh2.utils.generateKeyPairSync('ed25519');
  const second = new ssh2.Server({ hostKeys: [k2.private] }, (c) => c.on('error', () => undefined));
  await new Promise<void>((r) => second.listen(port, '127.0.0.1', r));
  servers.push(second);
  const before = read();
  const changed = await cli('--yes', '--json');
  assert.equal(changed.code, 1, changed.output);
  assert.match(changed.stdout, /"state": "changed"/);
  assert.ok(changed.stderr.includes(fingerprint(pub(k1))) && changed.stderr.includes(fingerprint(pub(k2))));
  assert.match(changed.stderr, /CHANGED/);
  assert.match(changed.stderr, /next: .*ssh-keygen -R '\[127\.0\.0\.1\]:\d+' -f /);
  assert.equal(JSON.parse(changed.stdout).error.exit_status, 1);
  assert.equal(read(), before, 'known_hosts untouched');
});
