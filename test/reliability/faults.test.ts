// Faults of the machine rather than of the operator, each on its own host (concurrently), with
// the data checked before and after and a steady load through nginx wherever the fault leaves
// the server up:
// - SSH cut in the middle of a step (DEPLOY_PAUSE_AT=STEP:N:6 pauses there 6 s): for 3 s, then
//   for good (the CLI SIGKILLed while SSH is blocked);
// - a power cut mid-deploy: mid-build, right before the commit point, right after it;
// - the releases filesystem full during the build.
// After each: the site answers with a release, status names what nginx serves, and unlock (if
// needed) and a new deploy succeed. Not one request may fail while the server is up.
// A `todo` test holds what the power cuts showed that should not happen (a product bug):
// after a reboot, the idle slot's release answers until the live slot is up.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { stopAll, ensureImages, bootGitServer, bootHost, type Host } from '../testbed/index.ts';
import {
  BIN,
  commitVersion,
  demoRepo,
  runCli,
  served,
  setupThroughKeyGate,
  tempDir,
  writeSettings,
} from '../e2e/helpers.ts';
import { STEADY_RATE, startLoad, type LoadStats } from '../e2e/load.ts';
import { loadSettings } from '../../src/settings/load.ts';
import * as D from '../../src/steps/deploy.ts';
import { abortPoint, commitSwitch } from '../../src/steps/switch.ts';
import { bench, ROOT, report, sleep, snapshotData, statusOf, type Bench } from './helpers.ts';

const RATE = STEADY_RATE;

/** The points of the deploy plan the faults strike at, from the plan itself. */
function deployPoints(file: string): { midBuild: string; beforeCommit: string; afterCommit: string } {
  const s = loadSettings({ app: 'demo', file });
  const build = D.build(s, { name: 'r', commit: 'c', ref: 'good-a' }).commands;
  const cmds = D.startAndSwitch(s, {
    release: 'r',
    slot: 'b',
    token: 't',
    log: {},
    prune: true,
    kind: 'deploy',
    processes: false,
    primary: true,
  }).commands;
  const abort = cmds.findIndex((c) => String(c.run) === String(abortPoint(s, 't').run)) + 1;
  assert.ok(abort > 0, 'start+switch has an abort point');
  const commit = abort + 1;
  assert.equal(
    String(cmds[commit - 1].run),
    String(commitSwitch(s, 'b').run),
    'the command after the abort point is the commit',
  );
  return {
    midBuild: `build:${Math.ceil(build.length / 2)}`,
    beforeCommit: `start+switch:${commit}`,
    afterCommit: `start+switch:${commit + 1}`,
  };
}

interface PausedRun {
  paused: boolean;
  /** The CLI was still running at the deadline (then SIGKILLed). */
  hung: boolean;
  code: number | null;
  output: string;
  seconds: number;
}

/**
 * Runs the CLI with DEPLOY_PAUSE_AT=point; when the remote script says it paused there, runs
 * fault(child) (the CLI keeps running unless fault kills it). Resolves once the CLI has exited
 * and fault is done; a CLI still running after deadlineS is killed and reported as hung.
 */
function runPaused(
  b: Bench,
  point: string,
  args: string[],
  fault: (child: ChildProcess) => Promise<void>,
  deadlineS = 180,
): Promise<PausedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, '-c', b.file, ...args], {
      cwd: b.home,
      env: { PATH: process.env.PATH ?? '', HOME: b.home, NO_COLOR: '1', DEPLOY_PAUSE_AT: point },
    });
    let output = '';
    let paused = false;
    let hung = false;
    let faultDone: Promise<unknown> = Promise.resolve();
    const onData = (d: Buffer) => {
      output += d;
      if (!paused && /paused before/.test(output)) {
        paused = true;
        faultDone = fault(child).then(
          () => undefined,
          (e: unknown) => e,
        );
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, deadlineS * 1000);
    child.on('error', reject);
    child.on('close', async (code) => {
      const seconds = (performance.now() - started) / 1000;
      clearTimeout(timer);
      const err = await faultDone;
      if (err) return reject(err);
      resolve({ paused, hung, code, output, seconds });
    });
  });
}

const other = (version: string) => (version === 'good-a' ? 'good-b' : 'good-a');
const deployArgs = (ref: string) => ['demo', 'deploy', '--yes', '--force', '--ref', ref];

/**
 * After a reboot nginx and gunicorn need a moment: samples what the site serves every 25 ms until
 * it is `expected` (up to `seconds`); returns the last answer and every release seen meanwhile.
 */
