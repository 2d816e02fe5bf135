// The CLI as a child process, with the printing executor (--dry-run) or failing before any connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/deploy.js', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'deploy-cli-'));
const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8')
  .replace('ubuntu@107.22.193.179:29992', 'ubuntu@127.0.0.1:1')
  .replace('email_host_password =', 'email_host_password = hunter2-secret');
const file = join(home, 'settings.ini');
writeFileSync(file, seed);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: home },
    encoding: 'utf8',
    input: '',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
}

test('--help lists the commands; every command has help with examples', () => {
  const r = cli('--help');
  assert.equal(r.code, 0);
  for (const c of ['setup', 'deploy', 'rollback', 'releases', 'unlock', 'status', 'logs', 'run', 'init'])
    assert.match(r.stdout, new RegExp(`^  ${c}`, 'm'));
  assert.match(r.stdout, /Exit status: 0 done, 1 failure, 2 bad usage/);
  for (const c of ['setup', 'deploy', 'rollback', 'status', 'logs', 'run', 'init']) {
    const h = cli(c, '--help');
    assert.equal(h.code, 0, c);
    assert.match(h.stdout, /Example/, `${c} --help has examples`);
  }
});

test('a mistyped command is a usage error with a suggestion', () => {
  const r = cli('NOME_APP', 'deplyo');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Did you mean deploy\?/);
});

test('dry runs print every command per host and step, redact secrets, connect nowhere', () => {
  for (const command of [['setup'], ['deploy'], ['rollback'], ['status'], ['releases']]) {
    const r = cli('NOME_APP', ...command, '--dry-run', '-c', file);
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /hunter2/);
    assert.match(r.stdout, /ubuntu@127\.0\.0\.1:1/);
  }
  const setup = cli('NOME_APP', 'setup', '--dry-run', '-c', file).stdout;
  for (const step of [
    'sudo works',
    'system packages',
    'app user django',
    'deploy key',
    'repository access',
    'git clone',
    'config file',
    'virtualenv',
    'gunicorn config',
    'supervisor config',
    'nginx config',
    'pip install -r requirements.txt',
    'collectstatic and migrate',
  ]) {
    assert.match(setup, new RegExp(step), step);
  }
  assert.match(setup, /email_host_password = \[redacted\]/);
  assert.match(
    setup,
    /only if: test ! -e \/opt\/django\/apps\/NOME_APP\/current/,
    'server-dependent steps show as conditionals',
  );
  const deploy = cli('NOME_APP', 'deploy', '--dry-run', '-c', file).stdout;
  assert.match(deploy, /\[django\] deploy_lock \/opt\/django\/apps\/NOME_APP\/deploy\.lock '\{"by":/);
  assert.match(
    deploy,
    /touch \/opt\/django\/apps\/NOME_APP\/slots\/live-b|rm -f \/opt\/django\/apps\/NOME_APP\/slots\/live-b/,
    'the switch is one file',
  );
});

test('--json gives a machine-readable result on stdout', () => {
  const r = cli('NOME_APP', 'setup', '--dry-run', '--json', '-c', file);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.command, 'setup');
  assert.equal(doc.ok, true);
  assert.ok(doc.hosts['ubuntu@127.0.0.1:1'].steps.length > 10);
  const bad = cli('nope', 'deploy', '--json', '--yes', '-c', file);
  assert.equal(bad.code, 2);
});

test('no colour when the output is not a terminal', () => {
  const r = cli('NOME_APP', 'deploy', '--dry-run', '-c', file);
  assert.doesNotMatch(r.output, /\x1b\[/);
});

test('without --yes and without a terminal: exit 2 before connecting', () => {
  const r = cli('NOME_APP', 'deploy', '-c', file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no terminal.*nothing was done/);
  assert.match(r.stderr, /--yes/);
});

test('init writes a valid commented settings.ini and never overwrites one', () => {
  const target = join(home, 'new.ini');
  const r = cli(
    'init',
    'shop',
    '--repository',
    'git@example.com:me/shop.git',
    '--hosts',
    'ubuntu@10.0.0.5',
    '-c',
    target,
    '--yes',
  );
  assert.equal(r.code, 0, r.output);
  const text = readFileSync(target, 'utf8');
  assert.match(text, /^project_name = shop$/m);
  assert.match(text, /^deploy_hosts = ubuntu@10\.0\.0\.5$/m);
  assert.match(text, /^; keep_releases = 5$/m);
  const again = cli('init', 'shop', '-c', target, '--yes');
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists/);
  assert.ok(existsSync(target));
  const dry = cli('shop', 'deploy', '--dry-run', '-c', target);
  assert.equal(dry.code, 0, dry.output);
});

