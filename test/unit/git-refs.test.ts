// What the remote git commands pick and export, run here with real git against a real mirror
// clone laid out as on a server (no SSH): which commit a name resolves to, a name that is both
// a branch and a tag, a commit with a submodule, and the inputs hash behind symlinks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/settings/load.ts';
import { NO_REF_STATUS, refError, resolveRef } from '../../src/steps/git.ts';
import { djangoCommands, exportRelease } from '../../src/steps/build.ts';
import { RemoteCommandError, UsageError } from '../../src/errors.ts';
import { libraryFor } from '../../src/library.ts';

let home: string;
let work: string;
let mirror: string;
const commits: Record<string, string> = {};
const settings = (extra = '') =>
  parseSettings(
    `[DEPLOY]\nproject_name = myapp\nrepository = git@example.com:me/myapp.git\ndeploy_hosts = ubuntu@203.0.113.10\nhome = ${home}\n${extra}`,
    { app: 'myapp', file: 'settings.ini' },
  );
const git = (cwd: string, ...a: string[]) =>
  execFileSync(
    'git',
    ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'protocol.file.allow=always', ...a],
    { cwd, stdio: 'pipe' },
  )
    .toString()
    .trim();
const commit = (name: string, files: Record<string, string> = {}) => {
  for (const [f, content] of Object.entries({ VERSION: `${name}\n`, ...files })) {
    mkdirSync(join(work, f, '..'), { recursive: true });
    writeFileSync(join(work, f), content);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-qm', name);
  commits[name] = git(work, 'rev-parse', 'HEAD');
};
/** The mirror the servers fetch into, brought up to date. */
const fetch = () =>
  existsSync(mirror)
    ? git(mirror, 'fetch', '-q', '--prune', 'origin')
    : git(home, 'clone', '-q', '--mirror', work, mirror);
/** The command, with the library functions it calls (remote/lib/), as a step's script gives them. */
const bash = (code: string) =>
  spawnSync('bash', ['-c', `set -euo pipefail\n${libraryFor(code)}${code}`], { encoding: 'utf8' });
const resolve = (ref?: string, extra = '') => bash(String(resolveRef(settings(extra), ref).run));

before(() => {
  home = mkdtempSync(join(tmpdir(), 'deploy-refs-'));
  work = join(home, 'work');
  mirror = join(home, 'apps', 'myapp', 'repo');
  mkdirSync(work);
  git(work, 'init', '-q', '-b', 'main');
  commit('v1');
  git(work, 'tag', 'v1.0');
  git(work, 'branch', 'feature');
  git(work, 'tag', 'main');
  commit('v2');
  fetch();
});
after(() => rmSync(home, { recursive: true, force: true }));

test('a name that is both a branch and a tag is refused, naming both and how to choose', () => {
  const r = resolve('main');
  assert.equal(r.status, NO_REF_STATUS, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /main is both a branch \(refs\/heads\/main/);
  assert.match(r.stderr, new RegExp(`${commits.v2.slice(0, 8)}.*${commits.v1.slice(0, 8)}`));
  const usage = refError(new RemoteCommandError('ubuntu@h', 'prepare', 'cd …', r.status!, r.stderr, 5)) as UsageError;
  assert.equal(usage.exitCode, 2);
  assert.match(usage.hint ?? '', /--ref refs\/heads\/main for the branch, --ref refs\/tags\/main for the tag/);
});

test('full ref names choose; tags, branches and commits resolve as before', () => {
  assert.equal(resolve('refs/heads/main').stdout.trim(), `${commits.v2} branch main`);
  assert.equal(resolve('refs/tags/main').stdout.trim(), `${commits.v1} tag main`);
  assert.equal(resolve('v1.0').stdout.trim(), `${commits.v1} tag v1.0`);
  assert.equal(resolve('feature').stdout.trim(), `${commits.v1} branch feature`);
  assert.equal(resolve(commits.v1.slice(0, 10)).stdout.trim(), `${commits.v1} commit ${commits.v1.slice(0, 10)}`);
});

test('the default branch and the branch setting are branches: a tag of the same name is no ambiguity', () => {
  assert.equal(
    resolve().stdout.trim(),
    `${commits.v2} branch main`,
    'not "heads/main", as git symbolic-ref --short says when a tag shares the name',
  );
  assert.equal(resolve(undefined, 'branch = main\n').stdout.trim(), `${commits.v2} branch main`);
  const tagOnly = resolve(undefined, 'branch = v1.0\n');
  assert.equal(tagOnly.status, NO_REF_STATUS);
  assert.match(tagOnly.stderr, /no branch named v1\.0 in git@example\.com:me\/myapp\.git/);
});

test('a name that does not exist: its own status, turned into exit 2 (bad usage) by refError', () => {
  const r = resolve('no-such-ref');
  assert.equal(r.status, NO_REF_STATUS);
  assert.match(r.stderr, /no branch, tag or commit named no-such-ref in git@example\.com:me\/myapp\.git/);
  const usage = refError(new RemoteCommandError('ubuntu@h', 'prepare', 'cd …', NO_REF_STATUS, r.stderr, 5));
  assert.ok(usage instanceof UsageError);
  assert.equal(usage.exitCode, 2);
  assert.match(usage.message, /^ubuntu@h: no branch, tag or commit named no-such-ref/);
  const other = new RemoteCommandError('ubuntu@h', 'prepare', 'git fetch', 128, 'fatal: unable to access', 4);
  assert.equal(refError(other), other, 'any other failure stays what it is');
});

test('a commit with a git submodule is refused at export, naming it; nothing is exported', () => {
  const sub = join(home, 'sub');
  mkdirSync(sub);
  git(sub, 'init', '-q', '-b', 'main');
  writeFileSync(join(sub, 'lib.py'), 'X = 1\n');
  git(sub, 'add', '-A');
  git(sub, 'commit', '-qm', 'lib');
  git(work, 'submodule', 'add', '-q', sub, 'vendor/lib');
  commit('v3');
  fetch();
  const s = settings();
  const dir = join(home, 'apps', 'myapp', 'releases', 'r3');
  const r = bash(String(exportRelease(s, { name: 'r3', commit: commits.v3, ref: 'main' })[0].run));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /git submodule.*vendor\/lib/);
  assert.ok(!existsSync(dir), 'no release directory');
  const ok = bash(String(exportRelease(s, { name: 'r2', commit: commits.v2, ref: 'main' })[0].run));
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readFileSync(join(home, 'apps', 'myapp', 'releases', 'r2', 'VERSION'), 'utf8'), 'v2\n');
});

