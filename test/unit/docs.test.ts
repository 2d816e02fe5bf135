import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KEYS } from '../../src/settings/schema.ts';
import { parseSettings } from '../../src/settings/load.ts';

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
});
