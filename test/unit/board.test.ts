// The live board as text (src/ui/board-view.ts): a pure function of the hosts' state and the
// time, so what a terminal would show is checked here without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addFinished, boardText, phaseOf, summary, type BoardState, type HostLine } from '../../src/ui/board-view.ts';

const SCREEN = { rows: 24, columns: 100, frame: 0 };
const BUILD = 'build release 20261124T000000-aaaaaaaa: its environment, static files and migrations';
const START = 'start 20261124T000000-aaaaaaaa in slot b, health check';
const SWITCH = 'switch traffic to 20261124T000000-aaaaaaaa';
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function line(step: string, state: HostLine['state'], started = 0, failed?: string): HostLine {
  return { step, phase: phaseOf(step, state), started, state, steps: 1, ...(failed ? { failed } : {}) };
}

/** n hosts named host-<first>…, each with line(i). */
function fleet(n: number, make: (i: number) => HostLine, first = 0): [string, HostLine][] {
  return Array.from({ length: n }, (_, i) => [`host-${first + i}`, make(i)]);
}

function state(...groups: [string, HostLine][][]): BoardState {
  return { hosts: new Map(groups.flat()), finished: new Map() };
}

test('a step title names its phase, running and done; a failure is a failure', () => {
  assert.equal(phaseOf('connecting', 'running'), 'connecting');
  assert.equal(phaseOf('lock, fetch and resolve', 'running'), 'preparing');
  assert.equal(phaseOf("lock and read the archive's sha256", 'done'), 'prepared');
  assert.equal(phaseOf(BUILD, 'running'), 'building');
  assert.equal(phaseOf('send the release archive (3 MB) and unpack it as x', 'running'), 'building');
  assert.equal(phaseOf(START, 'running'), 'health');
  assert.equal(phaseOf(START, 'done'), 'healthy');
  assert.equal(phaseOf(`${START}, switch traffic`, 'done'), 'live');
  assert.equal(phaseOf(SWITCH, 'running'), 'switching');
  assert.equal(phaseOf(SWITCH, 'done'), 'live');
  assert.equal(phaseOf('make 20261124T000000-aaaaaaaa current', 'done'), 'live');
  assert.equal(phaseOf('waiting for the lock', 'running'), 'waiting for lock');
  assert.equal(phaseOf('clean up', 'done'), 'cleaned up');
  assert.equal(phaseOf(BUILD, 'failed'), 'failed');
  assert.equal(phaseOf('system packages', 'running'), 'running', "another command's step");
  assert.equal(phaseOf('status', 'done'), 'done');
});

test('the summary line counts every host once, in the order a deploy goes, failures last', () => {
  const s = state(
    fleet(87, () => line(SWITCH, 'done')),
    fleet(10, () => line(BUILD, 'running'), 87),
    fleet(2, () => line(START, 'running'), 97),
    // Failed while building, now being cleaned up: still counted as failed.
    fleet(1, () => line('clean up', 'running', 0, BUILD), 99),
  );
  assert.equal(plain(summary(s)), '87 live · 2 health · 10 building · 1 failed');
});

test('many hosts: the summary, then the failed hosts and those slow in their step, slowest first', () => {
  const s = state(
    fleet(60, () => line(BUILD, 'done')),
    // Started at 0, 1000, 2000...: at now = 40 s, host-60 has built for 40 s, host-99 for 1 s.
    fleet(40, (i) => line(BUILD, 'running', i * 1000), 60),
    [['db-1', line('clean up', 'running', 0, BUILD)]],
  );
  const times: number[] = [];
  for (let i = 59; i >= 0; i--) addFinished(times, 10_000 + i * 100);
  s.finished.set(BUILD, times);
  // The median of those that finished: 13 s. Slow: over 26 s, i.e. started before 14 s.
  const text = plain(boardText(s, 40_000, SCREEN)).split('\n');
  assert.equal(text[0], '60 built · 40 building · 1 failed');
  assert.match(text[1], /^✗ db-1 {2}build release .* {2}failed$/);
  assert.match(text[2], /^⠋ host-60 {2}build release .* {2}40\.0 s \(median 13\.0 s\)$/);
  assert.match(text[3], /^⠋ host-61 {2}build release .* {2}39\.0 s \(median 13\.0 s\)$/);
  assert.equal(text.length, 2 + 14, 'host-60 to host-73 are slow, host-74 (26 s) is not');
  assert.ok(
    text.every((l) => l.length <= SCREEN.columns),
    'no line wraps',
  );
});

test('before three hosts have finished a step, a host is slow past 30 s; a step under a second never is', () => {
  const s = state(
    fleet(30, () => line('lock, fetch and resolve', 'done')),
    fleet(20, (i) => line(BUILD, 'running', i * 2000), 30),
  );
  s.finished.set('lock, fetch and resolve', [100, 100, 100, 100]);
  s.finished.set(BUILD, [20_000, 25_000]);
  const text = plain(boardText(s, 40_000, SCREEN)).split('\n');
  // Started at 0 to 8 s: over 30 s by 40 s. The one at 10 s: exactly 30 s, not yet.
  assert.deepEqual(
    text.slice(1).map((l) => l.split('  ')[0]),
    ['⠋ host-30', '⠋ host-31', '⠋ host-32', '⠋ host-33', '⠋ host-34'],
  );
  const quick = state(
    fleet(30, () => line('lock, fetch and resolve', 'done')),
    fleet(10, () => line('lock, fetch and resolve', 'running', 0), 30),
  );
  quick.finished.set('lock, fetch and resolve', [100, 100, 100, 100]);
  assert.equal(plain(boardText(quick, 900, SCREEN)), '30 prepared · 10 preparing', 'at 9 times the median, under 1 s');
  assert.equal(plain(boardText(quick, 1100, SCREEN)).split('\n').length, 11, 'past 1 s: all ten');
});

test("the hosts worth a look are cut to the terminal's height: … and N more", () => {
  const s = state(fleet(100, () => line(BUILD, 'failed', 0, BUILD)));
  const text = plain(boardText(s, 1000, { rows: 12, columns: 200, frame: 0 })).split('\n');
  assert.equal(text.length, 11, 'the summary and ten lines: one row stays for the cursor');
  assert.equal(text[0], '100 failed');
  assert.equal(text.at(-1), '… and 91 more');
});

test('few hosts, or as many as the terminal has room for: one line per host, as before', () => {
  const few = state(
    [['web-1', line(BUILD, 'running', 0)]],
    [['web-2', line(SWITCH, 'done')]],
    [['worker-10', line(BUILD, 'failed', 0, BUILD)]],
  );
  assert.deepEqual(plain(boardText(few, 2500, SCREEN)).split('\n'), [
    `⠋ web-1      ${BUILD}  2.5 s`,
    `✓ web-2      ${SWITCH}  after 1 steps`,
    `✗ worker-10  ${BUILD}  after 1 steps`,
  ]);
  const twenty = state(fleet(20, () => line(BUILD, 'running', 0)));
  assert.equal(plain(boardText(twenty, 1000, { rows: 40, columns: 100, frame: 0 })).split('\n').length, 20);
  assert.equal(plain(boardText(twenty, 1000, { rows: 20, columns: 100, frame: 0 })), '20 building');
});

test('addFinished keeps the times sorted (the median is the middle one)', () => {
  const times: number[] = [];
  for (const ms of [5, 1, 4, 2, 3, 3]) addFinished(times, ms);
  assert.deepEqual(times, [1, 2, 3, 3, 4, 5]);
});