test("collectstatic's inputs hash sees files behind a symlinked static directory or file", () => {
  const s = settings();
  const dir = join(home, 'apps', 'myapp', 'releases', 'r9');
  mkdirSync(join(dir, 'assets', 'css'), { recursive: true });
  mkdirSync(join(dir, 'app', 'static'), { recursive: true });
  writeFileSync(join(dir, 'manage.py'), '');
  writeFileSync(join(dir, 'assets', 'css', 'site.css'), 'a {}\n');
  writeFileSync(join(dir, 'assets', 'logo.svg'), '<svg/>\n');
  symlinkSync('../../assets/css', join(dir, 'app', 'static', 'css'));
  symlinkSync('../../assets/logo.svg', join(dir, 'app', 'static', 'logo.svg'));
  // The shared directories are links out of the release: never walked into (uploads can be many).
  mkdirSync(join(home, 'shared-media', 'static'), { recursive: true });
  symlinkSync(join(home, 'shared-media'), join(dir, 'media'));
  const record = djangoCommands(s, 'r9').at(-1)!;
  const hash = () => {
    const r = bash(String(record.run));
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(join(dir, '.deploy-django'), 'utf8').trim();
  };
  const first = hash();
  assert.equal(hash(), first, 'the same inputs hash the same');
  writeFileSync(join(dir, 'assets', 'css', 'site.css'), 'a { color: red }\n');
  const second = hash();
  assert.notEqual(second, first, 'a change behind a symlinked directory');
  writeFileSync(join(dir, 'assets', 'logo.svg'), '<svg></svg>\n');
  assert.notEqual(hash(), second, 'a change behind a symlinked file');
  const third = hash();
  writeFileSync(join(home, 'shared-media', 'static', 'upload.css'), 'x\n');
  assert.equal(hash(), third, 'media is not an input');
});
