// Issue 10, several apps per server: two apps from one settings.ini on one host, each with its
// own name, user, home, gunicorn ports and certificate (ssl = custom, a CA of the test's own).
// Both are the demo Django project (package `demo`), so this also shows that two apps with the
// same Python package live side by side (own releases, own virtualenvs). Judged by what the
// server shows: HTTPS answers verified with the test's CA, files on the host.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bootGitServer,
  bootHost,
  ensureImages,
  stopAll,
  TESTBED_KEY,
  type GitServer,
  type Host,
} from '../testbed/index.ts';
import { commitVersion, demoRepo, runCli, tempDir } from './helpers.ts';
import { startLoad } from './load.ts';
import { handshake } from './tls-helpers.ts';
import { makeCertificates, pageVersion, send, setupApp } from './web-helpers.ts';

interface App {
  name: string;
  serverName: string;
  home: string;
  user: string;
  port: number;
}

const ALPHA: App = { name: 'alpha', serverName: 'a.test', home: '/opt/alpha', user: 'alpha', port: 8100 };
const BETA: App = { name: 'beta', serverName: 'b.test', home: '/opt/beta', user: 'beta', port: 8200 };
// Its first slot's port is alpha's: setup must refuse it.
const GAMMA: App = { name: 'gamma', serverName: 'c.test', home: '/opt/gamma', user: 'gamma', port: 8100 };

function section(app: App, repo: string, host: Host): string {
  return `[${app.name}.DEPLOY]
project_name = ${app.name}
repository = ${repo}
deploy_hosts = ubuntu@${host.ip}
identity_file = ${TESTBED_KEY}
home = ${app.home}
app_user = ${app.user}
gunicorn_bind = 127.0.0.1:${app.port}
gunicorn_workers = 2
system_site_packages = yes
server_name = ${app.serverName}
ssl = custom

[${app.name}.APP]
settings_file = demo.settings.prod
`;
}