async function untilServes(host: Host, expected: string, seconds = 20): Promise<{ now: string; seen: string[] }> {
  const until = performance.now() + seconds * 1000;
  const seen = new Set<string>();
  let now = await served(host);
  for (;;) {
    if (/^good-[ab]$/.test(now)) seen.add(now);
    if (now === expected || performance.now() > until) return { now, seen: [...seen] };
    await sleep(25);
    now = await served(host);
  }
}

/** After a fault: the site serves a release, status names it, unlock works, a new deploy goes live. */
async function recover(b: Bench, what: string, expected?: string): Promise<string> {
  const now = await served(b.host);
  assert.match(now, /^good-[ab]$/, `${what}: the site shows ${now}`);
  if (expected) assert.equal(now, expected, `${what}: the site serves ${expected}`);
  const st = await statusOf(b);
  assert.equal(
    st.release?.ref,
    now,
    `${what}: status says ${st.release?.ref} (slot ${st.live_slot}) while nginx serves ${now}`,
  );
  const u = await b.cli('demo', 'unlock', '--yes');
  assert.equal(u.code, 0, `${what}: unlock:\n${u.output}`);
  const next = other(now);
  const d = await b.cli(...deployArgs(next));
  assert.equal(d.code, 0, `${what}: the next deploy:\n${d.output}`);
  assert.equal(await served(b.host), next, `${what}: the next deploy is live`);
  return next;
}

function failures(stats: LoadStats): number {
  return Object.values(stats.failures).reduce((n, c) => n + c, 0);
}

/** Runs the data check; returns 1 (data lost) and the error instead of throwing, so the figures get reported first. */
async function dataLost(check: () => Promise<void>): Promise<[number, unknown]> {
  try {
    await check();
    return [0, undefined];
  } catch (e) {
    return [1, e];
  }
}

/**
 * bench(), but with `beforeSetup` run on the fresh host before `setup` (which a fault such as a
 * small filesystem must precede): git server, demo repo with the good-a/good-b tags, setup, good-a live.
 */
async function freshBench(beforeSetup: (host: Host) => Promise<void>): Promise<Bench> {
  await ensureImages();
  const [git, host] = await Promise.all([bootGitServer(), bootHost('ready')]);
  const url = await git.createRepo('demo');
  const repo = demoRepo('v1');
  const tag = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: repo, stdio: 'pipe' });
  commitVersion(repo, 'good-a');
  tag('tag', 'good-a');
  commitVersion(repo, 'good-b');
  tag('tag', 'good-b');
  await git.push('demo', repo);
  const home = tempDir();
  const file = writeSettings(home, { repo: url, hosts: [host], extra: 'health_timeout = 40\nkeep_releases = 4\n' });
  await beforeSetup(host);
  const { second } = await setupThroughKeyGate(
    git,
    host,
    ['demo', 'setup', '--dependencies=no', '--yes', '-c', file],
    home,
  );
  assert.equal(second.code, 0, `setup:\n${second.output}`);
  const cli = (...args: string[]) => runCli(['-c', file, ...args], { home });
  const first = await cli(...deployArgs('good-a'));
  assert.equal(first.code, 0, first.output);
  return { git, host, repo, home, file, cli };
}

