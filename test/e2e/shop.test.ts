// A realistic Django project (examples/shop: the admin, 29 models over four apps, templates, some
// 240 static files) set up and deployed end to end, judged by what the server really shows: its
// nginx's pages and static files, the release's collected files, the applied migrations.
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
import {
  cleanup,
  commitVersion,
  exampleRepo,
  ROOT as REPO_ROOT,
  runCli,
  setupThroughKeyGate,
  tempDir,
} from './helpers.ts';
import { ANSWER_WAIT_MS } from './load.ts';

const APP = 'shop';
const ROOT = `/opt/django/apps/${APP}`;
/** One of the app's own static files, and its source in the repository. */
const OWN_CSS = 'shop/css/base.css';
const OWN_CSS_SOURCE = join(REPO_ROOT, 'examples', APP, 'shop', 'static', OWN_CSS);

describe('a realistic Django project (shop): setup, then a deploy', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let repo: string;
  let home: string;
  let file: string;
  /** The CLI on the app; its options first, as `run -- CMD` passes on whatever follows CMD. */
  const cli = (...args: string[]) => runCli(['-c', file, '--yes', APP, ...args], { home });
  /** GET from this machine through the host's nginx. */
  const get = async (path: string) => {
    const res = await fetch(`http://${host.ip}${path}`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(ANSWER_WAIT_MS),
    });
    return { status: res.status, headers: res.headers, body: await res.text() };
  };
  const version = async () => {
    const r = await get('/');
    assert.equal(r.status, 200, r.body);
    return /<h1>shop app (\S+)<\/h1>/.exec(r.body)?.[1];
  };

  before(async () => {
    await ensureImages();
    [git, host] = await Promise.all([bootGitServer(), bootHost('ready')]);
    const url = await git.createRepo(APP);
    repo = exampleRepo(APP, 'v1');
    await git.push(APP, repo);
    home = tempDir();
    file = join(home, 'settings.ini');
    writeFileSync(
      file,
      `[DEPLOY]
project_name = ${APP}
repository = ${url}
deploy_hosts = ubuntu@${host.ip}
identity_file = ${TESTBED_KEY}
gunicorn_bind = "127.0.0.1:8050"
system_site_packages = yes
# Two per slot (the default, 2 × CPUs + 1, would boot five): the suite runs many hosts on few cores.
gunicorn_workers = 2
health_path = /health

[APP]
settings_file = shop.settings.prod
debug = False
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
    // nginx names its site in the answers to the host's own requests.
    const head = await host.run('curl -sS -o /dev/null -D - http://127.0.0.1/health');
    assert.match(head, new RegExp(`^X-Deploy-Site: ${APP}\\r?$`, 'im'), "answered by the app's own nginx site");
  });

  it('a deploy of v2 serves its pages, its admin, its static files and its database', async () => {
    const v1 = (await host.run(`readlink -f ${ROOT}/current`)).trim();
    commitVersion(repo, 'v2');
    await git.push(APP, repo);
    const d = await cli('deploy');
    assert.equal(d.code, 0, d.output);
    const v2 = (await host.run(`readlink -f ${ROOT}/current`)).trim();
    assert.notEqual(v2, v1);
    assert.equal((await host.run(`cat ${v2}/VERSION`)).trim(), 'v2');
    assert.equal(await version(), 'v2');

    const health = await get('/health');
    assert.equal(health.status, 200);
    assert.equal(health.body, 'ok');
    assert.match((await get('/version')).body, /<h1>shop app v2<\/h1>/);

    // The admin: its login page, rendered by Django (a CSRF token), styled by its own static files.
    const login = await get('/admin/login/');
    assert.equal(login.status, 200, login.body);
    assert.match(login.body, /name="csrfmiddlewaretoken"/);
    assert.match(login.body, /Shop administration/);
    // Static files come from nginx: with DEBUG off, Django itself answers /static/ with 404.
    const adminCss = await get('/static/admin/css/base.css');
    assert.equal(adminCss.status, 200);
    assert.match(adminCss.headers.get('content-type') ?? '', /^text\/css/);
    const ownCss = await get(`/static/${OWN_CSS}`);
    assert.equal(ownCss.status, 200);
    assert.equal(ownCss.body, readFileSync(OWN_CSS_SOURCE, 'utf8'), "the app's own file, as committed");
    const icon = await get('/static/shop/img/icons/shopping-cart.svg');
    assert.equal(icon.status, 200);
    assert.match(icon.headers.get('content-type') ?? '', /^image\/svg\+xml/);

    // The release's collected files (its STATIC_ROOT): admin's and the app's, 242 with Django 3.2.
    const collected = Number(await host.run(`find ${v2}/.deploy-www/static -type f | wc -l`));
    assert.ok(collected >= 200, `${collected} files under ${v2}/.deploy-www/static`);

    // Migrations: every one applied, the sample catalog's data migration among them.
    const plan = await cli('run', '--', 'python', 'manage.py', 'showmigrations', '--plan');
    assert.equal(plan.code, 0, plan.output);
    assert.match(plan.stdout, /\[X\] {2}catalog\.0002_sample_catalog/);
    assert.match(plan.stdout, /\[X\] {2}orders\.0001_initial/);
    assert.doesNotMatch(plan.stdout, /\[ \]/, 'no migration left unapplied');
    // A page that lists from the database.
    const products = await get('/products/');
    assert.equal(products.status, 200, products.body);
    assert.match(products.body, /id="product-count">16 products/);
    assert.match(products.body, /Cast iron skillet/);
  });
});
