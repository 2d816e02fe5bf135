// remote/lib/setup.sh under a local bash (test/library-bash.ts): what setup checks before it
// writes, the packages, the app user's home and directories, the deploy user, the live slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { isRoot, rootOnlyDir, runLib, stubs, tempDir } from '../library-bash.ts';

const me = userInfo().username;
const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8);
const log = (dir: string) => (existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '');

test("deploy_home_state: missing, not a directory, ours, empty, someone else's", () => {
  const t = tempDir();
  const state = (path: string, user: string) => runLib(`deploy_home_state ${path} ${user}`).stdout.trim();
  assert.equal(state(`${t}/none`, me), 'missing');
  writeFileSync(`${t}/file`, '');
  assert.equal(state(`${t}/file`, me), `foreign ${me} (not a directory)`);
  mkdirSync(`${t}/home`);
  symlinkSync(`${t}/home`, `${t}/link`);
  assert.equal(state(`${t}/link`, me), `foreign ${me} (not a directory)`);
  assert.equal(state(`${t}/home`, me), 'ours');
  assert.equal(state(`${t}/home`, 'no-such-user'), 'empty');
  writeFileSync(`${t}/home/x`, '');
  assert.equal(state(`${t}/home`, 'no-such-user'), `foreign ${me}`);
  if (isRoot) {
    // Root's home with the user's apps/: this version's own layout.
    mkdirSync(`${t}/home/apps`);
    chownSync(`${t}/home/apps`, 1, 1);
    assert.equal(state(`${t}/home`, 'daemon'), 'ours');
  }
});

test('deploy_app_user_risks: every reason at once; nothing for a service account or a new user', () => {
  const fake = (shell: string, status: string, sudo: boolean, groups: string, uid: number) =>
    stubs({
      getent: `[ "$2" = app ] || exit 2; echo "app:x:${uid}:${uid}::/home/app:${shell}"`,
      passwd: `echo "app ${status} 2026-01-01 0 99999 7 -1"`,
      sudo: sudo ? 'echo "User app may run the following commands on host:"' : 'exit 1',
      id: `case "$1" in -nG) echo "${groups}" ;; -u) echo ${uid} ;; esac`,
    });
  const groups = 'sudo adm wheel docker lxd disk shadow root';
  const risky = runLib(`deploy_app_user_risks app ${groups}`, {
    stubs: fake('/bin/bash', 'P', true, 'app docker adm', 0),
  });
  assert.equal(risky.code, 0, risky.stderr);
  assert.equal(
    risky.stdout,
    'it has a login shell (/bin/bash)\nit has a password\nit may run commands with sudo\nit is a member of docker\nit is a member of adm\nits user id is 0 (root)\n',
  );
  assert.equal(
    runLib(`deploy_app_user_risks app ${groups}`, { stubs: fake('', 'NP', false, 'app', 999) }).stdout,
    'it has a login shell (none set, so /bin/sh)\nit has an empty password\n',
  );
  assert.equal(
    runLib(`deploy_app_user_risks app ${groups}`, { stubs: fake('/usr/sbin/nologin', 'L', false, 'app users', 999) })
      .stdout,
    '',
  );
  const fresh = runLib(`deploy_app_user_risks someone-new ${groups}`, {
    stubs: fake('/bin/bash', 'P', true, 'sudo', 0),
  });
  assert.deepEqual([fresh.code, fresh.stdout], [0, '']);
});

test('deploy_packages_installed: true only when dpkg knows every package as installed', () => {
  const dir = stubs({
    'dpkg-query':
      'printf "%s\\n" "$2" > "$(dirname "$0")/format"; shift 2; for p in "$@"; do case $p in missing) echo "un " ;; gone) ;; *) echo "ii " ;; esac; done',
  });
  assert.equal(runLib('deploy_packages_installed nginx git', { stubs: dir }).code, 0);
  assert.equal(readFileSync(join(dir, 'format'), 'utf8'), '-f=${db:Status-Abbrev}\\n\n');
  assert.equal(runLib('deploy_packages_installed nginx missing', { stubs: dir }).code, 1);
  assert.equal(runLib('deploy_packages_installed nginx gone', { stubs: dir }).code, 1);
  assert.equal(
    runLib('if deploy_packages_installed git missing; then exit 9; fi', { stubs: dir }).code,
    0,
    'as a check',
  );
});

