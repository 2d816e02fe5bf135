// The end of a run on many hosts: the summary table (a row per host, or a block per result past
// 20 hosts) and each host's own log file beside the run's log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostTable, type HostRow } from '../../src/ui/table.ts';
import { Reporter } from '../../src/ui/output.ts';

const NEW = '20261124T000000-aaaaaaaa';
const OLD = '20261123T000000-bbbbbbbb';
const plain = (lines: string[]) => lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));

function rows(n: number, make: (i: number) => Partial<HostRow>): HostRow[] {
  return Array.from({ length: n }, (_, i) => ({
    host: `ubuntu@10.0.0.${i + 1}`,
    role: 'web',
    release: NEW,
    result: 'ok',
    ms: 1000 + i * 100,
    ...make(i),
  }));
}

test('up to 20 hosts: a row per host, as before', () => {
  const table = plain(
    hostTable(
      rows(3, (i) => (i === 1 ? { result: 'failed at "build"', release: OLD } : {})),
      100,
    ),
  );
  assert.deepEqual(table, [
    '  host             role  release                   result             time',
    `  ubuntu@10.0.0.1  web   ${NEW}  ok                 1.0 s`,
    `  ubuntu@10.0.0.2  web   ${OLD}  failed at "build"  1.1 s`,
    `  ubuntu@10.0.0.3  web   ${NEW}  ok                 1.2 s`,
  ]);
  assert.equal(
    hostTable(
      rows(20, () => ({})),
      100,
    ).length,
    21,
  );
});

test('past 20 hosts: a block per result and release, what went well first, then what failed, the hosts wrapped', () => {
  const table = plain(
    hostTable(
      rows(100, (i) =>
        i % 25 === 3
          ? { result: 'failed at "build release x: its environment"', release: OLD }
          : i >= 90 || i === 0
            ? { result: 'not switched (the run failed on ubuntu@10.0.0.4)', release: OLD }
            : {},
      ),
      80,
    ),
  );
  assert.equal(table[0], `  ok (85)  release ${NEW}  1.1 s to 9.9 s`);
  const ok = table.slice(
    1,
    table.findIndex((l, i) => i > 0 && !l.startsWith('    ')),
  );
  assert.ok(
    ok.every((l) => l.length <= 76 + 4),
    'wrapped to the width',
  );
  assert.equal(ok.join(' ').split(', ').length, 85, 'every host named once');
  assert.match(ok[0], /^ {4}ubuntu@10\.0\.0\.2, ubuntu@10\.0\.0\.3, ubuntu@10\.0\.0\.5, ubuntu@10\.0\.0\.6,/);
  const failed = table.findIndex((l) => l.startsWith('  failed'));
  assert.equal(table[failed], `  failed at "build release x: its environment" (4)  release ${OLD}  1.3 s to 8.8 s`);
  assert.equal(table[failed + 1], '    ubuntu@10.0.0.4, ubuntu@10.0.0.29, ubuntu@10.0.0.54, ubuntu@10.0.0.79');
  const rest = table.findIndex((l) => l.startsWith('  not switched'));
  assert.equal(failed, ok.length + 1, 'what failed right after what went well');
  assert.equal(rest, failed + 2, 'then what that made of the others');
  assert.match(table[rest], /^ {2}not switched \(the run failed on ubuntu@10\.0\.0\.4\) \(11\) {2}release /);
  assert.doesNotMatch(table.join('\n'), /role/, 'one role: not said');
});

test('past 20 hosts with web and worker hosts: the role is part of the block', () => {
  const table = plain(
    hostTable(
      rows(30, (i) => (i >= 25 ? { role: 'worker' } : {})),
      100,
    ),
  );
  assert.match(table[0], /^ {2}ok \(25\) {2}release \S+ {2}role web {2}/);
  assert.match(table[6], /^ {2}ok \(5\) {2}release \S+ {2}role worker {2}/);
});

