// Setup interrupted at each step, then run again: it completes, SECRET_KEY is created exactly
// once, the deploy key never changes.
//
// The points come from setup's own plan (a dry run of setupCommand, its steps seen through
// onIssue), not from hard-coded counts: before command 1 of every step, and before every
// further command of the steps that have several. At each, setup is SIGKILLed the moment the
// remote script pauses there (DEPLOY_PAUSE_AT, as killAt does for deploys).
//
// - On one fresh ready host, the points in order, each run getting one point further than the
//   last, with unlock between runs (setup takes the deploy lock), the deploy key authorised on
//   the git server as soon as it exists; then a full run, then a second one that changes nothing.
// - The start step's points after slots/a is linked cannot be reached that way (once the slot
//   is linked, the next run repairs `current` from it and treats the first release as live), so
//   each of them is cut once on a fresh host of its own, then setup runs to the end.
// - Points where a product bug shows (KNOWN_BUGS) are left out of the sequence and cut on a
//   fresh host of their own, as `todo` tests, until the bug is fixed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { stopAll, ensureImages, bootGitServer, bootHost, type GitServer, type Host } from '../testbed/index.ts';
import { BIN, cleanup, demoRepo, runCli, served, tempDir, writeSettings, type CliResult } from '../e2e/helpers.ts';
import { setupCommand } from '../../src/commands/setup.ts';
import { report, ROOT } from './helpers.ts';

const CONFIG = '/opt/django/configs/apps/demo.conf';
const KEY = '/opt/django/.ssh/id_ed25519';

/** Points where an interrupted setup does not recover today (see the final report of the suite). */
/** Points where a product bug shows (none known now): cut on a fresh host of their own, as `todo`. */
const KNOWN_BUGS: Record<string, string> = {};

interface PlannedStep {
  id: string;
  commands: string[];
}

/** setup's steps, in the order a run on a new server issues them (a dry run of the real plan). */
async function setupPlan(): Promise<PlannedStep[]> {
  const dir = tempDir();
  const file = writeSettings(dir, { repo: 'git@10.213.0.2:/srv/git/demo.git', hosts: [{ ip: '10.213.0.3' } as Host] });
  const steps: PlannedStep[] = [];
  // With --json the dry run prints on stderr only: keep it out of the test's output.
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await setupCommand({
      app: 'demo',
      config: file,
      yes: true,
      verbose: false,
      dryRun: true,
      json: true,
      dependencies: false,
      onIssue: (_h, st) => steps.push({ id: st.id, commands: st.commands.map((c) => String(c.run)) }),
    });
  } finally {
    process.stderr.write = write;
    cleanup(dir);
  }
  return steps;
}

const PLAN = await setupPlan();
/** Every point of the plan: before command 1 of each step, and before each further command. */
const ALL = PLAN.flatMap((st) => st.commands.map((_, i) => `${st.id}:${i + 1}`));
const START = PLAN.find((st) => st.id === 'start');
/** The command of the start step that points slots/a at the first release. */
const LINK = (START?.commands.findIndex((c) => c.includes(`deploy_link_slot ${ROOT}/slots a `)) ?? -2) + 1;
/** Start points past the link: each on a fresh host. */
const AFTER_LINK = START ? START.commands.slice(LINK).map((_, i) => `start:${LINK + i + 1}`) : [];
const SEQUENCE = ALL.filter((p) => !AFTER_LINK.includes(p) && !(p in KNOWN_BUGS));
const SINGLE = [...AFTER_LINK, ...Object.keys(KNOWN_BUGS).filter((p) => !AFTER_LINK.includes(p))];
/**
 * The sequence in three parts, each on a host of its own, at once: in one it took 30 minutes of a
 * loaded CI machine, the suite's longest file. A part's first run goes straight to its first point
 * (a fresh host: every earlier step runs whole), then the cuts pile up in order as before.
 */
const PARTS = 3;
const PART = Math.ceil(SEQUENCE.length / PARTS);
const SEQUENCE_PARTS = Array.from({ length: PARTS }, (_, i) => SEQUENCE.slice(i * PART, (i + 1) * PART)).filter(
  (p) => p.length,
);

/**
 * setup with DEPLOY_PAUSE_AT=point, SIGKILLed as soon as the remote script says it paused there
 * (as kill -9 at that moment would end it). A run that never gets there runs to its end.
 */
