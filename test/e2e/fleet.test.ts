// Several hosts: phases run in lockstep, so traffic moves only once every host is healthy; on a
// terminal each host has a live line; a table sums up.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { bootHost, bootGitServer, stopAll, ensureImages, type GitServer, type Host } from '../testbed/index.ts';
import { BIN, commitVersion, demoRepo, httpGet, runCli, tempDir, writeSettings } from './helpers.ts';

const ROOT = '/opt/django/apps/demo';

describe('two hosts', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let hosts: Host[];
  let repo: string;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli(['-c', file, '--yes', ...args], { home });
  const pages = async () =>
    Promise.all(hosts.map(async (h) => (await httpGet(h, '/')).body.match(/demo app (v[\w.]+)/)?.[1]));

  before(async () => {
    await ensureImages();
    git = await bootGitServer();
    hosts = await Promise.all([bootHost('ready'), bootHost('ready')]);
    const url = await git.createRepo('demo');
    repo = demoRepo('v1');
    await git.push('demo', repo);
    home = tempDir();
    file = writeSettings(home, { repo: url, hosts });
    // setup on both at once: both deploy keys in the one run that stops at the gate.
    let r = await cli('demo', 'setup', '--dependencies=no');
    assert.equal(r.code, 3, r.output);
    for (const h of hosts) await git.authorize((await h.run('cat /opt/django/.ssh/id_ed25519.pub')).trim());
    r = await cli('demo', 'setup', '--dependencies=no');
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(await pages(), ['v1', 'v1']);
  });
  after(stopAll);

  it('deploys to both, with a summary table: host, role, release, result, time', async () => {
    commitVersion(repo, 'v2');
    await git.push('demo', repo);
    const r = await cli('demo', 'deploy');
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(await pages(), ['v2', 'v2']);
    assert.match(r.stdout, /^ {2}host +role +release +result +time$/m);
    for (const h of hosts)
      assert.match(
        r.stdout,
        new RegExp(`^  ubuntu@${h.ip.replace(/\./g, '\\.')} +web +\\d{8}T\\d{6}-[0-9a-f]{8} +ok +[\\d.]+ m?s$`, 'm'),
      );
  });

  it('when one host cannot start the new release, no host switches', async () => {
    commitVersion(repo, 'v3');
    await git.push('demo', repo);
    // The second host's idle slot address is taken by another server (which would answer 200).
    const [, b] = hosts;
    const [slot, idle] = (await b.exec(`test -e ${ROOT}/slots/live-b`)).code === 0 ? ['a', 8032] : ['b', 8033];
    // The previous release still runs there (keep_previous_slot): stopped first, so the other server gets the address.
    await b.run(`supervisorctl stop demo-${slot}`);
    await b.run(
      `mkdir -p /tmp/empty && cd /tmp/empty && (setsid python3 -m http.server ${idle} --bind 127.0.0.1 >/dev/null 2>&1 &) && sleep 0.5 && ss -Hltn 'sport = :${idle}' | grep -q .`,
    );
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

  it('on a terminal: one live line per host while it runs (tmux)', async () => {
    commitVersion(repo, 'v2b');
    await git.push('demo', repo);
    const slow = `${home}/slow.ini`;
    writeFileSync(slow, readFileSync(file, 'utf8').replace('[DEPLOY]\n', '[DEPLOY]\ntest_command = sleep 3\n'));
    const session = `deploy-board-${process.pid}`;
    const tmux = (...a: string[]) => execFileSync('tmux', a, { encoding: 'utf8' });
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '200',
      '-y',
      '40',
      `cd ${home} && HOME=${home} node ${BIN} demo deploy --yes -c ${slow}; echo "exit=$?"; sleep 600`,
    );
    try {
      let screen = '';
      for (let i = 0; i < 200 && !/build release/.test(screen); i++) {
        await new Promise((res) => setTimeout(res, 100));
        screen = tmux('capture-pane', '-p', '-t', session);
      }
      // Both hosts on a line of their own, each showing its current step.
      for (const h of hosts)
        assert.match(
          screen,
          new RegExp(`^. ubuntu@${h.ip.replace(/\./g, '\\.')} +build release \\S+(?:: its files)? +[\\d.]+ m?s$`, 'm'),
          screen,
        );
      for (let i = 0; i < 300 && !/exit=\d+/.test(screen); i++) {
        await new Promise((res) => setTimeout(res, 100));
        screen = tmux('capture-pane', '-p', '-t', session);
      }
      assert.match(screen, /exit=0/);
      assert.match(screen, /host +role +release +result +time/);
    } finally {
      tmux('kill-session', '-t', session);
    }
  });

  it('deploys a tag; the release directory is named after it', async () => {
    commitVersion(repo, 'v4.0.0');
    execFileSync('git', ['tag', 'v4.0.0'], { cwd: repo });
    await git.push('demo', repo);
    const r = await cli('demo', 'deploy', '--ref', 'v4.0.0');
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(await pages(), ['v4.0.0', 'v4.0.0']);
    for (const h of hosts)
      assert.match(await h.run(`basename $(readlink ${ROOT}/current)`), /^\d{8}T\d{6}-v4\.0\.0\n$/);
  });
});