test('bad settings: exit 2, every problem listed', () => {
  const bad = join(home, 'bad.ini');
  writeFileSync(bad, '[DEPLOY]\nproject_name = x\ndeploy_hots = u@h\n');
  const r = cli('x', 'deploy', '--yes', '-c', bad);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /deploy_hots \(line 3\): unknown key \(did you mean "deploy_hosts"\?\)/);
  assert.match(r.stderr, /repository: required/);
});

test('--version prints the version of package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  for (const flag of ['--version', '-V']) {
    const r = cli(flag);
    assert.equal(r.code, 0, r.output);
    assert.equal(r.stdout.trim(), pkg.version);
  }
});

test('--json: exactly one JSON document on stdout, also for usage and settings errors', () => {
  const bad = join(home, 'bad-json.ini');
  writeFileSync(bad, '[DEPLOY]\nproject_name = x\n');
  for (const args of [
    ['x', 'deploy', '--yes', '--json', '-c', bad],
    ['NOME_APP', 'deploy', '--json', '-c', file],
    ['NOME_APP', 'deplyo', '--json', '-c', file],
    ['nope', 'status', '--json', '-c', file],
  ]) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.output}`);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, false);
    assert.equal(doc.error.exit_status, 2);
    assert.ok(doc.error.message.length > 5);
  }
  const dry = cli('NOME_APP', 'status', '--dry-run', '--json', '-c', file);
  assert.equal(dry.code, 0, dry.output);
  assert.equal(JSON.parse(dry.stdout).ok, true, 'status succeeded: ok is true');
});

test('init names only the placeholders it really wrote', () => {
  const all = cli(
    'init',
    'shop',
    '--repository',
    'git@example.com:me/shop.git',
    '--hosts',
    'ubuntu@10.0.0.5',
    '-c',
    join(home, 'all.ini'),
    '--yes',
  );
  assert.equal(all.code, 0, all.output);
  assert.doesNotMatch(all.stdout, /placeholder/);
  const some = cli(
    'init',
    'shop',
    '--repository',
    'git@example.com:me/shop.git',
    '-c',
    join(home, 'some.ini'),
    '--yes',
  );
  assert.match(some.stdout, /placeholders: edit deploy_hosts\)/);
  assert.doesNotMatch(readFileSync(join(home, 'all.ini'), 'utf8'), /placeholder/);
});

test('npm scripts name files that exist', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  for (const [name, script] of Object.entries(pkg.scripts as Record<string, string>)) {
    for (const m of script.matchAll(/(?:bash|node(?: --import tsx)?) ((?:scripts|bench|examples)\/\S+)/g)) {
      assert.ok(existsSync(new URL(`../../${m[1]}`, import.meta.url)), `npm run ${name}: ${m[1]} exists`);
    }
  }
});

test('options before the app name, values and combined short flags: commander reads them', () => {
  for (const args of [
    ['-c', file, 'NOME_APP', 'status', '--dry-run'],
    ['--config', file, 'NOME_APP', 'status', '--dry-run'],
    [`--config=${file}`, 'NOME_APP', 'status', '--dry-run'],
    ['-yc', file, 'NOME_APP', 'deploy', '--dry-run'],
    ['NOME_APP', '-c', file, 'logs', '-n', '5', '--dry-run'],
    ['--dry-run', 'NOME_APP', 'status', '-c', file],
  ]) {
    const r = cli(...args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.output}`);
    assert.match(r.stdout, /ubuntu@127\.0\.0\.1:1/);
  }
  const run = cli('-c', file, 'NOME_APP', 'run', '--dry-run', '--', 'ls', '-c', 'x');
  assert.equal(run.code, 0, run.output);
  assert.match(run.stdout, /ls -c x/, 'words after -- are the command, never options');
});

test('start, stop and restart read in either order: deploy restart APP as deploy APP restart', async () => {
  const { reorder } = await import('../../src/cli.ts');
  for (const cmd of ['start', 'stop', 'restart']) {
    assert.deepEqual(reorder(['node', 'deploy', 'shop', cmd, 'web']), ['node', 'deploy', cmd, 'shop', 'web']);
    assert.deepEqual(reorder(['node', 'deploy', cmd, 'shop', 'web']), ['node', 'deploy', cmd, 'shop', 'web']);
  }
});