function killSetupAt(
  file: string,
  home: string,
  point: string,
): Promise<{ paused: boolean; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '-c', file, 'demo', 'setup', '--dependencies=no', '--yes'], {
      cwd: home,
      env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', DEPLOY_PAUSE_AT: point },
    });
    let output = '';
    let paused = false;
    const onData = (d: Buffer) => {
      output += d;
      if (!paused && /paused before/.test(output)) {
        paused = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ paused, code, output });
    });
  });
}

const secretKeyOf = async (host: Host) =>
  (await host.run(`sed -n 's/^secret_key[[:space:]]*=[[:space:]]*//p' ${CONFIG}`)).trim();
const fingerprintOf = async (host: Host) => (await host.run(`ssh-keygen -l -f ${KEY}.pub`)).trim();

/** What a setup that has nothing to do must leave exactly as it was. */
function serverState(host: Host): Promise<string> {
  return host.run(
    [
      `md5sum ${CONFIG} /etc/nginx/sites-available/demo /etc/supervisor/conf.d/demo-a.conf /etc/supervisor/conf.d/demo-b.conf ${ROOT}/gunicorn.conf.py ${KEY} ${KEY}.pub`,
      `stat -c "%n %a %U:%G %Y" ${CONFIG} /etc/nginx/sites-available/demo /etc/supervisor/conf.d/demo-a.conf ${ROOT}/gunicorn.conf.py`,
      `readlink ${ROOT}/current ${ROOT}/slots/a`,
      'supervisorctl pid demo-a',
      'ps -C nginx -o pid= | sort | tr -s " \\n" " "',
      `ls ${ROOT}/releases /opt/django/virtualenvs/demo`,
    ].join('; echo; '),
  );
}

/** One test host with its own settings and CLI home; the git server is shared. */
interface Target {
  host: Host;
  home: string;
  file: string;
  /** What the first run that made them left: the secret and the deploy key must never change. */
  secret?: string;
  fingerprint?: string;
  authorized: boolean;
}

