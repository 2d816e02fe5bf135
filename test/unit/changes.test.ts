// What a deploy brings and a rollback takes away: remote/lib/changes.sh under a local bash, on a
// real git repository and two release directories; its output parsed, grouped and worded; and
// where the probe and a deferred migrate sit in the build's plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from '../../src/shell.ts';
import { parseSettings } from '../../src/settings/load.ts';
import * as D from '../../src/steps/deploy.ts';
import {
  leavingTarget,
  parseChanges,
  parseLeaving,
  requirementsDiff,
  type HostChanges,
} from '../../src/steps/changes.ts';
import { changesText, leavingText, migrationsPerApp } from '../../src/ui/changes.ts';
import { bash, scratch } from './lib-shell.ts';

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** A repository with two commits (the second adds a migration and a requirement) and a release of each. */
function twoReleases() {
  const root = scratch('changes');
  const repo = join(root, 'repo');
  const git = (...a: string[]) =>
    execFileSync('git', ['-C', repo, '-c', 'user.name=Ana Lima', '-c', 'user.email=a@x', ...a], {
      encoding: 'utf8',
    }).trim();
  mkdirSync(join(repo, 'shop', 'catalog', 'migrations'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  const write = (path: string, text: string) => writeFileSync(join(repo, path), text);
  write('manage.py', '');
  write('requirements.txt', 'Django>=3.2\ngunicorn>=20\nsix==1.16\n');
  write('shop/catalog/migrations/0001_initial.py', '');
  git('add', '-A');
  git('commit', '-qm', 'First');
  const first = git('rev-parse', 'HEAD');
  write('requirements.txt', '# pinned\nDjango>=4.2\ngunicorn>=20\nrequests>=2\n');
  write('shop/catalog/migrations/0002_sku.py', '');
  git('add', '-A');
  git('commit', '-qm', 'Products get a SKU');
  const second = git('rev-parse', 'HEAD');
  const release = (name: string, commit: string) => {
    const dir = join(root, 'releases', name);
    mkdirSync(dir, { recursive: true });
    execFileSync('bash', ['-c', `git -C ${repo} archive ${commit} | tar -x -C ${dir}`]);
    writeFileSync(join(dir, '.deploy-release'), `{"release":"${name}","commit":"${commit}"}\n`);
    return dir;
  };
  return { repo, first, second, old: release('r1', first), next: release('r2', second) };
}

test('deploy_changes reads the commits, files, migration files and both requirements; parsed, they say what changes', () => {
  const r = twoReleases();
  // MIGRATE=no: Django is not asked (no Django here); the rest is all git and files.
  const ran = bash(sh`deploy_changes ${r.next} ${r.old} ${r.repo} no`.reveal());
  assert.equal(ran.status, 0, ran.stderr);
  const c = parseChanges(ran.stdout);
  assert.equal(c.live, r.first);
  assert.deepEqual(c.commits, {
    count: 1,
    left_out: 0,
    ancestor: true,
    list: [{ sha: r.second.slice(0, 7), author: 'Ana Lima', subject: 'Products get a SKU' }],
  });
  assert.equal(c.files_changed, 2);
  assert.equal(c.migrations, null);
  assert.deepEqual(c.requirements, {
    added: ['requests>=2'],
    removed: ['six==1.16'],
    changed: [{ from: 'Django>=3.2', to: 'Django>=4.2' }],
  });
});

test('going the other way: not an ancestor, and a rollback leaves the commit and the migration applied since', () => {
  const r = twoReleases();
  const back = parseChanges(bash(sh`deploy_changes ${r.old} ${r.next} ${r.repo} no`.reveal()).stdout);
  assert.equal(back.commits?.ancestor, false);
  assert.equal(back.commits?.count, 0);
  assert.equal(back.commits?.left_out, 1);
  assert.match(
    plain(changesText('r1', [['h1', back]], true)),
    /not an ancestor: .* 0 commits not live, 1 live commit left out/,
  );

  const leaving = parseLeaving(bash(sh`deploy_leaving ${r.next} ${r.old} ${r.repo}`.reveal()).stdout);
  assert.equal(leaving.commits?.count, 1);
  assert.equal(leaving.commits?.list[0].subject, 'Products get a SKU');
  assert.deepEqual(leaving.migrations, ['catalog.0002_sku']);
  const text = plain(
    leavingText('r1', [
      ['h1', leaving],
      ['h2', leaving],
    ]),
  );
  assert.match(text, /^h1, h2: going back to r1 leaves$/m);
  assert.match(text, /1 migration applied since r1: catalog: 0002_sku/);
  assert.match(text, /warning: a rollback does not reverse migrations/);
});

test('deploy_leaving_previous finds the rollback with no target itself: the newest built release before the live one', () => {
  const r = twoReleases();
  const releases = join(r.old, '..');
  const live = join(releases, '..', 'live');
  execFileSync('ln', ['-sfn', r.next, live]);
  const read = () => bash(sh`deploy_leaving_previous ${releases} ${live} ${r.repo}`.reveal());
  assert.equal(read().stdout, '', 'r1 is not built: nothing to go back to');
  writeFileSync(join(r.old, '.deploy-built'), '');
  const text = read().stdout;
  assert.equal(leavingTarget(text), 'r1');
  assert.deepEqual(parseLeaving(text).migrations, ['catalog.0002_sku']);
  assert.equal(parseLeaving(text).commits?.count, 1);
  // Live on the older one: nothing before it.
  execFileSync('ln', ['-sfn', r.old, live]);
  assert.equal(read().stdout, '');
});

test('without a mirror (source = archive): no commits, and the migration files compared to decide whether to ask Django', () => {
  const r = twoReleases();
  const c = parseChanges(bash(sh`deploy_changes ${r.next} ${r.old} '' no`.reveal()).stdout);
  assert.equal(c.commits, null);
  assert.equal(c.files_changed, null);
  assert.match(plain(changesText('r2', [['h1', c]], false)), /commits: not read \(no repository on the server\)/);
  // MIGRATE=yes with the same migration files: Django is not started, none will run.
  const same = parseChanges(bash(sh`deploy_changes ${r.next} ${r.next} '' yes`.reveal()).stdout);
  assert.deepEqual(same.migrations, []);
});

test("Django's plan and its failure are parsed", () => {
  const base = '== live abc\n== requirements-live\n\n== requirements-new\n\n';
  const plan = parseChanges(`${base}== migrations plan\ncatalog.0002_sku\norders.0004_state\n`);
  assert.deepEqual(plan.migrations, ['catalog.0002_sku', 'orders.0004_state']);
  assert.equal(
    migrationsPerApp(['catalog.0002_sku', 'catalog.0003_price', 'orders.0004_state']),
    'catalog: 0002_sku, 0003_price; orders: 0004_state',
  );
  const unknown = parseChanges(`${base}== migrations unknown\ndjango.db.utils.OperationalError: no such table\n`);
  assert.equal(unknown.migrations, null);
  assert.equal(unknown.migrations_unknown, 'django.db.utils.OperationalError: no such table');
  assert.match(
    plain(changesText('r', [['h', unknown]], true)),
    /migrations: could not ask Django \(django\.db\.utils\.OperationalError/,
  );
});

test('requirements: names compared case- and separator-blind, comments and blank lines ignored', () => {
  assert.deepEqual(requirementsDiff(['Django_Extensions==3.0', '# x', ''], ['django-extensions==3.1  # newer']), {
    added: [],
    removed: [],
    changed: [{ from: 'Django_Extensions==3.0', to: 'django-extensions==3.1' }],
  });
  assert.deepEqual(requirementsDiff(['-r base.txt'], ['-r base.txt', '-r extra.txt']).added, ['-r extra.txt']);
});

test('hosts that agree are shown once; the others apart, in the fleet order', () => {
  const c = (count: number): HostChanges => ({
    live: 'a'.repeat(40),
    commits: { count, left_out: 0, ancestor: true, list: [] },
    files_changed: 3,
    migrations: [],
    requirements: { added: [], removed: [], changed: [] },
    server_files: [{ path: '/etc/nginx/sites-available/demo', added: 2, removed: 1 }],
  });
  const text = plain(
    changesText(
      'R',
      [
        ['h1', c(2)],
        ['h2', c(5)],
        ['h3', c(2)],
      ],
      true,
    ),
  );
  assert.match(text, /^h1, h3: R brings\n {2}2 commits since aaaaaaaa, the live one:$/m);
  assert.match(text, /^h2: R brings\n {2}5 commits since/m);
  assert.match(text, /server files: \/etc\/nginx\/sites-available\/demo \(\+2 -1\)/);
  assert.match(text, /migrations: none to run/);
});

test("the build's plan: the probe after pip and before Django; asked first, migrate and the built mark wait for finishBuild", () => {
  const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8');
  const s = parseSettings(seed, { app: 'NOME_APP', file: 'settings.ini' });
  const ref = { name: 'R', commit: 'c'.repeat(40), ref: 'main' };
  const on = { web: true, migrate: true, primary: true, changes: true };
  const runs = (st: { commands: { run: { toString(): string } }[] }) => st.commands.map((c) => String(c.run));
  const yes = runs(D.build(s, ref, on));
  const probe = yes.findIndex((c) => c.startsWith('deploy_changes '));
  assert.ok(probe > yes.findIndex((c) => c.startsWith('deploy_pip ') || c.includes('requirements')), yes.join('\n'));
  assert.ok(probe < yes.findIndex((c) => c.startsWith('deploy_django ')), yes.join('\n'));
  assert.match(yes[probe], / yes$/);
  assert.ok(yes.some((c) => c.includes("c('migrate'")));

  const asked = runs(D.build(s, ref, { ...on, deferMigrate: true }));
  assert.ok(!asked.some((c) => c.includes("c('migrate'")), asked.join('\n'));
  assert.ok(!asked.some((c) => c.includes('.deploy-built')), asked.join('\n'));
  const finish = runs(D.finishBuild(s, 'R', { ...on, deferMigrate: true }));
  assert.ok(finish.findIndex((c) => c.includes("c('migrate'")) < finish.findIndex((c) => c.includes('.deploy-built')));
  assert.equal(finish.at(-1), 'touch /opt/django/apps/NOME_APP/releases/R/.deploy-built');
});
