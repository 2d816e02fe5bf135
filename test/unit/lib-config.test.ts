// remote/lib/config.sh under a local bash (test/library-bash.ts): the config file, each release's
// own server files, and root's copies of them. Root's side needs root (it refuses any directory
// another user can write, and /tmp is one): those tests skip otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { rootOnlyDir, runLib, tempDir } from '../library-bash.ts';

const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8);
const SECRETS = 'database_url,email_host_password';
/** The config file as the settings make it: a placeholder for the secret_key, today's secrets. */
const settings =
  'secret_key = @@SECRET_KEY@@\ndebug = False\ndatabase_url = postgres://new\nemail_host_password = new-mail\n';

test("__config: the config file's own secret_key (a new one the first time), the secrets from stdin", () => {
  const t = tempDir();
  writeFileSync(`${t}/app.conf`, 'secret_key = KEEP-ME\ndebug = True\n');
  assert.equal(
    runLib(`__config ${SECRETS} - ${t}/app.conf`, { stdin: settings }).stdout,
    'secret_key = KEEP-ME\ndebug = False\ndatabase_url = postgres://new\nemail_host_password = new-mail\n',
  );
  // A release's copy (its secrets redacted): its own values, today's secrets.
  writeFileSync(
    `${t}/kept.conf`,
    'secret_key = @@SECRET_KEY@@\ndebug = True\ndatabase_url = [redacted]\nemail_host_password\t= [redacted]\n',
  );
  assert.equal(
    runLib(`__config ${SECRETS} ${t}/kept.conf ${t}/app.conf`, { stdin: settings }).stdout,
    'secret_key = KEEP-ME\ndebug = True\ndatabase_url = postgres://new\nemail_host_password = new-mail\n',
  );
  const fresh = runLib(`__config ${SECRETS} - ${t}/none.conf`, { stdin: settings }).stdout;
  assert.match(fresh, /^secret_key = [A-Za-z0-9_-]{64}\ndebug = False\n/);
});

test("deploy_release_dir and deploy_release_file: the release's own files, 0750 and umask 027, through a new file", () => {
  const dir = `${tempDir()}/releases/r1/.deploy`;
  mkdirSync(dir.replace(/\/\.deploy$/, ''), { recursive: true });
  assert.equal(runLib(`deploy_release_dir ${dir}`).code, 0);
  assert.deepEqual([mode(dir), existsSync(`${dir}/processes`)], ['750', true]);
  assert.equal(runLib(`deploy_release_file ${dir}/gunicorn.conf.py 0640`, { stdin: 'workers = 2\n' }).code, 0);
  assert.equal(runLib(`deploy_release_file ${dir}/processes/worker 0750`, { stdin: '#!/bin/sh\n' }).code, 0);
  assert.deepEqual(
    [readFileSync(`${dir}/gunicorn.conf.py`, 'utf8'), mode(`${dir}/gunicorn.conf.py`), mode(`${dir}/processes/worker`)],
    ['workers = 2\n', '640', '750'],
  );
  assert.deepEqual(readdirSync(dir).sort(), ['gunicorn.conf.py', 'processes']);
});

