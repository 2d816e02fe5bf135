// The multi-host engine (src/fleet/) with scripted hosts instead of servers: lock
// contention, a switch that fails on the second of two hosts, Ctrl-C at each phase, --hosts
// runs that lock the primary, the summary table, a failing after_switch hook. No SSH: each
// case runs in milliseconds.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand, type DeployOptions } from '../../src/commands/deploy.ts';
import { rollbackCommand } from '../../src/commands/rollback.ts';
import { LockedError, RemoteCommandError, UsageError } from '../../src/errors.ts';
import { NO_REF_STATUS } from '../../src/steps/git.ts';
import { InterruptedError } from '../../src/interrupt.ts';
import { LOCK_COMMAND } from '../../src/steps/deploy.ts';
import { LOCKED_STATUS } from '../../src/steps/lock.ts';
import { currentReporter } from '../../src/ui/output.ts';
import { HOOK_FAILED_STATUS, HookFailedError } from '../../src/fleet/golive.ts';
import { ScriptedHost, type Behaviour } from '../support/scripted-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'deploy-engine-'));
const file = join(dir, 'settings.ini');
writeFileSync(
  file,
  '[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\ndeploy_hosts = ubuntu@10.0.0.1, ubuntu@10.0.0.2\n',
);
process.env.DEPLOY_LOG_DIR = join(dir, 'logs');

let hosts: Record<string, ScriptedHost>;
let messages: string;
const captureStderr = () => {
  const write = process.stderr.write.bind(process.stderr);
  messages = '';
  process.stderr.write = ((chunk: string) => ((messages += chunk), true)) as typeof process.stderr.write;
  return () => (process.stderr.write = write);
};

/** Runs `deploy` on the two scripted hosts; script(host, step) says what each does. */
async function deploy(
  script: (host: string, stepId: string) => Behaviour,
  extra: Partial<DeployOptions> = {},
): Promise<unknown> {
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
      ...extra,
    });
    return undefined;
  } catch (e) {
    return e;
  } finally {
    restore();
  }
}

/** A settings file of its own (roles, hooks, processes...): its path. */
function settings(name: string, text: string): string {
  const path = join(dir, `${name}.ini`);
  writeFileSync(path, `[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\n${text}`);
  return path;
}

/** What the summary table and --json say of a host: [release, result]. */
function row(host: string): [unknown, unknown] {
  const h = currentReporter!.result.hosts[host];
  return [h?.release, h?.result];
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
    host === '10.0.0.2' && id === 'prepare'
      ? {
          fail: {
            index: LOCK_COMMAND,
            status: LOCKED_STATUS,
            stderr: 'locked: {"by":"ci@runner","pid":42,"since":"2026-11-24T10:00:00.000Z","what":"deploy main"}',
          },
        }
      : {},
  );
  assert.ok(err instanceof LockedError, String(err));
  assert.match((err as Error).message, /locked by ci@runner \(pid 42\) since 2026-11-24 10:00:00 UTC: deploy main/);
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare', 'abandon'], 'the lock it took is released');
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare'], "the winner's lock and decision file are left alone");
});

test('a failure after the lock was taken (fetch) still cleans up that host', async () => {
  const err = await deploy((host, id) =>
    host === '10.0.0.2' && id === 'prepare'
      ? { fail: { index: LOCK_COMMAND + 3, status: 128, stderr: 'fatal: could not read from remote' } }
      : {},
  );
  assert.ok(err instanceof RemoteCommandError);
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare', 'abandon']);
});

test('a ref that does not exist, found under the lock: bad usage (exit 2), every host cleaned up, nothing built', async () => {
  const err = await deploy((_host, id) =>
    id === 'prepare'
      ? {
          fail: {
            index: LOCK_COMMAND + 4,
            status: NO_REF_STATUS,
            stderr: 'no branch, tag or commit named nope in git@example.com:me/demo.git',
          },
        }
      : {},
  );
  assert.ok(err instanceof UsageError, String(err));
  assert.equal(err.exitCode, 2);
  assert.match(
    err.message,
    /^ubuntu@10\.0\.0\.\d: no branch, tag or commit named nope in git@example\.com:me\/demo\.git$/,
  );
  for (const h of ['10.0.0.1', '10.0.0.2'])
    assert.deepEqual(hosts[h].steps, ['prepare', 'abandon'], 'the lock is given back');
});

