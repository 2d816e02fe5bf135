import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYS } from '../../src/settings/schema.ts';
import { parseSettings } from '../../src/settings/load.ts';
import { exampleSettings } from '../../src/settings/example.ts';
import { defaultCell, markdown, settingsDocs } from '../../src/settings/docs.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const example = read('settings.example.ini');
const readme = read('README.md');
const settingsPage = read('docs/settings.md');
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

test('every settings key is documented in settings.example.ini and docs/settings.md', () => {
  for (const k of KEYS) {
    assert.match(example, new RegExp(`^;? ?${k.key} =`, 'm'), `${k.key} in settings.example.ini`);
    assert.match(settingsPage, new RegExp(`^\\| \`${k.key}\` `, 'm'), `${k.key} has a row in docs/settings.md`);
  }
});

test('settings.example.ini itself is valid', () => {
  const s = parseSettings(example, { app: 'myapp', file: 'settings.example.ini' });
  assert.equal(s.hosts.length, 2);
  assert.equal(s.gunicornBind, '127.0.0.1:8032');
  assert.deepEqual(s.warnings, [], 'its comments after values cut nothing that was meant');
});

test('settings.example.ini is generated from the key table (npm run settings-example rewrites it)', () => {
  assert.equal(
    example,
    exampleSettings(),
    'settings.example.ini differs from the key table: run `npm run settings-example`',
  );
  for (const line of example.split('\n'))
    assert.ok(line.length <= 90 || !line.startsWith(';'), `comment line over 90 columns: ${line}`);
});

test("deploy init's text: the values given, the app's name in the examples, and it loads", () => {
  const text = exampleSettings(
    { app: 'shop', repository: 'git@example.com:me/shop.git', hosts: 'ubuntu@10.0.0.5' },
    { writtenBy: '`deploy init`' },
  );
  assert.match(text, /^; settings\.ini for `deploy`, written by `deploy init`\.$/m);
  assert.match(text, /^settings_file = shop\.settings\.prod$/m);
  assert.match(text, /^; wsgi_app = shop\.wsgi:application$/m);
  assert.doesNotMatch(text, /myapp/);
  const s = parseSettings(text, { app: 'shop', file: 'settings.ini' });
  assert.equal(s.repository, 'git@example.com:me/shop.git');
  assert.deepEqual(
    s.hosts.map((h) => h.label),
    ['ubuntu@10.0.0.5'],
  );
  assert.equal(s.django.settingsModule, 'shop.settings.prod');
  // A $ in a name is written as it is, not read as a replacement pattern.
  assert.match(exampleSettings({ app: 'a$&b' }), /^project_name = a\$&b$/m);
});

test('docs/settings.md is generated from the key table (npm run settings-docs rewrites it)', () => {
  assert.equal(
    settingsPage,
    settingsDocs(),
    'docs/settings.md differs from the key table: run `npm run settings-docs`',
  );
});

/** docs/settings.md's tables: `SECTION key` (a key name may be two sections', as after_rollback) -> its default cell, backticks removed. */
function documentedDefaults(): Map<string, string> {
  const rows = new Map<string, string>();
  let section = '';
  for (const line of settingsPage.split('\n')) {
    section = /^## \[([A-Z_]+)\]$/.exec(line)?.[1] ?? section;
    const m = /^\| `([a-z0-9_]+)`[^|]*\|([^|]*)\|/.exec(line);
    if (m) rows.set(`${section} ${m[1]}`, m[2].replaceAll('`', '').trim());
  }
  return rows;
}

test("docs/settings.md's tables show each key's default as the key table does", () => {
  const rows = documentedDefaults();
  for (const k of KEYS) {
    const expected = k.required ? 'required' : (k.defaultDoc ?? k.default ?? '');
    assert.equal(rows.get(`${k.section} ${k.key}`), expected, `docs/settings.md's row for ${k.key}: default column`);
    assert.equal(defaultCell(k).replaceAll('`', ''), expected);
  }
  assert.equal(rows.size, KEYS.length, 'one row per key, and no row for a key that does not exist');
});

test('the schema text becomes markdown: code in backticks, nothing a table or HTML would eat', () => {
  assert.equal(
    markdown('Comma-separated [user@]host[:port], each reached as `ssh` would (~/.ssh/config applies).'),
    'Comma-separated `[user@]host[:port]`, each reached as `ssh` would (`~/.ssh/config` applies).',
  );
  assert.equal(
    markdown('ssl = custom: the key; setup checks it (/etc/<app>.conf is fine).'),
    '`ssl = custom`: the key; setup checks it (`/etc/<app>.conf` is fine).',
  );
  assert.equal(
    markdown('Default <first part of settings_file>.wsgi:application.'),
    'Default `<first part of settings_file>.wsgi:application`.',
  );
  assert.equal(markdown('a | b, written without "." or ".." parts'), 'a \\| b, written without `.` or `..` parts');
  for (const k of KEYS) {
    // Outside code spans, no < (an HTML tag to a markdown renderer) and no unescaped |.
    const prose = markdown(k.doc).replace(/`[^`]*`/g, '');
    assert.doesNotMatch(prose, /<|(?<!\\)\|/, `${k.key}'s doc as markdown: ${prose}`);
  }
});

test('the README is short: at most 250 lines, the two commands, and a link to every docs page', () => {
  assert.ok(readme.split('\n').length <= 250, `README.md has ${readme.split('\n').length} lines`);
  assert.match(readme, /^ {4}bash scripts\/demo\.sh /m);
  assert.match(readme, /^ {4}bash scripts\/test\.sh /m);
  for (const page of DOCS) assert.ok(readme.includes(`](${page})`), `README.md links ${page}`);
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n ? `${base}-${n}` : base);
  }
  return found;
}

test('every relative link in the README and docs/ reaches a file, and every #anchor a heading', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const page of ['README.md', ...DOCS, 'BENCHMARKS.md']) {
    const text = read(page)
      .replace(/^( {4}|\t).*$/gm, '')
      .replace(/`[^`\n]*`/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      checked++;
      const [path, anchor] = target.split('#');
      const file = path ? resolve(dirname(join(ROOT, page)), path) : join(ROOT, page);
      if (!existsSync(file)) {
        problems.push(`${page}: ${target}: no such file`);
        continue;
      }
      if (anchor !== undefined && !(statSync(file).isFile() && anchors(readFileSync(file, 'utf8')).has(anchor))) {
        problems.push(`${page}: ${target}: no heading #${anchor} in ${relative(ROOT, file)}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked > 50, `only ${checked} links checked`);
});
