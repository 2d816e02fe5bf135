// setup against real Debian hosts (systemd, sshd, nginx, supervisor) booted by the testbed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootHost, bootGitServer, stopAll, ensureImages, type GitServer, type Host } from '../testbed/index.ts';
import {
  demoRepo,
  runCli,
  tempDir,
  writeSettings,
  httpGet,
  setupThroughKeyGate,
  readLog,
  ROOT,
  type CliResult,
} from './helpers.ts';

const SECRET = 'hunter2-not-for-logs';

/** What the server shows: the things a second setup must leave exactly as they were. */
async function serverState(host: Host): Promise<string> {
  return host.run(
    [
      'md5sum /opt/django/configs/apps/demo.conf /etc/nginx/sites-available/demo /etc/supervisor/conf.d/demo-a.conf /opt/django/apps/demo/gunicorn.conf.py /opt/django/.ssh/id_ed25519',
      'stat -c "%n %Y" /opt/django/configs/apps/demo.conf /etc/nginx/sites-available/demo /etc/supervisor/conf.d/demo-a.conf',
      'supervisorctl pid demo-a',
      'ps -C nginx -o pid= | sort | tr -s " \\n" " "',
      'ls /opt/django/apps/demo/releases /opt/django/virtualenvs/demo',
    ].join('; echo; '),
  );
}