// The timeout only catches a hang: CI runs this in about 20 min; with the suite and another
// end-to-end suite beside it on two cores, it took 40.
describe('setup interrupted at each step, then run again', { concurrency: 3, timeout: 70 * 60_000 }, () => {
  let git: GitServer;
  let url: string;
  const homes: string[] = [];
  let interruptions = 0;

  before(async () => {
    await ensureImages();
    git = await bootGitServer();
    url = await git.createRepo('demo');
    const repo = demoRepo('v1');
    await git.push('demo', repo);
    cleanup(repo);
  });
  after(async () => {
    report({ test: 'setup-interrupted', total_interruptions: interruptions });
    await stopAll();
    cleanup(...homes);
  });

  async function newTarget(): Promise<Target> {
    const host = await bootHost('ready');
    const home = tempDir();
    homes.push(home);
    return { host, home, file: writeSettings(home, { repo: url, hosts: [host] }), authorized: false };
  }

  const setup = (t: Target): Promise<CliResult> =>
    runCli(['-c', t.file, 'demo', 'setup', '--dependencies=no', '--yes'], { home: t.home });

  /** After each cut run: authorise the deploy key once it exists, record the secret and the key once, check they never change, unlock. */
  async function afterCut(t: Target, point: string): Promise<void> {
    if ((await t.host.exec(`test -f ${KEY}.pub`)).code === 0) {
      const fp = await fingerprintOf(t.host);
      if (!t.fingerprint) t.fingerprint = fp;
      assert.equal(fp, t.fingerprint, `after a kill at ${point} the deploy key is the first one`);
      if (!t.authorized) {
        await git.authorize(await t.host.run(`cat ${KEY}.pub`));
        t.authorized = true;
      }
    }
    if ((await t.host.exec(`test -f ${CONFIG}`)).code === 0) {
      const key = await secretKeyOf(t.host);
      if (t.secret === undefined) t.secret = key;
      assert.equal(key, t.secret, `after a kill at ${point} SECRET_KEY is the first one`);
    }
    const u = await runCli(['-c', t.file, 'demo', 'unlock', '--yes'], { home: t.home });
    assert.equal(u.code, 0, `unlock after a kill at ${point}:\n${u.output}`);
  }

  /** A full setup after the cuts: it completes and the app serves with the first secret and key. */
  async function completes(t: Target, what: string): Promise<void> {
    const last = await setup(t);
    assert.equal(last.code, 0, `setup after ${what}:\n${last.output}`);
    assert.equal(await served(t.host), 'v1', `after ${what} the site answers through nginx with the app`);
    // A part that ends before the config file (the first) records the secret its complete run made.
    t.secret ??= await secretKeyOf(t.host);
    assert.ok(t.secret && t.fingerprint, 'the secret and the deploy key were recorded');
    assert.equal(await secretKeyOf(t.host), t.secret, 'SECRET_KEY is the one made the first time');
    assert.equal(
      (await t.host.run(`grep -c '^secret_key' ${CONFIG}`)).trim(),
      '1',
      'the config file has exactly one secret_key line',
    );
    assert.equal(await fingerprintOf(t.host), t.fingerprint, 'the deploy key is the one made the first time');
    assert.match(await t.host.run('supervisorctl status demo-a'), /RUNNING/, 'supervisor runs the app');
  }

  it('the plan has the steps the sequence cuts', () => {
    const ids = PLAN.map((s) => s.id);
    for (const id of ['sudo', 'user', 'lock', 'deploy-key', 'config', 'nginx-config', 'start', 'verify'])
      assert.ok(ids.includes(id), `setup's plan has a ${id} step: ${ids.join(' ')}`);
    for (const id of ['user', 'nginx-config', 'start'])
      assert.ok(PLAN.find((s) => s.id === id)!.commands.length > 1, `${id} has several commands`);
    assert.ok(LINK > 0, 'the start step links slots/a');
    assert.deepEqual(SEQUENCE_PARTS.flat(), SEQUENCE, 'the parts cover the sequence');
  });

  for (const part of SEQUENCE_PARTS)
    it(`killed at every step and between the commands of each, in order, ${part[0]} to ${part.at(-1)}: completes, one SECRET_KEY, the same deploy key`, async () => {
      const t = await newTarget();
      const started = performance.now();
      const missed: string[] = [];
      for (const point of part) {
        let r = await killSetupAt(t.file, t.home, point);
        if (!r.paused && r.code === 3 && !t.authorized) {
          // A later part's first run meets the deploy-key gate: authorise the key, as the operator would.
          await afterCut(t, 'the deploy-key gate');
          r = await killSetupAt(t.file, t.home, point);
        }
        if (r.paused) interruptions++;
        else missed.push(`${point} (exit ${r.code}): ${r.output.split('\n').slice(-4).join(' | ')}`);
        await afterCut(t, point);
      }
      // The first part ends before the deploy key exists: its complete run meets the key gate first.
      if (!t.authorized) {
        const gate = await setup(t);
        assert.equal(gate.code, 3, `the first complete run stops at the deploy-key gate:\n${gate.output}`);
        await afterCut(t, 'the deploy-key gate');
      }
      const paused = part.length - missed.length;
      await completes(t, `${paused} interruptions`);
      const before = await serverState(t.host);
      const again = await setup(t);
      assert.equal(again.code, 0, again.output);
      // Taking the lock is the one thing every setup does.
      const done = again.stdout
        .split('\n')
        .filter((l) => /^✓ \S+ +.* done,/.test(l) && !/take the deploy lock/.test(l));
      assert.deepEqual(done, [], 'a second full setup reports every step already done');
      assert.equal(await serverState(t.host), before, 'a second full setup changes nothing');
      // Each cut run of the first release's steps exported it under a new name: what is left of them.
      const releases = (await t.host.run(`ls -1 ${ROOT}/releases`)).trim().split('\n');
      report({
        test: 'setup-interrupted',
        sequence: part.length,
        from: part[0],
        interruptions: paused,
        missed,
        releases_left: releases.length,
        seconds: Math.round((performance.now() - started) / 1000),
      });
      assert.deepEqual(missed, [], 'every point of the sequence was reached');
    });

  for (const point of SINGLE) {
    it(
      `killed at ${point} on a new server, then run again: completes, one SECRET_KEY, the same deploy key`,
      KNOWN_BUGS[point] ? { todo: KNOWN_BUGS[point] } : {},
      async () => {
        const t = await newTarget();
        let r = await killSetupAt(t.file, t.home, point);
        if (!r.paused && r.code === 3) {
          // The deploy-key gate: authorise the key, as the operator would, and go again.
          await afterCut(t, 'the deploy-key gate');
          r = await killSetupAt(t.file, t.home, point);
        }
        assert.ok(r.paused, `setup never reached ${point} (exit ${r.code}):\n${r.output}`);
        interruptions++;
        await afterCut(t, point);
        await completes(t, `a kill at ${point}`);
        report({ test: 'setup-interrupted', point, interruptions: 1, todo: !!KNOWN_BUGS[point] });
      },
    );
  }
});