test('rollback to a release one host does not have: bad usage (exit 2), as a name no host has; locks given back', async () => {
  const line = (name: string) => `${name}\tbuilt\t{"ref":"main","commit":"${'c'.repeat(40)}"}`;
  const releases: Record<string, string> = {
    '10.0.0.1': [line('20261124T000002-cccccccc'), line('20261124T000001-bbbbbbbb')].join('\n'),
    '10.0.0.2': line('20261124T000002-cccccccc'),
  };
  const run = async (target: string) => {
    hosts = {};
    const restore = captureStderr();
    try {
      await rollbackCommand({
        app: 'demo',
        config: file,
        yes: true,
        verbose: false,
        dryRun: false,
        json: true,
        target,
        openExecutor: async (h) =>
          (hosts[h.host] = new ScriptedHost(h, (id) =>
            id === 'inspect'
              ? { values: { releases: releases[h.host], live_release: '20261124T000002-cccccccc', live_slot: 'a' } }
              : {},
          )),
      });
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
  const err = await deploy((host, id) =>
    host === '10.0.0.2' && id === 'prepare'
      ? { fail: { index: 1, status: 1, stderr: 'demo is not set up on this server' } }
      : {},
  );
  assert.ok(err instanceof RemoteCommandError);
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare']);
  assert.doesNotMatch(messages, /10\.0\.0\.2: .*kept serving/);
});

test('the new release fails on the second host: no host switches', async () => {
  const err = await deploy((host, id) =>
    host === '10.0.0.2' && id === 'start' ? { fail: { index: 9, status: 1, stderr: 'health check failed' } } : {},
  );
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

// Issue 23, item 9: the table says what each host reported, never the run's release by default.
test('Ctrl-C before the switch: each host is said to serve its previous release, stopped before the switch', async () => {
  let signalled = false;
  const err = await deploy((host, id) => ({
    before: async () => {
      if (id === 'build' && host === '10.0.0.1' && !signalled) {
        signalled = true;
        process.emit('SIGINT', 'SIGINT');
      }
    },
  }));
  assert.ok(err instanceof InterruptedError, String(err));
  for (const h of ['ubuntu@10.0.0.1', 'ubuntu@10.0.0.2'])
    assert.deepEqual(row(h), ['20261124T000000-bbbbbbbb', 'stopped before the switch (SIGINT)']);
});

test('a rollout stopped at its second batch: the first batch serves the new release, the failed batch and the one never reached their previous one', async () => {
  const rolling = settings(
    'rolling',
    'deploy_hosts = ubuntu@10.0.0.1, ubuntu@10.0.0.2, ubuntu@10.0.0.3\nbatch_size = 1\n',
  );
  let release = '';
  const err = await deploy(
    (host, id) => {
      if (host === '10.0.0.2' && id === 'start')
        return { fail: { index: 4, status: 1, stderr: 'health check failed' } };
      return {};
    },
    { config: rolling },
  );
  assert.ok(err instanceof Error && /the rollout stopped at batch 2 of 3/.test(err.message), String(err));
  release = currentReporter!.result.release!;
  assert.deepEqual(row('ubuntu@10.0.0.1'), [release, 'switched before the rollout stopped']);
  assert.equal(row('ubuntu@10.0.0.2')[0], '20261124T000000-bbbbbbbb');
  assert.equal(row('ubuntu@10.0.0.2')[1], undefined, 'its own failure: the table says where it failed (its step)');
  assert.equal(
    currentReporter!.result.hosts['ubuntu@10.0.0.2'].steps.find((st) => st.status === 'failed')?.id,
    'start',
  );
  assert.deepEqual(row('ubuntu@10.0.0.3'), [
    '20261124T000000-bbbbbbbb',
    'not reached (the rollout stopped at batch 2)',
  ]);
  assert.deepEqual(hosts['10.0.0.3'].steps, ['prepare', 'build', 'abandon']);
});

test('lock contention: the hosts that were not deployed do not say ok', async () => {
  const err = await deploy((host, id) =>
    host === '10.0.0.2' && id === 'prepare'
      ? {
          fail: {
            index: LOCK_COMMAND,
            status: LOCKED_STATUS,
            stderr: 'locked: {"by":"ci@runner","pid":42,"since":"2026-11-24T10:00:00.000Z","what":"deploy main"}',
          },
        }
      : {},
  );
  assert.ok(err instanceof LockedError);
  assert.deepEqual(
    row('ubuntu@10.0.0.1'),
    ['20261124T000000-bbbbbbbb', 'not switched (ubuntu@10.0.0.2 is locked by another run)'],
    'what its clean-up said it serves',
  );
  assert.deepEqual(row('ubuntu@10.0.0.2'), ['', 'locked by another run']);
});

// Issue 23, item 10.
const hookIndex = (code: string[]) => code.findIndex((c) => c.startsWith('deploy_hook after_switch ')) + 1;

test('a failing after_switch hook in a rolling deploy runs once per host, the rest of each switch finishes, the run ends with exit 5', async () => {
  const rolling = settings(
    'rolling-hook',
    'deploy_hosts = ubuntu@10.0.0.1, ubuntu@10.0.0.2\nbatch_size = 1\n[HOOKS]\nafter_switch = ./notify\n',
  );
  const err = await deploy(
    (_host, id) =>
      id === 'finish'
        ? { fail: { index: hookIndex, status: 3, stderr: 'hook after_switch failed (exit status 3)' } }
        : {},
    { config: rolling },
  );
  assert.ok(err instanceof HookFailedError, String(err));
  assert.equal(err.exitCode, HOOK_FAILED_STATUS);
  assert.match(
    err.message,
    /is live on ubuntu@10\.0\.0\.1, ubuntu@10\.0\.0\.2, but the after_switch hook failed on ubuntu@10\.0\.0\.1, ubuntu@10\.0\.0\.2/,
  );
  for (const h of ['10.0.0.1', '10.0.0.2']) {
    assert.deepEqual(
      hosts[h].steps,
      ['prepare', 'build', 'start', 'switch', 'finish', 'after-hook-failed'],
      'no abandon, no second finish with the hook',
    );
    const [withHook, rest] = hosts[h].scripts.slice(-2);
    assert.equal(withHook.filter((c) => c.includes('./notify')).length, 1);
    assert.equal(rest.filter((c) => c.includes('./notify')).length, 0, 'the hook is not run again');
    assert.ok(
      rest.some((c) => c.startsWith('deploy_unlock ') && c.includes('deploy.lock')),
      'the lock is released',
    );
    assert.ok(
      rest.some((c) => c.startsWith('deploy_log ') && c.includes('after_switch failed (exit status 3)')),
      'the log says so',
    );
    assert.equal(row(`ubuntu@${h}`)[1], 'ok, but after_switch failed (exit status 3)');
    assert.equal(row(`ubuntu@${h}`)[0], currentReporter!.result.release);
  }
});

test('a failing run-once after_switch hook runs on the primary only, once', async () => {
  const once = settings(
    'once-hook',
    'deploy_hosts = ubuntu@10.0.0.1, ubuntu@10.0.0.2\n[HOOKS]\nafter_switch = ./notify\nrun_once = after_switch\n',
  );
  const err = await deploy(
    (host, id) =>
      host === '10.0.0.1' && id === 'switch'
        ? { fail: { index: hookIndex, status: 3, stderr: 'hook after_switch failed (exit status 3)' } }
        : {},
    { config: once },
  );
  assert.ok(err instanceof HookFailedError, String(err));
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare', 'build', 'start', 'switch', 'after-hook-failed']);
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare', 'build', 'start', 'switch']);
  assert.equal(hosts['10.0.0.1'].scripts.flat().filter((c) => c.includes('./notify')).length, 1);
  assert.equal(hosts['10.0.0.2'].scripts.flat().filter((c) => c.includes('./notify')).length, 0);
});

// Issue 23, items 2 and 7: roles and the primary are the whole fleet's; every run locks the primary.
const ROLES =
  '[HOSTS]\nweb = ubuntu@10.0.0.1, ubuntu@10.0.0.2\nworker = ubuntu@10.0.0.3\nprimary = ubuntu@10.0.0.1\n[APP]\ndatabase_url = postgresql://demo:pw@10.0.0.9:5432/demo\n[PROCESSES]\nworker = celery worker\n';

test('--hosts leaving the primary out: it is locked, builds, runs the run-once work, and is not switched; the web host gets no worker program', async () => {
  const roles = settings('roles', ROLES);
  const err = await deploy(() => ({}), { config: roles, hosts: '10.0.0.2' });
  assert.equal(err, undefined, String(err));
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare', 'build', 'run-once', 'unlock']);
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare', 'build', 'start+switch']);
  assert.equal(hosts['10.0.0.3'], undefined, 'a host neither selected nor the primary is not touched');
  assert.ok(
    hosts['10.0.0.1'].scripts[2].some((c) => c.includes('migrate --noinput')),
    'migrate runs on the primary',
  );
  assert.ok(!hosts['10.0.0.2'].scripts.flat().some((c) => c.includes('migrate --noinput')), 'and nowhere else');
  assert.ok(
    !hosts['10.0.0.2'].scripts.flat().some((c) => c.includes('demo-process-worker.conf')),
    'no worker program on a web host',
  );
  assert.deepEqual(row('ubuntu@10.0.0.1'), [
    '20261124T000000-bbbbbbbb',
    'not switched (the primary, not in --hosts: locked, ran the run-once work)',
  ]);
});

test('--hosts on the worker: the worker keeps its program, and the primary is still the one that migrates', async () => {
  const roles = settings('roles', ROLES);
  const err = await deploy(() => ({}), { config: roles, hosts: '10.0.0.3' });
  assert.equal(err, undefined, String(err));
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare', 'build', 'run-once', 'unlock']);
  assert.deepEqual(hosts['10.0.0.3'].steps, ['prepare', 'build', 'activate']);
  assert.ok(hosts['10.0.0.3'].scripts[2].some((c) => c.includes('demo-process-worker.conf')));
});

test("two --hosts runs: the second meets the primary's lock (exit 4), its own host given back", async () => {
  const roles = settings('roles', ROLES);
  const err = await deploy(
    (host, id) =>
      host === '10.0.0.1' && id === 'prepare'
        ? {
            fail: {
              index: LOCK_COMMAND,
              status: LOCKED_STATUS,
              stderr: 'locked: {"by":"ci@runner","pid":42,"since":"2026-11-24T10:00:00.000Z","what":"deploy main"}',
            },
          }
        : {},
    { config: roles, hosts: '10.0.0.3' },
  );
  assert.ok(err instanceof LockedError, String(err));
  assert.deepEqual(hosts['10.0.0.3'].steps, ['prepare', 'abandon']);
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare']);
});

test('--lock-wait: a host locked by another run is waiting, not failed; the run goes on once the lock is free', async () => {
  let tries = 0;
  const locked = {
    fail: {
      index: LOCK_COMMAND,
      status: LOCKED_STATUS,
      stderr: 'locked: {"by":"ci@runner","pid":42,"since":"2026-11-24T10:00:00.000Z","what":"deploy main"}',
    },
  };
  const err = await deploy((host, id) => (host === '10.0.0.2' && id === 'prepare' && ++tries < 3 ? locked : {}), {
    lockWait: 30,
  });
  assert.equal(err, undefined, String(err));
  assert.doesNotMatch(messages, /✗|FAILED/);
  assert.match(
    messages,
    /… waiting for the lock on ubuntu@10\.0\.0\.2 \(locked by ci@runner \(pid 42\) since 2026-11-24 10:00:00 UTC: deploy main\), \d+ s left/,
  );
  assert.equal((messages.match(/waiting for the lock/g) ?? []).length, 1, 'said once while the holder stays the same');
  assert.match(messages, /got the lock on every host/);
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare', 'prepare', 'prepare', 'build', 'start', 'switch']);
  assert.deepEqual(
    currentReporter!.result.hosts['ubuntu@10.0.0.2'].steps.map((st) => st.id).filter((id) => id !== 'build-env'),
    ['prepare', 'build', 'start', 'switch'],
    'the attempts that waited are not steps of the run',
  );
});

test('--hosts with the primary unreachable: nothing changed, the primary named', async () => {
  const roles = settings('roles', ROLES);
  hosts = {};
  const restore = captureStderr();
  let err: unknown;
  try {
    await deployCommand({
      app: 'demo',
      config: roles,
      yes: true,
      verbose: false,
      dryRun: false,
      json: true,
      force: false,
      hosts: '10.0.0.2',
      openExecutor: async (h) => {
        if (h.host === '10.0.0.1') throw new Error('ubuntu@10.0.0.1: connection refused');
        return (hosts[h.host] = new ScriptedHost(h, () => ({})));
      },
    });
  } catch (e) {
    err = e;
  } finally {
    restore();
  }
  assert.ok(err instanceof Error, String(err));
  assert.match(
    err.message,
    /cannot reach 1 of 2 hosts, nothing was changed on any host:\n {2}ubuntu@10\.0\.0\.1: connection refused \(the primary, not in --hosts: every run locks it\)/,
  );
  assert.match((err as { hint?: string }).hint ?? '', /primary = /);
  assert.deepEqual(hosts['10.0.0.2'].steps, []);
});

test('deploy_user: the hosts are relabelled, and so is the primary (run-once work goes to it, not to the first host)', async () => {
  const key = join(dir, 'id_test');
  writeFileSync(
    key,
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACDNkZVbXp5d2x1ZWRlbW9rZXkxMjM0NTY3ODkwMTIzNAAAAJgAAAAAAAAAAAAAAAtzc2gtZWQyNTUxOQAAACDNkZVbXp5d2x1ZWRlbW9rZXkxMjM0NTY3ODkwMTIzNAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAM2RlVteXnXbHVlZGVtb2tleTEyMzQ1Njc4OTAxMjM0AAAAEHRlc3RAZXhhbXBsZS5jb20BAgMEBQ==\n-----END OPENSSH PRIVATE KEY-----\n',
    { mode: 0o600 },
  );
  const du = settings(
    'deploy-user',
    `identity_file = ${key}\ndeploy_user = deployer\n[HOSTS]\nweb = ubuntu@10.0.0.1, ubuntu@10.0.0.2\nprimary = ubuntu@10.0.0.2\n[RUN_ONCE]\nwarm = python manage.py warm\n`,
  );
  const err = await deploy(() => ({}), { config: du });
  assert.equal(err, undefined, String(err));
  assert.equal(hosts['10.0.0.1'].host.label, 'deployer@10.0.0.1');
  assert.deepEqual(hosts['10.0.0.2'].steps, ['prepare', 'build', 'run-once', 'start', 'switch']);
  assert.ok(!hosts['10.0.0.1'].steps.includes('run-once'));
  assert.doesNotMatch(messages, /is not in this run/);
});

test('--lock-wait: Ctrl-C while it waits stops waiting (no lock is held, nothing to clean up)', async () => {
  let tries = 0;
  const locked = {
    fail: {
      index: LOCK_COMMAND,
      status: LOCKED_STATUS,
      stderr: 'locked: {"by":"ci@runner","pid":42,"since":"2026-11-24T10:00:00.000Z","what":"deploy main"}',
    },
  };
  const err = await deploy(
    (host, id) => {
      if (host !== '10.0.0.2' || id !== 'prepare') return {};
      return { ...locked, before: async () => void (++tries === 2 && process.emit('SIGINT', 'SIGINT')) };
    },
    { lockWait: 60 },
  );
  assert.ok(err instanceof InterruptedError, String(err));
  assert.equal(tries, 2);
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare', 'unlock', 'prepare', 'unlock']);
  assert.deepEqual(
    row('ubuntu@10.0.0.1'),
    ['', 'stopped before the switch (SIGINT)'],
    'no attempt went through: what it serves was not read',
  );
});
