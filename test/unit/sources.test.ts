// source = git | archive | url (docs/sources.md): the settings, and what the plans send for each.
// The real transfers are test/e2e/sources.test.ts's; the archive functions, lib-archive.test.ts's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSettings } from '../../src/settings/load.ts';
import { SettingsError } from '../../src/errors.ts';
import * as D from '../../src/steps/deploy.ts';
import { exportRelease } from '../../src/steps/build.ts';
import { systemPackages } from '../../src/steps/setup.ts';
import { archiveUrl, checksumUrl, receiveRelease } from '../../src/steps/source.ts';
import { renderScript, streamCommand } from '../../src/render.ts';
import { localPath } from '../../src/source/local-repository.ts';

const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8');
const withDeploy = (extra: string, text = seed) => text.replace('[APP]', `${extra}\n[APP]`);
const parse = (text: string) => parseSettings(text, { app: 'NOME_APP', file: 'settings.ini' });
const problems = (text: string): string => {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof SettingsError) return e.problems.join('\n');
    throw e;
  }
  return '';
};
const TOKEN = 'tok-5e3c1d';
const URL_SETTINGS = withDeploy(
  `source = url\narchive_url = https://example.com/me/app/archive/refs/tags/{ref}.tar.gz?access_token=${TOKEN}`,
  seed.replace(/^repositorio = .*\n/m, ''),
);
const lock = { by: 'me@here', pid: 1, since: 'now', what: 'deploy', token: 'tok' };
const ctx = { appUser: 'django' };

test('source: git by default; archive and url are checked with the keys they need', () => {
  assert.equal(parse(seed).source, 'git');
  assert.equal(parse(withDeploy('source = archive')).source, 'archive');
  const url = parse(URL_SETTINGS);
  assert.equal(url.source, 'url');
  assert.equal(url.repository, '', 'repository is not needed with url');
  assert.equal(String(url.archive?.url), '[redacted]');
  assert.match(problems(withDeploy('source = svn')), /source.*"?svn"? is not git, archive or url/);
  assert.match(problems(withDeploy('source = url')), /source = url needs archive_url/);
  assert.match(
    problems(withDeploy('archive_url = https://x.test/{ref}.tgz')),
    /archive_url.*read only with source = url/,
  );
  assert.match(
    problems(withDeploy('source = url\narchive_url = ftp://x.test/a.tgz')),
    /not an http:\/\/ or https:\/\/ URL/,
  );
  assert.match(
    problems(withDeploy('source = url\narchive_url = https://x.test/a.tgz\narchive_sha256 = abc')),
    /not a sha256/,
  );
  assert.match(problems(seed.replace(/^repositorio = .*\n/m, '')), /repository.*required/);
  assert.doesNotMatch(
    problems(withDeploy(`source = url\narchive_url = ftp://${TOKEN}`)),
    new RegExp(TOKEN),
    'a secret is never shown',
  );
});

test('prepare: git fetches and resolves on the server; archive reads only what is live; url reads the sha256, its URL on stdin', () => {
  const shown = (text: string, ref?: string) => renderScript(D.prepare(parse(text), lock, ref), ctx, false);
  assert.match(shown(seed), /deploy_fetch /);
  const archive = shown(withDeploy('source = archive'));
  assert.doesNotMatch(archive, /deploy_fetch|deploy_resolve_ref/);
  assert.match(
    archive,
    /deploy_require_setup \/opt\/django\/apps\/NOME_APP\/releases /,
    'set up: its releases directory, not a clone',
  );
  const url = D.prepare(parse(URL_SETTINGS), lock, '1.2.3');
  const script = renderScript(url, ctx, false);
  assert.match(script, /deploy_archive_sha256/);
  assert.match(script, /url = "\[archive_url for 1\.2\.3\]"/);
  assert.doesNotMatch(script, new RegExp(TOKEN));
  const real = renderScript(url, ctx, true);
  assert.match(
    real,
    new RegExp(
      `url = "https://example.com/me/app/archive/refs/tags/1\\.2\\.3\\.tar\\.gz\\.sha256\\?access_token=${TOKEN}"`,
    ),
  );
  const fixed = parse(withDeploy(`archive_sha256 = ${'a'.repeat(64)}`, URL_SETTINGS));
  assert.doesNotMatch(renderScript(D.prepare(fixed, lock, '1.2.3'), ctx, true), /deploy_archive_sha256|curl/);
  assert.throws(() => D.prepare(parse(URL_SETTINGS), lock), /source = url needs the ref/);
});

test('the build takes the files by source: export from the mirror, the upload already unpacked, or the download', () => {
  const r = { name: 'r1', commit: 'c'.repeat(40), ref: 'main' };
  const runs = (text: string, extra = {}) => exportRelease(parse(text), { ...r, ...extra }).map((c) => String(c.run));
  assert.match(runs(seed)[0], /^deploy_export /);
  assert.deepEqual(
    runs(withDeploy('source = archive')).map((c) => c.split(' ')[0]),
    ['deploy_finish_export'],
  );
  const url = exportRelease(parse(URL_SETTINGS), { ...r, commit: 'f'.repeat(64), archive: { sha256: 'f'.repeat(64) } });
  assert.match(
    String(url[0].run),
    /^deploy_download_archive \/opt\/django\/apps\/NOME_APP\/releases r1 f{64} python3$/,
  );
  assert.equal(String(url[0].stdin), 'url = "[archive_url for main]"\n');
  const meta = String(url[1].stdin);
  assert.match(meta, /"source":"url","sha256":"f{64}"/, 'the release records where it came from');
});

test('archive: the upload is one app command whose line shows no secret; git and ssh are not installed', () => {
  const s = parse(withDeploy('source = archive'));
  const up = receiveRelease(s, 'r1', { file: '/tmp/a.tar.gz', bytes: 2048, sha256: 'e'.repeat(64) });
  assert.equal(up.title, 'send the release archive (2.0 kB) and unpack it as r1');
  const line = streamCommand(up, ctx);
  assert.match(line, /^sudo -n -H -u django -- bash -c /);
  assert.match(line, /deploy_unpack_archive\(\) \{/, 'the functions it calls travel with it');
  assert.match(line, /deploy_receive_archive \/opt\/django\/apps\/NOME_APP\/releases r1 e{64} python3/);
  assert.throws(() => streamCommand({ ...up, commands: [...up.commands, ...up.commands] }, ctx), /one app command/);
  assert.ok(!systemPackages(s).includes('git'));
  assert.ok(!systemPackages(s).includes('openssh-client'));
  assert.ok(systemPackages(parse(seed)).includes('git'));
});

test('archive_url: {ref} filled in (encoded, its / kept); the .sha256 beside it, before a query string', () => {
  assert.equal(archiveUrl('https://x.test/a/{ref}.tar.gz', 'v1.2 rc/x'), 'https://x.test/a/v1.2%20rc/x.tar.gz');
  assert.equal(checksumUrl('https://x.test/a.tar.gz?t=1#f'), 'https://x.test/a.tar.gz.sha256?t=1#f');
  assert.equal(checksumUrl('https://x.test/a.tar.gz'), 'https://x.test/a.tar.gz.sha256');
  assert.equal(localPath('git@github.com:me/app.git'), undefined);
  assert.equal(localPath('file:///srv/app'), '/srv/app');
  assert.equal(localPath('/srv/app.git'), '/srv/app.git');
});
