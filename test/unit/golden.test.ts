// Golden scripts (test/golden.ts): every plan, for three settings files, renders exactly as
// reviewed; the whole scripts sent, and every shell file in remote/, pass shellcheck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { GOLDEN, goldens } from '../golden.ts';
import { remoteDir } from '../../src/remote-files.ts';

test('every plan renders as its golden script (npm run golden rewrites them; review the diff)', () => {
  const all = goldens();
  assert.ok(all.length >= 34, `${all.length} golden scripts`);
  for (const g of all) {
    let want = '';
    try {
      want = readFileSync(join(GOLDEN, g.path), 'utf8');
    } catch {
      assert.fail(`test/golden/${g.path} is missing: run npm run golden`);
    }
    assert.equal(
      g.text,
      want,
      `test/golden/${g.path} differs from what the plans render: run npm run golden and review the diff`,
    );
  }
});

/** shellcheck's findings for some bash (gcc format: one per line). */
function shellcheck(input: string): string[] {
  const r = spawnSync('shellcheck', ['-s', 'bash', '-f', 'gcc', '-'], { input, encoding: 'utf8' });
  assert.notEqual(
    r.error?.message.includes('ENOENT'),
    true,
    'shellcheck is not installed (scripts/prepare.sh installs it)',
  );
  return r.stdout.split('\n').filter(Boolean);
}

test('every script the plans send passes shellcheck', () => {
  const findings: string[] = [];
  const seen = new Set<string>();
  for (const g of goldens()) {
    for (const { step, script } of g.scripts) {
      if (seen.has(script)) continue;
      seen.add(script);
      findings.push(...shellcheck(script).map((f) => `${g.path} ${step}: ${f.replace(/^-:/, 'line ')}`));
    }
  }
  assert.deepEqual(findings, []);
});

test('every shell file in remote/ passes shellcheck', () => {
  const files = [
    'markers.sh',
    'prelude.sh',
    'deploy-ctl.sh',
    ...readdirSync(join(remoteDir(), 'lib')).map((f) => `lib/${f}`),
  ];
  // The prelude and the library run after the markers: checked as the scripts get them.
  const markers = readFileSync(join(remoteDir(), 'markers.sh'), 'utf8');
  const findings = files.flatMap((f) =>
    shellcheck(
      (f === 'markers.sh' || f === 'deploy-ctl.sh' ? '' : markers) + readFileSync(join(remoteDir(), f), 'utf8'),
    ).map((x) => `remote/${f}: ${x}`),
  );
  assert.deepEqual(findings, []);
});

test('every library function is defined once (a second definition would silently win in the scripts)', async () => {
  const { LIBRARY } = await import('../../src/library.ts');
  const seen = new Map<string, string>();
  const twice = LIBRARY.filter((f) => {
    const first = seen.get(f.name);
    seen.set(f.name, first ?? f.file);
    return first !== undefined;
  }).map((f) => `${f.name}: ${seen.get(f.name)} and ${f.file}`);
  assert.deepEqual(twice, []);
});
