// The multi-host engine (src/fleet/) with scripted hosts instead of servers: lock
// contention, a switch that fails on the second of two hosts, Ctrl-C at each phase. No SSH:
// each case runs in milliseconds.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand } from '../../src/commands/deploy.ts';
import { rollbackCommand } from '../../src/commands/rollback.ts';
import { LockedError, RemoteCommandError, UsageError } from '../../src/errors.ts';
import { NO_REF_STATUS } from '../../src/steps/git.ts';
import { InterruptedError } from '../../src/interrupt.ts';
import { LOCK_COMMAND } from '../../src/steps/deploy.ts';
import { LOCKED_STATUS } from '../../src/steps/lock.ts';
import type { Executor } from '../../src/exec/executor.ts';
import type { Step, StepResult } from '../../src/plan.ts';
import type { HostSpec } from '../../src/settings/types.ts';
import type { Sh } from '../../src/shell.ts';

const dir = mkdtempSync(join(tmpdir(), 'deploy-engine-'));
const file = join(dir, 'settings.ini');
writeFileSync(file, '[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\ndeploy_hosts = ubuntu@10.0.0.1, ubuntu@10.0.0.2\n');
process.env.DEPLOY_LOG_DIR = join(dir, 'logs');

/** What a scripted host does for a step: fail it, wait for something first, or answer these values. */
interface Behaviour {
  fail?: { index: number; status: number; stderr?: string };
  before?: () => Promise<void>;
  values?: Record<string, string>;
}

const COMMIT = 'a'.repeat(40);
const DEFAULT_VALUES: Record<string, Record<string, string>> = {
  prepare: { resolved: `${COMMIT} branch main`, live_slot: 'a', live_release: '{"commit":"' + 'b'.repeat(40) + '"}\nchanged', repaired: '' },
  abandon: { live: 'live a 20261124T000000-bbbbbbbb' },
  abort: { decision: 'stopping' },
};

class ScriptedHost implements Executor {
  readonly dryRun = false;
  readonly roundTrips = 0;
  readonly steps: string[] = [];
  constructor(
    readonly host: HostSpec,
    private readonly script: (stepId: string) => Behaviour,
  ) {}
  async run(step: Step): Promise<StepResult> {
    this.steps.push(step.id);
    const b = this.script(step.id);
    await b.before?.();
    if (b.fail) throw new RemoteCommandError(this.host.label, step.title, `command ${b.fail.index}`, b.fail.status, b.fail.stderr ?? '', b.fail.index);
    return { step, host: this.host.label, status: 'changed', durationMs: 1, stdout: '', commands: [], values: { ...DEFAULT_VALUES[step.id], ...b.values } };
  }
  async attach(_c: Sh): Promise<number> {
    return 0;
  }
  async capture(): Promise<{ code: number; stdout: string; stderr: string }> {
    return { code: 0, stdout: '', stderr: '' };
  }
  async close(): Promise<void> {}
}

let hosts: Record<string, ScriptedHost>;
let messages: string;
const captureStderr = () => {
  const write = process.stderr.write.bind(process.stderr);
  messages = '';
  process.stderr.write = ((chunk: string) => ((messages += chunk), true)) as typeof process.stderr.write;
  return () => (process.stderr.write = write);
};

/** Runs `deploy` on the two scripted hosts; script(host, step) says what each does. */
async function deploy(script: (host: string, stepId: string) => Behaviour): Promise<unknown> {
  hosts = {};
  const restore = captureStderr();
  try {
    await deployCommand({
      app: 'demo',
      config: file,
      yes: true,
      verbose: false,
      dryRun: false,
      json: true,
      force: false,
      openExecutor: async (h) => (hosts[h.host] = new ScriptedHost(h, (id) => script(h.host, id))),
    });
    return undefined;
  } catch (e) {
    return e;
  } finally {
    restore();
  }
}

beforeEach(() => {
  hosts = {};
});

test('all goes well: every phase on every host, the switch last', async () => {
  const err = await deploy(() => ({}));
  assert.equal(err, undefined);
  for (const h of ['10.0.0.1', '10.0.0.2']) assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'start', 'switch']);
});

test('lock contention: exit 4; only the host whose lock this run took is cleaned up', async () => {
  const err = await deploy((host, id) =>
    host === '10.0.0.2' && id === 'prepare' ? { fail: { index: LOCK_COMMAND, status: LOCKED_STATUS, stderr: 'locked: {"by":"ci@runner","pid":42,"since":"2026-11-24T10:00:00.000Z","what":"deploy main"}' } } : {},
  );
  assert.ok(err instanceof LockedError, String(err));
  assert.match((err as Error).message, /locked by ci@runner \(pid 42\) since 2026-11-24 10:00:00 UTC: deploy main/);
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare', 'abandon'], 'the lock it took is released');
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare'], "the winner's lock and decision file are left alone");
});

test('a failure after the lock was taken (fetch) still cleans up that host', async () => {
  const err = await deploy((host, id) => (host === '10.0.0.2' && id === 'prepare' ? { fail: { index: LOCK_COMMAND + 3, status: 128, stderr: 'fatal: could not read from remote' } } : {}));
  assert.ok(err instanceof RemoteCommandError);
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare', 'abandon']);
});

