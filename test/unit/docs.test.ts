import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KEYS } from '../../src/settings/schema.ts';
import { parseSettings } from '../../src/settings/load.ts';
import { exampleSettings } from '../../src/settings/example.ts';

const example = readFileSync(new URL('../../settings.example.ini', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('every settings key is documented in settings.example.ini and the README', () => {
  for (const k of KEYS) {
    assert.match(example, new RegExp(`^;? ?${k.key} =`, 'm'), `${k.key} in settings.example.ini`);
    assert.ok(readme.includes(`\`${k.key}\``), `${k.key} in README.md`);
  }
});

test('settings.example.ini itself is valid', () => {
  const s = parseSettings(example, { app: 'myapp', file: 'settings.example.ini' });
  assert.equal(s.hosts.length, 2);
  assert.equal(s.gunicornBind, '127.0.0.1:8032');
  assert.deepEqual(s.warnings, [], 'its comments after values cut nothing that was meant');
});

test('settings.example.ini is generated from the key table (npm run settings-example rewrites it)', () => {
  assert.equal(example, exampleSettings(), 'settings.example.ini differs from the key table: run `npm run settings-example`');
  for (const line of example.split('\n')) assert.ok(line.length <= 90 || !line.startsWith(';'), `comment line over 90 columns: ${line}`);
});

test("deploy init's text: the values given, the app's name in the examples, and it loads", () => {
  const text = exampleSettings({ app: 'shop', repository: 'git@example.com:me/shop.git', hosts: 'ubuntu@10.0.0.5' }, { writtenBy: '`deploy init`' });
  assert.match(text, /^; settings\.ini for `deploy`, written by `deploy init`\.$/m);
  assert.match(text, /^settings_file = shop\.settings\.prod$/m);
  assert.match(text, /^; wsgi_app = shop\.wsgi:application$/m);
  assert.doesNotMatch(text, /myapp/);
  const s = parseSettings(text, { app: 'shop', file: 'settings.ini' });
  assert.equal(s.repository, 'git@example.com:me/shop.git');
  assert.deepEqual(s.hosts.map((h) => h.label), ['ubuntu@10.0.0.5']);
  assert.equal(s.django.settingsModule, 'shop.settings.prod');
  // A $ in a name is written as it is, not read as a replacement pattern.
  assert.match(exampleSettings({ app: 'a$&b' }), /^project_name = a\$&b$/m);
});

/** The README's [DEPLOY] and [APP] tables: key -> its default cell, backticks removed. */
function readmeDefaults(): Map<string, string> {
  const start = readme.indexOf('\n`[DEPLOY]`\n');
  const section = readme.slice(start, readme.indexOf('\n`[EMAIL]`:', start));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\| `([a-z_]+)`[^|]*\|([^|]*)\|/.exec(line);
    if (m) rows.set(m[1], m[2].replaceAll('`', '').trim());
  }
  return rows;
}

test("the README's settings tables show each key's default as the key table does", () => {
  const rows = readmeDefaults();
  for (const k of KEYS.filter((d) => d.section !== 'EMAIL')) {
    const expected = k.required ? 'required' : (k.defaultDoc ?? k.default ?? '');
    assert.equal(rows.get(k.key), expected, `README.md's row for ${k.key}: default column`);
  }
  assert.equal(rows.size, KEYS.filter((d) => d.section !== 'EMAIL').length, 'one row per key, and no row for a key that does not exist');
});
