// The key table (src/settings/schema.ts) is the one schema: these hold it to itself, so that a
// default or example written there is one validation accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FREE_EXAMPLES, KEYS } from '../../src/settings/schema.ts';
import { BOOL, isSystemDirectory as fromRules, list } from '../../src/settings/rules.ts';
import { isSystemDirectory, parseSettings } from '../../src/settings/load.ts';
import { exampleSettings } from '../../src/settings/example.ts';

test('each key is checked one way: yes/no, a number, or a rule; with a literal or a computed default, not both', () => {
  for (const k of KEYS) {
    assert.ok(!(k.kind && k.rule), `${k.key}: kind or rule`);
    assert.ok(!(k.default !== undefined && k.defaultDoc), `${k.key}: default or defaultDoc`);
    if (k.list) assert.ok(k.rule, `${k.key}: a list has a rule for its items`);
    if (k.required) assert.ok(k.example && k.default === undefined, `${k.key}: required, so an example and no default`);
  }
});

test('yes/no and number keys: their defaults are values they accept', () => {
  for (const k of KEYS.filter((d) => d.kind === 'bool')) assert.ok((k.default ?? '').toLowerCase() in BOOL, k.key);
  for (const k of KEYS.filter((d) => d.kind === 'int')) {
    assert.ok(k.min !== undefined && k.max !== undefined && k.min <= k.max, `${k.key}: min and max`);
    // A default computed on the host (gunicorn_workers) is documented instead.
    if (k.default === undefined && k.defaultDoc) continue;
    assert.match(k.default ?? '', /^\d+$/, k.key);
    assert.ok(Number(k.default) >= k.min! && Number(k.default) <= k.max!, `${k.key}: default within min..max`);
  }
});

test('literal defaults pass their own rule (load.ts uses them unchecked)', () => {
  for (const k of KEYS.filter((d) => d.rule && d.default)) {
    for (const item of k.list ? list(k.default, k.list) : [k.default!])
      assert.equal(k.rule!(item), undefined, `${k.key} = ${k.default}`);
  }
});

test("every example in settings.example.ini loads, all set at once (the free sections' too)", () => {
  let text = exampleSettings();
  // [HOSTS] replaces deploy_hosts: its own variant below.
  // env_file's example names a local file: tested on its own (settings-env-file.test.ts).
  for (const k of KEYS.filter((d) => d.section !== 'HOSTS' && d.key !== 'env_file'))
    text = text.replace(new RegExp(`^; ${k.key} =`, 'm'), `${k.key} =`);
  for (const [section, line] of Object.entries(FREE_EXAMPLES))
    text = text.replace(new RegExp(`^; \\[${section}\\]$`, 'm'), `[${section}]`).replace(`; ${line}`, line);
  const s = parseSettings(text, { app: 'myapp', file: 'settings.ini' });
  assert.equal(s.runOnce.warm_cache, 'python manage.py warm_cache');
  assert.equal(s.parallel, 10);
  assert.deepEqual(s.batchSize, { percent: 25 });
  assert.deepEqual(
    s.proxyJump.map((h) => h.label),
    ['ubuntu@bastion.example.com'],
  );
  let byRole = text.replace(/^deploy_hosts = .*$/m, '').replace(/^; \[HOSTS\]$/m, '[HOSTS]');
  for (const k of KEYS.filter((d) => d.section === 'HOSTS'))
    byRole = byRole.replace(new RegExp(`^; ${k.key} =`, 'm'), `${k.key} =`);
  const r = parseSettings(byRole, { app: 'myapp', file: 'settings.ini' });
  assert.deepEqual(
    r.hosts.map((h) => [h.label, h.roles]),
    [
      ['ubuntu@10.0.1.11', ['web']],
      ['ubuntu@10.0.1.12', ['web']],
      ['ubuntu@10.0.1.21', ['worker']],
    ],
  );
  assert.equal(r.primary, 'ubuntu@10.0.1.11');
  assert.equal(s.deployUser, 'deployer');
  assert.deepEqual(s.extraPackages, ['libpq-dev', 'python3-psycopg2']);
  assert.equal(s.env.SENTRY_ENVIRONMENT.reveal(), 'production');
  assert.equal(s.commands.shell, 'python manage.py shell');
});

test('isSystemDirectory is still exported by load.ts', () => {
  assert.equal(isSystemDirectory, fromRules);
});