test('a ref that does not exist, found under the lock: bad usage (exit 2), every host cleaned up, nothing built', async () => {
  const err = await deploy((_host, id) => (id === 'prepare' ? { fail: { index: LOCK_COMMAND + 4, status: NO_REF_STATUS, stderr: 'no branch, tag or commit named nope in git@example.com:me/demo.git' } } : {}));
  assert.ok(err instanceof UsageError, String(err));
  assert.equal(err.exitCode, 2);
  assert.match(err.message, /^ubuntu@10\.0\.0\.\d: no branch, tag or commit named nope in git@example\.com:me\/demo\.git$/);
  for (const h of ['10.0.0.1', '10.0.0.2']) assert.deepEqual(hosts[h].steps, ['prepare', 'abandon'], 'the lock is given back');
});

test('rollback to a release one host does not have: bad usage (exit 2), as a name no host has; locks given back', async () => {
  const line = (name: string) => `${name}\tbuilt\t{"ref":"main","commit":"${'c'.repeat(40)}"}`;
  const releases: Record<string, string> = { '10.0.0.1': [line('20261124T000002-cccccccc'), line('20261124T000001-bbbbbbbb')].join('\n'), '10.0.0.2': line('20261124T000002-cccccccc') };
  const run = async (target: string) => {
    hosts = {};
    const restore = captureStderr();
    try {
      await rollbackCommand({ app: 'demo', config: file, yes: true, verbose: false, dryRun: false, json: true, target, openExecutor: async (h) => (hosts[h.host] = new ScriptedHost(h, (id) => (id === 'inspect' ? { values: { releases: releases[h.host], live_release: '20261124T000002-cccccccc', live_slot: 'a' } } : {}))) });
      return undefined;
    } catch (e) {
      return e;
    } finally {
      restore();
    }
  };
  for (const target of ['20261124T000001', 'no-such-release']) {
    const err = await run(target);
    assert.ok(err instanceof UsageError, String(err));
    assert.equal(err.exitCode, 2);
    for (const h of ['10.0.0.1', '10.0.0.2']) assert.deepEqual(hosts[h].steps, ['inspect', 'abandon']);
  }
});

test('a host not set up (fails before the lock): no clean-up there, no claim it kept serving', async () => {
  const err = await deploy((host, id) => (host === '10.0.0.2' && id === 'prepare' ? { fail: { index: 1, status: 1, stderr: 'demo is not set up on this server' } } : {}));
  assert.ok(err instanceof RemoteCommandError);
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare']);
  assert.doesNotMatch(messages, /10\.0\.0\.2: .*kept serving/);
});

test('the new release fails on the second host: no host switches', async () => {
  const err = await deploy((host, id) => (host === '10.0.0.2' && id === 'start' ? { fail: { index: 9, status: 1, stderr: 'health check failed' } } : {}));
  assert.ok(err instanceof RemoteCommandError);
  for (const h of ['10.0.0.1', '10.0.0.2']) assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'start', 'abandon']);
  assert.match(messages, /10\.0\.0\.1: 20261124T000000-bbbbbbbb kept serving/);
});

test('the switch fails on the second host after the first switched: each host says what it serves', async () => {
  const err = await deploy((host, id) => {
    if (host === '10.0.0.2' && id === 'switch') return { fail: { index: 2, status: 1, stderr: 'disk full' } };
    if (host === '10.0.0.2' && id === 'abandon') return { values: { live: 'live a 20261124T000000-bbbbbbbb' } };
    return {};
  });
  assert.ok(err instanceof RemoteCommandError);
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare', 'build', 'start', 'switch']);
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare', 'build', 'start', 'switch', 'abandon']);
  assert.match(messages, /ubuntu@10\.0\.0\.1: \S+ is live \(it switched before the failure\)/);
  assert.match(messages, /ubuntu@10\.0\.0\.2: 20261124T000000-bbbbbbbb kept serving/);
});

for (const phase of ['prepare', 'build', 'start'] as const) {
  test(`Ctrl-C during ${phase}: stops before the switch, cleans up every host`, async () => {
    let signalled = false;
    const err = await deploy((host, id) => ({
      before: async () => {
        if (id === phase && host === '10.0.0.1' && !signalled) {
          signalled = true;
          process.emit('SIGINT', 'SIGINT');
        }
      },
    }));
    assert.ok(err instanceof InterruptedError, String(err));
    for (const h of ['10.0.0.1', '10.0.0.2']) {
      assert.ok(!hosts[h].steps.includes('switch'), `${h}: ${hosts[h].steps}`);
      assert.equal(hosts[h].steps.at(-1), 'abandon');
    }
    assert.match(messages, /asking the hosts to stop before traffic switches/);
  });
}

test('Ctrl-C during the switch of several hosts: too late, every host switches, and it says so', async () => {
  let signalled = false;
  const err = await deploy((host, id) => ({
    before: async () => {
      if (id === 'switch' && host === '10.0.0.1' && !signalled) {
        signalled = true;
        process.emit('SIGINT', 'SIGINT');
      }
    },
  }));
  assert.equal(err, undefined);
  for (const h of ['10.0.0.1', '10.0.0.2']) assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'start', 'switch']);
  assert.match(messages, /too late to stop: traffic is switching on every host/);
  assert.doesNotMatch(messages, /stopping before the switch/);
});
