// remote/lib/releases.sh under a local bash, in a directory laid out as an app's on a server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from '../../src/shell.ts';
import { bash, scratch } from './lib-shell.ts';

/** An app's directory: releases (name: state), the venvs they link, current and the slots. */
function app(
  releases: Record<string, 'built' | 'failed' | 'incomplete'>,
  links: { current?: string; a?: string; b?: string; live?: 'b' } = {},
) {
  const root = scratch('releases');
  const venvs = join(root, 'virtualenvs');
  mkdirSync(join(root, 'slots'), { recursive: true });
  mkdirSync(venvs);
  for (const [name, state] of Object.entries(releases)) {
    const dir = join(root, 'releases', name);
    mkdirSync(dir, { recursive: true });
    if (state !== 'incomplete') writeFileSync(join(dir, state === 'built' ? '.deploy-built' : '.deploy-failed'), '');
    writeFileSync(join(dir, '.deploy-release'), `{"release":"${name}","ref":"main","fingerprint":"f00d"}\n`);
    mkdirSync(join(venvs, `env-${name}`));
    symlinkSync(join(venvs, `env-${name}`), join(dir, '.venv'));
  }
  const rel = (name: string) => join(root, 'releases', name);
  if (links.current) symlinkSync(rel(links.current), join(root, 'current'));
  if (links.a) symlinkSync(rel(links.a), join(root, 'slots', 'a'));
  if (links.b) symlinkSync(rel(links.b), join(root, 'slots', 'b'));
  if (links.live) writeFileSync(join(root, 'slots', 'live-b'), '');
  return {
    root,
    venvs,
    releases: join(root, 'releases'),
    slots: join(root, 'slots'),
    current: join(root, 'current'),
    flag: join(root, 'slots', 'live-b'),
  };
}

test('deploy_prune keeps the newest built releases and every linked one, then drops environments no release uses', () => {
  const t = app(
    {
      '20260101T000001-a': 'built',
      '20260101T000002-b': 'built',
      '20260101T000003-c': 'built',
      '20260101T000004-d': 'failed',
      '20260101T000005-e': 'built',
    },
    { current: '20260101T000001-a', a: '20260101T000001-a', b: '20260101T000004-d' },
  );
  mkdirSync(join(t.venvs, 'orphan'));
  const r = bash(String(sh`deploy_prune 2 ${t.releases} ${t.current} ${t.slots} ${t.venvs}`));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    'removed release 20260101T000002-b\nremoved environment env-20260101T000002-b\nremoved environment orphan\n',
  );
  assert.deepEqual(readdirSync(t.releases).sort(), [
    '20260101T000001-a',
    '20260101T000003-c',
    '20260101T000004-d',
    '20260101T000005-e',
  ]);
  assert.deepEqual(readdirSync(t.venvs).sort(), [
    'env-20260101T000001-a',
    'env-20260101T000003-c',
    'env-20260101T000004-d',
    'env-20260101T000005-e',
  ]);
  const again = bash(String(sh`deploy_prune 2 ${t.releases} ${t.current} ${t.slots} ${t.venvs}`));
  assert.equal(again.stdout, '', 'nothing more to prune');
});

test('deploy_finish_deletes ends what a killed run was deleting, and nothing else', () => {
  const t = app({ r1: 'built' });
  mkdirSync(join(t.releases, '.deleting-r0', 'deep'), { recursive: true });
  mkdirSync(join(t.venvs, '.deleting-env-r0'));
  const r = bash(String(sh`deploy_finish_deletes ${t.releases} ${t.venvs}`));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(t.releases), ['r1']);
  assert.deepEqual(readdirSync(t.venvs), ['env-r1']);
  assert.equal(bash(String(sh`deploy_finish_deletes ${t.releases} ${t.venvs}`)).status, 0, 'none left: fine');
});

test('deploy_releases lists each release with its state and its metadata without the fingerprint', () => {
  const t = app({ r1: 'built', r2: 'failed', r3: 'incomplete' });
  const r = bash(String(sh`deploy_releases ${t.releases}`));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    'r1\tbuilt\t{"release":"r1","ref":"main"}\nr2\tfailed\t{"release":"r2","ref":"main"}\nr3\tincomplete\t{"release":"r3","ref":"main"}\n',
  );
  assert.equal(bash(String(sh`deploy_releases ${join(t.root, 'none')}`)).status, 1, 'no releases directory');
});

