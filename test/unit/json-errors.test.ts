// --json when a run stops before it has a reporter (bad settings, bad usage): the one document
// still says which command and app it was about, from the command line (issue 23, item 23).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/deploy.js', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'deploy-json-errors-'));
const bad = join(home, 'bad.ini');
writeFileSync(bad, '[DEPLOY]\nproject_name = shop\ndeploy_hots = u@h\n');

function json(...args: string[]): {
  code: number | null;
  doc: Record<string, unknown> & { error: { exit_status: number; message: string } };
} {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: home },
    encoding: 'utf8',
    input: '',
  });
  return { code: r.status, doc: JSON.parse(r.stdout) };
}

test('a settings error: command and app come from the command line, in either order', () => {
  for (const args of [
    ['shop', 'deploy', '--yes', '--json', '-c', bad],
    ['deploy', 'shop', '--yes', '--json', '-c', bad],
    ['--json', '-c', bad, 'shop', 'deploy', '--yes'],
  ]) {
    const { code, doc } = json(...args);
    assert.equal(code, 2, args.join(' '));
    assert.equal(doc.command, 'deploy', args.join(' '));
    assert.equal(doc.app, 'shop', args.join(' '));
    assert.equal(doc.ok, false);
    assert.equal(doc.dry_run, false);
    assert.deepEqual(doc.hosts, {});
    assert.equal(doc.error.exit_status, 2);
    assert.match(doc.error.message, /deploy_hots/);
  }
});

test('every command that reads the settings, and --dry-run, say so in the document', () => {
  for (const command of ['status', 'logs', 'releases', 'run', 'rollback', 'restart', 'maintenance']) {
    const extra = command === 'maintenance' ? ['on'] : [];
    const { code, doc } = json('shop', command, ...extra, '--json', '--dry-run', '-c', bad);
    assert.equal(code, 2, command);
    assert.equal(doc.command, command);
    assert.equal(doc.app, 'shop');
    assert.equal(doc.dry_run, true, command);
  }
});

test('a usage error of a known command: the same document, command and app filled', () => {
  const { code, doc } = json('shop', 'logs', '--lines', 'many', '--json', '-c', bad);
  assert.equal(code, 2);
  assert.equal(doc.command, 'logs');
  assert.equal(doc.app, 'shop');
  assert.equal(doc.ok, false);
  assert.deepEqual(doc.hosts, {});
  assert.match(doc.error.message, /--lines must be a number/);
});