test("several hosts: each host's lines also in a log of its own (0600, in a 0700 directory), named at the end", () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-summary-'));
  const logFile = join(dir, 'logs', 'demo-deploy-1.log');
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (out.push(chunk), true)) as typeof process.stdout.write;
  try {
    const r = new Reporter({ verbose: false, command: 'deploy', app: 'demo', logFile });
    const hosts = ['ubuntu@10.0.0.1', 'ubuntu@10.0.0.2:2222'].map((label) => ({ label, roles: ['web'] }));
    r.useHosts(hosts, hosts, false);
    for (const { label } of hosts) {
      r.log(`--- ${label} step build: build release x`);
      r.command(label, 'deploy_build x');
      r.remote(label, `built on ${label}`);
      r.stepDone({ host: label, id: 'build', title: 'build release x', status: 'changed', durationMs: 5 });
    }
    r.warn('ubuntu@10.0.0.2:2222: slow disk');
    r.info('everything is fine');
    r.finish('deploy of demo done', true, performance.now());
    const each = join(dir, 'logs', 'demo-deploy-1');
    assert.deepEqual(readdirSync(each).sort(), ['ubuntu@10.0.0.1.log', 'ubuntu@10.0.0.2_2222.log']);
    assert.equal(statSync(each).mode & 0o777, 0o700);
    const one = readFileSync(join(each, 'ubuntu@10.0.0.1.log'), 'utf8');
    assert.equal(statSync(join(each, 'ubuntu@10.0.0.1.log')).mode & 0o777, 0o600);
    assert.match(one, /--- ubuntu@10\.0\.0\.1 step build/);
    assert.match(one, /ubuntu@10\.0\.0\.1 \$ deploy_build x/);
    assert.match(one, /ubuntu@10\.0\.0\.1 \| built on ubuntu@10\.0\.0\.1/);
    assert.match(one, /✓ ubuntu@10\.0\.0\.1 build release x done/);
    assert.doesNotMatch(one, /10\.0\.0\.2|everything is fine/, "another host's lines, or the run's, are not its");
    const two = readFileSync(join(each, 'ubuntu@10.0.0.2_2222.log'), 'utf8');
    assert.match(two, /WARNING ubuntu@10\.0\.0\.2:2222: slow disk/);
    const main = readFileSync(logFile, 'utf8');
    for (const text of ['built on ubuntu@10.0.0.1', 'built on ubuntu@10.0.0.2:2222', 'everything is fine'])
      assert.ok(main.includes(text), `the run's log keeps ${text}`);
    assert.equal(r.result.host_logs, each);
    assert.match(out.join(''), new RegExp(`each host's log: ${each.replace(/[.]/g, '\\.')}/\\n$`));
  } finally {
    process.stdout.write = write;
  }
});

test('one host: no directory of host logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-summary-'));
  const logFile = join(dir, 'one.log');
  const r = new Reporter({ verbose: false, json: true, command: 'deploy', app: 'demo', logFile });
  const hosts = [{ label: 'ubuntu@10.0.0.1', roles: ['web'] }];
  r.useHosts(hosts, hosts, false);
  r.stepDone({ host: 'ubuntu@10.0.0.1', id: 'build', title: 'build', status: 'changed', durationMs: 5 });
  r.closeLog();
  assert.deepEqual(readdirSync(dir), ['one.log']);
  assert.equal(r.result.host_logs, undefined);
});

test("a step that streams (logs -f): its host's lines are written as they pile up, not kept until it ends", () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-summary-'));
  const logFile = join(dir, 'logs.log');
  const r = new Reporter({ verbose: false, json: true, command: 'logs', app: 'demo', logFile });
  const hosts = ['ubuntu@10.0.0.1', 'ubuntu@10.0.0.2'].map((label) => ({ label, roles: ['web'] }));
  r.useHosts(hosts, hosts, false);
  for (let i = 0; i < 1000; i++) r.remote('ubuntu@10.0.0.1', `GET /${i} 200 ${'x'.repeat(100)}`, false, false);
  const written = readFileSync(join(dir, 'logs', 'ubuntu@10.0.0.1.log'), 'utf8');
  assert.ok(written.length > 64 * 1024, 'written before the step ended');
  assert.match(written, /GET \/0 200/);
  r.closeLog();
  assert.match(readFileSync(join(dir, 'logs', 'ubuntu@10.0.0.1.log'), 'utf8'), /GET \/999 200/, 'the rest at the end');
});