test("deploy_live_fingerprint: the live metadata, then whether its server files are the fingerprint's", () => {
  const t = app({ r1: 'built' }, { a: 'r1' });
  const live = `${t.slots}/"$(deploy_live_slot ${t.flag})"`;
  assert.equal(bash(`deploy_live_fingerprint ${live} f00d`).stdout, '{"release":"r1","ref":"main"}\nsame\n');
  assert.equal(bash(`deploy_live_fingerprint ${live} beef`).stdout, '{"release":"r1","ref":"main"}\nchanged\n');
  assert.equal(bash(String(sh`deploy_live_fingerprint ${join(t.root, 'none')} f00d`)).stdout, 'changed\n');
});

test('deploy_abandon_release marks a release failed unless it serves; deploy_live_now says what does', () => {
  const t = app({ r1: 'built', r2: 'built' }, { a: 'r1', b: 'r2', live: 'b' });
  const abandon = (name: string) =>
    bash(String(sh`deploy_abandon_release ${join(t.releases, name)} ${t.flag} ${t.slots}`));
  assert.equal(abandon('r2').status, 0);
  assert.ok(existsSync(join(t.releases, 'r2', '.deploy-built')), 'the live one is left serving');
  assert.equal(abandon('r1').status, 0);
  assert.ok(!existsSync(join(t.releases, 'r1', '.deploy-built')));
  assert.equal(readFileSync(join(t.releases, 'r1', '.deploy-failed'), 'utf8'), 'failed\n');
  assert.equal(abandon('gone').status, 0, 'a release never made: nothing to do');
  assert.equal(bash(String(sh`deploy_live_now ${t.flag} ${t.slots}`)).stdout, 'live b r2\n');
});

test("deploy_live_name: the live slot's release, else current's (a lost slot link)", () => {
  const t = app({ r1: 'built', r2: 'built' }, { current: 'r1', b: 'r2', live: 'b' });
  const live = `${t.slots}/"$(deploy_live_slot ${t.flag})"`;
  assert.equal(bash(`deploy_live_name ${live} ${t.current}`).stdout, 'r2\n');
  assert.equal(bash(String(sh`deploy_live_name ${join(t.slots, 'a')} ${t.current}`)).stdout, 'r1\n');
});

test("deploy_clock: the server's time, then the newest release named by its time", () => {
  const t = app({ '20260101T000001-a': 'built', '20260301T000000-b': 'built', 'hand-made': 'built' });
  const [now, newest] = bash(String(sh`deploy_clock ${t.releases}`)).stdout.split('\n');
  assert.ok(Math.abs(Number(now) - Date.now() / 1000) < 60, now);
  assert.equal(newest, '20260301T000000-b');
  assert.equal(bash(String(sh`deploy_clock ${join(t.root, 'none')}`)).stdout.split('\n')[1], '', 'no releases yet');
});

test('deploy_require_setup and deploy_log', () => {
  const t = app({});
  const missing = bash(String(sh`deploy_require_setup ${join(t.root, 'repo')} shop`));
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'shop is not set up on this server: run `deploy shop setup` first\n');
  assert.equal(bash(String(sh`deploy_require_setup ${t.slots} shop`)).status, 0);
  const log = join(t.root, 'deploy.log.jsonl');
  bash(String(sh`deploy_log ${log} ${'{"result":"ok"}'}`));
  bash(String(sh`deploy_log ${log} ${'{"result":"failed"}'}`));
  assert.equal(readFileSync(log, 'utf8'), '{"result":"ok"}\n{"result":"failed"}\n');
  assert.equal(
    bash(String(sh`deploy_log ${join(t.root, 'no', 'log')} {}`)).status,
    0,
    'a log that cannot be written stops nothing',
  );
});

test('deploy_release_meta hides the fingerprint (a secret)', () => {
  const t = app({ r1: 'built' });
  const file = join(t.releases, 'r1', '.deploy-release');
  assert.equal(bash(String(sh`deploy_release_meta ${file}`)).stdout, '{"release":"r1","ref":"main"}\n');
  assert.equal(bash(String(sh`deploy_release_meta ${join(t.root, 'none')}`)).status, 1);
});

test('deploy_check_through_nginx and deploy_require_this_version say what is wrong', () => {
  const t = app({});
  const r = bash(String(sh`deploy_check_through_nginx shop http://127.0.0.1:9/ -H ${'Host: shop.example'}`));
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'through nginx, http://127.0.0.1:9/ answered nothing\n');
  const site = join(t.root, 'site');
  writeFileSync(site, 'server { }\n');
  const old = bash(String(sh`deploy_require_this_version ${t.flag} ${site} ${t.slots} shop`));
  assert.equal(old.status, 1);
  assert.equal(old.stderr, 'shop was set up by an older version of deploy: run `deploy shop setup` again first\n');
  writeFileSync(site, `if (-f ${t.flag}) { }\n`);
  assert.equal(bash(String(sh`deploy_require_this_version ${t.flag} ${site} ${t.slots} shop`)).status, 0);
});
