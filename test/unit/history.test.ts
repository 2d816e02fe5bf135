// `history`: every host's deploy log merged into runs (src/history.ts), and the command through
// the real engine with scripted hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeHistory, parseLog } from '../../src/history.ts';
import { historyCommand } from '../../src/commands/history.ts';
import { currentReporter } from '../../src/ui/output.ts';
import { ScriptedHost } from '../support/scripted-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'deploy-history-'));
process.env.DEPLOY_LOG_DIR = join(dir, 'logs');

const run = (time: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    time,
    operator: 'ana@laptop',
    command: 'deploy',
    ref: 'main',
    commit: 'c'.repeat(40),
    release: `R-${time}`,
    result: 'ok',
    duration_s: 3.1,
    ...extra,
  });

test('parseLog keeps the entries that parse and skips what a full disk or a hand cut', () => {
  const entries = parseLog(
    `${run('2026-12-01T10:00:00Z')}\n{"time": "2026-12-0\nnot json\n{"no":"time"}\n\n${run('2026-12-02T10:00:00Z')}\n`,
  );
  assert.deepEqual(
    entries.map((e) => e.time),
    ['2026-12-01T10:00:00Z', '2026-12-02T10:00:00Z'],
  );
});

test('mergeHistory: one row per run, its hosts, newest first, disagreeing results counted, limited', () => {
  const a = parseLog([run('2026-12-01T10:00:00Z'), run('2026-12-02T10:00:00Z', { operator: 'bo@ci' })].join('\n'));
  const b = parseLog(
    [run('2026-12-01T10:00:00Z'), run('2026-12-02T10:00:00Z', { operator: 'bo@ci', result: 'failed at build' })].join(
      '\n',
    ),
  );
  const rows = mergeHistory(
    [
      { label: 'web1', entries: a },
      { label: 'web2', entries: b },
    ],
    10,
  );
  assert.equal(rows.length, 2);
  assert.equal(rows[0].operator, 'bo@ci', 'newest first');
  assert.deepEqual(rows[0].hosts, ['web1', 'web2']);
  assert.equal(rows[0].result, 'ok on 1, failed at build on 1');
  assert.equal(rows[1].result, 'ok');
  assert.equal(mergeHistory([{ label: 'web1', entries: a }], 1).length, 1);
});

test('a held lock is a run going on or killed: its process gone on this machine says interrupted', () => {
  const rows = mergeHistory(
    [
      {
        label: 'web1',
        entries: [],
        lock: { by: 'me@here', pid: 999_999_999, since: '2026-12-03T09:00:00Z', what: 'deploy v2' },
      },
    ],
    5,
    'me@here',
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0].command, 'deploy');
  assert.equal(rows[0].ref, 'v2');
  assert.match(rows[0].result, /^interrupted: its process is gone/);
  const elsewhere = mergeHistory(
    [{ label: 'web1', entries: [], lock: { by: 'ana@laptop', pid: 1, since: 'x', what: 'rollback' } }],
    5,
    'me@here',
  );
  assert.match(elsewhere[0].result, /^running or interrupted/);
});

test('history on two hosts through the engine: the merged runs in --json, nothing changed anywhere', async () => {
  const file = join(dir, 'settings.ini');
  writeFileSync(
    file,
    '[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\ndeploy_hosts = ubuntu@10.3.0.1, ubuntu@10.3.0.2\n',
  );
  const logs: Record<string, string> = {
    '10.3.0.1': [run('2026-12-01T10:00:00Z'), run('2026-12-02T10:00:00Z')].join('\n'),
    '10.3.0.2': run('2026-12-02T10:00:00Z'),
  };
  const steps: string[] = [];
  await historyCommand({
    app: 'demo',
    config: file,
    yes: false,
    verbose: false,
    dryRun: false,
    json: true,
    entries: '5',
    openExecutor: async (h) => {
      const host = new ScriptedHost(h, (id) => (id === 'history' ? { values: { log: logs[h.host], lock: '' } } : {}));
      steps.push(h.host);
      return Object.assign(host, {
        run: (st: Parameters<ScriptedHost['run']>[0]) => (steps.push(st.id), ScriptedHost.prototype.run.call(host, st)),
      });
    },
  });
  const rows = currentReporter!.result.history!;
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0].hosts, ['ubuntu@10.3.0.1', 'ubuntu@10.3.0.2']);
  assert.deepEqual(rows[1].hosts, ['ubuntu@10.3.0.1']);
  assert.deepEqual(
    steps.filter((s) => !s.startsWith('10.')),
    ['history', 'history'],
    'one read-only step per host',
  );
});

test('-n must be a count', async () => {
  await assert.rejects(
    historyCommand({
      app: 'demo',
      config: join(dir, 'settings.ini'),
      yes: false,
      verbose: false,
      dryRun: false,
      entries: 'many',
    }),
    /-n takes a number of runs/,
  );
});