test('deploy_apt_install: the index first, then the packages, keeping changed configuration files', () => {
  const dir = stubs({ 'apt-get': 'echo "$*" >> "$(dirname "$0")/log"; [ "$1" != update ] || exit "${UPDATE_RC:-0}"' });
  assert.equal(runLib('deploy_apt_install nginx git', { stubs: dir }).code, 0);
  assert.equal(
    log(dir),
    'update -qq\ninstall -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold nginx git\n',
  );
  const down = stubs({ 'apt-get': 'echo "$*" >> "$(dirname "$0")/log"; [ "$1" != update ] || exit 100' });
  assert.equal(
    runLib('deploy_apt_install nginx', { stubs: down }).code,
    100,
    'an index that cannot be read stops the step',
  );
  assert.equal(log(down), 'update -qq\n');
});

test('deploy_packages_present: names every missing command, venv and psycopg2 at once', () => {
  const dir = stubs({ py: 'case "$2" in *psycopg2*) exit 1 ;; *venv*) exit "${VENV_RC:-0}" ;; esac' });
  const py = join(dir, 'py');
  assert.equal(runLib(`deploy_packages_present ${py} no bash cat`).code, 0);
  const r = runLib(`deploy_packages_present ${py} yes bash no-such-command-x`, { env: { VENV_RC: '1' } });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.trim(),
    'missing on this server: no-such-command-x python3-venv python3-psycopg2 (run setup with --dependencies=yes)',
  );
});

test('deploy_home_to_root: only below directories only root can write; deploy_home_is_roots: 0755 root:root, no link', (t) => {
  // In /tmp (anyone may write there) root refuses, whoever runs the test.
  const open = tempDir();
  mkdirSync(`${open}/home`, { mode: 0o700 });
  const refused = runLib(`deploy_home_to_root ${open}/home`);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /refusing to write in .* as root: \/tmp can be written by another user than root/);
  assert.equal(mode(`${open}/home`), '700');
  const safe = rootOnlyDir();
  if (!safe) return t.skip('chown to root: run as root');
  mkdirSync(`${safe}/home`, { mode: 0o700 });
  chownSync(`${safe}/home`, 1, 1);
  assert.equal(runLib(`deploy_home_is_roots ${safe}/home`).code, 1);
  assert.equal(runLib(`deploy_home_to_root ${safe}/home`).code, 0);
  assert.deepEqual([statSync(`${safe}/home`).uid, mode(`${safe}/home`)], [0, '755']);
  assert.equal(runLib(`deploy_home_is_roots ${safe}/home`).code, 0);
  symlinkSync(`${safe}/home`, `${safe}/link`);
  assert.equal(runLib(`deploy_home_is_roots ${safe}/link`).code, 1, 'a link is not the home');
});

test('deploy_own_dir: the directory and those above it, with its mode', () => {
  const t = tempDir();
  assert.equal(runLib(`deploy_own_dir 00750 ${t}/a/b`).code, 0);
  assert.equal(mode(`${t}/a/b`), '750');
  chmodSync(`${t}/a/b`, 0o700);
  assert.equal(runLib(`deploy_own_dir 00755 ${t}/a/b`).code, 0);
  assert.equal(mode(`${t}/a/b`), '755');
});

test('deploy_own_file: replaced through a new file only when the content differs', () => {
  const t = tempDir();
  const f = `${t}/gunicorn.conf.py`;
  assert.deepEqual(runLib(`deploy_own_file ${f} 0644`, { stdin: 'one\n' }).marks, ['changed']);
  assert.deepEqual([readFileSync(f, 'utf8'), mode(f)], ['one\n', '644']);
  assert.deepEqual(runLib(`deploy_own_file ${f} 0600`, { stdin: 'one\n' }).marks, ['ok']);
  assert.equal(mode(f), '644', 'the same content: the file stays as it is');
  assert.deepEqual(runLib(`deploy_own_file ${f} 0600`, { stdin: 'two\n' }).marks, ['changed']);
  assert.deepEqual([readFileSync(f, 'utf8'), mode(f)], ['two\n', '600']);
  assert.deepEqual(readdirSync(t), ['gunicorn.conf.py']);
});

test('deploy_leave_groups: the user leaves the groups it is in, and only those', () => {
  const dir = stubs({ id: 'echo "deployer adm www-data"', gpasswd: 'echo "$*" >> "$(dirname "$0")/log"' });
  assert.equal(runLib('deploy_leave_groups deployer adm supervisor', { stubs: dir }).code, 0);
  assert.equal(log(dir), '-d deployer adm\n');
});

