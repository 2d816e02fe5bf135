// Several hosts: phases run in lockstep, so traffic moves only once every host is healthy.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bootHost, bootGitServer, stopAll, ensureImages, type GitServer, type Host } from '../testbed/index.ts';
import { commitVersion, demoRepo, httpGet, runCli, tempDir, writeSettings } from './helpers.ts';

const ROOT = '/opt/django/apps/demo';

describe('two hosts', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let hosts: Host[];
  let repo: string;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli(['-c', file, '--yes', ...args], { home });
  const pages = async () => Promise.all(hosts.map(async (h) => (await httpGet(h, '/')).body.match(/demo app (v[\w.]+)/)?.[1]));

  before(async () => {
    await ensureImages();
    git = await bootGitServer();
    hosts = await Promise.all([bootHost('ready'), bootHost('ready')]);
    const url = await git.createRepo('demo');
    repo = demoRepo('v1');
    await git.push('demo', repo);
    home = tempDir();
    file = writeSettings(home, { repo: url, hosts });
    // setup goes host by host: each new host stops at its deploy-key gate once.
    let r = await cli('demo', 'setup', '--dependencies=no');
    for (let i = 0; i < hosts.length && r.code === 3; i++) {
      for (const h of hosts) if ((await h.exec('test -f /opt/django/.ssh/id_ed25519.pub')).code === 0) await git.authorize((await h.run('cat /opt/django/.ssh/id_ed25519.pub')).trim());
      r = await cli('demo', 'setup', '--dependencies=no');
    }
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(await pages(), ['v1', 'v1']);
  });
  after(stopAll);

  it('deploys to both, with one summary line per host', async () => {
    commitVersion(repo, 'v2');
    await git.push('demo', repo);
    const r = await cli('demo', 'deploy');
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(await pages(), ['v2', 'v2']);
    for (const h of hosts) assert.match(r.stdout, new RegExp(`✓ ubuntu@${h.ip.replace(/\./g, '\\.')}: \\d+ steps`));
  });

  it('when one host cannot start the new release, no host switches', async () => {
    commitVersion(repo, 'v3');
    await git.push('demo', repo);
    // The second host's idle slot address is taken by another server (which would answer 200).
    const [, b] = hosts;
    const idle = (await b.exec(`test -e ${ROOT}/slots/live-b`)).code === 0 ? 8032 : 8033;
    await b.run(`mkdir -p /tmp/empty && cd /tmp/empty && (setsid python3 -m http.server ${idle} --bind 127.0.0.1 >/dev/null 2>&1 &) && sleep 0.5`);
    const r = await cli('demo', 'deploy');
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /127\.0\.0\.1:803\d \(slot \w\) is already in use by another process/);
    assert.deepEqual(await pages(), ['v2', 'v2']);
    for (const h of hosts) assert.equal((await h.exec(`test -e ${ROOT}/deploy.lock`)).code, 1, 'lock released');
    await b.run('pkill -f "[h]ttp.server" || true');
    const again = await cli('demo', 'deploy', '--force');
    assert.equal(again.code, 0, again.output);
    assert.deepEqual(await pages(), ['v3', 'v3']);
  });

  it('deploys a tag; the release directory is named after it', async () => {
    commitVersion(repo, 'v4.0.0');
    execFileSync('git', ['tag', 'v4.0.0'], { cwd: repo });
    await git.push('demo', repo);
    const r = await cli('demo', 'deploy', '--ref', 'v4.0.0');
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(await pages(), ['v4.0.0', 'v4.0.0']);
    for (const h of hosts) assert.match(await h.run(`basename $(readlink ${ROOT}/current)`), /^\d{8}T\d{6}-v4\.0\.0\n$/);
  });
});
