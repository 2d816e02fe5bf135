// The core path on Debian 13 (trixie): setup on a bare trixie host (setup installs the packages;
// the deploy-key gate first), HTTPS with a custom certificate, a [PROCESSES] worker under
// supervisor, a deploy and a rollback under HTTPS load; and, beside it on the same host, a
// second app whose gunicorn slots and worker are systemd units. One trixie host and one git
// server (Debian 12) for all of it; the two apps' runs go side by side. Every assertion is on
// what the server shows: its pages and certificate, its process list, systemctl.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootGitServer, bootHost, stopAll, TESTBED_KEY, type GitServer, type Host } from '../testbed/index.ts';
import { commitVersion, demoRepo, runCli, setupThroughKeyGate, tempDir, type CliResult } from './helpers.ts';
import { startLoad, STEADY_RATE } from './load.ts';
import { WORKER } from './runtime-helpers.ts';
import { fileSerial, httpsGet, parseHead, rawHttp } from './tls-helpers.ts';

const NAMES = ['app.test', 'www.app.test'];
const CRT = '/etc/ssl/private/httpd/app.test/app.test.crt';

/** A settings.ini for the demo app as PROJECT, its gunicorn on PORT (and PORT + 1), in a fresh directory. */
function settings(project: string, repo: string, host: Host, port: number, extra: string): string {
  const file = join(tempDir(), 'settings.ini');
  writeFileSync(
    file,
    `[DEPLOY]
project_name = ${project}
repository = ${repo}
deploy_hosts = ubuntu@${host.ip}
identity_file = ${TESTBED_KEY}
gunicorn_bind = 127.0.0.1:${port}
gunicorn_workers = 1
system_site_packages = yes
extra_packages = python3-django gunicorn
${extra}
[PROCESSES]
worker = python -u worker.py

[APP]
settings_file = demo.settings.prod
debug = False
`,
  );
  return file;
}

/** The demo app with worker.py, at VERSION v1, pushed to REPO on the git server. */
async function pushDemo(git: GitServer, repo: string): Promise<{ url: string; dir: string }> {
  const url = await git.createRepo(repo);
  const dir = demoRepo('v1');
  commitVersion(dir, 'v1', (d) => writeFileSync(join(d, 'worker.py'), WORKER));
  await git.push(repo, dir);
  return { url, dir };
}

/** The process whose pid is PID: its user, its command line and its release's VERSION (through its cwd). */
async function processInfo(host: Host, pid: string): Promise<string> {
  assert.match(pid, /^[1-9]\d*$/, `no process: ${JSON.stringify(pid)}`);
  return (await host.run(`echo "$(ps -o user=,args= -p ${pid}) $(cat /proc/${pid}/cwd/VERSION)"`))
    .trim()
    .replace(/\s+/g, ' ');
}