test('deploy_authorized_keys: written by the user itself (umask 077), reported as changed or not', () => {
  const home = tempDir();
  // sudo -n -H -u USER bash -c SCRIPT, with the user's HOME.
  const dir = stubs({ sudo: `echo "$4" >> "$(dirname "$0")/log"; shift 5; HOME=${home} exec bash "$@"` });
  const keys = 'ssh-ed25519 AAAA deployer@laptop\n';
  assert.deepEqual(runLib('deploy_authorized_keys deployer', { stubs: dir, stdin: keys }).marks, ['changed']);
  assert.equal(log(dir), 'deployer\n');
  assert.deepEqual(
    [readFileSync(`${home}/.ssh/authorized_keys`, 'utf8'), mode(`${home}/.ssh`), mode(`${home}/.ssh/authorized_keys`)],
    [keys, '700', '600'],
  );
  assert.deepEqual(runLib('deploy_authorized_keys deployer', { stubs: dir, stdin: keys }).marks, ['ok']);
  assert.deepEqual(readdirSync(`${home}/.ssh`), ['authorized_keys']);
});

test('deploy_sudoers: in place once visudo accepts it (0440); a rejected rule changes nothing', () => {
  const t = tempDir();
  const dir = stubs({ visudo: '[ "$1" = -cqf ] && [ -f "$2" ] && ! grep -q broken "$2"' });
  const file = `${t}/deploy-blog-deployer`;
  assert.deepEqual(runLib(`deploy_sudoers ${file} deployer`, { stubs: dir, stdin: 'rule\n' }).marks, ['changed']);
  assert.deepEqual([readFileSync(file, 'utf8'), mode(file)], ['rule\n', '440']);
  assert.deepEqual(runLib(`deploy_sudoers ${file} deployer`, { stubs: dir, stdin: 'rule\n' }).marks, ['ok']);
  const r = runLib(`deploy_sudoers ${file} deployer`, { stubs: dir, stdin: 'broken\n' });
  assert.deepEqual(
    [r.code, r.stderr.trim(), readFileSync(file, 'utf8')],
    [1, 'visudo rejected the rule for deployer', 'rule\n'],
  );
});

test("deploy_socket_is_roots and deploy_socket_to_root: supervisor's socket becomes root's only", (t) => {
  const dir = tempDir();
  const socket = `${dir}/supervisor.sock`;
  const dropin = `${dir}/00-deploy-socket.conf`;
  assert.equal(runLib(`deploy_socket_is_roots ${socket} ${dropin}`).code, 0, 'no socket: nothing to do');
  const made = spawnSync('python3', [
    '-c',
    'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
    socket,
  ]);
  if (made.status !== 0) return t.skip('python3 makes the socket');
  chmodSync(socket, 0o770);
  assert.equal(runLib(`deploy_socket_is_roots ${socket} ${dropin}`).code, 1);
  writeFileSync(dropin, '');
  assert.equal(
    runLib(`deploy_socket_is_roots ${socket} ${dropin}`).code,
    0,
    'a drop-in that is not ours still opens it',
  );
  if (!isRoot) return;
  assert.equal(runLib(`deploy_socket_to_root ${socket}`).code, 0);
  assert.deepEqual([statSync(socket).uid, statSync(socket).gid, mode(socket)], [0, 0, '700']);
  assert.equal(runLib(`deploy_socket_is_roots ${socket} ${dir}/none`).code, 0);
});

test('deploy_installed_root: the app root of the first slot program that exists', () => {
  assert.equal(
    runLib('__slot_programs shop').stdout,
    '/etc/supervisor/conf.d/shop-a.conf\n/etc/systemd/system/shop-a.service\n/etc/supervisor/conf.d/shop-b.conf\n/etc/systemd/system/shop-b.service\n',
  );
  const t = tempDir();
  const programs = `__slot_programs() { printf '%s\\n' ${t}/a.conf ${t}/a.service ${t}/b.conf ${t}/b.service; }\n`;
  assert.equal(runLib(`${programs}deploy_installed_root shop`).stdout, '\n');
  writeFileSync(`${t}/b.service`, '[Service]\nWorkingDirectory=/srv/old/apps/shop/slots/b\n');
  assert.equal(runLib(`${programs}deploy_installed_root shop`).stdout, '/srv/old/apps/shop\n');
  writeFileSync(`${t}/a.conf`, '[program:shop-a]\ndirectory=/opt/django/apps/shop/slots/a\n');
  assert.equal(runLib(`${programs}deploy_installed_root shop`).stdout, '/opt/django/apps/shop\n');
});