describe('setup', { timeout: 15 * 60_000 }, () => {
  let git: GitServer;
  let repoUrl: string;

  before(async () => {
    await ensureImages();
    git = await bootGitServer();
    repoUrl = await git.createRepo('demo');
    await git.push('demo', demoRepo('v1'));
  });
  after(stopAll);

  it('bad settings exit 2 and connect to nothing', async () => {
    const home = tempDir();
    let connections = 0;
    const server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const file = join(home, 'settings.ini');
    writeFileSync(
      file,
      `[DEPLOY]\nproject_name = demo\nrepositry = x\ndeploy_hosts = ubuntu@127.0.0.1:${port}\n[APP]\ndebug = maybe\n`,
    );
    const r = await runCli(['demo', 'setup', '--yes', '-c', file], { home });
    server.close();
    assert.equal(r.code, 2, r.output);
    assert.match(r.stderr, /repositry \(line 3\): unknown key \(did you mean "repository"\?\)/);
    assert.match(r.stderr, /debug \(line 6\)/);
    assert.equal(connections, 0);
    const unknown = await runCli(['nope', 'setup', '--yes', '-c', file], { home });
    assert.equal(unknown.code, 2);
  });

  it('without --yes and without a terminal, stops before connecting', async () => {
    const home = tempDir();
    const host = await bootHost('ready');
    const file = writeSettings(home, { repo: repoUrl, hosts: [host] });
    const r = await runCli(['demo', 'setup', '-c', file], { home });
    assert.equal(r.code, 2, r.output);
    assert.match(r.stderr, /no terminal/);
    assert.equal((await host.exec('test -d /opt/django')).code, 1, 'nothing was created');
    await host.stop();
  });

  describe('on a host with the packages preinstalled (--dependencies=no)', () => {
    let host: Host;
    let home: string;
    let file: string;
    let run: { first: CliResult; second: CliResult };

    before(async () => {
      host = await bootHost('ready');
      home = tempDir();
      file = writeSettings(home, { repo: repoUrl, hosts: [host] });
      run = await setupThroughKeyGate(git, host, ['demo', 'setup', '--dependencies=no', '--yes', '-c', file], home);
    });

    it('stops at the deploy-key gate with exit 3 and the public key', async () => {
      assert.equal(run.first.code, 3, run.first.output);
      const pub = (await host.run('cat /opt/django/.ssh/id_ed25519.pub')).trim();
      assert.ok(run.first.output.includes(pub), 'the public key is printed');
      assert.match(run.first.stderr, /run setup again/);
    });

    it('finishes once the key is added, and the app answers through nginx', async () => {
      assert.equal(run.second.code, 0, run.second.output);
      const page = await httpGet(host, '/');
      assert.equal(page.status, 200);
      assert.match(page.body, /<h1>demo app v1<\/h1>/);
      assert.match(page.server ?? '', /nginx/);
      const css = await httpGet(host, '/static/demo/style.css');
      assert.equal(css.status, 200, 'static files are served by nginx');
      const upstream = await host.run(
        'curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:8032/static/demo/style.css',
      );
      assert.equal(upstream, '404', 'gunicorn itself does not serve static files');
    });

    it('runs gunicorn as the app user under supervisor with the app environment', async () => {
      const env = JSON.parse((await httpGet(host, '/env')).body);
      // Each release reads its own copy of the config file (a rollback brings its configuration back).
      const release = (await host.run('basename $(readlink /opt/django/apps/demo/current)')).trim();
      assert.deepEqual(env, {
        settings: 'demo.settings.prod',
        config: `/opt/django/apps/demo/releases/${release}/.deploy/app.conf`,
        debug: false,
      });
      assert.equal(
        (await host.run(`stat -c '%a %U' /opt/django/apps/demo/releases/${release}/.deploy/app.conf`)).trim(),
        '640 django',
      );
      const status = await host.run('supervisorctl status demo-a');
      assert.match(status, /RUNNING/);
      const pid = (await host.run('supervisorctl pid demo-a')).trim();
      const users = await host.run(`ps -o user= -p ${pid} --ppid ${pid} | sort -u`);
      assert.equal(users.trim(), 'django');
    });

    it('writes the config file readable only by root and the app, with a long random SECRET_KEY', async () => {
      assert.equal((await host.run('stat -c "%a %U:%G" /opt/django/configs/apps/demo.conf')).trim(), '640 root:django');
      const key = (await host.run("sed -n 's/^secret_key = //p' /opt/django/configs/apps/demo.conf")).trim();
      assert.ok(key.length >= 50, `secret key of ${key.length} chars`);
      assert.ok(
        !run.second.output.includes(key) && !readLog(run.second).includes(key),
        'the key is never printed or logged',
      );
      const conf = await host.run('cat /opt/django/configs/apps/demo.conf');
      assert.match(conf, /\[email\][\s\S]*email_host_password = hunter2-not-for-logs/);
    });

    it('never prints or logs the email password', () => {
      for (const r of [run.first, run.second]) {
        assert.ok(!r.output.includes(SECRET));
        assert.ok(!readLog(r).includes(SECRET));
      }
    });

    it('lays out the server for releases', async () => {
      const current = (await host.run('readlink /opt/django/apps/demo/current')).trim();
      assert.match(current, /^\/opt\/django\/apps\/demo\/releases\/\d{8}T\d{6}-[0-9a-f]{8}$/);
      assert.equal((await host.exec(`test -d ${current}/.git`)).code, 1, 'no .git in a release');
      assert.equal((await host.run('readlink /opt/django/apps/demo/slots/a')).trim(), current);
      assert.equal(
        (await host.run('sudo -u django git -C /opt/django/apps/demo/repo rev-parse --is-bare-repository')).trim(),
        'true',
      );
      assert.match(
        await host.run('readlink -f /opt/django/apps/demo/current/.venv'),
        /^\/opt\/django\/virtualenvs\/demo\/[0-9a-f]{16}\n$/,
      );
      assert.equal((await host.run('stat -c "%a %U" /opt/django/.ssh/id_ed25519')).trim(), '600 django');
    });

    it('a second setup changes nothing and keeps SECRET_KEY', async () => {
      const before = await serverState(host);
      const again = await runCli(['demo', 'setup', '--dependencies=no', '--yes', '-c', file], { home });
      assert.equal(again.code, 0, again.output);
      assert.equal(await serverState(host), before);
      assert.doesNotMatch(again.stdout, /✓ \S+ +.* done,/, 'every step reports already done');
      assert.match(again.stdout, /= \S+ +config file .* already done/);
    });

    it('setup with changed settings rewrites configs but never restarts the live app', async () => {
      const pid = (await host.run('supervisorctl pid demo-a')).trim();
      const changed = join(tempDir(), 'settings.ini');
      writeFileSync(changed, readFileSync(file, 'utf8').replace('gunicorn_workers = 2', 'gunicorn_workers = 3'));
      const r = await runCli(['demo', 'setup', '--dependencies=no', '--yes', '-c', changed], { home });
      assert.equal(r.code, 0, r.output);
      assert.match(r.stdout, /✓ \S+ +gunicorn config +done/);
      assert.match(await host.run('cat /opt/django/apps/demo/gunicorn.conf.py'), /^workers = 3$/m);
      assert.equal((await host.run('supervisorctl pid demo-a')).trim(), pid, 'the live gunicorn was not restarted');
      assert.equal((await httpGet(host, '/')).status, 200);
    });

    it('a config rejected by nginx -t is put back and the site keeps serving', async () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'templates'));
      writeFileSync(
        join(dir, 'templates', 'nginx.conf'),
        readFileSync(join(ROOT, 'templates', 'nginx.conf'), 'utf8').replace(
          'client_max_body_size <%= maxBody %>;',
          'client_max_body_size <%= maxBody %>;\n    this_is_not_a_directive on;',
        ),
      );
      const broken = writeSettings(dir, { repo: repoUrl, hosts: [host] });
      const before = await host.run('md5sum /etc/nginx/sites-available/demo');
      const r = await runCli(['demo', 'setup', '--dependencies=no', '--yes', '-c', broken], { home });
      assert.equal(r.code, 1, r.output);
      assert.match(r.stderr, /nginx -t rejected/);
      assert.match(r.stderr, /this_is_not_a_directive/);
      assert.equal(await host.run('md5sum /etc/nginx/sites-available/demo'), before);
      assert.equal((await httpGet(host, '/')).status, 200);
    });

    it('refuses a changed host key', async () => {
      await host.rekey();
      const r = await runCli(['demo', 'setup', '--dependencies=no', '--yes', '-c', file], { home });
      assert.equal(r.code, 1, r.output);
      assert.match(r.stderr, /host key has CHANGED/);
    });
  });

  it('sets up a bare host with --dependencies=yes (apt)', { timeout: 10 * 60_000 }, async () => {
    const host = await bootHost('base');
    const home = tempDir();
    const file = writeSettings(home, {
      repo: repoUrl,
      hosts: [host],
      extra: 'extra_packages = python3-django gunicorn\n',
    });
    assert.equal((await host.exec('command -v nginx')).code, 1, 'a bare host has no nginx');
    const { first, second } = await setupThroughKeyGate(git, host, ['demo', 'setup', '--yes', '-c', file], home);
    assert.equal(first.code, 3, first.output);
    assert.equal(second.code, 0, second.output);
    const page = await httpGet(host, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /demo app v1/);
    assert.match(await host.run('systemctl is-active nginx supervisor'), /^active\nactive\n$/);
    await host.stop();
  });
});