describe('two apps on one server, each with its own name and certificate', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let cliHome: string;
  let file: string;
  let ca: string;
  let alphaRepo: string;
  const tls = (servername: string) => ({ ca, servername });
  const version = async (app: App) => pageVersion(await send(host.ip, { tls: tls(app.serverName) }));

  before(async () => {
    await ensureImages();
    [git, host] = await Promise.all([bootGitServer(), bootHost('ready')]);
    const [alphaUrl, betaUrl] = await Promise.all([git.createRepo('alpha'), git.createRepo('beta')]);
    alphaRepo = demoRepo('alpha1');
    await git.push('alpha', alphaRepo);
    await git.push('beta', demoRepo('beta1'));
    // gamma's too: its setup must fail on its port, not on a missing certificate.
    ca = await makeCertificates(host, [ALPHA.serverName, BETA.serverName, GAMMA.serverName]);
    cliHome = tempDir();
    file = join(cliHome, 'settings.ini');
    writeFileSync(file, `${section(ALPHA, alphaUrl, host)}\n${section(BETA, betaUrl, host)}`);
    for (const app of [ALPHA, BETA]) {
      const r = await setupApp(git, host, cliHome, file, app.name, app.home);
      assert.equal(r.code, 0, `setup ${app.name}:\n${r.output}`);
    }
  });
  after(stopAll);

  it('each name serves its own app over HTTPS, with its own certificate', async () => {
    assert.equal(await version(ALPHA), 'alpha1');
    assert.equal(await version(BETA), 'beta1');
    // Its own users, release directories and virtualenvs: the same package `demo` twice.
    for (const app of [ALPHA, BETA]) {
      const owner = (await host.run(`stat -c %U ${app.home}/apps/${app.name}/current/`)).trim();
      assert.equal(owner, app.user);
      assert.match(
        await host.run(`readlink -f ${app.home}/apps/${app.name}/current/.venv`),
        new RegExp(`^${app.home}/virtualenvs/${app.name}/`),
      );
    }
  });

  it('plain HTTP on a name redirects to HTTPS; an unknown name gets neither page nor certificate', async () => {
    const r = await send(host.ip, { headers: { host: ALPHA.serverName }, path: '/x?y=1' });
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, 'https://a.test/x?y=1');
    // The catch-all TLS server refuses the handshake: no certificate of another app is shown.
    const shown = await handshake(host.ip, 'unknown.test');
    assert.equal(shown.ok, false, `an unknown name was shown a certificate: ${shown.ok && shown.cert.subject.CN}`);
    const beta = await handshake(host.ip, BETA.serverName, { ca });
    assert.equal(beta.ok && beta.cert.subject.CN, BETA.serverName);
    // Port 80 closes the connection for an unknown name (444): no page of either app.
    const unknown = await send(host.ip, { headers: { host: 'unknown.test' } }).catch((e: Error) => e);
    assert.ok(
      unknown instanceof Error || !/demo app/.test(unknown.text),
      `an unknown name got a page: ${unknown instanceof Error ? '' : unknown.text}`,
    );
  });

  it('a deploy of one app leaves the other serving: 0 failed requests on it under load', async (t) => {
    commitVersion(alphaRepo, 'alpha2');
    await git.push('alpha', alphaRepo);
    const load = startLoad(host.ip, '/health', 50, 120, tls(BETA.serverName));
    await new Promise((r) => setTimeout(r, 1500));
    const r = await runCli(['alpha', 'deploy', '--yes', '-c', file], { home: cliHome });
    await new Promise((r) => setTimeout(r, 1500));
    const stats = await load.stop();
    const shown = { ...stats, bodies: [...stats.bodies], serials: [...(stats.serials ?? [])] };
    t.diagnostic(`b.test under load: ${JSON.stringify(shown)}`);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(stats.failures, {}, `failed requests on b.test: ${JSON.stringify(shown)}`);
    assert.deepEqual(shown.bodies, ['ok'], "b's health answered every time");
    assert.ok(stats.rate >= 40 && stats.ok > 100, `load too light to mean anything: ${JSON.stringify(shown)}`);
    assert.equal(await version(ALPHA), 'alpha2');
    assert.equal(await version(BETA), 'beta1');
  });

  for (const own of [false, true]) {
    const where = own ? 'a settings file of its own' : 'the same settings file';
    it(`a third app on a port the first one uses is refused (${where}), and nothing of it is written`, async (t) => {
      const repoName = own ? 'gamma-own' : 'gamma-same';
      const gammaUrl = await git.createRepo(repoName);
      await git.push(repoName, demoRepo('gamma1'));
      // Its own file: a plain [DEPLOY] app, so only what is on the server can tell the conflict.
      const both = readFileSync(file, 'utf8');
      const gammaFile = own ? join(cliHome, 'gamma.ini') : file;
      writeFileSync(
        gammaFile,
        own
          ? section(GAMMA, gammaUrl, host).replace(/^\[gamma\./gm, '[')
          : `${both}\n${section(GAMMA, gammaUrl, host)}`,
      );
      const r = await setupApp(git, host, cliHome, gammaFile, 'gamma', GAMMA.home);
      if (!own) writeFileSync(file, both);
      assert.notEqual(r.code, 0, r.output);
      // One line names the port and the app that has it (not merely the script's own list of ports).
      const says = r.output.split('\n').find((l) => /\b810[01]\b.*\balpha\b|\balpha\b.*\b810[01]\b/.test(l));
      assert.ok(says, `no line names port 8100 and alpha:\n${r.output}`);
      t.diagnostic(`refusal: ${says}`);
      const left = await host.exec(
        'ls /etc/nginx/sites-available/gamma /etc/nginx/sites-enabled/gamma /etc/supervisor/conf.d/gamma-* /etc/systemd/system/gamma-* 2>/dev/null',
      );
      assert.equal(left.stdout.trim(), '', `gamma's files were written:\n${left.stdout}`);
      // Refused before anything else either: no home, no user, no deploy key to add.
      assert.equal(
        (await host.exec(`test ! -e ${GAMMA.home} && ! id ${GAMMA.user}`)).code,
        0,
        `gamma's home or user was created`,
      );
      // Nothing listens as gamma, and alpha still answers on its name.
      assert.equal((await host.exec('supervisorctl status gamma-a')).stdout.includes('RUNNING'), false);
      assert.equal(await version(ALPHA), 'alpha2');
    });
  }
});
