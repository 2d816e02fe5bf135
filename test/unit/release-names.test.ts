// Release names come from the servers' clocks (issue 23, item 15): the latest of them, and always
// after the newest release a host keeps, so names sort in the order of the deploys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { releaseName, releaseTime } from '../../src/steps/git.ts';
import { FirstNames } from '../../src/commands/setup-source.ts';

test('a release is named by the latest server clock, after every release the hosts keep', () => {
  const t = Date.UTC(2026, 11, 4, 10, 0, 0) / 1000;
  assert.equal(releaseTime([`${t}\n`, `${t + 5}\n20261204T095959-abc`]).toISOString(), '2026-12-04T10:00:05.000Z');
  // A server whose clock is behind its own newest release: one second after that release.
  assert.equal(releaseTime([`${t}\n20261204T110000-v9`]).toISOString(), '2026-12-04T11:00:01.000Z');
  assert.equal(releaseName('c'.repeat(40), 'branch', 'main', releaseTime([`${t}\n`])), '20261204T100000-cccccccc');
  // No clock at all (a dry run): the operator's.
  const now = new Date('2030-01-01T00:00:00Z');
  assert.equal(releaseTime(['<clock>'], now), now);
});

test("setup names a fleet's first release once: hosts whose clocks differ get the same name, after each one's newest", () => {
  const names = new FirstNames();
  const t = Date.UTC(2026, 11, 5, 1, 59, 17) / 1000;
  const head = { commit: '5d428e50'.padEnd(40, '0'), kind: 'branch', ref: 'main' };
  const first = names.name(head, `${t}\n`);
  assert.equal(first, '20261205T015917-5d428e50');
  assert.equal(names.name(head, `${t + 2}\n`), first, 'a host read two seconds later: the same name');
  // A host whose newest release is after the shared time names its own (names sort by time).
  assert.equal(names.name(head, `${t + 3}\n20261205T020000-old`), '20261205T020001-5d428e50');
  // Another commit: a name of its own.
  assert.equal(names.name({ ...head, commit: 'e'.repeat(40) }, `${t + 4}\n`), '20261205T015921-eeeeeeee');
});