describe('faults: SSH cut, power cut, full disk', { concurrency: true, timeout: 30 * 60_000 }, () => {
  after(stopAll);
  // What the power-cut test saw served after each reboot other than the committed release.
  let idleSeen: (seen: string[]) => void = () => undefined;
  const idleServed = new Promise<string[]>((resolve) => (idleSeen = resolve));

  it('SSH cut mid-step: for 3 s, then for good; the site serves throughout, the next deploy works', async () => {
    const b = await bench();
    const { midBuild } = deployPoints(b.file);
    const checkData = await snapshotData(b.host);
    const load = startLoad(b.host.ip, '/', RATE, 3600);
    const runs: PausedRun[] = [];
    let stats: LoadStats | undefined;
    try {
      // 1. A 6-s pause mid-build, SSH blocked for 3 s of it: the connection stalls, then resumes.
      const before = await served(b.host);
      const cut = await runPaused(b, `${midBuild}:6`, deployArgs(other(before)), async () => {
        await b.host.blockSsh(true);
        await sleep(3000);
        await b.host.blockSsh(false);
      });
      runs.push(cut);
      assert.ok(cut.paused, `the deploy never reached ${midBuild}:\n${cut.output}`);
      assert.ok(!cut.hung, `the deploy hung after a 3-s SSH cut:\n${cut.output}`);
      if (cut.code === 0) {
        assert.equal(await served(b.host), other(before), `the deploy succeeded, its release is live:\n${cut.output}`);
      } else {
        // Failing cleanly: one error naming the step, the old release still live, the lock released.
        assert.equal(cut.code, 1, cut.output);
        assert.match(cut.output, /build/);
        assert.equal(await served(b.host), before, `a failed deploy leaves ${before} serving:\n${cut.output}`);
        assert.equal((await statusOf(b)).lock, null, `a cleanly failed deploy releases the lock:\n${cut.output}`);
      }
      await recover(b, 'after a 3-s SSH cut');

      // 2. Cut for good: SSH blocked during the pause and the CLI killed meanwhile, then SSH back.
      const before2 = await served(b.host);
      const dead = await runPaused(b, midBuild, deployArgs(other(before2)), async (child) => {
        await b.host.blockSsh(true);
        await sleep(1000);
        child.kill('SIGKILL');
        await sleep(2000);
        await b.host.blockSsh(false);
      });
      runs.push(dead);
      assert.ok(dead.paused, `the deploy never reached ${midBuild}:\n${dead.output}`);
      assert.equal(await served(b.host), before2, 'the old release keeps serving after a run killed mid-build');
      await recover(b, 'after a run killed while SSH was cut', before2);
    } finally {
      stats = await load.stop();
      const [lost, err] = await dataLost(checkData);
      report({
        test: 'faults',
        fault: 'ssh-cut',
        faults: 2,
        requests: stats.sent,
        failed: failures(stats),
        data_lost: lost,
        rate: Math.round(stats.rate * 10) / 10,
        cli_exit: runs.map((r) => r.code),
        cli_seconds: runs.map((r) => Math.round(r.seconds)),
      });
      if (err) throw err;
    }
    assert.deepEqual(stats.failures, {}, `failed requests of ${stats.sent}`);
    assert.ok(stats.rate >= RATE * 0.9, `load rate ${stats.rate.toFixed(1)}/s`);
  });

  it('power cut mid-build, before and after the commit point: the site comes back with a release, the next deploy works under load', async () => {
    const idle: string[] = [];
    try {
      await powerCuts(idle);
    } finally {
      idleSeen(idle);
    }
  });

  async function powerCuts(idle: string[]): Promise<void> {
    const b = await bench();
    const { midBuild, beforeCommit, afterCommit } = deployPoints(b.file);
    const checkData = await snapshotData(b.host);
    const total: LoadStats = {
      sent: 0,
      ok: 0,
      failures: {},
      durationS: 0,
      rate: 0,
      bodies: new Set(),
      maxMs: 0,
      slow: 0,
      held: 0,
    };
    const exits: (number | null)[] = [];
    try {
      for (const [point, switched] of [
        [midBuild, false],
        [beforeCommit, false],
        [afterCommit, true],
      ] as const) {
        const before = await served(b.host);
        const target = other(before);
        const r = await runPaused(b, point, deployArgs(target), () => b.host.reboot({ hard: true }), 90);
        exits.push(r.code);
        assert.ok(r.paused, `the deploy never reached ${point}:\n${r.output}`);
        assert.ok(!r.hung, `the CLI hung after a power cut at ${point}:\n${r.output}`);
        assert.notEqual(r.code, 0, `a deploy cut by a power cut at ${point} reports a failure:\n${r.output}`);
        // The commit point decides which release the host serves once it is back.
        const expected = switched ? target : before;
        const { now, seen } = await untilServes(b.host, expected);
        assert.equal(now, expected, `after a power cut at ${point} the site shows ${now}`);
        idle.push(...seen.filter((v) => v !== expected).map((v) => `${point}: ${v}`));
        const st = await statusOf(b);
        assert.equal(
          st.release?.ref,
          now,
          `${point}: status says ${st.release?.ref} (slot ${st.live_slot}) while nginx serves ${now}`,
        );
        const u = await b.cli('demo', 'unlock', '--yes');
        assert.equal(u.code, 0, `${point}: unlock:\n${u.output}`);
        const load = startLoad(b.host.ip, '/', RATE, 600);
        const d = await b.cli(...deployArgs(other(now)));
        const stats = await load.stop();
        total.sent += stats.sent;
        for (const [k, n] of Object.entries(stats.failures)) total.failures[k] = (total.failures[k] ?? 0) + n;
        assert.equal(d.code, 0, `${point}: the deploy after the reboot:\n${d.output}`);
        assert.equal(await served(b.host), other(now));
        assert.deepEqual(
          stats.failures,
          {},
          `${point}: failed requests during the deploy after the reboot, of ${stats.sent}`,
        );
        assert.ok(stats.rate >= RATE * 0.9, `load rate ${stats.rate.toFixed(1)}/s`);
      }
    } finally {
      const [lost, err] = await dataLost(checkData);
      report({
        test: 'faults',
        fault: 'power-cut',
        faults: exits.length,
        requests: total.sent,
        failed: failures(total),
        data_lost: lost,
        cli_exit: exits,
        idle_slot_served: idle,
      });
      if (err) throw err;
    }
  }

  it('after a power cut only the committed release answers, never the idle slot', async () => {
    assert.deepEqual(await idleServed, [], 'releases served after a reboot that were not the committed one');
  });

  it('disk full during the build: a clear error, the old release keeps serving, nothing half-built is marked built', async () => {
    const RELEASES = `${ROOT}/releases`;
    // setup refuses a home that root made and filled (the mount point's parents), so the app user
    // comes first, as an operator preparing a separate disk for releases would make it.
    const b = await freshBench(async (host) => {
      await host.run(
        'useradd --system --user-group --home-dir /opt/django --create-home --shell /usr/sbin/nologin django',
      );
      await host.smallFs(RELEASES, 4096, 'root:root');
    });
    assert.equal(
      (await b.host.run(`stat -c %U:%G ${RELEASES}`)).trim(),
      'django:django',
      'setup gave the releases filesystem to the app user',
    );
    const checkData = await snapshotData(b.host);
    const load = startLoad(b.host.ip, '/', RATE, 3600);
    let stats: LoadStats | undefined;
    let error = '';
    let halfWritten: string[] = [];
    try {
      const before = await statusOf(b);
      assert.equal(await served(b.host), 'good-a');
      // Leave only a few KB free.
      const avail = Number((await b.host.run(`df -k --output=avail ${RELEASES} | tail -n 1`)).trim());
      await b.host.run(`dd if=/dev/zero of=${RELEASES}/.filler bs=1024 count=${avail - 8} status=none || true`);
      assert.ok(
        Number((await b.host.run(`df -k --output=avail ${RELEASES} | tail -n 1`)).trim()) <= 16,
        'the releases filesystem is full',
      );

      const full = await b.cli(...deployArgs('good-b'));
      assert.equal(full.code, 1, full.output);
      const said = /error: .*/.exec(full.stderr)?.[0] ?? '';
      error = [
        said,
        ...full.stderr
          .split('\n')
          .filter((l) => /no space left/i.test(l))
          .slice(0, 2),
      ].join(' | ');
      assert.match(full.stderr, /no space left on device/i, 'the error says the disk is full');
      assert.match(said, /build/, 'the error names the build step');
      assert.equal(await served(b.host), 'good-a', 'the old release keeps serving');
      const after = await statusOf(b);
      assert.equal(after.live_slot, before.live_slot, 'the live slot is unchanged');
      assert.equal(after.current, before.current, '`current` is unchanged');
      assert.equal(after.lock, null, 'the lock is released');
      const rel = await b.cli('demo', 'releases', '--json');
      assert.equal(rel.code, 0, rel.output);
      const listed: { name: string; state: string; ref?: string }[] = JSON.parse(rel.stdout).hosts[
        `ubuntu@${b.host.ip}`
      ].releases;
      const half = listed.filter((r) => r.ref === 'good-b' || !['built', 'failed'].includes(r.state));
      halfWritten = half.map((r) => `${r.name} ${r.state}`);
      for (const r of half)
        assert.equal(r.state, 'failed', `the half-written release ${r.name} is ${r.state}: ${JSON.stringify(listed)}`);

      await b.host.run(`rm -f ${RELEASES}/.filler`);
      const ok = await b.cli(...deployArgs('good-b'));
      assert.equal(ok.code, 0, ok.output);
      assert.equal(await served(b.host), 'good-b');
    } finally {
      stats = await load.stop();
      const [lost, err] = await dataLost(checkData);
      report({
        test: 'faults',
        fault: 'disk-full',
        faults: 1,
        requests: stats.sent,
        failed: failures(stats),
        data_lost: lost,
        rate: Math.round(stats.rate * 10) / 10,
        error,
        half_written: halfWritten,
      });
      if (err) throw err;
    }
    assert.deepEqual(stats.failures, {}, `failed requests of ${stats.sent}`);
    assert.ok(stats.rate >= RATE * 0.9, `load rate ${stats.rate.toFixed(1)}/s`);
  });
});
