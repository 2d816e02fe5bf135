// Maintenance mode (issue 10), as deploy_user (no root): `maintenance on` makes nginx answer
// 503 with the page (Retry-After) but for the health path; deploys and rollbacks leave it up;
// `off` brings the site back; `deploy --maintenance` (maintenance = auto) shows the page while
// its migrations run, and takes it down once live, or when the deploy fails.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { commitVersion, liveDemo, runCli } from './helpers.ts';

const ROOT = '/opt/django/apps/demo';
const PAGE = `${ROOT}/maintenance.html`;
const NAME = 'demo.test';

/** A migration that sleeps, after recording what the site answered (through nginx) while it ran. */
const SLOW_MIGRATION = (previous: string, fail = false) => `import time, urllib.request, urllib.error
from django.conf import settings
from django.db import migrations


def observe(apps, schema_editor):
    req = urllib.request.Request("http://127.0.0.1/", headers={"Host": "${NAME}"})
    try:
        code = urllib.request.urlopen(req, timeout=5).status
    except urllib.error.HTTPError as e:
        code = e.code
    (settings.BASE_DIR / "data" / "seen-during-migrate").write_text(str(code))
    time.sleep(3)
    ${fail ? 'raise RuntimeError("migration broke")' : 'pass'}


class Migration(migrations.Migration):
    dependencies = [("pages", "${previous}")]
    operations = [migrations.RunPython(observe, migrations.RunPython.noop)]
`;

