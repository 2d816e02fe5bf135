// What a deploy ships, against a real host: which commit a name picks (a tag and a branch of
// the same name, full ref names, a name that does not exist), a commit with a git submodule,
// and static files behind a symlinked directory. The judge is what the server serves.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { cleanup, commitVersion, httpGet, liveDemo, runCli, tempDir } from './helpers.ts';

const ROOT = '/opt/django/apps/demo';

describe('what a deploy ships: refs, submodules, symlinked static files', { timeout: 20 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let repo: string;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli([...args, '-c', file, '--yes'], { home });
  const g = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: repo, stdio: 'pipe' })
      .toString()
      .trim();
  const page = async () => (await httpGet(host, '/')).body.match(/demo app (v[\w-]+)/)?.[1];
  const push = async (version: string, extra?: (dir: string) => void) => {
    commitVersion(repo, version, extra);
    await git.push('demo', repo);
  };
  const lockFree = async () => (await host.exec(`test -e ${ROOT}/deploy.lock`)).code === 1;
  /** What the server serves and keeps: the page, the live release, the kept releases. */
  const served = async () => ({
    page: await page(),
    current: (await host.run(`readlink ${ROOT}/current`)).trim(),
    releases: (await host.run(`ls ${ROOT}/releases`)).trim(),
  });
  const lastLog = async () => JSON.parse((await host.run(`tail -n 1 ${ROOT}/deploy.log.jsonl`)).trim());

  before(async () => {
    ({ git, host, repo, home, file } = await liveDemo('pip_find_links = /tmp\n'));
    assert.equal(await page(), 'v1');
  });
  after(stopAll);

  it('a ref that does not exist is exit 2, as a release that does not exist is; nothing changes, the lock is released', async () => {
    const was = await served();
    const r = await cli('demo', 'deploy', '--ref', 'no-such-ref');
    assert.equal(r.code, 2, r.output);
    assert.match(r.stderr, /no branch, tag or commit named no-such-ref/);
    assert.ok(await lockFree(), 'the lock is released');
    assert.deepEqual(await served(), was, 'nothing changed on the server');
    const rb = await cli('demo', 'rollback', 'no-such-release');
    assert.equal(rb.code, 2, rb.output);
    assert.match(rb.stderr, /no release named no-such-release/);
    assert.ok(await lockFree());
    assert.deepEqual(await served(), was);
  });

  it('a name that is both a branch and a tag is refused, naming both; refs/heads/NAME and refs/tags/NAME choose', async () => {
    const v1 = g('rev-parse', 'HEAD');
    await push('v2');
    const v2 = g('rev-parse', 'HEAD');
    g('tag', 'main', v1);
    await git.push('demo', repo);
    try {
      const was = await served();
      const r = await cli('demo', 'deploy', '--ref', 'main');
      assert.equal(r.code, 2, r.output);
      assert.match(r.stderr, /refs\/heads\/main/);
      assert.match(r.stderr, /refs\/tags\/main/);
      assert.match(r.stderr, new RegExp(v2.slice(0, 8)));
      assert.match(r.stderr, new RegExp(v1.slice(0, 8)));
      assert.ok(await lockFree());
      assert.deepEqual(await served(), was, 'neither was deployed');

      const branch = await cli('demo', 'deploy', '--ref', 'refs/heads/main');
      assert.equal(branch.code, 0, branch.output);
      assert.equal(await page(), 'v2');
      assert.match((await served()).current, new RegExp(`-${v2.slice(0, 8)}$`));
      assert.equal((await lastLog()).ref, 'main');

      const tag = await cli('demo', 'deploy', '--ref', 'refs/tags/main');
      assert.equal(tag.code, 0, tag.output);
      assert.equal(await page(), 'v1');
      assert.match((await served()).current, /-main$/, 'a tag names the release');

      // No --ref and no branch setting: the repository's default branch, a branch by definition.
      const plain = await cli('demo', 'deploy');
      assert.equal(plain.code, 0, plain.output);
      assert.equal(await page(), 'v2');
      const entry = await lastLog();
      assert.equal(entry.commit, v2);
      assert.equal(entry.ref, 'main');
    } finally {
      g('tag', '-d', 'main');
      await git.push('demo', repo, [':refs/tags/main']);
    }
  });

  it('a commit with a git submodule is refused, naming it, before anything is built', async () => {
    const sub = tempDir('deploy-submodule-');
    const sg = (...a: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: sub, stdio: 'pipe' });
    sg('init', '-q', '-b', 'main');
    writeFileSync(join(sub, 'lib.py'), 'X = 1\n');
    sg('add', '-A');
    sg('commit', '-qm', 'lib');
    g('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'vendor/lib');
    await push('v3-sub');
    try {
      const was = await served();
      const r = await cli('demo', 'deploy');
      assert.notEqual(r.code, 0, r.output);
      assert.match(r.stderr, /submodule/);
      assert.match(r.stderr, /vendor\/lib/);
      assert.ok(await lockFree());
      assert.deepEqual(await served(), was, 'no release was built, the old one serves');
    } finally {
      g('rm', '-q', 'vendor/lib', '.gitmodules');
      cleanup(join(repo, '.git', 'modules'), sub);
      await push('v4');
    }
    const ok = await cli('demo', 'deploy');
    assert.equal(ok.code, 0, ok.output);
    assert.equal(await page(), 'v4');
  });

  it('a change behind a symlinked static directory is collected without --force', async () => {
    const css = async () => (await httpGet(host, '/static/demo/style.css')).body;
    await push('v5', (d) => {
      mkdirSync(join(d, 'assets'));
      renameSync(join(d, 'demo/pages/static'), join(d, 'assets/pages-static'));
      symlinkSync('../../assets/pages-static', join(d, 'demo/pages/static'));
      writeFileSync(join(d, 'assets/pages-static/demo/style.css'), 'body { color: #115511; }\n');
    });
    let r = await cli('demo', 'deploy');
    assert.equal(r.code, 0, r.output);
    assert.equal(await page(), 'v5');
    assert.match(await css(), /#115511/);
    // collectstatic copies a file only when it is newer, to the second (git archive dates files at their commit).
    await sleep(1100);
    await push('v6', (d) => writeFileSync(join(d, 'assets/pages-static/demo/style.css'), 'body { color: #226622; }\n'));
    r = await cli('demo', 'deploy');
    assert.equal(r.code, 0, r.output);
    assert.equal(await page(), 'v6');
    assert.match(await css(), /#226622/, 'the changed file behind the symlink was collected');
  });
});
