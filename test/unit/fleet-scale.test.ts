// A fleet of hundreds (docs/fleets.md) through the real engine, with scripted hosts: its
// settings load, every host is deployed, has its own log, and the summary groups them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand } from '../../src/commands/deploy.ts';
import { loadSettings } from '../../src/settings/load.ts';
import { currentReporter } from '../../src/ui/output.ts';
import { ScriptedHost } from '../support/scripted-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'deploy-scale-'));
process.env.DEPLOY_LOG_DIR = join(dir, 'logs');
const fleet = (n: number) => Array.from({ length: n }, (_, i) => `ubuntu@10.1.${i >> 8}.${(i & 255) + 1}`);

function settings(hosts: string[]): string {
  const file = join(dir, `fleet-${hosts.length}.ini`);
  writeFileSync(
    file,
    `[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\nparallel = 100\ndeploy_hosts = ${hosts.join(', ')}\n`,
  );
  return file;
}

test('1,000 hosts fit in deploy_hosts', () => {
  const s = loadSettings({ app: 'demo', file: settings(fleet(1000)), command: 'deploy' });
  assert.equal(s.hosts.length, 1000);
  assert.equal(s.primary, 'ubuntu@10.1.0.1');
});

test('a deploy to 300 hosts: every host switches, each has its own log, the summary groups them', async () => {
  const hosts = fleet(300);
  const steps = new Map<string, string[]>();
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (out.push(chunk), true)) as typeof process.stdout.write;
  try {
    await deployCommand({
      app: 'demo',
      config: settings(hosts),
      yes: true,
      verbose: false,
      dryRun: false,
      force: false,
      openExecutor: async (h) => {
        const host = new ScriptedHost(h, () => ({ output: ['a line of output'] }), { appUser: 'django' });
        steps.set(h.label, host.steps);
        return host;
      },
    });
  } finally {
    process.stdout.write = write;
  }
  for (const h of hosts) assert.deepEqual(steps.get(h), ['prepare', 'build', 'start', 'switch'], h);
  const r = currentReporter!;
  assert.equal(readdirSync(r.result.host_logs!).length, 300);
  const text = out.join('');
  assert.match(text, /^ {2}ok \(300\) {2}release \S+ {2}/m, 'one block for the 300 hosts that went well');
  assert.doesNotMatch(text, /^ {2}host {2,}role/m, 'no row per host');
  assert.match(text, /each host's log: /);
});