describe('Debian 13 (trixie)', { timeout: 20 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let home: string;
  let file: string;
  let demo: { url: string; dir: string };
  let sd: { url: string; dir: string };
  let ca: string;
  let bare: { nginx: number; python: number };
  let setup: { first: CliResult; second: CliResult };
  const cli = (f: string, ...args: string[]) => runCli([...args, '--yes', '-c', f], { home });
  const page = async (name = 'app.test') =>
    (await httpsGet(host.ip, name, '/', { ca })).body.match(/demo app (v\w+)/)?.[1];

  before(async () => {
    [git, host] = await Promise.all([bootGitServer('d13-git'), bootHost('base-trixie', 'd13')]);
    [demo, sd] = await Promise.all([pushDemo(git, 'demo'), pushDemo(git, 'sd')]);
    bare = {
      nginx: (await host.exec('command -v nginx')).code,
      python: (await host.exec('command -v python3')).code,
    };
    // A test CA and a certificate for both names, where ssl = custom looks for it by default.
    await host.run(`set -e
mkdir -p /root/testca /etc/ssl/private/httpd/app.test && cd /root/testca
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj '/CN=deploy test CA' -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=app.test -keyout leaf.key -out leaf.csr 2>/dev/null
echo 'subjectAltName=DNS:app.test,DNS:www.app.test' > leaf.ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 90 -extfile leaf.ext -out leaf.crt 2>/dev/null
install -m 644 leaf.crt ${CRT}
install -m 600 leaf.key /etc/ssl/private/httpd/app.test/app.test.key`);
    ca = await host.run('cat /root/testca/ca.pem');
    home = tempDir();
    file = settings('demo', demo.url, host, 8032, 'server_name = app.test, www.app.test\nssl = custom');
    setup = await setupThroughKeyGate(git, host, ['demo', 'setup', '--yes', '-c', file], home);
  });
  after(stopAll);

  it('setup on a bare Debian 13 host: the deploy-key gate (exit 3), then the app over HTTPS with the custom certificate', async () => {
    assert.match(await host.run('. /etc/os-release; echo "$ID $VERSION_ID"'), /^debian 13\n$/);
    assert.deepEqual(bare, { nginx: 1, python: 1 }, 'the host had no nginx and no python before setup');
    assert.equal(setup.first.code, 3, setup.first.output);
    const pub = (await host.run('cat /opt/django/.ssh/id_ed25519.pub')).trim();
    assert.ok(setup.first.output.includes(pub), 'the public key is printed');
    assert.equal(setup.second.code, 0, setup.second.output);
    assert.match(await host.run('systemctl is-active nginx supervisor'), /^active\nactive\n$/);
    assert.match(
      await host.run('python3 -c "import django, sys; print(sys.version_info[:2], django.VERSION[:2])"'),
      /^\(3, 13\) \(4, 2\)\n$/,
    );
    for (const name of NAMES) {
      const res = await httpsGet(host.ip, name, '/', { ca });
      assert.equal(res.status, 200, `${name}: ${res.body.slice(0, 300)}`);
      assert.match(res.body, /<h1>demo app v1<\/h1>/);
      assert.equal(res.serial, await fileSerial(host, CRT), `${name}: not the certificate at ${CRT}`);
    }
    const http = parseHead(await rawHttp(host.ip, 'app.test', '/x'));
    assert.equal(http.status, 301);
    assert.equal(http.headers.location, 'https://app.test/x');
  });

  it('the [PROCESSES] worker runs under supervisor, as the app user, in the live release', async () => {
    assert.match(await host.run('supervisorctl status demo-worker'), /RUNNING/);
    const pid = (await host.run('supervisorctl pid demo-worker')).trim();
    assert.equal(await processInfo(host, pid), 'django python -u worker.py v1');
  });

  describe('then, side by side', { concurrency: 2 }, () => {
    it('deploy and rollback under HTTPS load: no failed request, the page shows v2, then v1 again', async () => {
      commitVersion(demo.dir, 'v2');
      await git.push('demo', demo.dir);
      const load = startLoad(host.ip, '/', STEADY_RATE, 180, { servername: 'app.test', ca });
      let stats;
      try {
        await new Promise((r) => setTimeout(r, 1000));
        const dep = await cli(file, 'demo', 'deploy');
        assert.equal(dep.code, 0, dep.output);
        assert.equal(await page(), 'v2');
        assert.equal(await page('www.app.test'), 'v2');
        const workerV2 = (await host.run('supervisorctl pid demo-worker')).trim();
        assert.equal(await processInfo(host, workerV2), 'django python -u worker.py v2');
        const back = await cli(file, 'demo', 'rollback');
        assert.equal(back.code, 0, back.output);
        assert.equal(await page(), 'v1');
        const workerV1 = (await host.run('supervisorctl pid demo-worker')).trim();
        assert.equal(await processInfo(host, workerV1), 'django python -u worker.py v1');
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        stats = await load.stop();
      }
      const report = JSON.stringify({ ...stats, bodies: [...stats.bodies], serials: [...(stats.serials ?? [])] });
      assert.deepEqual(stats.failures, {}, report);
      assert.ok(stats.ok >= 20, `only ${stats.ok} requests answered: ${report}`);
      assert.deepEqual([...stats.bodies].sort(), ['demo app v1', 'demo app v2'], report);
    });

    it('process_manager = systemd, a second app on the same host: slots and worker are systemd units', async () => {
      const sdFile = settings('sd', sd.url, host, 8042, 'server_name = sd.test\nprocess_manager = systemd');
      // The app user's deploy key is already authorized: no gate this time.
      const r = await cli(sdFile, 'sd', 'setup');
      assert.equal(r.code, 0, r.output);
      const sdPage = async () => /demo app (v\w+)/.exec(parseHead(await rawHttp(host.ip, 'sd.test', '/')).body)?.[1];
      assert.equal(await sdPage(), 'v1');
      assert.equal((await host.run('systemctl is-active sd-a.service')).trim(), 'active');
      assert.equal((await host.run('systemctl is-enabled sd-worker.service')).trim(), 'enabled');
      assert.equal((await host.exec('ls /etc/supervisor/conf.d/sd-*.conf')).code, 2, 'no supervisor programs');
      const pid = (await host.run('systemctl show -p MainPID --value sd-worker.service')).trim();
      assert.equal(await processInfo(host, pid), 'django python -u worker.py v1');

      commitVersion(sd.dir, 'v2');
      await git.push('sd', sd.dir);
      const dep = await cli(sdFile, 'sd', 'deploy');
      assert.equal(dep.code, 0, dep.output);
      assert.equal(await sdPage(), 'v2');
      assert.equal((await host.run('systemctl is-active sd-b.service')).trim(), 'active');
      const next = (await host.run('systemctl show -p MainPID --value sd-worker.service')).trim();
      assert.equal(await processInfo(host, next), 'django python -u worker.py v2');
    });
  });
});
