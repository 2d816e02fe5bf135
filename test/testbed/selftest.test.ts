// Self-test of the testbed (not part of `npm test`): node --import tsx --test test/testbed/selftest.test.ts
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
  const ls = await ready.run(`GIT_SSH_COMMAND='ssh -i /root/.ssh/deploy -o StrictHostKeyChecking=accept-new' git ls-remote ${url}`);
  assert.match(ls, /refs\/heads\/main/);
  assert.match(ls, /refs\/tags\/v1/);
  await ready.rekey();
  assert.equal((await ready.run('hostname')).trim(), ready.name);
  t = Date.now();
  await base.stop();
  console.log('stop', Date.now() - t, 'ms');
});
