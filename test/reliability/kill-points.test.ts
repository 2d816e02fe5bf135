// SIGKILL at every point between two commands of a deploy and of a rollback's inspect step, and
// at every third of a rollback's start and switch (the deploy's own commands; the plans' command
// lists give the points), under a steady load. After each kill: the site answers with
// a release, `status` names the release nginx really serves, and `unlock` works. A new deploy
// then works: the next point's run starts from what this kill left and goes past this point
// (points are taken in order), and a complete deploy follows every third point and a step's
// first and last (after all 91, it doubled the suite's longest file). After a step's first
// point, a new release that fails its health check is tried first. Not one request may fail.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { stopAll } from '../testbed/index.ts';
import { loadSettings } from '../../src/settings/load.ts';
import * as D from '../../src/steps/deploy.ts';
import { STEADY_RATE, controlPeriod, startLoad } from '../e2e/load.ts';
import { served } from '../e2e/helpers.ts';
import { bench, killAt, report, snapshotData, statusOf, type Bench } from './helpers.ts';

const WORKERS = Number(process.env.DEPLOY_RELIABILITY_WORKERS ?? 3);

/** Every point of a plan: before command 1..n of each of its steps. */
function points(steps: { id: string; commands: unknown[] }[]): string[] {
  return steps.flatMap((st) => st.commands.map((_, i) => `${st.id}:${i + 1}`));
}

function plannedPoints(file: string): { deploy: string[]; rollback: string[] } {
  const s = loadSettings({ app: 'demo', file });
  const lock = { by: 'x', pid: 1, since: '', what: '', token: 't' };
  const g = { release: 'r', slot: 'b' as const, token: 't', log: {} };
  return {
    deploy: points([
      D.prepare(s, lock, 'good-a'),
      D.build(s, { name: 'r', commit: 'c', ref: 'good-a' }),
      D.startAndSwitch(s, { ...g, prune: true, kind: 'deploy', processes: false, primary: true }),
    ]),
    // A rollback's start and switch are the deploy's commands (the same functions, in the same
    // order, without the prune): every point of its inspect step, and of that one every third
    // point and the last.
    rollback: [
      ...points([D.inspect(s, lock)]),
      ...points([
        D.startAndSwitch(s, { ...g, prune: false, kind: 'rollback', processes: false, primary: true }),
      ]).filter((p, i, all) => i % 3 === 0 || i === all.length - 1),
    ],
  };
}

interface Outcome {
  point: string;
  command: string;
  paused: boolean;
  after: string;
}

/** One kill at `point`, then the checks and the recovery the issue asks for (`complete`: a whole deploy after it). */
async function killAndRecover(
  b: Bench,
  command: 'deploy' | 'rollback',
  point: string,
  complete: boolean,
): Promise<Outcome> {
  const firstOfStep = point.endsWith(':1');
  const before = await served(b.host);
  const other = before === 'good-a' ? 'good-b' : 'good-a';
  const args =
    command === 'deploy' ? ['demo', 'deploy', '--yes', '--force', '--ref', other] : ['demo', 'rollback', '--yes'];
  const { paused, output } = await killAt(b, point, ...args);
  assert.ok(paused, `${command} never reached ${point}:\n${output}`);
  await new Promise((r) => setTimeout(r, 300));
  // The site answers with a release, and status names the one nginx really serves.
  const now = await served(b.host);
  assert.match(now, /^good-[ab]$/, `after a kill at ${point} the site shows ${now}`);
  const st = await statusOf(b);
  assert.equal(
    st.release?.ref,
    now,
    `${point}: status says ${st.release?.ref} (slot ${st.live_slot}) while nginx serves ${now}`,
  );
  // unlock, then (at a step's first point) a release that cannot start fails cleanly, then a good one goes live.
  const u = await b.cli('demo', 'unlock', '--yes');
  assert.equal(u.code, 0, u.output);
  if (firstOfStep) {
    const bad = await b.cli('demo', 'deploy', '--yes', '--force', '--ref', 'broken');
    assert.equal(bad.code, 1, bad.output);
    assert.match(bad.stderr, /health check failed/);
    assert.equal(await served(b.host), now, `${point}: the failed deploy left ${now} serving`);
  }
  if (complete) {
    const next = now === 'good-a' ? 'good-b' : 'good-a';
    const good = await b.cli('demo', 'deploy', '--yes', '--force', '--ref', next);
    assert.equal(good.code, 0, good.output);
    assert.equal(await served(b.host), next);
  }
  return { point, command, paused, after: now };
}

