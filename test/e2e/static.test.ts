// Static files belong to their release (issue 23, item 5): collected into it, served from the
// live slot's, so a deploy that fails leaves the old release's files served, a rollback brings
// them back, and an unchanged set is shared (hard links) rather than collected again.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll } from '../testbed/index.ts';
import { commitVersion, httpGet, liveDemo, runCli, type LiveDemo } from './helpers.ts';

const CSS = 'demo/pages/static/demo/style.css';
const APP = '/opt/django/apps/demo';

describe('static files per release', { timeout: 10 * 60_000 }, () => {
  let demo: LiveDemo;
  const cli = (...args: string[]) => runCli(['-c', demo.file, 'demo', ...args, '--yes'], { home: demo.home });
  const css = async () => (await httpGet(demo.host, '/static/demo/style.css')).body.trim();
  const wsgi = readFileSync(new URL('../../examples/demo/demo/wsgi.py', import.meta.url), 'utf8');
  const push = async (version: string, colour: string, broken = false) => {
    commitVersion(demo.repo, version, (d) => {
      writeFileSync(join(d, CSS), `body { color: ${colour}; }\n`);
      writeFileSync(join(d, 'demo/wsgi.py'), broken ? `${wsgi}\nraise RuntimeError("cannot start")\n` : wsgi);
    });
    await demo.git.push('demo', demo.repo);
  };

  before(async () => {
    demo = await liveDemo('health_timeout = 10\n');
    await push('v2', '#00aa00');
    const d = await cli('deploy');
    assert.equal(d.code, 0, d.output);
  });
  after(stopAll);

  it("a deploy that fails its health check leaves the live release's files served", async () => {
    assert.equal(await css(), 'body { color: #00aa00; }');
    await push('v3-broken', '#ff0000', true);
    const d = await cli('deploy');
    assert.equal(d.code, 1, d.output);
    assert.match(d.stderr, /health check failed/);
    assert.equal(await css(), 'body { color: #00aa00; }', "the failed release's style.css is served");
  });

  it("a rollback brings the previous release's files back with its code", async () => {
    await push('v4', '#0000aa');
    const d = await cli('deploy');
    assert.equal(d.code, 0, d.output);
    assert.equal(await css(), 'body { color: #0000aa; }');
    const rb = await cli('rollback');
    assert.equal(rb.code, 0, rb.output);
    assert.match((await httpGet(demo.host, '/')).body, /demo app v2/);
    assert.equal(await css(), 'body { color: #00aa00; }', 'after a rollback the page is old but style.css new');
    assert.equal((await cli('rollback', 'current')).code, 0);
  });

  it('a release with the same static files shares them (hard links): nothing collected again', async () => {
    commitVersion(demo.repo, 'v5');
    await demo.git.push('demo', demo.repo);
    const d = await cli('deploy');
    assert.equal(d.code, 0, d.output);
    assert.equal(await css(), 'body { color: #0000aa; }');
    const links = await demo.host.run(`stat -c %h ${APP}/current/.deploy-www/static/demo/style.css`);
    assert.ok(Number(links) >= 2, `style.css has ${links.trim()} link(s): it was collected again`);
  });

  it("a page of the previous release still gets its own files right after the switch (the other slot's)", async () => {
    // A name only the previous release has (Django's hashed names differ per content).
    await demo.host.run(
      `sudo -u django sh -c 'echo old-only > "$(readlink -f ${APP}/current)/.deploy-www/static/only-in-v5.css"'`,
    );
    await push('v6', '#aa00aa');
    assert.equal((await cli('deploy')).code, 0);
    assert.equal(await css(), 'body { color: #aa00aa; }');
    assert.equal((await httpGet(demo.host, '/static/only-in-v5.css')).body.trim(), 'old-only');
  });
});
