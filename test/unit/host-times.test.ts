// The slowest hosts first (src/fleet/host-times.ts): what a run records, and the order the next
// starts its long steps in, through the real engine with scripted hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand } from '../../src/commands/deploy.ts';
import { hostTimesFile, longestFirst, mergeHostTimes } from '../../src/fleet/host-times.ts';
import { ScriptedHost } from '../support/scripted-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'deploy-host-times-'));
process.env.DEPLOY_LOG_DIR = join(dir, 'logs');
process.env.XDG_STATE_HOME = dir;

test('longestFirst: the longest last time first, hosts without one before them, ties in the fleet order', () => {
  const times = { a: { build: 5 }, b: { build: 50 }, d: { build: 5 }, e: { start: 99 } };
  const order = longestFirst(['a', 'b', 'c', 'd', 'e'], (x) => x, times, 'build');
  assert.deepEqual(order, ['c', 'e', 'b', 'a', 'd']);
});

test('mergeHostTimes: finished timed steps replace their host time; failed and other steps do not count', () => {
  const merged = mergeHostTimes(
    { a: { build: 1, start: 2 }, z: { build: 7 } },
    {
      hosts: {
        a: {
          steps: [
            { id: 'prepare', title: '', status: 'changed', duration_ms: 40 },
            { id: 'build', title: '', status: 'changed', duration_ms: 30 },
            { id: 'start', title: '', status: 'failed', duration_ms: 9 },
          ],
        },
      },
    },
  );
  assert.deepEqual(merged, { a: { build: 30, start: 2 }, z: { build: 7 } });
});

test('a fleet bigger than parallel: the next deploy builds and starts its slowest hosts first', async () => {
  const hosts = Array.from({ length: 12 }, (_, i) => `ubuntu@10.2.0.${i + 1}`);
  const config = join(dir, 'settings.ini');
  writeFileSync(
    config,
    `[DEPLOY]\nproject_name = timed\nrepository = git@example.com:me/timed.git\nparallel = 3\ndeploy_hosts = ${hosts.join(', ')}\n`,
  );
  // Host i builds in (i * 7 mod 12) * 4 ms: a slow host is anywhere in the list.
  const buildMs = (label: string) => ((Number(label.split('.').at(-1)) * 7) % 12) * 4;
  const deploy = async () => {
    const began: Record<string, string[]> = { 'build-env': [], start: [] };
    await deployCommand({
      app: 'timed',
      config,
      yes: true,
      verbose: false,
      dryRun: false,
      // Its lines on stderr: on stdout they would cut into the test runner's own messages.
      json: true,
      force: false,
      openExecutor: async (h) =>
        new ScriptedHost(h, (step) => {
          began[step]?.push(h.label);
          return { latencyMs: step === 'build-env' ? buildMs(h.label) : step === 'start' ? 5 : 0 };
        }),
    });
    return began;
  };
  const first = await deploy();
  assert.deepEqual(first['build-env'], hosts, 'no times recorded yet: the fleet order');
  assert.ok(existsSync(hostTimesFile('timed')), 'the run recorded its hosts times');
  const recorded = JSON.parse(readFileSync(hostTimesFile('timed'), 'utf8'));
  assert.equal(Object.keys(recorded).length, 12);
  const second = await deploy();
  const slowest = [...hosts].sort((a, b) => recorded[b]['build-env'] - recorded[a]['build-env']);
  assert.deepEqual(second['build-env'], slowest, 'the slowest recorded build first');
  assert.notDeepEqual(second['build-env'], hosts);
});