describe('maintenance mode', { timeout: 15 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let repo: string;
  let home: string;
  let file: string;
  const base = `deploy_user = deployer\nserver_name = ${NAME}\nhealth_path = /health\nmaintenance_retry_after = 120\n`;
  const cli = (...args: string[]) => runCli([...args, '-c', file, '--yes'], { home });
  /** Through the host's nginx, with the site's name. */
  const get = (path = '/') =>
    new Promise<{ status: number; body: string; retryAfter?: string }>((resolve, reject) => {
      const req = request({ host: host.ip, port: 80, path, headers: { Host: NAME }, timeout: 10_000 }, (res) => {
        let body = '';
        res.on('data', (b) => (body += b));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, retryAfter: res.headers['retry-after'] as string | undefined }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  const version = (body: string) => /demo app (v\w+)/.exec(body)?.[1];
  /** What the live gunicorn slot itself serves (behind the page). */
  const slotVersion = async () =>
    version(await host.run(`curl -s http://127.0.0.1:$(test -e ${ROOT}/slots/live-b && echo 8033 || echo 8032)/`));
  const addSetting = (line: string) =>
    writeFileSync(file, readFileSync(file, 'utf8').replace(base, `${base}${line}\n`));
  const push = async (v: string, migration?: [string, string]) => {
    commitVersion(
      repo,
      v,
      migration && ((dir) => writeFileSync(join(dir, 'demo/pages/migrations', migration[0]), migration[1])),
    );
    await git.push('demo', repo);
  };

  before(async () => {
    ({ git, host, repo, home, file } = await liveDemo(base));
  });
  after(stopAll);

  it('maintenance on: 503 with the page (message escaped) and Retry-After; the health path still answers', async () => {
    assert.equal((await get('/')).status, 200);
    const r = await cli('demo', 'maintenance', 'on', '--message', 'Back at <b>14:00</b> & "soon"');
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /deployer@/);
    const res = await get('/');
    assert.equal(res.status, 503);
    assert.equal(res.retryAfter, '120');
    assert.match(res.body, /Back at &lt;b&gt;14:00&lt;\/b&gt; &amp; &#34;soon&#34;/);
    assert.equal((await get('/some/page')).status, 503);
    const health = await get('/health');
    assert.equal(health.status, 200);
    assert.equal(health.body, 'ok');
    assert.equal((await host.run(`stat -c '%a %U' ${PAGE}`)).trim(), '644 django');
  });

  it('status shows it, with its time and message', async () => {
    const st = await cli('demo', 'status');
    assert.equal(st.code, 0, st.output);
    assert.match(
      st.output,
      /maintenance +on \(since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, "Back at <b>14:00<\/b> & "soon"", by \S+\)/,
    );
    const json = await cli('demo', 'status', '--json');
    const doc = JSON.parse(json.stdout);
    const m = (Object.values(doc.hosts)[0] as { status: { maintenance: { on: boolean; message: string } } }).status
      .maintenance;
    assert.equal(m.on, true);
    assert.equal(m.message, 'Back at <b>14:00</b> & "soon"');
  });

  it('a deploy and a rollback leave it up; the release really changed behind it', async () => {
    await push('v2');
    const d = await cli('demo', 'deploy');
    assert.equal(d.code, 0, d.output);
    assert.equal(await slotVersion(), 'v2');
    assert.equal((await get('/')).status, 503);
    const rb = await cli('demo', 'rollback');
    assert.equal(rb.code, 0, rb.output);
    assert.equal(await slotVersion(), 'v1');
    assert.equal((await get('/')).status, 503);
  });

  it('on again replaces the message; off brings the site back (twice is fine)', async () => {
    assert.equal((await cli('demo', 'maintenance', 'on', '--message', 'Almost done')).code, 0);
    assert.match((await get('/')).body, /Almost done/);
    const off = await cli('demo', 'maintenance', 'off');
    assert.equal(off.code, 0, off.output);
    const res = await get('/');
    assert.equal(res.status, 200);
    assert.equal(version(res.body), 'v1');
    assert.equal((await cli('demo', 'maintenance', 'off')).code, 0);
    assert.match((await cli('demo', 'status')).output, /maintenance +off/);
  });

  it('deploy --maintenance without maintenance = auto: exit 2, nothing touched', async () => {
    await push('v3', ['0002_slow.py', SLOW_MIGRATION('0001_initial')]);
    const before = await host.run(`ls ${ROOT}/releases; tail -n 1 ${ROOT}/deploy.log.jsonl`);
    const r = await cli('demo', 'deploy', '--maintenance');
    assert.equal(r.code, 2, r.output);
    assert.match(r.output, /maintenance = auto/);
    assert.equal(await host.run(`ls ${ROOT}/releases; tail -n 1 ${ROOT}/deploy.log.jsonl`), before);
    assert.equal((await host.exec(`test -e ${PAGE}`)).code, 1);
    assert.equal(await slotVersion(), 'v1');
  });

  it('deploy --maintenance (maintenance = auto): 503 while migrations run, 200 with the new release after', async () => {
    addSetting('maintenance = auto');
    const seen = new Set<number>();
    let deploying = true;
    const poll = (async () => {
      while (deploying) {
        seen.add((await get('/').catch(() => ({ status: 0 }))).status);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const d = await cli('demo', 'deploy', '--maintenance');
    deploying = false;
    await poll;
    assert.equal(d.code, 0, d.output);
    // The migration itself saw the page, through nginx.
    assert.equal((await host.run(`cat ${ROOT}/shared/data/seen-during-migrate`)).trim(), '503');
    assert.ok(seen.has(503) && seen.has(200), `statuses seen during the deploy: ${[...seen]}`);
    const res = await get('/');
    assert.equal(res.status, 200);
    assert.equal(version(res.body), 'v3');
    assert.equal((await host.exec(`test -e ${PAGE}`)).code, 1, 'the page is gone');
    assert.equal(JSON.parse((await host.run(`tail -n 1 ${ROOT}/deploy.log.jsonl`)).trim()).maintenance, true);
  });

  it('deploy --maintenance leaves a page put up by hand (and its message) where it is', async () => {
    assert.equal((await cli('demo', 'maintenance', 'on', '--message', 'By hand')).code, 0);
    await push('v4', ['0003_slow.py', SLOW_MIGRATION('0002_slow')]);
    const d = await cli('demo', 'deploy', '--maintenance');
    assert.equal(d.code, 0, d.output);
    assert.equal(await slotVersion(), 'v4');
    const res = await get('/');
    assert.equal(res.status, 503);
    assert.match(res.body, /By hand/);
    assert.equal((await cli('demo', 'maintenance', 'off')).code, 0);
  });

  it('a deploy --maintenance that fails takes its page down: the old release serves', async () => {
    await push('v5', ['0004_broken.py', SLOW_MIGRATION('0003_slow', true)]);
    await host.run(`rm -f ${ROOT}/shared/data/seen-during-migrate`);
    const d = await cli('demo', 'deploy', '--maintenance');
    assert.equal(d.code, 1, d.output);
    assert.match(d.output, /migration broke/);
    assert.equal((await host.run(`cat ${ROOT}/shared/data/seen-during-migrate`)).trim(), '503');
    assert.equal((await host.exec(`test -e ${PAGE}`)).code, 1, 'the page is gone');
    const res = await get('/');
    assert.equal(res.status, 200);
    assert.equal(version(res.body), 'v4');
  });
});
