// A plain WSGI app (examples/flask: Flask, no Django) deployed end to end: setup, deploy, rollback,
// judged by what the server really shows (its nginx, its processes, its files).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
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
import { cleanup, commitVersion, exampleRepo, runCli, setupThroughKeyGate, tempDir } from './helpers.ts';

const APP = 'flask';
const ROOT = `/opt/django/apps/${APP}`;
const SERVER_NAME = 'flask.example.test';

describe('a plain WSGI (Flask) app: setup, deploy, rollback', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let repo: string;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli([APP, ...args, '-c', file, '--yes'], { home });
  /** GET through the host's nginx, by the site's server_name, from the host itself. */
  const get = async (path: string) => {
    const out = await host.run(`curl -sS -D - -H 'Host: ${SERVER_NAME}' http://127.0.0.1${path}`);
    const [head, ...body] = out.split(/\r\n\r\n/);
    return { status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]), head, body: body.join('\r\n\r\n') };
  };
  const version = async () => {
    const r = await get('/');
    assert.equal(r.status, 200, r.head + r.body);
    assert.match(r.head, new RegExp(`^X-Deploy-Site: ${APP}\\r?$`, 'im'), "answered by the app's own nginx site");
    return /flask app (\S+)<\/h1>/.exec(r.body)?.[1];
  };
  const current = async () => (await host.run(`readlink ${ROOT}/current`)).trim();

  before(async () => {
    await ensureImages();
    [git, host] = await Promise.all([bootGitServer(), bootHost('ready')]);
    const url = await git.createRepo(APP);
    repo = exampleRepo('flask', 'v1');
    assert.ok(!existsSync(join(repo, 'requirements.txt')), 'nothing to fetch from PyPI');
    assert.ok(!existsSync(join(repo, 'manage.py')), 'not a Django project');
    await git.push(APP, repo);
    home = tempDir();
    file = join(home, 'settings.ini');
    // No [APP] settings_file, no migrate/collectstatic switches: the release has no manage.py.
    writeFileSync(
      file,
      `[DEPLOY]
project_name = ${APP}
repository = ${url}
deploy_hosts = ubuntu@${host.ip}
identity_file = ${TESTBED_KEY}
gunicorn_bind = "127.0.0.1:8040"
wsgi_app = app:app
system_site_packages = yes
extra_packages = python3-flask
server_name = ${SERVER_NAME}
health_path = /health
# No PyPI here: pip may look only in a directory without wheels (it has nothing to install anyway).
pip_find_links = /tmp

[ENV]
GREETING = hello from flask
`,
    );
  });
  after(async () => {
    await stopAll();
    cleanup(...[repo, home].filter(Boolean));
  });

  it('setup makes v1 live through nginx', async () => {
    const { second } = await setupThroughKeyGate(
      git,
      host,
      [APP, 'setup', '--dependencies=no', '--yes', '-c', file],
      home,
    );
    assert.equal(second.code, 0, second.output);
    assert.equal(await version(), 'v1');
    const health = await get('/health');
    assert.equal(health.status, 200);
    assert.equal(health.body, 'ok');
    assert.equal((await get('/env')).body, 'hello from flask', '[ENV] reaches the app');
  });

  it('deploy of a changed VERSION serves it, with no Django step run', async () => {
    const v1 = await current();
    commitVersion(repo, 'v2');
    await git.push(APP, repo);
    const r = await cli('deploy');
    assert.equal(r.code, 0, r.output);
    assert.equal(await version(), 'v2');
    const v2 = await current();
    assert.notEqual(v2, v1);
    assert.equal((await host.run(`cat ${v2}/VERSION`)).trim(), 'v2');
    // Not a Django project: no manage.py, so no collectstatic (shared/static stays empty) and no migrate (no database).
    for (const release of [v1, v2]) {
      assert.equal((await host.exec(`test -e ${release}/manage.py`)).code, 1, `${release} has no manage.py`);
      assert.equal((await host.exec(`test -f ${release}/.deploy-built`)).code, 0, `${release} is complete`);
    }
    assert.equal(
      (await host.run(`find ${ROOT}/shared/static -mindepth 1 | wc -l`)).trim(),
      '0',
      'shared/static is empty',
    );
    assert.equal((await host.run(`find ${ROOT}/shared/data -mindepth 1 | wc -l`)).trim(), '0', 'no database was made');
    const env = await host.run(`cat ${v2}/.deploy-env`);
    assert.doesNotMatch(env, /DJANGO_SETTINGS_MODULE/);
    // gunicorn serves app:app from the new release.
    const procs = await host.run('ps -eo user,args | grep "[g]unicorn"');
    assert.match(procs, /--bind 127\.0\.0\.1:804[01] app:app/, procs);
    assert.match(procs, /^django\s/m, 'as the app user');
    const slot = (await host.exec(`test -e ${ROOT}/slots/live-b`)).code === 0 ? 'b' : 'a';
    const status = await host.run(`supervisorctl status ${APP}-${slot}`);
    const pid = /RUNNING +pid (\d+)/.exec(status)?.[1];
    assert.ok(pid, status);
    assert.match(await host.run(`tr '\\0' ' ' </proc/${pid}/cmdline`), / app:app $/);
    assert.equal((await host.run(`readlink -f /proc/${pid}/cwd`)).trim(), v2, 'the live slot runs the new release');
  });

  it('rollback serves v1 again', async () => {
    const r = await cli('rollback');
    assert.equal(r.code, 0, r.output);
    assert.equal(await version(), 'v1');
    assert.equal((await host.run(`cat ${await current()}/VERSION`)).trim(), 'v1');
    assert.equal((await get('/health')).body, 'ok');
  });
});
