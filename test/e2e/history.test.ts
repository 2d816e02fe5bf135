// `history` on a real host: deploys by two operators (two HOMEs, each with its git user.name),
// a run killed mid-deploy (its lock left behind), then `unlock`: every run is listed, merged
// from what the server's deploy log really holds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll } from '../testbed/index.ts';
import { commitVersion, liveDemo, runCli, tempDir, type LiveDemo } from './helpers.ts';
import { killAt, type Bench } from '../reliability/helpers.ts';

describe('history: two operators and a killed run, merged from the servers', { timeout: 15 * 60_000 }, () => {
  let demo: LiveDemo;
  let homeB: string;
  const as = (home: string, ...args: string[]) => runCli(['demo', ...args, '-c', demo.file, '--yes'], { home });
  const history = async (home: string) => {
    const r = await runCli(['demo', 'history', '-n', '10', '--json', '-c', demo.file], { home });
    assert.equal(r.code, 0, r.output);
    return JSON.parse(r.stdout).history as {
      operator: string;
      command: string;
      ref?: string;
      result: string;
      commit?: string;
    }[];
  };

  before(async () => {
    demo = await liveDemo();
    writeFileSync(join(demo.home, '.gitconfig'), '[user]\n\tname = Ana Lima\n');
    homeB = tempDir();
    // The host key Ana's setup accepted: Bo's machine knows it too.
    if (existsSync(join(demo.home, '.ssh'))) cpSync(join(demo.home, '.ssh'), join(homeB, '.ssh'), { recursive: true });
    writeFileSync(join(homeB, '.gitconfig'), '[user]\n\tname = Bo Chen\n');
  });
  after(stopAll);

  it("lists each operator's deploys, the killed run while its lock is held, and after unlock", async () => {
    commitVersion(demo.repo, 'v2');
    await demo.git.push('demo', demo.repo);
    const byAna = await as(demo.home, 'deploy');
    assert.equal(byAna.code, 0, byAna.output);
    commitVersion(demo.repo, 'v3');
    await demo.git.push('demo', demo.repo);
    const byBo = await as(homeB, 'deploy');
    assert.equal(byBo.code, 0, byBo.output);

    // Bo's next deploy is killed while it builds: its lock stays on the server.
    commitVersion(demo.repo, 'v4');
    await demo.git.push('demo', demo.repo);
    const killed = await killAt({ file: demo.file, home: homeB } as Bench, 'build:1', 'demo', 'deploy', '--yes');
    assert.ok(killed.paused, killed.output);
    assert.match(
      await demo.host.run('cat /opt/django/apps/demo/deploy.lock/info'),
      /Bo Chen/,
      'the killed run holds the lock',
    );

    // The server's own log has the two finished runs, one line each.
    const lines = (await demo.host.run('cat /opt/django/apps/demo/deploy.log.jsonl')).trim().split('\n');
    assert.ok(lines.some((l) => l.includes('Ana Lima')) && lines.some((l) => l.includes('Bo Chen')), lines.join('\n'));

    const seen = await history(demo.home);
    const deploys = seen.filter((r) => r.command === 'deploy');
    assert.match(deploys[0].operator, /^Bo Chen \(/, 'newest first: the killed run');
    assert.match(deploys[0].result, /^running or interrupted: its lock is held/);
    assert.match(deploys[1].operator, /^Bo Chen \(/);
    assert.equal(deploys[1].result, 'ok');
    assert.match(deploys[2].operator, /^Ana Lima \(/);
    assert.equal(deploys[2].result, 'ok');
    assert.notEqual(deploys[1].commit, deploys[2].commit);

    // Bo sees the same history from his HOME: it comes from the server, not from this machine's logs.
    assert.deepEqual(
      (await history(homeB)).filter((r) => r.result === 'ok').map((r) => r.operator),
      seen.filter((r) => r.result === 'ok').map((r) => r.operator),
    );

    const unlock = await runCli(['demo', 'unlock', '--yes', '--force', '-c', demo.file], { home: demo.home });
    assert.equal(unlock.code, 0, unlock.output);
    const after = (await history(demo.home)).filter((r) => r.command === 'deploy');
    assert.equal(after.length, deploys.length, 'the killed run is still one row');
    assert.match(after[0].result, /^interrupted \(its lock removed by Ana Lima \(/);
    assert.match(await demo.host.run('tail -n 1 /opt/django/apps/demo/deploy.log.jsonl'), /"result":"interrupted/);
  });
});
