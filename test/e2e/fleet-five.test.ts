// Five hosts: setup on all at once (every deploy key in one run), deploys to all and to
// --hosts, a host down at the start, --lock-wait, a rolling deploy whose batch fails and the
// rollback that brings the fleet together.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootGitServer, bootHost, ensureImages, stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { ROOT, settingsFile } from './fleet-helpers.ts';
import { BIN, commitVersion, demoRepo, runCli, served, tempDir } from './helpers.ts';

describe('many servers: five hosts', { timeout: 20 * 60_000 }, () => {
  let git: GitServer;
  let hosts: Host[];
  let repo: string;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli(['-c', file, ...args], { home });
  const versions = () => Promise.all(hosts.map(served));
  const push = async (v: string) => {
    commitVersion(repo, v);
    await git.push('demo', repo);
  };

  before(async () => {
    await ensureImages();
    [git, ...hosts] = await Promise.all([bootGitServer(), ...Array.from({ length: 5 }, () => bootHost('ready'))]);
    const url = await git.createRepo('demo');
    repo = demoRepo('v1');
    await git.push('demo', repo);
    home = tempDir();
    file = settingsFile(home, `deploy_hosts = ${hosts.map((h) => `ubuntu@${h.ip}`).join(', ')}`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
  });
  after(stopAll);

  it('setup on every host in one run: all five deploy keys shown, exit 3 once; then all set up', async () => {
    const first = await cli('demo', 'setup', '--yes', '--dependencies=no');
    assert.equal(first.code, 3, first.output);
    const keys = await Promise.all(hosts.map((h) => h.run('cat /opt/django/.ssh/id_ed25519.pub')));
    for (const k of keys) assert.ok(first.output.includes(k.trim()), 'every deploy key is shown in the one run');
    assert.match(first.stderr, /5 of 5 hosts: the deploy key cannot read/);
    for (const h of hosts)
      assert.equal((await h.exec(`test -e ${ROOT}/deploy.lock`)).code, 1, 'setup gave its locks back');
    for (const k of keys) await git.authorize(k.trim());
    const second = await cli('demo', 'setup', '--yes', '--dependencies=no');
    assert.equal(second.code, 0, second.output);
    assert.deepEqual(await versions(), ['v1', 'v1', 'v1', 'v1', 'v1']);
  });

  it('deploys to every host, and to some with --hosts (names, addresses, with or without user@ and :port)', async () => {
    await push('v2');
    const all = await cli('demo', 'deploy', '--yes');
    assert.equal(all.code, 0, all.output);
    assert.deepEqual(await versions(), ['v2', 'v2', 'v2', 'v2', 'v2']);
    await push('v3');
    const some = await cli('demo', 'deploy', '--yes', '--hosts', `${hosts[0].ip},ubuntu@${hosts[1].ip}:22`);
    assert.equal(some.code, 0, some.output);
    assert.deepEqual(await versions(), ['v3', 'v3', 'v2', 'v2', 'v2']);
    const unknown = await cli('demo', 'deploy', '--yes', '--hosts', `${hosts[0].ip.replace(/\.2$/, '.3')}`);
    assert.equal(unknown.code, 2, unknown.output);
    assert.match(unknown.stderr, /--hosts: no host .* \(did you mean/);
    const all3 = await cli('demo', 'deploy', '--yes');
    assert.equal(all3.code, 0, all3.output);
    assert.deepEqual(await versions(), ['v3', 'v3', 'v3', 'v3', 'v3']);
  });

  it('a host down at the start: a clear error naming it, nothing changed on any host', async () => {
    await push('v4');
    await hosts[4].blockSsh(true);
    try {
      const r = await runCli(['-c', file, 'demo', 'deploy', '--yes'], { home });
      assert.equal(r.code, 1, r.output);
      assert.match(
        r.stderr,
        new RegExp(
          `cannot reach 1 of 5 hosts, nothing was changed on any host:[\\s\\S]*${hosts[4].ip.replace(/\./g, '\\.')}`,
        ),
      );
      assert.match(r.stderr, /--hosts /);
      assert.deepEqual(await versions(), ['v3', 'v3', 'v3', 'v3', 'v3']);
      for (const h of hosts.slice(0, 4))
        assert.equal((await h.exec(`test -e ${ROOT}/deploy.lock`)).code, 1, 'no lock taken anywhere');
    } finally {
      await hosts[4].blockSsh(false);
    }
  });

  it('--lock-wait waits for a run that holds the lock, then deploys', async () => {
    const holder = spawn(
      process.execPath,
      [BIN, '-c', file, 'demo', 'deploy', '--yes', '--force', '--hosts', hosts[2].ip],
      {
        // Paused for 30 s: the run that must find the lock taken starts only once this one holds
        // it, and on a loaded machine its connections and lock step alone took more than 5 s.
        env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', DEPLOY_PAUSE_AT: 'build:1:30' },
      },
    );
    const holderDone = new Promise((r) => holder.on('close', r));
    let out = '';
    holder.stdout.on('data', (d) => (out += d));
    holder.stderr.on('data', (d) => (out += d));
    for (let i = 0; i < 1200 && !/paused before/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /paused before/);
    const failing = await cli('demo', 'deploy', '--yes');
    assert.equal(failing.code, 4, 'without --lock-wait: exit 4 at once');
    const waited = await cli('demo', 'deploy', '--yes', '--lock-wait', '180');
    await holderDone;
    assert.equal(waited.code, 0, waited.output);
    assert.match(waited.output, /waiting for the lock/);
    assert.match(waited.output, /got the lock on every host/);
    assert.deepEqual(await versions(), ['v4', 'v4', 'v4', 'v4', 'v4']);
  });

  it('a rolling deploy whose second batch fails its health check stops there; rollback brings every host back together', async () => {
    const rolling = join(home, 'rolling.ini');
    writeFileSync(rolling, readFileSync(file, 'utf8').replace('[DEPLOY]\n', '[DEPLOY]\nbatch_size = 2\n'));
    // v5 cannot start where /etc/deploy-test-broken exists: on the third host only.
    commitVersion(repo, 'v5', (d) =>
      writeFileSync(
        join(d, 'demo/wsgi.py'),
        `import os\nif os.path.exists('/etc/deploy-test-broken'):\n    raise RuntimeError('broken on this host')\n${readFileSync(join(d, 'demo/wsgi.py'), 'utf8')}`,
      ),
    );
    await git.push('demo', repo);
    const third = hosts[2];
    await third.run('touch /etc/deploy-test-broken');
    const r = await runCli(['-c', rolling, 'demo', 'deploy', '--yes'], { home });
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /the rollout stopped at batch 2 of 3/);
    assert.match(r.output, /health check failed/);
    assert.match(
      r.stderr,
      new RegExp(
        `is live on: ubuntu@${hosts[0].ip.replace(/\./g, '\\.')}, ubuntu@${hosts[1].ip.replace(/\./g, '\\.')}`,
      ),
    );
    assert.deepEqual(await versions(), ['v5', 'v5', 'v4', 'v4', 'v4'], 'batch 1 switched; the others did not');
    for (const h of hosts) assert.equal((await h.exec(`test -e ${ROOT}/deploy.lock`)).code, 1, 'every lock released');
    await third.run('rm -f /etc/deploy-test-broken');
    const back = await cli('demo', 'rollback', '--yes');
    assert.equal(back.code, 0, back.output);
    assert.deepEqual(
      await versions(),
      ['v4', 'v4', 'v4', 'v4', 'v4'],
      'rollback brings every host to the same release',
    );
  });
});
