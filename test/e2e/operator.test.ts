// What the operator sees and uses: status, logs, run, --json, a prompt answered in a
// real terminal (tmux), and a dry run that issues exactly what the real run issues.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { BIN, commitVersion, httpGet, liveDemo, runCli } from './helpers.ts';
import { quote, Secret } from '../../src/shell.ts';
import { loadSettings } from '../../src/settings/load.ts';
import { Reporter } from '../../src/ui/output.ts';
import { PrinterExecutor } from '../../src/exec/printer.ts';
import { SshExecutor } from '../../src/exec/ssh.ts';
import { connect } from '../../src/ssh/connect.ts';
import * as S from '../../src/steps/setup.ts';
import * as D from '../../src/steps/deploy.ts';
import { status } from '../../src/steps/ops.ts';
import type { Step } from '../../src/plan.ts';

const ROOT = '/opt/django/apps/demo';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('operator experience', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let repo: string;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli(['-c', file, ...args], { home });

  before(async () => {
    ({ git, host, repo, home, file } = await liveDemo(
      '[COMMANDS]\nmigrations = python manage.py showmigrations pages\n',
    ));
  });
  after(stopAll);

  it('status shows the live release, its processes, health and lock', async () => {
    const r = await cli('demo', 'status');
    assert.equal(r.code, 0, r.output);
    const release = (await host.run(`basename $(readlink ${ROOT}/current)`)).trim();
    assert.match(r.stdout, new RegExp(`release +${release} +main`));
    assert.match(r.stdout, /demo-a +RUNNING/);
    assert.match(r.stdout, /health +slot a: 200/);
    assert.match(r.stdout, /site +200/);
    assert.match(r.stdout, /lock +free/);
  });

  it('logs shows gunicorn and nginx logs, prefixed by host', async () => {
    await httpGet(host, '/?from-logs-test');
    const r = await cli('demo', 'logs', '--lines', '20');
    assert.equal(r.code, 0, r.output);
    assert.match(r.stdout, new RegExp(`ubuntu@${host.ip.replace(/\./g, '\\.')} \\| .*GET /\\?from-logs-test`));
    assert.match(r.stdout, /==> \/var\/log\/deploy\/demo\/gunicorn-a\.log <==/);
  });

  it('run executes in the live release as the app user with the app environment', async () => {
    let r = await cli('demo', 'run', '--', 'python', 'manage.py', 'showmigrations', 'pages');
    assert.equal(r.code, 0, r.output);
    assert.match(r.stdout, /\[X\] 0001_initial/);
    r = await cli(
      'demo',
      'run',
      '--',
      'bash',
      '-c',
      'echo "$(id -un) $DJANGO_SETTINGS_MODULE $APP_CONFIG_FILE $(pwd -P)"',
    );
    assert.equal(r.code, 0, r.output);
    const release = (await host.run(`readlink -f ${ROOT}/current`)).trim();
    assert.match(r.stdout, new RegExp(`django demo.settings.prod ${release}/.deploy/app.conf ${release}`));
    r = await cli('demo', 'run', 'migrations');
    assert.equal(r.code, 0, r.output);
    assert.match(r.stdout, /0001_initial/);
    r = await cli('demo', 'run', '--', 'false');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exited with status 1/);
  });

  it('--json: the result document on stdout for CI', async () => {
    commitVersion(repo, 'v2');
    await git.push('demo', repo);
    const r = await cli('demo', 'deploy', '--yes', '--json');
    assert.equal(r.code, 0, r.output);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, true);
    assert.equal(doc.release, (await host.run(`basename $(readlink ${ROOT}/current)`)).trim());
    const steps = doc.hosts[`ubuntu@${host.ip}`].steps;
    assert.ok(steps.every((s: { status: string; duration_ms: number }) => s.status !== 'failed' && s.duration_ms >= 0));
    assert.match(readFileSync(doc.log, 'utf8'), /--- ubuntu@.* step build/);
  });

  it('a dry run and a real run of the same plan issue the same scripts', async () => {
    const s = loadSettings({ app: 'demo', file });
    const plan: Step[] = [S.sudoCheck(), S.appUser(s), S.gunicornConfig(s), S.nginxConfig(s), status(s), D.inspect(s)];
    const issued = (into: string[][]) => (_h: string, step: Step, script: string) => into.push([step.id, script]);
    const dry: string[][] = [];
    const real: string[][] = [];
    const ctx = { appUser: s.appUser };
    const reporter = new Reporter({ verbose: false, command: 'test', app: 'demo', logFile: null });
    const printer = new PrinterExecutor(s.hosts[0], ctx, reporter, issued(dry));
    const ssh = new SshExecutor(
      s.hosts[0],
      await connect({ host: s.hosts[0], identityFile: s.identityFile, acceptNewHostKey: async () => true }),
      ctx,
      reporter,
      issued(real),
    );
    try {
      for (const step of plan) {
        await printer.run(step);
        await ssh.run(step);
      }
    } finally {
      await ssh.close();
    }
    assert.deepEqual(real, dry);
    assert.ok(real.flat().join('').length > 2000);
  });

  it('the bytes sent for a deploy are what the dry run shows, once the secrets are redacted', async () => {
    const secretFile = `${home}/secret.ini`;
    writeFileSync(secretFile, `${readFileSync(file, 'utf8')}\n[ENV]\nAPI_KEY = sk-wire-'$(test)'-123\n`);
    const s = loadSettings({ app: 'demo', file: secretFile });
    commitVersion(repo, 'v-wire');
    await git.push('demo', repo);
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const live = (await host.exec(`test -e ${ROOT}/slots/live-b`)).code === 0 ? 'b' : 'a';
    const fingerprint = D.configFingerprint(s);
    const lock = {
      by: 'test@wire',
      pid: 1,
      since: '2026-11-24T00:00:00.000Z',
      what: 'deploy main',
      token: 'wiretoken0000001',
    };
    const name = '20261124T000000-wire';
    const log = { time: '2026-11-24T00:00:00.000Z', command: 'deploy', release: name };
    const plan: Step[] = [
      D.prepare(s, lock, 'main', fingerprint),
      D.build(s, {
        name,
        commit,
        ref: 'main',
        kind: 'branch',
        fingerprint,
        by: 'test@wire',
        time: '2026-11-24T00:00:00.000Z',
      }),
      D.startAndSwitch(s, {
        release: name,
        slot: live === 'a' ? 'b' : 'a',
        token: lock.token,
        log,
        prune: true,
        kind: 'deploy',
        processes: false,
        primary: true,
      }),
    ];
    const ctx = { appUser: s.appUser };
    const reporter = new Reporter({ verbose: false, command: 'test', app: 'demo', logFile: null });
    const dry: string[] = [];
    const wire: string[] = [];
    const printer = new PrinterExecutor(s.hosts[0], ctx, reporter, (_h, _st, script) => dry.push(script));
    const ssh = new SshExecutor(
      s.hosts[0],
      await connect({ host: s.hosts[0], identityFile: s.identityFile, acceptNewHostKey: async () => true }),
      ctx,
      reporter,
      undefined,
      (_h, script) => wire.push(script),
    );
    try {
      for (const step of plan) {
        await printer.run(step);
        await ssh.run(step);
      }
    } finally {
      await ssh.close();
    }
    assert.match((await httpGet(host, '/')).body, /demo app v-wire/, 'the deploy really happened');
    const secrets = [
      fingerprint.reveal(),
      s.env.API_KEY.reveal(),
      s.email.email_host_password instanceof Secret ? s.email.email_host_password.reveal() : '',
      s.django.databaseUrl.reveal(),
    ].filter(Boolean);
    const redact = (text: string) =>
      secrets.reduce((t, v) => t.split(quote(v)).join('[redacted]').split(v).join('[redacted]'), text);
    assert.ok(
      wire.some((w) => w.includes(quote(s.env.API_KEY.reveal()))),
      'the secret went on the wire',
    );
    assert.deepEqual(wire.map(redact), dry);
  });

  it('answers a confirmation in a real terminal (tmux), and Ctrl-C at a prompt aborts cleanly', async () => {
    commitVersion(repo, 'v3');
    await git.push('demo', repo);
    const base = `deploy-test-${process.pid}`;
    let session = base;
    const tmux = (...a: string[]) => execFileSync('tmux', a, { encoding: 'utf8' });
    const screen = () => tmux('capture-pane', '-p', '-t', session);
    const waitFor = async (re: RegExp, ms = 30000) => {
      for (const start = Date.now(); Date.now() - start < ms; await sleep(100)) if (re.test(screen())) return screen();
      assert.fail(`screen never showed ${re}:\n${screen()}`);
    };
    const cmd = `cd ${home} && HOME=${home} node ${BIN} demo deploy -c ${file}; echo "exit=$?"`;
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', `${cmd}; sleep 600`);
    try {
      await waitFor(/Deploy .* of demo to ubuntu@\S+\?/);
      tmux('send-keys', '-t', session, 'y', 'Enter');
      // Once built, the change, then the second question.
      await waitFor(/Switch traffic on 1 host to \S+\?/, 60000);
      tmux('send-keys', '-t', session, 'y', 'Enter');
      const done = await waitFor(/exit=\d+/, 60000);
      assert.match(done, /exit=0/);
      assert.match(done, /✓ ubuntu@\S+ +build release/);
      assert.match(done, /is live on/);
      assert.match((await httpGet(host, '/')).body, /demo app v3/);
      // Ctrl-C at the prompt: nothing happens, the lock stays free. (A second session:
      // killing the only one would stop the tmux server while the next one starts.)
      session = `${base}-b`;
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        '200',
        '-y',
        '50',
        `cd ${home} && HOME=${home} node ${BIN} demo rollback -c ${file}; echo "exit=$?"; sleep 600`,
      );
      await waitFor(/Roll demo back from \S+ to \S+/);
      tmux('send-keys', '-t', session, 'C-c');
      const aborted = await waitFor(/exit=\d+/);
      assert.match(aborted, /exit=1/);
      assert.match(aborted, /aborted/);
      assert.equal((await host.exec(`test -e ${ROOT}/deploy.lock`)).code, 1);
      assert.match((await httpGet(host, '/')).body, /demo app v3/);

      // Ctrl-C during a deploy on a terminal (spinner running): cleaned up, old release serving.
      commitVersion(repo, 'v4');
      await git.push('demo', repo);
      const slow = `${home}/slow.ini`;
      writeFileSync(slow, readFileSync(file, 'utf8').replace('[DEPLOY]\n', '[DEPLOY]\ntest_command = sleep 5\n'));
      session = `${base}-e`;
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        '200',
        '-y',
        '50',
        `cd ${home} && HOME=${home} node ${BIN} demo deploy --yes -c ${slow}; echo "exit=$?"; sleep 600`,
      );
      await waitFor(/✓ ubuntu@\S+ +lock, fetch and resolve/);
      await sleep(500);
      tmux('send-keys', '-t', session, 'C-c');
      const interrupted = await waitFor(/exit=\d+/, 60000);
      assert.match(interrupted, /exit=1/);
      assert.match(interrupted, /interrupted \(SIGINT\)/);
      assert.match(interrupted, /kept serving \(slot \w\); the lock was released/);
      assert.equal((await host.exec(`test -e ${ROOT}/deploy.lock`)).code, 1);
      assert.match((await httpGet(host, '/')).body, /demo app v3/);

      // run gets a terminal: an interactive command reads what is typed.
      session = `${base}-c`;
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        '200',
        '-y',
        '50',
        `cd ${home} && HOME=${home} node ${BIN} demo run -c ${file} -- bash -c 'read -p "name? " x; echo "hello $x from $(id -un)"; [ -t 0 ] && echo tty'; echo "exit=$?"; sleep 600`,
      );
      await waitFor(/name\?/);
      tmux('send-keys', '-t', session, 'bob', 'Enter');
      const ran = await waitFor(/exit=\d+/);
      assert.match(ran, /hello bob from django/);
      assert.match(ran, /^tty$/m);
      assert.match(ran, /exit=0/);

      // logs -f follows new lines until Ctrl-C.
      session = `${base}-d`;
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        '250',
        '-y',
        '50',
        `cd ${home} && HOME=${home} node ${BIN} demo logs -f -n 1 -c ${file}; echo "exit=$?"; sleep 600`,
      );
      await waitFor(/==> \/var\/log\/deploy\/demo\/gunicorn-a\.log <==/);
      await httpGet(host, '/?followed-by-logs');
      await waitFor(/GET \/\?followed-by-logs/);
      tmux('send-keys', '-t', session, 'C-c');
      assert.match(await waitFor(/exit=\d+/), /exit=0/);
    } finally {
      for (const name of [base, `${base}-b`, `${base}-c`, `${base}-d`, `${base}-e`]) {
        try {
          tmux('kill-session', '-t', name);
        } catch {
          /* already gone */
        }
      }
    }
  });
});