test("deploy_binds_free: another app's slot on either address, or on its TCP port, is refused; ours and unix sockets elsewhere are not", () => {
  const t = tempDir();
  const files = (names: string[]) =>
    `__program_files() { printf '%s\\n' ${names.map((n) => `${t}/${n}`).join(' ')}; }\n__slot_programs() { printf '%s\\n' ${t}/shop-a.conf ${t}/shop-b.service; }\n`;
  writeFileSync(`${t}/shop-a.conf`, 'command=gunicorn --bind 127.0.0.1:8032 app.wsgi\n');
  writeFileSync(`${t}/blog-a.conf`, 'command=gunicorn --bind 127.0.0.1:8050 app.wsgi\n');
  writeFileSync(`${t}/sock-b.service`, 'ExecStart=gunicorn --bind unix:/run/sock.sock app.wsgi\n');
  const free = runLib(
    `${files(['shop-a.conf', 'blog-a.conf', 'sock-b.service', 'none.conf'])}deploy_binds_free shop 127.0.0.1:8032 unix:/run/shop.sock`,
  );
  assert.deepEqual([free.code, free.stderr], [0, '']);
  writeFileSync(
    `${t}/news-b.service`,
    'ExecStart=gunicorn --workers 2 --bind 0.0.0.0:8033\t--timeout 30 --bind unix:/run/news.sock\n',
  );
  const taken = runLib(
    `${files(['blog-a.conf', 'news-b.service'])}deploy_binds_free shop 127.0.0.1:8032 127.0.0.1:8033`,
  );
  assert.equal(taken.code, 1);
  assert.equal(
    taken.stderr.trim(),
    `gunicorn_bind: 127.0.0.1:8033 is already used by app news on this server (--bind 0.0.0.0:8033 in ${t}/news-b.service); give each app its own ports (gunicorn_bind, gunicorn_bind_alt). Nothing was changed.`,
  );
  const socket = runLib(`${files(['news-b.service'])}deploy_binds_free shop unix:/run/news.sock 127.0.0.1:9000`);
  assert.match(socket.stderr, /unix:\/run\/news.sock is already used by app news/);
});

test("deploy_live_from_legacy: an older version's live file saying b becomes the switch file; it goes either way", () => {
  const t = tempDir();
  writeFileSync(`${t}/live`, 'b\n');
  assert.equal(runLib(`deploy_live_from_legacy ${t}/live ${t}/live-b`).code, 0);
  assert.deepEqual([existsSync(`${t}/live`), existsSync(`${t}/live-b`)], [false, true]);
  writeFileSync(`${t}/live`, 'a\n');
  assert.equal(runLib(`deploy_live_from_legacy ${t}/live ${t}/other-b`).code, 0);
  assert.deepEqual([existsSync(`${t}/live`), existsSync(`${t}/other-b`)], [false, false]);
});

test('deploy_live_slot_release: the live slot and the release its link leads to', () => {
  const t = tempDir();
  mkdirSync(`${t}/slots`);
  symlinkSync(`${t}/releases/r2`, `${t}/slots/b`);
  assert.equal(
    runLib(`deploy_live_slot_release ${t}/slots/live-b ${t}/slots`).stdout,
    'a \n',
    'slot a has no link yet',
  );
  writeFileSync(`${t}/slots/live-b`, '');
  assert.equal(runLib(`deploy_live_slot_release ${t}/slots/live-b ${t}/slots`).stdout, 'b r2\n');
});

test('deploy_bind_moved: yes when nothing listens on the address', async (t) => {
  if (spawnSync('ss', ['-V']).status !== 0) return t.skip('ss (iproute2) is not installed');
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  try {
    assert.equal(runLib(`deploy_bind_moved 127.0.0.1:${port}`).stdout, 'no\n');
  } finally {
    server.close();
  }
  await new Promise((r) => server.once('close', r));
  assert.equal(runLib(`deploy_bind_moved 127.0.0.1:${port}`).stdout, 'yes\n');
});

test('deploy_services_on: every unit enabled and running', () => {
  const dir = stubs({
    systemctl: 'case "$3" in on.service) exit 0 ;; stopped.service) [ "$1" = is-enabled ] ;; *) exit 1 ;; esac',
  });
  assert.equal(runLib('deploy_services_on on.service', { stubs: dir }).code, 0);
  assert.equal(runLib('deploy_services_on on.service stopped.service', { stubs: dir }).code, 1);
  assert.equal(
    runLib('if deploy_services_on stopped.service on.service; then exit 9; fi', { stubs: dir }).code,
    0,
    'as a check',
  );
});
