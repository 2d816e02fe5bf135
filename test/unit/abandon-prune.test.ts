// A failed run prunes too (issue 23, "also expected"): releases never pile up past keep_releases
// until the next success. The abandon step's own prune command, run by bash on a directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/settings/load.ts';
import { abandon } from '../../src/steps/deploy.ts';
import { libraryFor } from '../../src/library.ts';

test('a failed run keeps its own release (marked failed) and keep_releases built ones; older failed ones go', () => {
  const home = mkdtempSync(join(tmpdir(), 'deploy-prune-'));
  const s = parseSettings(
    `[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\ndeploy_hosts = ubuntu@10.0.0.1\nhome = ${home}\nkeep_releases = 2\n`,
    { app: 'demo', file: 'settings.ini' },
  );
  const root = join(home, 'apps/demo');
  const releases = join(root, 'releases');
  const built = ['20261201T000000-a', '20261202T000000-b', '20261203T000000-c'];
  const failed = ['20261202T120000-x', '20261203T120000-y'];
  const now = '20261204T000000-z';
  for (const r of [...built, ...failed, now]) mkdirSync(join(releases, r), { recursive: true });
  for (const r of built) writeFileSync(join(releases, r, '.deploy-built'), '');
  for (const r of [...failed, now]) writeFileSync(join(releases, r, '.deploy-failed'), 'failed\n');
  mkdirSync(join(root, 'slots'), { recursive: true });
  // The oldest built release is the live one: never removed, whatever keep_releases says.
  symlinkSync(join(releases, built[0]), join(root, 'slots/a'));
  symlinkSync(join(releases, built[0]), join(root, 'current'));
  const step = abandon(s, { release: now, token: 't', log: {} });
  const pruneCmd = step.commands.map((c) => String(c.run)).find((c) => c.startsWith('deploy_prune '));
  assert.ok(pruneCmd, 'the clean-up of a failed run prunes');
  const res = spawnSync(
    'bash',
    [
      '-c',
      `set -euo pipefail; __warn() { echo "$*" >&2; }
${libraryFor(pruneCmd)}
${pruneCmd}`,
    ],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(readdirSync(releases).sort(), [built[0], built[1], built[2], now].sort());
});
