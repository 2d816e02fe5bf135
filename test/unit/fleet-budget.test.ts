// max_failed_hosts (src/fleet/budget.ts) with scripted hosts: a host that cannot be reached, fails
// its build or its health check is cleaned up and left behind, the others go live, and the run
// exits 6 naming it; past the budget, or on the primary, the whole run stops as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand } from '../../src/commands/deploy.ts';
import { ConnectionError, DeployError, RemoteCommandError } from '../../src/errors.ts';
import { LEFT_BEHIND_STATUS, LeftBehindError } from '../../src/fleet/budget.ts';
import { currentReporter } from '../../src/ui/output.ts';
import { LIVE_RELEASE, ScriptedHost, type Behaviour } from '../support/scripted-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'deploy-budget-'));
process.env.DEPLOY_LOG_DIR = join(dir, 'logs');
const HOSTS = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'];

function settings(extra: string): string {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.ini`);
  writeFileSync(
    file,
    `[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\ndeploy_hosts = ${HOSTS.map((h) => `ubuntu@${h}`).join(', ')}\n${extra}\n`,
  );
  return file;
}

const failing = (stderr: string): Behaviour => ({ fail: { index: 1, status: 1, stderr } });

/** Runs deploy on four scripted hosts; `unreachable` cannot be connected to. */
async function deploy(
  extra: string,
  script: (host: string, step: string) => Behaviour,
  unreachable: string[] = [],
): Promise<{ err: unknown; hosts: Record<string, ScriptedHost>; stderr: string }> {
  const hosts: Record<string, ScriptedHost> = {};
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    await deployCommand({
      app: 'demo',
      config: settings(extra),
      yes: true,
      verbose: false,
      dryRun: false,
      json: true,
      force: false,
      openExecutor: async (h) => {
        if (unreachable.includes(h.host)) throw new ConnectionError(`${h.label}: connect ETIMEDOUT ${h.host}:22`);
        return (hosts[h.host] = new ScriptedHost(h, (id) => script(h.host, id)));
      },
    });
    return { err: undefined, hosts, stderr };
  } catch (err) {
    return { err, hosts, stderr };
  } finally {
    process.stderr.write = write;
  }
}

const row = (host: string) => {
  const h = currentReporter!.result.hosts[`ubuntu@${host}`];
  return { release: h?.release, result: String(h?.result ?? '') };
};

test('a build that fails on one host, within the budget: it is cleaned up and keeps its release; the others go live; exit 6', async () => {
  const { err, hosts } = await deploy('max_failed_hosts = 1', (host, step) =>
    host === '10.0.0.3' && step === 'build' ? failing('pip: no space left on device') : {},
  );
  assert.ok(err instanceof LeftBehindError, String(err));
  assert.equal(err.exitCode, LEFT_BEHIND_STATUS);
  assert.match(err.message, /is live on 3 of 4 hosts; 1 left behind \(max_failed_hosts = 1\)/);
  assert.match(err.message, /ubuntu@10\.0\.0\.3: failed at build: pip: no space left on device \(serves 2026/);
  assert.match(err.hint ?? '', /deploy demo deploy --hosts ubuntu@10\.0\.0\.3 --ref a{40}/);
  assert.deepEqual(hosts['10.0.0.3'].steps, ['prepare', 'build', 'abandon'], 'cleaned up at once, then out of the run');
  for (const h of ['10.0.0.1', '10.0.0.2', '10.0.0.4'])
    assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'start', 'switch'], h);
  assert.equal(row('10.0.0.3').release, LIVE_RELEASE);
  assert.match(row('10.0.0.3').result, /^left behind: failed at build/);
  assert.notEqual(row('10.0.0.1').release, LIVE_RELEASE, 'the others serve the new release');
});

test('a health check that fails on one host (a percentage budget): its new slot stops, it keeps serving; exit 6', async () => {
  const { err, hosts } = await deploy('max_failed_hosts = 25%', (host, step) =>
    host === '10.0.0.4' && step === 'start' ? failing('health check: HTTP 500 from /') : {},
  );
  assert.ok(err instanceof LeftBehindError, String(err));
  assert.deepEqual(hosts['10.0.0.4'].steps, ['prepare', 'build', 'start', 'abandon']);
  for (const h of ['10.0.0.1', '10.0.0.2', '10.0.0.3'])
    assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'start', 'switch'], h);
  assert.match(row('10.0.0.4').result, /^left behind: failed at health check: health check: HTTP 500/);
});

test('a host that cannot be reached, within the budget: named, never touched; the others go live', async () => {
  const { err, hosts } = await deploy('max_failed_hosts = 1', () => ({}), ['10.0.0.2']);
  assert.ok(err instanceof LeftBehindError, String(err));
  assert.match(err.message, /ubuntu@10\.0\.0\.2: unreachable \(connect ETIMEDOUT/);
  assert.equal(hosts['10.0.0.2'], undefined);
  for (const h of ['10.0.0.1', '10.0.0.3', '10.0.0.4'])
    assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'start', 'switch'], h);
  assert.deepEqual(row('10.0.0.2'), { release: 'unknown', result: row('10.0.0.2').result });
  assert.match(row('10.0.0.2').result, /^left behind: unreachable/);
});

test('past the budget: the whole run stops and every host keeps its release, as without one', async () => {
  const { err, hosts } = await deploy('max_failed_hosts = 1', (host, step) =>
    (host === '10.0.0.3' || host === '10.0.0.4') && step === 'build' ? failing('pip failed') : {},
  );
  assert.ok(err instanceof RemoteCommandError, String(err));
  for (const h of HOSTS) assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'abandon'], h);
});

test('unreachable hosts past the budget: nothing is changed anywhere', async () => {
  const { err, hosts } = await deploy('max_failed_hosts = 1', () => ({}), ['10.0.0.2', '10.0.0.3']);
  assert.ok(err instanceof ConnectionError, String(err));
  assert.match(err.message, /cannot reach 2 of 4 hosts, nothing was changed on any host/);
  for (const h of Object.values(hosts)) assert.deepEqual(h.steps, []);
});

test('the primary is never left behind: its failure stops the run', async () => {
  const { err, hosts } = await deploy('max_failed_hosts = 2', (host, step) =>
    host === '10.0.0.1' && step === 'build' ? failing('pip failed') : {},
  );
  assert.ok(err instanceof RemoteCommandError, String(err));
  for (const h of HOSTS) assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'abandon'], h);
});

test('without max_failed_hosts (0): one failing host stops the whole deploy, as before', async () => {
  const { err, hosts } = await deploy('', (host, step) =>
    host === '10.0.0.2' && step === 'start' ? failing('health check failed') : {},
  );
  assert.ok(err instanceof DeployError && !(err instanceof LeftBehindError), String(err));
  for (const h of HOSTS) assert.equal(hosts[h].steps.at(-1), 'abandon', h);
});
