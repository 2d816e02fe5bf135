// Large-fleet safety on three real hosts (issue 19): a canary that is watched under load and
// passes; a release that answers 500 on one page, whose canary goes back while the other hosts
// never start it; and max_failed_hosts, which leaves a host whose build fails on its release
// while the others go live (exit 6), status showing the drift until the host is brought up to date.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootGitServer, bootHost, ensureImages, stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { ROOT, settingsFile } from './fleet-helpers.ts';
import { commitVersion, demoRepo, runCli, served, setupThroughKeyGate, tempDir } from './helpers.ts';
import { startLoad, STEADY_RATE } from './load.ts';

/** v3's bug: a page that answers 500 (v2 answers 404 there: not a server error). */
const BROKEN_PAGE = (d: string) => {
  const urls = join(d, 'demo/urls.py');
  writeFileSync(
    urls,
    readFileSync(urls, 'utf8')
      .replace(
        'from django.urls import path',
        'from django.http import HttpResponseServerError\nfrom django.urls import path',
      )
      .replace(']', '    path("page", lambda request: HttpResponseServerError("broken")),\n]'),
  );
};

describe('fleets: canary and failure budget', { timeout: 20 * 60_000 }, () => {
  let git: GitServer;
  let hosts: Host[];
  let repo: string;
  let home: string;
  let file: string;
  const label = (h: Host) => `ubuntu@${h.ip}`;
  const cli = (...args: string[]) => runCli(['-c', file, 'demo', ...args], { home });
  const push = async (v: string, extra?: (d: string) => void) => {
    commitVersion(repo, v, extra);
    await git.push('demo', repo);
  };
  const runningSlots = async (h: Host) =>
    (await h.run('supervisorctl status demo-a demo-b || true')).split('\n').filter((l) => /RUNNING/.test(l)).length;

  before(async () => {
    await ensureImages();
    [git, ...hosts] = await Promise.all([bootGitServer(), bootHost('ready'), bootHost('ready'), bootHost('ready')]);
    const url = await git.createRepo('demo');
    repo = demoRepo('v1');
    await git.push('demo', repo);
    home = tempDir();
    file = settingsFile(
      home,
      `gunicorn_workers = 1\nhealth_path = /health\ndeploy_hosts = ${hosts.map(label).join(', ')}\ncanary = 1\ncanary_wait = 10\ncanary_max_5xx = 1%\nmax_failed_hosts = 1`,
      '[HOOKS]\nafter_build = test ! -e /etc/deploy-test-fail-build\n',
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
    const { first, second } = await setupThroughKeyGate(
      git,
      hosts,
      ['-c', file, 'demo', 'setup', '--yes', '--dependencies=no'],
      home,
    );
    assert.equal(first.code, 3, first.output);
    assert.equal(second.code, 0, second.output);
    assert.deepEqual(await Promise.all(hosts.map(served)), ['v1', 'v1', 'v1']);
  });
  after(stopAll);

  it('a canary watched under load passes, then the others follow; no request fails', async () => {
    await push('v2');
    const loads = hosts.map((h) => startLoad(h.ip, '/health', STEADY_RATE, 600));
    const res = await cli('deploy', '--yes');
    const stats = await Promise.all(loads.map((l) => l.stop()));
    assert.equal(res.code, 0, res.output);
    assert.match(res.output, new RegExp(`canary ${label(hosts[0]).replace(/\./g, '\\.')}: live; watching it for 10 s`));
    assert.match(
      res.output,
      /canary passed: 5xx answers 0\.0% \(0 of \d+\) before the switch, 0\.0% \(0 of [1-9]\d*\) since/,
    );
    assert.deepEqual(await Promise.all(hosts.map(served)), ['v2', 'v2', 'v2']);
    for (const s of stats) assert.deepEqual(s.failures, {}, `failed requests: ${JSON.stringify(s.failures)}`);
  });

  it('a release answering 500 on one page under load: the canary goes back, the other hosts never start it', async () => {
    await push('v3', BROKEN_PAGE);
    const loads = hosts.map((h) => startLoad(h.ip, '/page', STEADY_RATE, 600));
    const res = await cli('deploy', '--yes');
    const stats = await Promise.all(loads.map((l) => l.stop()));
    assert.equal(res.code, 1, res.output);
    assert.match(
      res.output,
      /the canary \(ubuntu@[\d.]+\) did not pass, it went back: 5xx answers 0\.0% \(0 of \d+\) before the switch, [1-9][\d.]*% \(\d+ of \d+\) since: more than canary_max_5xx = 1% up/,
    );
    assert.match(res.output, /the previous release is live on: ubuntu@[\d.]+, ubuntu@[\d.]+, ubuntu@[\d.]+/);
    // What the servers show: every host serves v2, the canary's new slot stopped, the others never built a running v3.
    assert.deepEqual(await Promise.all(hosts.map(served)), ['v2', 'v2', 'v2']);
    for (const h of hosts) assert.equal(await runningSlots(h), 1, `${h.ip}: one slot runs`);
    // The 500s came from the canary only, while it was watched; the others answered v2's 404.
    assert.ok((stats[0].failures['HTTP 500'] ?? 0) > 0, JSON.stringify(stats[0].failures));
    for (const s of stats.slice(1)) assert.deepEqual(Object.keys(s.failures), ['HTTP 404'], JSON.stringify(s.failures));
  });

  it('max_failed_hosts: a host whose build fails is left behind on its release (exit 6); status shows the drift until it is deployed to', async () => {
    await hosts[2].run('touch /etc/deploy-test-fail-build');
    await push('v4');
    const loads = hosts.map((h) => startLoad(h.ip, '/health', STEADY_RATE, 600));
    const res = await cli('deploy', '--yes');
    const stats = await Promise.all(loads.map((l) => l.stop()));
    assert.equal(res.code, 6, res.output);
    const behind = label(hosts[2]).replace(/\./g, '\\.');
    assert.match(
      res.output,
      new RegExp(`is live on 2 of 3 hosts; 1 left behind \\(max_failed_hosts = 1\\):\\n  ${behind}: failed at build`),
    );
    assert.deepEqual(await Promise.all(hosts.map(served)), ['v4', 'v4', 'v2']);
    for (const s of stats) assert.deepEqual(s.failures, {}, `failed requests: ${JSON.stringify(s.failures)}`);
    // Cleaned up: its lock released, its new release marked failed, one slot running.
    assert.equal((await hosts[2].exec(`test -e ${ROOT}/deploy.lock`)).code, 1, 'no lock left');
    assert.equal(await runningSlots(hosts[2]), 1);
    assert.match(await hosts[2].run(`ls ${ROOT}/releases/*/.deploy-failed | wc -l`), /^[1-9]/);

    const drift = await cli('status', '--json');
    assert.equal(drift.code, 0, drift.output);
    const groups = JSON.parse(drift.stdout).drift as Record<string, string[]>;
    assert.deepEqual(
      Object.values(groups).sort((a, b) => b.length - a.length),
      [[label(hosts[0]), label(hosts[1])], [label(hosts[2])]],
    );
    assert.match(drift.output, /2 releases live:/);

    await hosts[2].run('rm /etc/deploy-test-fail-build');
    const hint = /deploy demo deploy --hosts (\S+) --ref ([0-9a-f]{40})/.exec(res.output);
    assert.ok(hint, res.output);
    const catchUp = await cli('deploy', '--yes', '--hosts', hint[1], '--ref', hint[2]);
    assert.equal(catchUp.code, 0, catchUp.output);
    assert.deepEqual(await Promise.all(hosts.map(served)), ['v4', 'v4', 'v4']);
  });
});
