// remote/lib/files.sh's functions the setup side added or changed, under a local bash
// (test/library-bash.ts). They act as root: the tests skip otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { rootOnlyDir, runLib, tempDir } from '../library-bash.ts';

test("__give_to_app: what an older version left to root becomes the app user's, never through a link", (t) => {
  const safe = rootOnlyDir();
  if (!safe) return t.skip('as root');
  // Its real path: __give_to_app refuses one reached through a link.
  const apps = realpathSync(tempDir());
  mkdirSync(`${apps}/slots`);
  writeFileSync(`${apps}/slots/live-b`, '');
  mkdirSync(`${apps}/lock`);
  const r = runLib(`__give_to_app daemon ${apps}/slots ${apps}/none ${apps}/lock`);
  assert.deepEqual([r.code, r.marks], [0, ['changed', 'changed']]);
  for (const p of ['slots', 'slots/live-b', 'lock'])
    assert.deepEqual([statSync(`${apps}/${p}`).uid, statSync(`${apps}/${p}`).gid], [1, 1], p);
  assert.deepEqual(runLib(`__give_to_app daemon ${apps}/slots`).marks, [], "already the app user's");
  // A link planted on the way: refused, and the directory behind it stays root's.
  mkdirSync(`${safe}/target`);
  symlinkSync(`${safe}/target`, `${apps}/linked`);
  const refused = runLib(`__give_to_app daemon ${apps}/linked ${apps}/slots`);
  assert.deepEqual(
    [refused.code, refused.stderr],
    [1, `${apps}/linked is reached through a symbolic link: refusing to touch it\n`],
  );
  assert.equal(statSync(`${safe}/target`).uid, 0);
});

test('deploy_put_mkdir: __put, making the directory first', (t) => {
  const open = tempDir();
  assert.equal(
    runLib(`deploy_put_mkdir ${open}/logrotate.d/x 0644 root:root`, { stdin: 'x\n' }).code,
    1,
    'not where another user can write',
  );
  assert.equal(existsSync(`${open}/logrotate.d/x`), false);
  const safe = rootOnlyDir();
  if (!safe) return t.skip('as root');
  const f = `${safe}/renewal-hooks/deploy/reload`;
  assert.deepEqual(runLib(`deploy_put_mkdir ${f} 0755 root:root`, { stdin: '#!/bin/sh\n' }).marks, ['changed']);
  assert.deepEqual(
    [
      readFileSync(f, 'utf8'),
      (statSync(f).mode & 0o777).toString(8),
      (statSync(`${safe}/renewal-hooks`).mode & 0o777).toString(8),
    ],
    ['#!/bin/sh\n', '755', '755'],
  );
  assert.deepEqual(runLib(`deploy_put_mkdir ${f} 0755 root:root`, { stdin: '#!/bin/sh\n' }).marks, ['ok']);
});
