// Self-test of the testbed (not part of `npm test`): node --import tsx --test test/testbed/selftest.test.ts
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureImages, bootHost, bootGitServer, stopAll, TESTBED_KEY } from './index.ts';

after(stopAll);

test('testbed end to end', async () => {
  let t = Date.now();
  await ensureImages();
  console.log('ensureImages', Date.now() - t, 'ms');
  assert.ok(existsSync(TESTBED_KEY));
  t = Date.now();
  const [base, ready, git] = await Promise.all([bootHost('base'), bootHost('ready'), bootGitServer()]);
  console.log('3 hosts booted in parallel', Date.now() - t, 'ms', base.ip, ready.ip, git.ip);
  assert.equal((await ready.run('systemctl is-active nginx supervisor')).trim(), 'active\nactive');
  t = Date.now();
  const upd = await base.exec('apt-get update');
  console.log('apt-get update on base', Date.now() - t, 'ms, code', upd.code);
  assert.equal(upd.code, 0, upd.stderr);
  const bad = await base.exec('echo oops >&2; exit 3');
  assert.deepEqual(bad, { code: 3, stdout: '', stderr: 'oops\n' });
  await assert.rejects(base.run('false'), /exit 1/);

  const url = await git.createRepo('app');
  assert.equal(url, `git@${git.ip}:/srv/git/app.git`);
  const dir = mkdtempSync(join(tmpdir(), 'tbrepo-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const g = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { stdio: 'pipe' });
  g('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'x.txt'), 'x\n');
  g('add', '.');
  g('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'one');
  g('tag', 'v1');
  await git.push('app', dir);
  const pub = await ready.run('ssh-keygen -q -t ed25519 -N "" -f /root/.ssh/deploy && cat /root/.ssh/deploy.pub');
  await git.authorize(pub);
  const ls = await ready.run(
    `GIT_SSH_COMMAND='ssh -i /root/.ssh/deploy -o StrictHostKeyChecking=accept-new' git ls-remote ${url}`,
  );
  assert.match(ls, /refs\/heads\/main/);
  assert.match(ls, /refs\/tags\/v1/);
  await ready.rekey();
  assert.equal((await ready.run('hostname')).trim(), ready.name);
  t = Date.now();
  await base.stop();
  console.log('stop', Date.now() - t, 'ms');
});

/** ssh root@ip true with a 2 s connect timeout, straight from this machine. */
function sshProbe(ip: string): Promise<{ code: number; stderr: string }> {
  const args = [
    '-i',
    TESTBED_KEY,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'ConnectTimeout=2',
    `root@${ip}`,
    'true',
  ];
  return new Promise((resolve) => {
    execFile('ssh', args, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
    });
  });
}

/** Status of GET http://ip/ on a fresh connection, or 'timeout' after ms, or the error code. */
function httpStatus(ip: string, ms = 2000): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get({ host: ip, path: '/', agent: false, timeout: ms }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

async function until<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('faults: reboot keeps the disk, link down, block-ssh, small filesystem', async () => {
  const [a, b] = await Promise.all([bootHost('ready'), bootHost('ready')]);
  assert.equal(a.netns, `dt-${a.name}`);
  const addr = execFileSync('ip', ['netns', 'exec', a.netns, 'ip', '-br', '-4', 'addr', 'show', 'host0']).toString();
  assert.match(addr, new RegExp(`\\b${a.ip.replaceAll('.', '\\.')}/24\\b`));

  // power cut: the disk keeps what was written, /run (tmpfs) and processes are gone
  await a.run('echo one >/root/persist; touch /run/booted-before; (setsid sleep 1000 </dev/null >/dev/null 2>&1 &)');
  let t = Date.now();
  await a.reboot({ hard: true });
  console.log('reboot --hard', Date.now() - t, 'ms');
  assert.equal(await a.run('cat /root/persist'), 'one\n');
  assert.equal((await a.exec('test -e /run/booted-before')).code, 1);
  assert.equal((await a.exec('pgrep -x sleep')).code, 1);
  await until(
    'nginx after reboot --hard',
    () => httpStatus(a.ip),
    (s) => s === 200,
  );
  assert.equal(await a.run('systemctl is-active nginx supervisor ssh'), 'active\nactive\nactive\n');

  // orderly reboot
  await a.run('echo two >>/root/persist; touch /run/booted-before');
  t = Date.now();
  await a.reboot();
  console.log('reboot', Date.now() - t, 'ms');
  assert.equal(await a.run('cat /root/persist'), 'one\ntwo\n');
  assert.equal((await a.exec('test -e /run/booted-before')).code, 1);
  await until(
    'nginx after reboot',
    () => httpStatus(a.ip),
    (s) => s === 200,
  );
  await until(
    'services after reboot',
    () => a.exec('systemctl is-active nginx supervisor ssh'),
    (r) => r.code === 0,
  );

  // link down: nothing answers, connections time out (no reset, no "no route"); up: back
  await a.link(false);
  t = Date.now();
  const cut = await sshProbe(a.ip);
  console.log('ssh with the link down', Date.now() - t, 'ms:', cut.stderr.trim());
  assert.equal(cut.code, 255);
  assert.match(cut.stderr, /timed out/);
  assert.equal(await httpStatus(a.ip, 1000), 'timeout');
  await a.link(true);
  assert.equal((await sshProbe(a.ip)).code, 0);
  assert.equal(await httpStatus(a.ip), 200);

  // block-ssh: port 22 is dropped both ways, port 80 still answers
  await b.blockSsh(true);
  const blocked = await sshProbe(b.ip);
  assert.equal(blocked.code, 255);
  assert.match(blocked.stderr, /timed out/);
  assert.equal(await httpStatus(b.ip), 200);
  await b.blockSsh(false);
  assert.equal((await sshProbe(b.ip)).code, 0);

  // small filesystem: writes beyond its size fail with ENOSPC
  await b.smallFs('/srv/small', 64, 'ubuntu:ubuntu');
  assert.equal(await b.run('stat -c %U:%G:%a /srv/small'), 'ubuntu:ubuntu:755\n');
  await b.run('su ubuntu -c "head -c 40000 /dev/zero >/srv/small/a"');
  const full = await b.exec('su ubuntu -c "head -c 40000 /dev/zero >/srv/small/b"');
  assert.notEqual(full.code, 0);
  assert.match(full.stderr, /No space left on device/);
  await b.run('install -d -o www-data -g www-data /var/www/data');
  await b.smallFs('/var/www/data', 8);
  assert.equal(await b.run('stat -c %U:%G:%a /var/www/data'), 'www-data:www-data:755\n');
});
