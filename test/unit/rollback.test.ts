import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseTarget } from '../../src/commands/rollback.ts';
import { parseReleases, type ReleaseInfo } from '../../src/steps/deploy.ts';
import { releaseName, parseResolved } from '../../src/steps/git.ts';
import { DeployError, UsageError } from '../../src/errors.ts';

const rel = (name: string, state: ReleaseInfo['state'] = 'built'): ReleaseInfo => ({ name, state });
// Newest first, as parseReleases returns them.
const releases = [
  rel('20261123T120500-v1.3.0'),
  rel('20261123T120400-cccccccc', 'failed'),
  rel('20261123T120300-bbbbbbbb'),
  rel('20261123T120200-aaaaaaaa'),
];

test('rollback goes one back from the live release, skipping failed ones, until the oldest', () => {
  assert.equal(chooseTarget(releases, '20261123T120500-v1.3.0'), '20261123T120300-bbbbbbbb');
  assert.equal(chooseTarget(releases, '20261123T120300-bbbbbbbb'), '20261123T120200-aaaaaaaa');
  assert.throws(() => chooseTarget(releases, '20261123T120200-aaaaaaaa'), DeployError);
});

test('rollback current is the newest built release; a name or unique prefix selects one', () => {
  assert.equal(chooseTarget(releases, '20261123T120200-aaaaaaaa', 'current'), '20261123T120500-v1.3.0');
  assert.equal(chooseTarget(releases, 'x', '20261123T1203'), '20261123T120300-bbbbbbbb');
  assert.throws(() => chooseTarget(releases, 'x', '20261123T12'), UsageError, 'ambiguous prefix');
  assert.throws(() => chooseTarget(releases, 'x', 'nope'), UsageError);
  assert.throws(() => chooseTarget(releases, 'x', '20261123T120400'), /failed/);
});

test('release names show the version: the tag, else the short commit', () => {
  const at = new Date('2026-11-22T14:05:01.123Z');
  assert.equal(releaseName('a'.repeat(40), 'tag', 'v1.4.0', at), '20261122T140501-v1.4.0');
  assert.equal(
    releaseName(`${'0123456789abcdef'.repeat(2)}01234567`, 'branch', 'main', at),
    '20261122T140501-01234567',
  );
  assert.deepEqual(parseResolved(`${'f'.repeat(40)} tag v1.4.0\n`), {
    commit: 'f'.repeat(40),
    kind: 'tag',
    ref: 'v1.4.0',
  });
  assert.equal(parseResolved('garbage'), undefined);
});

test('parseReleases reads the listing newest first, tolerating unreadable metadata', () => {
  const out = parseReleases(
    '20261123T120200-aaaaaaaa\tbuilt\t{"ref":"main","commit":"aaaa"}\n20261123T120300-bbbbbbbb\tfailed\tnot json\n',
  );
  assert.deepEqual(
    out.map((r) => [r.name, r.state, r.ref]),
    [
      ['20261123T120300-bbbbbbbb', 'failed', undefined],
      ['20261123T120200-aaaaaaaa', 'built', 'main'],
    ],
  );
});