test("deploy_release_config: the release's config with the config file's secret_key, read on the server", () => {
  const t = tempDir();
  writeFileSync(`${t}/app.conf`, 'debug = True\nsecret_key = s3cr3t=+/\n');
  const r = runLib(`deploy_release_config ${t}/app.conf shop ${t}/release.conf`, {
    stdin: 'a = 1\nsecret_key = @@SECRET_KEY@@\n',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    [readFileSync(`${t}/release.conf`, 'utf8'), mode(`${t}/release.conf`)],
    ['a = 1\nsecret_key = s3cr3t=+/\n', '640'],
  );
  writeFileSync(`${t}/empty.conf`, 'debug = True\n');
  const none = runLib(`deploy_release_config ${t}/empty.conf shop ${t}/other.conf`, {
    stdin: 'secret_key = @@SECRET_KEY@@\n',
  });
  assert.deepEqual(
    [none.code, none.stderr, existsSync(`${t}/other.conf`)],
    [1, `${t}/empty.conf has no secret_key the app user can read: run \`deploy shop setup\`\n`, false],
  );
});

test("deploy_refresh_secrets: every release's copy gets today's secrets and keeps its other values", () => {
  const releases = tempDir();
  for (const r of ['r1', 'r2']) {
    mkdirSync(`${releases}/${r}/.deploy`, { recursive: true });
    writeFileSync(
      `${releases}/${r}/.deploy/app.conf`,
      `secret_key = ${r}-key\ndebug = ${r}\ndatabase_url = postgres://old\nemail_host_password = old\n`,
    );
  }
  mkdirSync(`${releases}/r0`);
  const r = runLib(`deploy_refresh_secrets ${releases} ${SECRETS}`, { stdin: settings });
  assert.equal(r.code, 0, r.stderr);
  for (const rel of ['r1', 'r2']) {
    const f = `${releases}/${rel}/.deploy/app.conf`;
    assert.deepEqual(
      [readFileSync(f, 'utf8'), mode(f)],
      [
        `secret_key = ${rel}-key\ndebug = ${rel}\ndatabase_url = postgres://new\nemail_host_password = new-mail\n`,
        '640',
      ],
    );
  }
  assert.deepEqual(readdirSync(`${releases}/r0`), []);
});

test("root's copies (deploy_keep_file, deploy_keep_sums, deploy_prune_kept): kept by root, nothing for a deploy user", (t) => {
  const safe = rootOnlyDir();
  if (!safe) {
    // A deploy user keeps nothing, and reads nothing from stdin.
    const dir = tempDir();
    assert.equal(runLib(`deploy_keep_file ${dir}/r1/nginx.conf`, { stdin: 'site\n' }).code, 0);
    assert.equal(existsSync(`${dir}/r1`), false);
    return t.skip('the rest as root');
  }
  const kept = `${safe}/releases`;
  assert.deepEqual(runLib(`deploy_keep_file ${kept}/r1/nginx.conf`, { stdin: 'site\n' }).marks, ['changed']);
  assert.deepEqual(runLib(`deploy_keep_file ${kept}/r1/app.conf`, { stdin: 'conf\n' }).marks, ['changed']);
  assert.deepEqual(runLib(`deploy_keep_file ${kept}/r1/app.conf`, { stdin: 'conf\n' }).marks, ['ok'], 'the same: kept');
  assert.equal(readFileSync(`${kept}/r1/app.conf`, 'utf8'), 'conf\n');
  assert.deepEqual(
    [mode(`${kept}/r1`), mode(`${kept}/r1/nginx.conf`), statSync(`${kept}/r1/nginx.conf`).uid],
    ['755', '644', 0],
  );
  assert.equal(runLib(`deploy_keep_sums ${kept}/r1 nginx.conf app.conf`).code, 0);
  assert.equal(spawnSync('sha256sum', ['--quiet', '--strict', '-c', 'SHA256SUMS'], { cwd: `${kept}/r1` }).status, 0);
  assert.deepEqual(readdirSync(`${kept}/r1`).sort(), ['SHA256SUMS', 'app.conf', 'nginx.conf']);
  // Releases gone from the app's releases/ lose root's copies; a file there is no release.
  const releases = tempDir();
  mkdirSync(`${releases}/r2`);
  for (const r of ['r2', 'r3']) mkdirSync(`${kept}/${r}`);
  writeFileSync(`${kept}/notes`, '');
  assert.equal(runLib(`deploy_prune_kept ${kept} ${releases}`).code, 0);
  assert.deepEqual(readdirSync(kept).sort(), ['notes', 'r2']);
  assert.equal(runLib(`deploy_prune_kept ${kept} ${releases}`, { user: 65534 }).code, 0);
  assert.deepEqual(readdirSync(kept).sort(), ['notes', 'r2'], 'a deploy user prunes nothing');
});

/** Root's copy for release r1 in kept, as the build keeps it: the site, the config with its secrets redacted, their sums. */
function keepRelease(kept: string, site: string) {
  mkdirSync(`${kept}/r1`, { recursive: true });
  writeFileSync(`${kept}/r1/nginx.conf`, site);
  writeFileSync(
    `${kept}/r1/app.conf`,
    'secret_key = @@SECRET_KEY@@\ndebug = True\ndatabase_url = [redacted]\nemail_host_password = [redacted]\n',
  );
  assert.equal(runLib(`deploy_keep_sums ${kept}/r1 nginx.conf app.conf`).code, 0);
}

test("deploy_config_dir and deploy_config_file: root's only, refusing what is not a config file", (t) => {
  const open = tempDir();
  assert.match(
    runLib(`deploy_config_file ${open}/app.conf daemon ${SECRETS}`, { stdin: settings }).stderr,
    /refusing to write in .* as root/,
  );
  assert.equal(existsSync(`${open}/app.conf`), false);
  const safe = rootOnlyDir();
  if (!safe) return t.skip('as root');
  // An existing directory is the system's: checked, not changed. A new one is root:app 0750.
  mkdirSync(`${safe}/etc`, { mode: 0o700 });
  assert.deepEqual([runLib(`deploy_config_dir root:daemon ${safe}/etc`).code, mode(`${safe}/etc`)], [0, '700']);
  assert.deepEqual(runLib(`deploy_config_dir root:daemon ${safe}/configs`).marks, ['changed']);
  assert.deepEqual([mode(`${safe}/configs`), statSync(`${safe}/configs`).gid], ['750', 1]);
  const f = `${safe}/configs/app.conf`;
  assert.deepEqual(runLib(`deploy_config_file ${f} daemon ${SECRETS}`, { stdin: settings }).marks, ['changed']);
  assert.deepEqual([mode(f), statSync(f).uid, statSync(f).gid], ['640', 0, 1]);
  const key = /^secret_key = (.+)$/m.exec(readFileSync(f, 'utf8'))![1];
  assert.deepEqual(
    runLib(`deploy_config_file ${f} daemon ${SECRETS}`, { stdin: settings }).marks,
    ['ok'],
    'the secret_key stays',
  );
  assert.match(readFileSync(f, 'utf8'), new RegExp(`^secret_key = ${key.replace(/[-]/g, '\\-')}$`, 'm'));
  writeFileSync(`${safe}/configs/other.conf`, 'not a config file\n');
  const refused = runLib(`deploy_config_file ${safe}/configs/other.conf daemon ${SECRETS}`, { stdin: settings });
  assert.deepEqual(
    [refused.code, refused.stderr],
    [
      1,
      `${safe}/configs/other.conf exists and is not a config file with a secret_key: refusing to overwrite it (check config_file)\n`,
    ],
  );
});

test("deploy_sync_config: after a switch, the config file is root's copy for the release, its secret_key, today's secrets", (t) => {
  const safe = rootOnlyDir();
  if (!safe) return t.skip('as root');
  const config = `${safe}/app.conf`;
  writeFileSync(config, 'secret_key = KEEP\ndebug = False\ndatabase_url = postgres://old\n');
  const kept = `${safe}/kept`;
  const sync = () => runLib(`deploy_sync_config ${kept}/r1 ${config} daemon ${SECRETS}`, { stdin: settings });
  // Root kept nothing for the release (a deploy user built it): the file stays.
  assert.deepEqual(
    [sync().code, readFileSync(config, 'utf8')],
    [0, 'secret_key = KEEP\ndebug = False\ndatabase_url = postgres://old\n'],
  );
  keepRelease(kept, 'site\n');
  assert.deepEqual(sync().marks, ['changed']);
  assert.equal(
    readFileSync(config, 'utf8'),
    'secret_key = KEEP\ndebug = True\ndatabase_url = postgres://new\nemail_host_password = new-mail\n',
  );
  writeFileSync(`${kept}/r1/app.conf`, 'debug = Tampered\n');
  const tampered = sync();
  assert.equal(tampered.code, 1);
  assert.match(tampered.stderr, /do not match their SHA256SUMS: refusing to install them/);
  assert.match(readFileSync(config, 'utf8'), /^debug = True$/m);
});

test('deploy_install_site: root installs its copy for the release; a deploy user only checks the site is the one it needs', (t) => {
  const safe = rootOnlyDir();
  if (!safe) return t.skip('as root (and as nobody, through setpriv)');
  chmodSync(safe, 0o755);
  const site = `${safe}/sites-available/shop`;
  mkdirSync(`${safe}/sites-available`);
  writeFileSync(site, 'old site\n');
  const kept = `${safe}/kept`;
  const install = (release: string, isNew: string, stdin = '', user?: number) =>
    runLib(`deploy_install_site ${kept}/${release} ${site} ${release} ${isNew}`, { stdin, user });
  const none = install('r1', 'yes');
  assert.deepEqual(
    [none.code, none.stdout, readFileSync(site, 'utf8')],
    [
      0,
      'root kept no server files for release r1 (built by a deploy user, or by an older version): the nginx site stays as it is\n',
      'old site\n',
    ],
  );
  keepRelease(kept, 'new site\n');
  assert.deepEqual(install('r1', 'yes').marks, ['changed']);
  assert.equal(readFileSync(site, 'utf8'), 'new site\n');
  assert.deepEqual(install('r1', 'no').marks, [], 'the same site: nothing to do');
  // A deploy user: the settings' site (stdin) for a new release, root's copy for a kept one.
  chmodSync(`${kept}/r1/nginx.conf`, 0o644);
  assert.equal(install('r1', 'yes', 'new site\n', 65534).code, 0);
  const differs = install('r1', 'yes', 'other site\n', 65534);
  assert.deepEqual(
    [differs.code, differs.stderr],
    [1, "the nginx site differs from release r1's: run setup to apply the change (deploy_user cannot)\n"],
  );
  assert.equal(install('r1', 'no', '', 65534).code, 0);
  writeFileSync(site, 'edited\n');
  assert.equal(install('r1', 'no', '', 65534).code, 1);
  assert.equal(install('r9', 'no', '', 65534).code, 0, 'a release root kept nothing for: nothing to compare');
  writeFileSync(`${kept}/r1/nginx.conf`, 'tampered\n');
  const tampered = install('r1', 'no');
  assert.equal(tampered.code, 1);
  assert.equal(readFileSync(site, 'utf8'), 'edited\n');
});
