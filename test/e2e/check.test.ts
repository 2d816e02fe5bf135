// `deploy <app> check` on real hosts, judged by what each one really is: a bare Debian, a host
// set up and serving, a host whose port 80 another program holds (setup then stops before
// changing anything), a host whose disk is too small, and a host whose clock is 10 minutes ahead
// (libfaketime for every process on it: the containers share this machine's kernel clock).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bootHost, stopAll, type Host } from '../testbed/index.ts';
import { liveDemo, runCli, tempDir, writeSettings } from './helpers.ts';

/** The row of a check in the table: its verdict and detail. */
function row(output: string, check: string): { verdict: string; detail: string } {
  const m = new RegExp(`^ {2}${check} +(ok|warn|block) +(.*)$`, 'm').exec(output);
  assert.ok(m, `no ${check} row in:\n${output}`);
  return { verdict: m[1], detail: m[2] };
}

describe('check: every host read, nothing changed', { timeout: 10 * 60_000 }, () => {
  let url: string;
  let live: Host;
  let liveFile: string;
  let liveHome: string;
  let bare: Host;
  let other: Host;
  const settingsFor = (host: Host) => writeSettings(tempDir(), { repo: url, hosts: [host] });
  const check = (file: string, home = tempDir()) => runCli(['demo', 'check', '--yes', '-c', file], { home });

  before(async () => {
    ({ host: live, home: liveHome, file: liveFile } = await liveDemo());
    // The same repository for the other hosts' settings.
    url = /^repositorio = (.*)$/m.exec(readFileSync(liveFile, 'utf8'))![1];
    [bare, other] = await Promise.all([bootHost('base'), bootHost('ready')]);
  });
  after(stopAll);

  it('a bare Debian 12: tested, sudo, room, port 80 free, no key yet, the packages setup would install; exit 0', async () => {
    const r = await check(settingsFor(bare));
    assert.equal(r.code, 0, r.output);
    assert.match(row(r.stdout, 'OS').detail, /Debian GNU\/Linux 12 \(bookworm\) \(tested\)/);
    assert.equal(row(r.stdout, 'sudo').verdict, 'ok');
    assert.equal(row(r.stdout, 'disk').verdict, 'ok');
    assert.match(row(r.stdout, 'ports').detail, /^80 free$/);
    assert.match(row(r.stdout, 'deploy key').detail, /none yet/);
    assert.match(row(r.stdout, 'git host').detail, /reachable/);
    assert.match(row(r.stdout, 'packages').detail, /setup would install .*nginx.*supervisor/);
    assert.match(row(r.stdout, 'python').detail, /not installed yet/);
  });

  it("a host set up and serving: port 80 is nginx's, the deploy key is accepted, nothing to install", async () => {
    const r = await check(liveFile, liveHome);
    assert.equal(r.code, 0, r.output);
    assert.match(row(r.stdout, 'ports').detail, /^80 nginx's$/);
    assert.match(row(r.stdout, 'deploy key').detail, /accepted by the repository/);
    assert.equal(row(r.stdout, 'packages').detail, 'all installed');
    assert.match(row(r.stdout, 'python').detail, /^Python 3\.\d+/);
  });

  it('port 80 held by another program: check blocks (exit 8), and setup stops before changing anything', async () => {
    await other.run('systemctl stop nginx && (setsid python3 -m http.server 80 >/dev/null 2>&1 &) && sleep 1');
    const file = settingsFor(other);
    const r = await check(file);
    assert.equal(r.code, 8, r.output);
    assert.equal(row(r.stdout, 'ports').verdict, 'block');
    assert.match(row(r.stdout, 'ports').detail, /80 is taken by python3/);
    const setup = await runCli(['demo', 'setup', '--dependencies=no', '--yes', '-c', file], { home: tempDir() });
    assert.equal(setup.code, 8, setup.output);
    assert.match(setup.stderr, /setup stopped before changing anything: .*80 is taken by python3/);
    // Nothing was changed: no app user, no home, no site, and the program still holds the port.
    assert.equal((await other.exec('id django')).code, 1);
    assert.equal((await other.exec('test -e /opt/django')).code, 1);
    assert.equal((await other.exec('test -e /etc/nginx/sites-available/demo')).code, 1);
    assert.match(await other.run("ss -Hltnp 'sport = :80'"), /python3/);
    // (A pattern that does not match its own command line.)
    await other.run("pkill -f 'http[.]server'; systemctl start nginx");
  });

  it('too little disk where the app lives: blocked, with the free space', async () => {
    // A 50 MB filesystem holds /opt, where the app's home would be.
    await other.smallFs('/opt', 50 * 1024);
    const r = await check(settingsFor(other));
    assert.equal(r.code, 8, r.output);
    const disk = row(r.stdout, 'disk');
    assert.equal(disk.verdict, 'block');
    assert.match(disk.detail, /0\.0 GiB free on \/opt .*setup needs at least 1\.0 GiB/);
  });

  it('a clock 10 minutes ahead: reported as skew (a warning: nothing blocks)', async () => {
    // Every SSH session's processes (pam_env reads /etc/environment) see the clock 10 minutes
    // ahead; sshd itself, and its timers, keep the real one.
    await live.run(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libfaketime >/dev/null && cp /etc/environment /etc/environment.orig && printf "LD_PRELOAD=%s\\nFAKETIME=+10m\\nFAKETIME_DONT_FAKE_MONOTONIC=1\\n" "$(ls /usr/lib/*/faketime/libfaketime.so.1)" >> /etc/environment',
    );
    try {
      const skew = Number(await live.run('date +%s')) - Math.round(Date.now() / 1000);
      assert.ok(skew > 590 && skew < 610, `the host's sessions see a clock ${skew} s off`);
      const r = await check(liveFile, liveHome);
      assert.equal(r.code, 0, r.output);
      const clock = row(r.stdout, 'clock');
      assert.equal(clock.verdict, 'warn');
      const ahead = Number(/(\d+) s ahead of this machine/.exec(clock.detail)?.[1]);
      assert.ok(ahead > 590 && ahead < 610, clock.detail);
    } finally {
      await live.run('mv /etc/environment.orig /etc/environment');
    }
  });
});