// The timeout only catches a hang: CI runs this in about 20 min; with the suite and another
// end-to-end suite beside it on two cores, it took 40.
describe('SIGKILL at every step boundary of deploy and rollback', { timeout: 70 * 60_000 }, () => {
  after(stopAll);

  it('the site keeps serving, status tells the truth, unlock and a new deploy work, no request fails, no data is lost', async () => {
    const benches = await Promise.all(Array.from({ length: WORKERS }, () => bench()));
    const { deploy, rollback } = plannedPoints(benches[0].file);
    // Each worker takes every WORKERS-th point, in order: its next run goes past the point before.
    const all = [...deploy.map((p) => ['deploy', p] as const), ...rollback.map((p) => ['rollback', p] as const)];
    const isLast = (p: string, i: number) => {
      const next = all[i + 1]?.[1];
      return !next || next.split(':')[0] !== p.split(':')[0] || next.endsWith(':1');
    };
    const jobs = all.map(([cmd, p], i) => ({
      cmd,
      p,
      // Every third of each worker's points.
      complete: Math.floor(i / WORKERS) % 3 === 0 || p.endsWith(':1') || isLast(p, i),
    }));
    const started = performance.now();
    const outcomes: Outcome[] = [];
    const results = await Promise.all(
      benches.map(async (b, w) => {
        const checkData = await snapshotData(b.host);
        // Half the steady rate on each of three hosts: thousands of requests across the kills, at
        // a cost the two-core machine running the rest of the suite can carry.
        // The page without its write (a load on SQLite judges SQLite), first with no deploy running.
        await controlPeriod(b.host.ip, '/version', STEADY_RATE / 2);
        const load = startLoad(b.host.ip, '/version', STEADY_RATE / 2, 3600);
        const mine = jobs.filter((_, i) => i % benches.length === w);
        // A kill point that fails stops this worker; its error is thrown once the load is stopped.
        const failure = await (async () => {
          for (const job of mine) outcomes.push(await killAndRecover(b, job.cmd, job.p, job.complete));
        })().then(
          () => undefined,
          (e: unknown) => e,
        );
        const stats = await load.stop();
        await checkData();
        if (failure) throw failure;
        return stats;
      }),
    );
    const sent = results.reduce((n, s) => n + s.sent, 0);
    const failures = results.flatMap((s) => Object.entries(s.failures));
    report({
      test: 'kill-points',
      faults: outcomes.length,
      deploy_points: deploy.length,
      rollback_points: rollback.length,
      complete_deploys: jobs.filter((j) => j.complete).length,
      requests: sent,
      failed: failures.reduce((n, [, c]) => n + c, 0),
      slowest_ms: Math.max(...results.map((s) => s.maxMs)),
      over_5s: results.reduce((n, s) => n + s.slow, 0),
      data_lost: 0,
      seconds: Math.round((performance.now() - started) / 1000),
    });
    assert.equal(outcomes.length, deploy.length + rollback.length);
    assert.deepEqual(failures, [], `failed requests: ${JSON.stringify(failures)} of ${sent}`);
    for (const s of results) assert.ok(s.rate >= (STEADY_RATE / 2) * 0.9, `load rate ${s.rate.toFixed(1)}/s`);
  });
});
