// A deploy --maintenance killed while its page is up (issue 23, item 6): the page no longer stays
// up for good. status says which run left it; the next run that takes the lock takes it down,
// and a page put up by hand still stays.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stopAll } from '../testbed/index.ts';
import { served } from '../e2e/helpers.ts';
import { bench, killAt, report, type Bench } from './helpers.ts';

const PAGE = '/opt/django/apps/demo/maintenance.html';

describe('deploy --maintenance killed with its page up', { timeout: 10 * 60_000 }, () => {
  let b: Bench;
  before(async () => {
    b = await bench('maintenance = auto\n');
  });
  after(stopAll);

  it('status names the run that left it; the next deploy takes it down; a page put up by hand stays', async () => {
    // --force: migrate runs, so the page goes up; the run is killed once built, before its slot starts.
    const { paused, output } = await killAt(
      b,
      'start+switch:1',
      'demo',
      'deploy',
      '--yes',
      '--force',
      '--maintenance',
      '--ref',
      'good-b',
    );
    assert.ok(paused, output);
    assert.equal(await served(b.host), 'HTTP 503', 'the killed run left its page up');
    const st = await b.cli('demo', 'status');
    assert.match(st.stdout, /maintenance\s+on \(since .*left by a deploy --maintenance of \S+ that did not finish/);
    assert.equal((await b.cli('demo', 'unlock', '--yes')).code, 0);
    const d = await b.cli('demo', 'deploy', '--yes', '--force', '--maintenance', '--ref', 'good-b');
    assert.equal(d.code, 0, d.output);
    assert.match(d.output, /took down the maintenance page a deploy --maintenance left/);
    assert.equal(await served(b.host), 'good-b');
    assert.equal((await b.host.exec(`test -e ${PAGE}`)).code, 1);
    // A page put up by hand is the operator's: deploys leave it.
    assert.equal((await b.cli('demo', 'maintenance', 'on', '--yes', '--message', 'by hand')).code, 0);
    assert.equal((await b.cli('demo', 'deploy', '--yes', '--force', '--maintenance', '--ref', 'good-a')).code, 0);
    assert.equal(await served(b.host), 'HTTP 503');
    assert.equal((await b.cli('demo', 'maintenance', 'off', '--yes')).code, 0);
    assert.equal(await served(b.host), 'good-a');
    report({ test: 'maintenance-kill', faults: 1, data_lost: 0 });
  });
});
