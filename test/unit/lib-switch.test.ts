// remote/lib/switch.sh and remote/lib/lock.sh under a local bash: the switch's decision, what
// follows its commit point, and the deploy lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from '../../src/shell.ts';
import { INTERRUPTED_STATUS } from '../../src/steps/switch.ts';
import { LOCKED_STATUS } from '../../src/steps/lock.ts';
import { bash, scratch } from './lib-shell.ts';

function slots() {
  const root = scratch('switch');
  for (const r of ['r1', 'r2']) mkdirSync(join(root, 'releases', r), { recursive: true });
  mkdirSync(join(root, 'slots'));
  symlinkSync(join(root, 'releases', 'r1'), join(root, 'slots', 'a'));
  symlinkSync(join(root, 'releases', 'r2'), join(root, 'slots', 'b'));
  symlinkSync(join(root, 'releases', 'r1'), join(root, 'current'));
  return { root, flag: join(root, 'slots', 'live-b'), slots: join(root, 'slots'), current: join(root, 'current') };
}

test('deploy_follow_current: current follows the slot the switch file names, and says so only when it moves', () => {
  const t = slots();
  const follow = () => bash(String(sh`deploy_follow_current ${t.flag} ${t.slots} ${t.current}`));
  assert.equal(follow().stdout, '', 'slot a is live and current names its release');
  writeFileSync(t.flag, '');
  const moved = follow();
  assert.equal(moved.status, 0, moved.stderr);
  assert.equal(moved.stdout, 'current -> r2 (slot b)\n');
  assert.equal(readlinkSync(t.current), join(t.root, 'releases', 'r2'));
  assert.ok(!existsSync(`${t.current}.tmp`));
  assert.equal(follow().stdout, '');
});

test('deploy_follow_current leaves current alone when the live slot has no link', () => {
  const t = slots();
  writeFileSync(t.flag, '');
  const r = bash(`rm ${t.slots}/b; deploy_follow_current ${t.flag} ${t.slots} ${t.current}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readlinkSync(t.current), join(t.root, 'releases', 'r1'));
});

test("deploy_clear_leftovers removes half-made links and dead runs' decisions, nothing else", () => {
  const t = slots();
  for (const f of [
    'current.tmp',
    'slots/a.tmp',
    'slots/b.tmp',
    'deploy.decision-dead1',
    'deploy.decision-dead2',
    'deploy.log.jsonl',
  ])
    writeFileSync(join(t.root, f), '');
  assert.equal(bash(String(sh`deploy_clear_leftovers ${t.current} ${t.slots} ${t.root}`)).status, 0);
  assert.deepEqual(readdirSync(t.root).sort(), ['current', 'deploy.log.jsonl', 'releases', 'slots']);
  assert.deepEqual(readdirSync(t.slots).sort(), ['a', 'b']);
  assert.equal(
    bash(String(sh`deploy_clear_leftovers ${t.current} ${t.slots} ${t.root}`)).status,
    0,
    'nothing left: fine',
  );
});

test("the abort point and Ctrl-C's request: whoever creates the decision file first decides", () => {
  const t = slots();
  const point = (f: string) => bash(String(sh`deploy_abort_point ${join(t.root, f)}`));
  const request = (f: string) => bash(String(sh`deploy_abort_request ${join(t.root, f)}`));
  assert.equal(request('d1').stdout, 'stopping\n');
  const stopped = point('d1');
  assert.equal(stopped.status, INTERRUPTED_STATUS);
  assert.equal(stopped.stderr, 'interrupted: stopped before switching traffic\n');
  assert.equal(request('d1').stdout, 'stopping\n', 'a second Ctrl-C gets the same answer');
  assert.equal(point('d2').status, 0);
  assert.equal(readFileSync(join(t.root, 'd2'), 'utf8'), 'switch\n');
  assert.equal(request('d2').stdout, 'too-late\n');
});

test('the lock: one holder; only its token gives it back; unlock removes a lock it was shown', () => {
  const root = scratch('lock');
  const lock = join(root, 'deploy.lock');
  const info = (token: string) => JSON.stringify({ by: 'me@here', what: 'deploy main', token });
  assert.equal(bash(String(sh`deploy_lock ${lock} ${info('t1')}`)).status, 0);
  assert.equal(readFileSync(join(lock, 'info'), 'utf8'), `${info('t1')}\n`);
  const busy = bash(String(sh`deploy_lock ${lock} ${info('t2')}`));
  assert.equal(busy.status, LOCKED_STATUS);
  assert.equal(busy.stderr, `locked: ${info('t1')}\n`);
  assert.equal(bash(String(sh`deploy_lock_info ${lock}`)).stdout, `${info('t1')}\n`);
  bash(String(sh`deploy_unlock ${lock} t2`));
  assert.ok(existsSync(lock), "another run's token leaves it");
  const other = bash(String(sh`deploy_remove_lock ${lock} t2`));
  assert.equal(other.status, 1);
  assert.equal(other.stderr, 'the lock changed hands meanwhile: left in place\n');
  bash(String(sh`deploy_unlock ${lock} t1`));
  assert.ok(!existsSync(lock));
  assert.equal(bash(String(sh`deploy_lock_info ${lock}`)).stdout, '', 'nobody holds it');
  mkdirSync(lock);
  assert.equal(bash(String(sh`deploy_remove_lock ${lock} t9`)).status, 0, 'a lock whose holder never wrote its info');
  assert.ok(!existsSync(lock));
});
