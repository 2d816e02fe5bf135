// remote/lib/archive.sh under a local bash (test/library-bash.ts): release archives received or
// downloaded, checked against their sha256 and for members that would land outside the release,
// unpacked beside the releases and renamed into place; hostile archives built with Python's tarfile.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLib, tempDir } from '../library-bash.ts';

/** A tar.gz made by Python's tarfile from entries: [name, kind, data-or-link]. */
function tarball(
  dir: string,
  name: string,
  entries: [string, 'file' | 'dir' | 'sym' | 'hard' | 'fifo', string?][],
): string {
  const file = join(dir, name);
  const py = `
import io, sys, tarfile, json
entries = json.loads(sys.argv[2])
with tarfile.open(sys.argv[1], "w:gz") as t:
    for name, kind, data in entries:
        i = tarfile.TarInfo(name)
        i.mode = 0o755 if kind == "dir" else 0o644
        if kind == "dir": i.type = tarfile.DIRTYPE; t.addfile(i)
        elif kind == "sym": i.type = tarfile.SYMTYPE; i.linkname = data; t.addfile(i)
        elif kind == "hard": i.type = tarfile.LNKTYPE; i.linkname = data; t.addfile(i)
        elif kind == "fifo": i.type = tarfile.FIFOTYPE; t.addfile(i)
        else:
            b = (data or "").encode(); i.size = len(b); t.addfile(i, io.BytesIO(b))
`;
  const r = spawnSync('python3', ['-c', py, file, JSON.stringify(entries.map(([n, k, d]) => [n, k, d ?? null]))], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return file;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** What `deploy_receive_archive` leaves in a fresh releases directory for this archive. */
function receive(archive: string, mode: 'keep' | 'strip' = 'keep', sum = sha(archive)) {
  const releases = join(tempDir(), 'releases');
  mkdirSync(releases);
  const fn = mode === 'keep' ? 'deploy_receive_archive' : 'deploy_unpack_archive';
  const code =
    mode === 'keep'
      ? `${fn} ${releases} r1 ${sum} python3 < ${archive}`
      : `cp ${archive} ${releases}/.incoming-r1 && ${fn} ${releases} r1 ${sum} python3 strip`;
  const r = runLib(code);
  return { ...r, releases, left: readdirSync(releases).sort() };
}

test('an archive is checked, unpacked beside the releases and renamed into place; nothing else is left', () => {
  const dir = tempDir();
  const a = tarball(dir, 'good.tar.gz', [
    ['manage.py', 'file', 'print(1)\n'],
    ['demo', 'dir'],
    ['demo/settings.py', 'file', 'X = 1\n'],
    ['demo/alias.py', 'sym', 'settings.py'],
    ['static', 'sym', 'demo'],
  ]);
  const r = receive(a);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.left, ['r1']);
  assert.equal(readFileSync(join(r.releases, 'r1/demo/settings.py'), 'utf8'), 'X = 1\n');
  assert.equal(readFileSync(join(r.releases, 'r1/demo/alias.py'), 'utf8'), 'X = 1\n');
});

test("url archives: the one top directory is stripped (GitHub's REPO-1.2.3/); several top entries are refused", () => {
  const dir = tempDir();
  const good = receive(
    tarball(dir, 'gh.tar.gz', [
      ['demo-1.2.3', 'dir'],
      ['demo-1.2.3/manage.py', 'file', 'ok\n'],
      ['demo-1.2.3/static', 'sym', 'demo'],
    ]),
    'strip',
  );
  assert.equal(good.code, 0, good.stderr);
  assert.equal(readFileSync(join(good.releases, 'r1/manage.py'), 'utf8'), 'ok\n');
  const two = receive(
    tarball(dir, 'two.tar.gz', [
      ['a/x', 'file'],
      ['b/y', 'file'],
    ]),
    'strip',
  );
  assert.equal(two.code, 1);
  assert.match(two.stderr, /2 top-level entries .*not the one top directory/);
  assert.deepEqual(two.left, []);
});

test('a sha256 mismatch, an HTML page and a file that is no archive are refused, with nothing left', () => {
  const dir = tempDir();
  const a = tarball(dir, 'a.tar.gz', [['x', 'file', 'x']]);
  const wrong = receive(a, 'keep', '0'.repeat(64));
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /sha256 is [0-9a-f]{64}, not 0{64}: refused, nothing changed/);
  assert.deepEqual(wrong.left, []);
  const html = join(dir, 'page.html');
  writeFileSync(html, '<!DOCTYPE html>\n<html><body>Sign in</body></html>\n');
  const page = receive(html, 'keep', '1'.repeat(64));
  assert.match(page.stderr, /an HTML page, not an archive/);
  assert.deepEqual(page.left, []);
  const junk = join(dir, 'junk');
  writeFileSync(junk, 'not a tar at all');
  const notTar = receive(junk);
  assert.equal(notTar.code, 1);
  assert.match(notTar.stderr, /not a tar archive/);
  assert.deepEqual(notTar.left, []);
});

