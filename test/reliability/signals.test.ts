// Signals during a deploy, at chosen points: Ctrl-C before the last stop point stops and cleans
// up; after it, the run says it is too late and finishes the switch (never "stopping before the
// switch" followed by a switch); SIGTERM and SIGHUP clean up like Ctrl-C; two Ctrl-C quit at once
// and the next run repairs whatever was half done.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { stopAll } from '../testbed/index.ts';
import { BIN, served } from '../e2e/helpers.ts';
import { loadSettings } from '../../src/settings/load.ts';
import * as D from '../../src/steps/deploy.ts';
import { bench, report, ROOT, snapshotData, statusOf, type Bench } from './helpers.ts';
import { STEADY_RATE, controlPeriod, startLoad } from '../e2e/load.ts';

/** Deploy `ref`, paused `seconds` before command `n` of start+switch; send `signals` (ms apart) once paused. */
function deployWithSignals(
  b: Bench,
  ref: string,
  n: number,
  signals: NodeJS.Signals[],
  gapMs = 50,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '-c', b.file, 'demo', 'deploy', '--yes', '--force', '--ref', ref], {
      env: { PATH: process.env.PATH ?? '', HOME: b.home, NO_COLOR: '1', DEPLOY_PAUSE_AT: `start+switch:${n}:10` },
    });
    let output = '';
    let sent = false;
    const onData = (d: Buffer) => {
      output += d;
      if (!sent && /paused before/.test(output)) {
        sent = true;
        signals.forEach((sig, i) => setTimeout(() => child.kill(sig), 200 + i * gapMs));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('signals during a deploy', { timeout: 15 * 60_000 }, () => {
  let b: Bench;
  let abortAt: number;
  let load: ReturnType<typeof startLoad>;
  let checkData: () => Promise<void>;
  const started = performance.now();
  const lockFree = async () => (await b.host.exec(`test -e ${ROOT}/deploy.lock`)).code === 1;
  const other = async () => ((await served(b.host)) === 'good-a' ? 'good-b' : 'good-a');

  before(async () => {
    b = await bench();
    const s = loadSettings({ app: 'demo', file: b.file });
    abortAt = D.startNew(s, 'r', 'b').commands.length + 1;
    checkData = await snapshotData(b.host);
    // The page without its write (a load on SQLite judges SQLite), first with no deploy running.
    await controlPeriod(b.host.ip, '/version', STEADY_RATE);
    load = startLoad(b.host.ip, '/version', STEADY_RATE, 3600);
  });
  after(stopAll);

  it('one Ctrl-C before the last stop point: stops, cleans up, the live release keeps serving', async () => {
    const live = await served(b.host);
    const r = await deployWithSignals(b, await other(), abortAt, ['SIGINT']);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /stopping before the switch/);
    assert.doesNotMatch(r.output, /too late/);
    assert.match(r.output, /interrupted \(SIGINT\)/);
    assert.equal(await served(b.host), live);
    assert.ok(await lockFree());
    report({ test: 'signals', case: 'ctrl-c before the stop point', faults: 1 });
  });

  it('one Ctrl-C after the last stop point: too late, the switch finishes, and it says so', async () => {
    const target = await other();
    const r = await deployWithSignals(b, target, abortAt + 1, ['SIGINT']);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /too late to stop/);
    assert.doesNotMatch(r.output, /stopping before the switch/);
    assert.equal(await served(b.host), target);
    assert.equal((await statusOf(b)).release?.ref, target);
    assert.ok(await lockFree());
    report({ test: 'signals', case: 'ctrl-c after the stop point', faults: 1 });
  });

  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${sig} cleans up like Ctrl-C: lock released, the slot it started stopped`, async () => {
      const live = await served(b.host);
      const idle = (await statusOf(b)).live_slot === 'a' ? 'b' : 'a';
      const r = await deployWithSignals(b, await other(), abortAt, [sig]);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, new RegExp(`interrupted \\(${sig}\\)`));
      assert.equal(await served(b.host), live);
      assert.ok(await lockFree());
      assert.match(
        await b.host.run(`supervisorctl status demo-${idle} || true`),
        /STOPPED|EXITED/,
        'the slot it started is stopped again',
      );
      report({ test: 'signals', case: sig, faults: 1 });
    });
  }

  it('two Ctrl-C 50 ms apart at the switch quit at once; the next run finds one truth and repairs the rest', async () => {
    const target = await other();
    const r = await deployWithSignals(b, target, abortAt + 2, ['SIGINT', 'SIGINT']);
    assert.equal(r.code, 130, r.output);
    await new Promise((res) => setTimeout(res, 3500));
    const now = await served(b.host);
    assert.match(now, /^good-[ab]$/);
    const st = await statusOf(b);
    assert.equal(st.release?.ref, now, 'status names what nginx serves');
    assert.equal((await b.cli('demo', 'unlock', '--yes')).code, 0);
    const next = now === 'good-a' ? 'good-b' : 'good-a';
    const d = await b.cli('demo', 'deploy', '--yes', '--force', '--ref', next);
    assert.equal(d.code, 0, d.output);
    assert.equal(await served(b.host), next);
    const after = await statusOf(b);
    assert.equal(after.current, after.release?.name, 'current follows the live slot again');
    report({ test: 'signals', case: 'two ctrl-c at the switch', faults: 1 });
  });

  it('no request failed through all of it, and no data was lost', async () => {
    const stats = await load.stop();
    await checkData();
    report({
      test: 'signals',
      requests: stats.sent,
      failed: stats.sent - stats.ok,
      seconds: Math.round((performance.now() - started) / 1000),
    });
    assert.deepEqual(stats.failures, {}, `${stats.sent} requests`);
    assert.ok(stats.rate >= STEADY_RATE * 0.9, `rate ${stats.rate}`);
  });
});
