// Installable like any npm CLI: `npm pack` from the repository gives a tarball with a built CLI
// and its templates; installed globally into a temporary prefix, `deploy` answers --version,
// --help, init and a dry run from another directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir, cleanup } from './helpers.ts';

test('npm pack, npm install -g: a working deploy with its templates', { timeout: 5 * 60_000 }, () => {
  const out = tempDir('deploy-pack-');
  const prefix = tempDir('deploy-prefix-');
  const elsewhere = tempDir('deploy-elsewhere-');
  try {
    const env = { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' };
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: ROOT, env, encoding: 'utf8' }),
    );
    const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
    for (const must of [
      'bin/deploy.js',
      'dist/cli/cli.js',
      'templates/nginx.conf',
      'templates/supervisor.conf',
      'templates/boot.service',
      'remote/prelude.sh',
      'settings.example.ini',
    ])
      assert.ok(files.includes(must), `${must} is in the package`);
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'no sources or tests');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, join(out, packed[0].filename)], { env, stdio: 'pipe' });
    const deploy = (...args: string[]) =>
      execFileSync(join(prefix, 'bin', 'deploy'), args, {
        cwd: elsewhere,
        env: { PATH: process.env.PATH ?? '', HOME: elsewhere },
        encoding: 'utf8',
      });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(deploy('--version').trim(), pkg.version);
    assert.match(deploy('--help'), /Usage: deploy <app> <command>/);
    deploy('init', 'shop', '--repository', 'git@example.com:me/shop.git', '--hosts', 'ubuntu@203.0.113.10', '--yes');
    const dry = deploy('shop', 'deploy', '--dry-run');
    assert.match(dry, /slots\/live-b/);
    assert.match(
      deploy('shop', 'setup', '--dry-run'),
      /upstream deploy_shop_a/,
      'the nginx template came with the package',
    );
  } finally {
    cleanup(out, prefix, elsewhere);
  }
});
