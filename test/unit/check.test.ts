// check's verdicts from what a server said (src/check.ts), the git host it must reach, and what
// blocks `check` against what blocks setup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSettings } from '../../src/settings/load.ts';
import { verdicts, worst, type CheckFacts } from '../../src/check.ts';
import { gitEndpoint } from '../../src/steps/check.ts';
import { blockedError } from '../../src/fleet/check.ts';

const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8');
const s = parseSettings(seed, { app: 'NOME_APP', file: 'settings.ini' });
const now = 1_796_000_000_000;
const facts = (login: Record<string, string> = {}, root: Record<string, string> | null = {}): CheckFacts => ({
  login: {
    os: 'debian 12 Debian GNU/Linux 12 (bookworm)',
    sudo: 'yes',
    disk: `${20 * 1024 * 1024} /`,
    clock: String(now / 1000),
    addresses: '203.0.113.10',
    python: 'Python 3.11.2',
    missing: '',
    ...login,
  },
  root: root === null ? undefined : { listening: '', reach: 'yes', deploy_key: 'yes', ...root },
  localMs: now,
  uncertaintyMs: 40,
  web: true,
});
const rowOf = (f: CheckFacts, check: string) => verdicts(s, f).find((r) => r.check === check)!;

test("the repository's host and port, in each URL form git takes", () => {
  assert.deepEqual(gitEndpoint('git@bitbucket.org:znc/e-hall.git'), { host: 'bitbucket.org', port: 22 });
  assert.deepEqual(gitEndpoint('ssh://git@git.example.com:2222/me/app.git'), { host: 'git.example.com', port: 2222 });
  assert.deepEqual(gitEndpoint('https://github.com/me/app.git'), { host: 'github.com', port: 443 });
  assert.deepEqual(gitEndpoint('ssh://git@[2001:db8::1]/srv/app.git'), { host: '2001:db8::1', port: 22 });
  assert.equal(gitEndpoint('/srv/git/app.git'), undefined);
});

test('a ready server: every check ok', () => {
  assert.equal(worst(verdicts(s, facts())), 'ok', JSON.stringify(verdicts(s, facts()), null, 1));
});

test('what blocks: no sudo, too little disk, a web port held by another program', () => {
  assert.equal(rowOf(facts({ sudo: 'no' }), 'sudo').verdict, 'block');
  assert.equal(rowOf(facts({ disk: `${500 * 1024} /opt` }), 'disk').verdict, 'block');
  assert.equal(rowOf(facts({ disk: `${2 * 1024 * 1024} /` }), 'disk').verdict, 'warn');
  const held = rowOf(facts({}, { listening: '80 apache2\n80 nginx' }), 'ports');
  assert.equal(held.verdict, 'block');
  assert.match(held.detail, /80 is taken by apache2/);
  assert.equal(rowOf(facts({}, { listening: '80 nginx' }), 'ports').detail, "80 nginx's");
});

test("what warns: an untested OS, a clock 10 minutes off, a deploy key not accepted yet; without sudo, root's checks unread", () => {
  assert.equal(rowOf(facts({ os: 'ubuntu 24.04 Ubuntu 24.04 LTS' }), 'OS').verdict, 'warn');
  const clock = rowOf(facts({ clock: String(now / 1000 + 600) }), 'clock');
  assert.equal(clock.verdict, 'warn');
  assert.match(clock.detail, /^600 s ahead of this machine/);
  assert.match(rowOf(facts({ clock: String(now / 1000 - 0.2) }), 'clock').detail, /within 1 s/);
  assert.equal(rowOf(facts({}, { deploy_key: 'no: Permission denied (publickey).' }), 'deploy key').verdict, 'warn');
  assert.equal(rowOf(facts({ sudo: 'no' }, null), 'ports').verdict, 'warn');
});

test('a git host out of reach blocks check, not setup (its deploy-key gate says what to do)', () => {
  const rows = verdicts(s, facts({}, { reach: 'no' }));
  assert.equal(rows.find((r) => r.check === 'git host')?.verdict, 'block');
  const all = [{ host: 'h1', rows }];
  assert.match(blockedError(all, 'check', 'NOME_APP')?.message ?? '', /h1: git host/);
  assert.equal(blockedError(all, 'setup', 'NOME_APP'), undefined);
  assert.equal(
    blockedError([{ host: 'h1', rows: verdicts(s, facts({ sudo: 'no' })) }], 'setup', 'NOME_APP')?.exitCode,
    8,
  );
});
