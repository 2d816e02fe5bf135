// What the tool refuses or reports on a real host: a live lock is not broken without --force
// and a dead one is called stale; a home or config file that belongs to someone else is not
// taken over; a ref that does not exist says so; a host never set up is not said to "keep
// serving"; --json carries each command's data.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootHost, stopAll, type Host } from '../testbed/index.ts';
import { BIN, liveDemo, runCli, writeSettings } from './helpers.ts';

const ROOT = '/opt/django/apps/demo';

describe('guards', { timeout: 10 * 60_000 }, () => {
  let host: Host;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli(['-c', file, ...args], { home });

  before(async () => {
    ({ host, home, file } = await liveDemo());
  });
  after(stopAll);

  it('unlock refuses a lock whose run is alive on this machine; a dead holder is called stale', async () => {
    const child = spawn(process.execPath, [BIN, '-c', file, 'demo', 'deploy', '--yes', '--force'], {
      env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', DEPLOY_PAUSE_AT: 'build:1' },
    });
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    child.stdout.on('data', (d) => (out += d));
    for (let i = 0; i < 300 && !/paused before/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    const status = await cli('demo', 'status');
    assert.match(
      status.stdout,
      new RegExp(`lock +held by \\S+ \\(pid ${child.pid}, still running on this machine\\) since .*: deploy`),
    );
    const u = await cli('demo', 'unlock', '--yes');
    assert.equal(u.code, 4, u.output);
    assert.match(u.stderr, /still running on this machine/);
    assert.match(u.stderr, /--force/);
    assert.equal((await host.exec(`test -d ${ROOT}/deploy.lock`)).code, 0, 'the lock is still there');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const locked = await cli('demo', 'deploy', '--yes');
    assert.equal(locked.code, 4);
    assert.match(locked.stderr, new RegExp(`pid ${child.pid}, which is no longer running`));
    const st = await cli('demo', 'status', '--json');
    const lock = JSON.parse(st.stdout).hosts[`ubuntu@${host.ip}`].status.lock;
    assert.equal(lock.holder, 'gone');
    assert.match(lock.text, /which is no longer running/);
    assert.equal(lock.token, undefined, 'the token stays on the server');
    const u2 = await cli('demo', 'unlock', '--yes');
    assert.equal(u2.code, 0, u2.output);
    assert.equal((await host.exec(`test -e ${ROOT}/deploy.lock`)).code, 1);
  });

  it('unlock --force removes a live lock', async () => {
    const child = spawn(process.execPath, [BIN, '-c', file, 'demo', 'deploy', '--yes', '--force'], {
      env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', DEPLOY_PAUSE_AT: 'build:1' },
    });
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    child.stdout.on('data', (d) => (out += d));
    for (let i = 0; i < 300 && !/paused before/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    const u = await cli('demo', 'unlock', '--yes', '--force');
    assert.equal(u.code, 0, u.output);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
  });

  it('strict_host_keys = yes refuses an unknown host even with --yes; a provisioned known_hosts lets it in', async () => {
    const strictHome = mkdtempSync(join(home, 'strict-'));
    const f = join(strictHome, 'settings.ini');
    writeFileSync(f, readFileSync(file, 'utf8').replace('[DEPLOY]\n', '[DEPLOY]\nstrict_host_keys = yes\n'));
    const refused = await runCli(['-c', f, 'demo', 'status', '--yes'], { home: strictHome });
    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.stderr, /unknown host key .* strict_host_keys = yes/);
    assert.match(refused.stderr, /ssh-keyscan/);
    assert.ok(!existsSync(join(strictHome, '.ssh', 'known_hosts')), 'nothing was recorded');
    const scanned = execFileSync('ssh-keyscan', ['-t', 'ed25519', host.ip], { encoding: 'utf8' });
    mkdirSync(join(strictHome, '.ssh'), { mode: 0o700 });
    writeFileSync(join(strictHome, '.ssh', 'known_hosts'), scanned);
    const ok = await runCli(['-c', f, 'demo', 'status'], { home: strictHome });
    assert.equal(ok.code, 0, ok.output);
  });

  it('a ref that does not exist: says so, exit 2 (bad usage), nothing changes', async () => {
    const r = await cli('demo', 'deploy', '--yes', '--ref', 'no-such-branch');
    assert.equal(r.code, 2, r.output);
    assert.match(r.stderr, /no branch, tag or commit named no-such-branch/);
    assert.doesNotMatch(r.stderr, /Needed a single revision/);
    assert.equal((await host.exec(`test -e ${ROOT}/deploy.lock`)).code, 1);
  });

  it('--json: status, releases, logs and run carry their data; run output stays out of stdout', async () => {
    const label = `ubuntu@${host.ip}`;
    const st = JSON.parse((await cli('demo', 'status', '--json')).stdout);
    assert.equal(st.ok, true);
    assert.equal(st.hosts[label].status.site.code, 200);
    assert.match(st.hosts[label].status.release.name, /^\d{8}T\d{6}-/);
    assert.ok(st.hosts[label].status.processes['demo-a'] || st.hosts[label].status.processes['demo-b']);
    const rel = JSON.parse((await cli('demo', 'releases', '--json')).stdout);
    assert.equal(rel.ok, true);
    assert.ok(rel.hosts[label].releases.some((r: { live: boolean }) => r.live));
    const logs = JSON.parse((await cli('demo', 'logs', '--json', '-n', '5')).stdout);
    assert.equal(logs.ok, true);
    assert.ok(logs.hosts[label].logs.length > 0);
    const run = await cli('demo', 'run', '--json', '--', 'echo', 'hello-from-run');
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.hosts[label].run.exit_status, 0);
    assert.equal(doc.hosts[label].run.stdout.trim(), 'hello-from-run');
    const failed = await cli('demo', 'run', '--json', '--', 'false');
    assert.equal(failed.code, 1);
    const fdoc = JSON.parse(failed.stdout);
    assert.equal(fdoc.ok, false);
    assert.equal(fdoc.hosts[label].run.exit_status, 1);
  });

  it('a home that belongs to someone else is not taken over (exit 2, nothing changed)', async () => {
    const other = await bootHost('ready');
    const f = writeSettings(mkdtempSync(join(home, 'x-')), {
      repo: 'git@10.213.0.1:/srv/git/none.git',
      hosts: [other],
      extra: 'home = /opt/shared\n',
    });
    await other.run('mkdir -p /opt/shared && echo data > /opt/shared/keep.txt');
    const r = await runCli(['demo', 'setup', '--yes', '--dependencies=no', '-c', f], { home });
    assert.equal(r.code, 2, r.output);
    assert.match(r.stderr, /\/opt\/shared already exists, belongs to root and is not empty/);
    assert.equal((await other.run('stat -c %U /opt/shared')).trim(), 'root');
    assert.equal((await other.exec('id django')).code, 1, 'no user was created');
    await other.stop();
  });

  it('a config_file that is not a deploy config is not overwritten', async () => {
    await host.run('echo "precious=1" > /opt/precious.conf');
    const f = join(home, 'cfg.ini');
    writeFileSync(f, readFileSync(file, 'utf8').replace('[DEPLOY]\n', '[DEPLOY]\nconfig_file = /opt/precious.conf\n'));
    const r = await runCli(['demo', 'setup', '--yes', '--dependencies=no', '-c', f], { home });
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /exists and is not a config file/);
    assert.equal((await host.run('cat /opt/precious.conf')).trim(), 'precious=1');
    assert.equal((await host.exec(`test -e ${ROOT}/deploy.lock`)).code, 1, 'setup released its lock');
  });

  it('a host never set up: a clear error, and no claim that anything "kept serving"', async () => {
    const bare = await bootHost('ready');
    const f = writeSettings(mkdtempSync(join(home, 'y-')), { repo: 'git@10.213.0.1:/srv/git/none.git', hosts: [bare] });
    const r = await runCli(['demo', 'deploy', '--yes', '-c', f], { home });
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /not set up on this server: run `deploy demo setup` first/);
    assert.doesNotMatch(r.output, /kept serving/);
    await bare.stop();
  });
});
