// deploy, rollback, releases, unlock against a real host, with the app's page as the judge.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { BIN, commitVersion, httpGet, liveDemo, runCli } from './helpers.ts';
import { startLoad } from './load.ts';

const ROOT = '/opt/django/apps/demo';

describe('releases: deploy, rollback, lock', { timeout: 20 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let repo: string;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli([...args, '-c', file, '--yes'], { home });
  const page = async () => (await httpGet(host, '/')).body.match(/demo app (v\w+)/)?.[1];
  const push = async (version: string, extra?: (dir: string) => void) => {
    commitVersion(repo, version, extra);
    await git.push('demo', repo);
  };
  const releases = async () => (await host.run(`ls ${ROOT}/releases`)).trim().split('\n').filter(Boolean);
  const lockFree = async () => (await host.exec(`test -e ${ROOT}/deploy.lock`)).code === 1;
  const slotStates = async () => host.run('supervisorctl status || true');

  before(async () => {
    // No PyPI here: pip looks only in pip_find_links (a directory without wheels), so an unknown requirement fails at once.
    ({ git, host, repo, home, file } = await liveDemo('pip_find_links = /tmp\nkeep_releases = 3\n'));
    assert.equal(await page(), 'v1');
  });
  after(stopAll);

  it('deploy v2 switches the page to v2 and keeps v1 running in the idle slot', async () => {
    const v1 = (await host.run(`basename $(readlink ${ROOT}/current)`)).trim();
    await push('v2');
    const r = await cli('demo', 'deploy');
    assert.equal(r.code, 0, r.output);
    assert.equal(await page(), 'v2');
    assert.equal((await releases()).length, 2);
    assert.ok(await lockFree());
    // keep_previous_slot (the default): v1 keeps running in slot a, for a rollback that starts nothing.
    await new Promise((r) => setTimeout(r, 1500));
    assert.match(await slotStates(), /demo-a +RUNNING[\s\S]*demo-b +RUNNING/);
    assert.equal((await host.run(`cat ${ROOT}/slots/a.run`)).split(' ')[0], v1);
    const st = await cli('demo', 'status', '--json');
    assert.equal(
      JSON.parse(st.stdout).hosts[`ubuntu@${host.ip}`].status.idle,
      v1,
      'status names what the idle slot runs',
    );
    const log = (await host.run(`tail -n 1 ${ROOT}/deploy.log.jsonl`)).trim();
    const entry = JSON.parse(log);
    assert.equal(entry.result, 'ok');
    assert.equal(entry.release, (await host.run(`basename $(readlink ${ROOT}/current)`)).trim());
    assert.match(entry.operator, /@/);
  });

  it('a deploy of the live commit is a no-op', async () => {
    const before = await releases();
    const r = await cli('demo', 'deploy');
    assert.equal(r.code, 0, r.output);
    assert.match(r.stdout, /already live/);
    assert.deepEqual(await releases(), before);
    assert.ok(await lockFree());
  });

  it('rollback, rollback current, rollback to a named release', async () => {
    const [newest, oldest] = (await releases()).sort().reverse();
    const pid = async (slot: string) => (await host.run(`supervisorctl pid demo-${slot}`)).trim();
    const warm = await pid('a');
    let r = await cli('demo', 'rollback');
    assert.equal(r.code, 0, r.output);
    assert.equal(await page(), 'v1');
    // v1 was still running in slot a: the same gunicorn serves it (nothing started); v2's slot stops.
    assert.equal(await pid('a'), warm, 'the slot kept running was switched to as it was');
    // The background stop ends by removing its marker, and the slot's record with it.
    for (let i = 0; i < 100 && (await host.exec(`test -e ${ROOT}/slots/b.stopping`)).code === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.match(await slotStates(), /demo-a +RUNNING[\s\S]*demo-b +STOPPED/);
    assert.equal((await host.exec(`test -e ${ROOT}/slots/b.run`)).code, 1, "the stopped slot's record is gone");
    r = await cli('demo', 'rollback');
    assert.equal(r.code, 1, 'nothing older than the oldest');
    assert.match(r.stderr, /oldest release/);
    r = await cli('demo', 'rollback', 'current');
    assert.equal(r.code, 0, r.output);
    assert.equal(await page(), 'v2');
    r = await cli('demo', 'rollback', oldest.slice(0, oldest.length - 3));
    assert.equal(r.code, 0, r.output);
    assert.equal(await page(), 'v1');
    r = await cli('demo', 'rollback', newest);
    assert.equal(r.code, 0, r.output);
    assert.equal(await page(), 'v2');
    r = await cli('demo', 'rollback', 'no-such-release');
    assert.equal(r.code, 2);
    assert.ok(await lockFree());
    const listed = await cli('demo', 'releases');
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, new RegExp(`${newest}.*\\* current`));
  });

  /** Back to the good v2 tree as a new commit (the repo's main only moves forward). */
  const restoreGood = async (good: string) => {
    const g = (...a: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: repo, stdio: 'pipe' });
    g('rm', '-rq', '.');
    g('checkout', good, '--', '.');
    g('commit', '-qm', 'back to good');
    await git.push('demo', repo);
  };
  const head = () => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo }).toString().trim();
  /** `deploy` in a child process, sent `signal` `delay` ms after its output first matches `when`. */
  const deployAndSignal = (settings: string, when: RegExp, signal: NodeJS.Signals, delay: number) => {
    const child = spawn(process.execPath, [BIN, 'demo', 'deploy', '--yes', '-c', settings], {
      env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    return new Promise<{ code: number; out: string }>((resolve) => {
      const timer = setInterval(() => {
        if (when.test(out)) {
          clearInterval(timer);
          setTimeout(() => child.kill(signal), delay);
        }
      }, 50);
      // A run that ended before `when` showed must not leave the timer holding the test's process open.
      child.on('close', (c) => {
        clearInterval(timer);
        resolve({ code: c ?? -1, out });
      });
    });
  };

  for (const [what, breakIt, expectStep] of [
    [
      'a failing requirements.txt',
      (d: string) =>
        writeFileSync(join(d, 'requirements.txt'), 'Django>=3.2\ngunicorn>=20\nno-such-package-anywhere==9.9\n'),
      /build release/,
    ],
    [
      'a failing migration',
      (d: string) =>
        writeFileSync(
          join(d, 'demo/pages/migrations/0002_boom.py'),
          "from django.db import migrations\n\ndef boom(apps, schema_editor):\n    raise RuntimeError('migration exploded')\n\nclass Migration(migrations.Migration):\n    dependencies = [('pages', '0001_initial')]\n    operations = [migrations.RunPython(boom)]\n",
        ),
      /build release/,
    ],
    [
      'a failing health check',
      (d: string) => writeFileSync(join(d, 'demo/urls.py'), 'raise RuntimeError("broken release")\n'),
      /health/,
    ],
  ] as const) {
    it(`${what} leaves the old release serving and the lock free`, async () => {
      const good = head();
      const current = await host.run(`readlink ${ROOT}/current`);
      await push('v3-broken', breakIt);
      const r = await cli('demo', 'deploy');
      assert.equal(r.code, 1, r.output);
      assert.match(r.stderr, expectStep);
      assert.equal(await page(), 'v2');
      assert.equal(await host.run(`readlink ${ROOT}/current`), current);
      assert.ok(await lockFree());
      assert.match((await cli('demo', 'releases')).stdout, /failed/);
      const entry = JSON.parse((await host.run(`tail -n 1 ${ROOT}/deploy.log.jsonl`)).trim());
      assert.equal(entry.result, 'failed');
      await restoreGood(good);
    });
  }

  it('two concurrent deploys: one gets the lock, the other exits 4 at once', async () => {
    await push('v4');
    const [a, b] = await Promise.all([cli('demo', 'deploy'), cli('demo', 'deploy')]);
    const codes = [a.code, b.code].sort();
    assert.deepEqual(codes, [0, 4], a.output + b.output);
    const loser = a.code === 4 ? a : b;
    assert.match(
      loser.stderr,
      /locked by \S+@\S+ \(pid \d+, still running on this machine\) since [\d-]+ [\d:]+ UTC: deploy/,
    );
    assert.equal(await page(), 'v4');
    assert.ok(await lockFree());
  });

  it('Ctrl-C during a deploy: the live release keeps serving and the lock is released', async () => {
    await push('v5');
    const slow = join(home, 'slow.ini');
    writeFileSync(slow, readFileSync(file, 'utf8').replace('[DEPLOY]\n', '[DEPLOY]\ntest_command = sleep 4\n'));
    const { code, out } = await deployAndSignal(slow, /lock, fetch and resolve/, 'SIGINT', 300);
    assert.notEqual(code, 0, out);
    assert.match(out, /interrupted/);
    assert.equal(await page(), 'v4');
    assert.ok(await lockFree(), out);
  });

  it('Ctrl-C while the new release boots: stopped right before the switch', async () => {
    const good = head();
    // A release whose app takes 4 s to import: the health check is still waiting when Ctrl-C comes.
    await push('v5-slow', (d) =>
      writeFileSync(
        join(d, 'demo/wsgi.py'),
        readFileSync(join(d, 'demo/wsgi.py'), 'utf8').replace('import os', 'import os\nimport time\ntime.sleep(4)'),
      ),
    );
    const { code, out } = await deployAndSignal(file, /✓ \S+ +build release/, 'SIGINT', 1000);
    assert.equal(code, 1, out);
    assert.match(out, /interrupted/);
    assert.equal(await page(), 'v4');
    assert.ok(await lockFree(), out);
    assert.equal((await host.exec(`test -e ${ROOT}/deploy.abort`)).code, 1, 'the abort flag is cleaned up');
    await restoreGood(good);
  });

  it('a lock left by a killed run is reported with its holder, and unlock removes it', async () => {
    const slow = join(home, 'slow.ini');
    await deployAndSignal(slow, /lock, fetch and resolve/, 'SIGKILL', 0);
    const r = await cli('demo', 'deploy');
    assert.equal(r.code, 4, r.output);
    assert.match(r.stderr, /locked by .*deploy/);
    assert.match(r.stderr, /deploy demo unlock/);
    const u = await cli('demo', 'unlock');
    assert.equal(u.code, 0, u.output);
    assert.ok(await lockFree());
    const d = await cli('demo', 'deploy');
    assert.equal(d.code, 0, d.output);
    assert.equal(await page(), 'v5');
  });

  it('keeps keep_releases releases and drops environments no release uses', async () => {
    for (const v of ['v6', 'v7', 'v8']) {
      await push(
        v,
        v === 'v7'
          ? (d) => writeFileSync(join(d, 'requirements.txt'), 'Django>=3.2\ngunicorn>=20\n# changed\n')
          : undefined,
      );
      const r = await cli('demo', 'deploy');
      assert.equal(r.code, 0, r.output);
    }
    assert.equal(await page(), 'v8');
    const kept = await releases();
    assert.equal(kept.length, 3, kept.join(' '));
    const used = (await host.run(`for d in ${ROOT}/releases/*/; do readlink -f "$d.venv"; done | sort -u`))
      .trim()
      .split('\n');
    const venvs = (await host.run('ls -d /opt/django/virtualenvs/demo/*')).trim().split('\n');
    assert.deepEqual(venvs.sort(), used.sort());
    assert.equal(venvs.length, 2, 'the changed requirements.txt got its own environment');
  });

  it('zero failed requests through a deploy and a rollback under load', async () => {
    await push('v9');
    const load = startLoad(host.ip, '/', 60);
    await new Promise((r) => setTimeout(r, 1000));
    const d = await cli('demo', 'deploy');
    const rb = await cli('demo', 'rollback');
    await new Promise((r) => setTimeout(r, 1000));
    const stats = await load.stop();
    assert.equal(d.code, 0, d.output);
    assert.equal(rb.code, 0, rb.output);
    assert.ok(stats.rate >= 50, `rate ${stats.rate}`);
    assert.deepEqual(stats.failures, {}, `${stats.sent} requests`);
    assert.equal(stats.ok, stats.sent);
    assert.ok(stats.bodies.has('demo app v9') && stats.bodies.has('demo app v8'), [...stats.bodies].join(','));
  });
});