test('tar slip: .., absolute names, links out (also through another link), hard links out and devices are refused; nothing lands', () => {
  const dir = tempDir();
  const cases: [string, [string, 'file' | 'dir' | 'sym' | 'hard' | 'fifo', string?][], RegExp][] = [
    [
      'dotdot',
      [
        ['ok', 'file'],
        ['../../escaped', 'file', 'x'],
      ],
      /'\.\.\/\.\.\/escaped' would land outside the release/,
    ],
    ['absolute', [['/tmp/deploy-abs-escaped', 'file', 'x']], /'\/tmp\/deploy-abs-escaped' would land outside/],
    ['symlink', [['etc', 'sym', '/etc']], /'etc' links to '\/etc', outside the release/],
    [
      'symlink up',
      [
        ['d', 'dir'],
        ['d/up', 'sym', '../..'],
      ],
      /'d\/up' links to '\.\.\/\.\.', outside/,
    ],
    ['hard link', [['h', 'hard', '../outside']], /'h' is a hard link to '\.\.\/outside', outside/],
    ['fifo', [['p', 'fifo']], /'p' is a device or a pipe/],
    // Each link alone stays inside; resolved through each other they leave: found once unpacked.
    [
      'chain',
      [
        ['d', 'dir'],
        ['d/l', 'sym', '..'],
        ['a', 'sym', 'd/l/..'],
      ],
      /'a' links outside the release/,
    ],
  ];
  for (const [name, entries, said] of cases) {
    const r = receive(tarball(dir, `${name.replace(' ', '-')}.tar.gz`, entries));
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.match(r.stderr, said, name);
    assert.match(r.stderr, /the release archive is refused, nothing changed/, name);
    assert.deepEqual(r.left, [], `${name}: nothing under releases/`);
  }
  assert.ok(!existsSync('/tmp/deploy-abs-escaped'));
});

test('what an interrupted transfer or unpacking left is removed by the next run (deploy_finish_deletes)', () => {
  const base = tempDir();
  const releases = join(base, 'releases');
  const venvs = join(base, 'venvs');
  mkdirSync(join(releases, '.unpack-r2', 'deep'), { recursive: true });
  mkdirSync(join(releases, 'r1'));
  mkdirSync(venvs);
  writeFileSync(join(releases, '.incoming-r2'), 'half an archive');
  const r = runLib(`deploy_finish_deletes ${releases} ${venvs}`);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(releases), ['r1']);
});

// A real HTTP server for the download: curl reads its URL from stdin (a token never on its command line).
const web = tempDir();
const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '0', '--directory', web], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
after(() => server.kill());
const port: Promise<number> = new Promise((resolve) => {
  let out = '';
  const seen = (d: Buffer) => {
    out += d;
    const m = /port (\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  };
  server.stdout.on('data', seen);
  server.stderr.on('data', seen);
});

test('url: the sha256 comes from the .sha256 file beside the archive; the download is checked and stripped', async () => {
  const p = await port;
  const a = tarball(web, 'demo-1.0.tar.gz', [['demo-1.0/manage.py', 'file', 'v1\n']]);
  writeFileSync(join(web, 'demo-1.0.tar.gz.sha256'), `${sha(a)}  demo-1.0.tar.gz\n`);
  writeFileSync(join(web, 'bad.sha256'), '<html>not found</html>\n');
  const url = (f: string) => `url = "http://127.0.0.1:${p}/${f}"\n`;
  const sum = runLib('deploy_archive_sha256', { stdin: url('demo-1.0.tar.gz.sha256') });
  assert.equal(sum.code, 0, sum.stderr);
  assert.equal(sum.stdout.trim(), sha(a));
  const bad = runLib('deploy_archive_sha256', { stdin: url('bad.sha256') });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /does not start with a sha256/);
  const missing = runLib('deploy_archive_sha256', { stdin: url('nothing.sha256') });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /404[\s\S]*could not download the archive's .sha256 file/);

  const releases = join(tempDir(), 'releases');
  mkdirSync(releases);
  const got = runLib(`deploy_download_archive ${releases} r1 ${sha(a)} python3`, { stdin: url('demo-1.0.tar.gz') });
  assert.equal(got.code, 0, got.stderr);
  assert.equal(readFileSync(join(releases, 'r1/manage.py'), 'utf8'), 'v1\n');
  const gone = runLib(`deploy_download_archive ${releases} r2 ${sha(a)} python3`, { stdin: url('gone.tar.gz') });
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /could not download the release archive/);
  assert.deepEqual(readdirSync(releases), ['r1']);
});
