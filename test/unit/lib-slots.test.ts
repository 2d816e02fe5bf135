// remote/lib/slots.sh under a local bash: starting a slot, its health check, stopping the old one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sh } from '../../src/shell.ts';
import { bash, scratch } from './lib-shell.ts';

/** A TCP port nothing listens on (asked of the kernel, then let go). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

test('deploy_wait_stopped forgets a stale marker at once; none: nothing to wait for', () => {
  const root = scratch('slots');
  const marker = join(root, 'b.stopping');
  writeFileSync(marker, '');
  utimesSync(marker, 1000, 1000);
  const started = Date.now();
  assert.equal(bash(String(sh`deploy_wait_stopped ${marker} 45`)).status, 0);
  assert.ok(Date.now() - started < 5000);
  assert.ok(!existsSync(marker));
  assert.equal(bash(String(sh`deploy_wait_stopped ${marker} 45`)).status, 0);
});

test('a slot is pointed at a release that has its virtualenv; one without says how to build it', () => {
  const root = scratch('slots');
  const release = join(root, 'releases', '20260101T000000-v1');
  mkdirSync(join(release, '.venv', 'bin'), { recursive: true });
  const missing = bash(String(sh`deploy_require_venv ${release}`));
  assert.equal(missing.status, 1);
  assert.equal(
    missing.stderr,
    'release 20260101T000000-v1 cannot start: its virtualenv is gone (.venv -> nothing); deploy its commit again to build one (deploy --ref <its commit> --force)\n',
  );
  writeFileSync(join(release, '.venv', 'bin', 'python'), '');
  chmodSync(join(release, '.venv', 'bin', 'python'), 0o755);
  assert.equal(bash(String(sh`deploy_require_venv ${release}`)).status, 0);
  const slots = join(root, 'slots');
  assert.equal(bash(String(sh`deploy_link_slot ${slots} b ${release} ${'20260101T000000-v1 f1'}`)).status, 0);
  assert.equal(readlinkSync(join(slots, 'b')), release);
  assert.ok(!existsSync(join(slots, 'b.tmp')));
  assert.equal(readFileSync(join(slots, 'b.run'), 'utf8'), '20260101T000000-v1 f1\n', 'what the slot runs, recorded');
});

test("deploy_idle_record: the idle slot's record, only while it runs (not stopping, listening)", async () => {
  const root = scratch('slots');
  const slots = join(root, 'slots');
  mkdirSync(slots);
  const flag = join(slots, 'live-b');
  const [a, b] = [await freePort(), await freePort()];
  const idle = () =>
    bash(String(sh`deploy_idle_record ${slots} ${flag} ${`127.0.0.1:${a}`} ${`127.0.0.1:${b}`}`)).stdout;
  assert.equal(idle(), '', 'no record');
  writeFileSync(join(slots, 'b.run'), 'r1 f1\n');
  assert.equal(idle(), '', 'nothing listens on b (stopped, or the host rebooted)');
  const server = createServer();
  await new Promise<void>((done) => server.listen(b, '127.0.0.1', done));
  try {
    assert.equal(idle(), 'r1 f1\n', 'a is live, b still runs r1');
    writeFileSync(flag, '');
    assert.equal(idle(), '', 'b is live: the idle slot is a, which has no record');
    rmSync(flag);
    writeFileSync(join(slots, 'b.stopping'), '');
    assert.equal(idle(), '', 'being stopped');
  } finally {
    server.close();
  }
});

test("deploy_health_check: fails at once, with the slot's log and the app's error, when gunicorn cannot start the app", async () => {
  const root = scratch('slots');
  const log = join(root, 'gunicorn-a.log');
  writeFileSync(
    log,
    "an older start\nTraceback (most recent call last):\nModuleNotFoundError: No module named 'shop'\nWorker failed to boot.\n",
  );
  const url = `http://127.0.0.1:${await freePort()}/`;
  const started = Date.now();
  // The step's mark: the log since byte 16 (this start's).
  const r = bash(
    `__log_from=16\n${sh`deploy_health_check 30 ${url} ${log} ${url.slice(7, -1)} -H ${'Host: example.org'}`}`,
  );
  assert.equal(r.status, 1);
  assert.ok(Date.now() - started < 10_000, 'not after the 30 s');
  assert.equal(
    r.stderr,
    // The verdict last: an error shows the stderr's last lines.
    `the slot's log ends with:\nTraceback (most recent call last):\nModuleNotFoundError: No module named 'shop'\nWorker failed to boot.\nhealth check failed: ${url} answered nothing (gunicorn could not start the app)\nthe app's error: ModuleNotFoundError: No module named 'shop'\n`,
  );
});

test('deploy_health_check prints the status once the slot answers', async () => {
  const root = scratch('slots');
  const port = await freePort();
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], {
    stdio: 'ignore',
  });
  try {
    const r = bash(
      String(
        sh`deploy_health_check 60 ${`http://127.0.0.1:${port}/`} ${join(root, 'no.log')} ${`127.0.0.1:${port}`} -H ${'Host: example.org'}`,
      ),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '200\n');
  } finally {
    server.kill();
  }
});

test('the retired slot is stopped in a job of its own, unless it is live; its marker goes once it stopped', async () => {
  const root = scratch('slots');
  // A deploy user (not root): a plain background job, deploy-ctl and the app user through sudo.
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'id'), '#!/bin/sh\necho 1000\n');
  writeFileSync(
    join(bin, 'sudo'),
    `#!/bin/sh\nwhile [ $# -gt 0 ]; do case $1 in -u) shift 2 ;; -*) shift ;; *) break ;; esac; done\nexec "$@"\n`,
  );
  for (const f of ['id', 'sudo']) chmodSync(join(bin, f), 0o755);
  const marker = join(root, 'a.stopping');
  writeFileSync(marker, '');
  const env = { PATH: `${bin}:${process.env.PATH}` };
  const r = bash(
    `__ctl() { echo "ctl $*" >>${root}/ctl.log; }\n${sh`deploy_stop_in_background shop shop-a django ${marker} ''`}`,
    { env },
  );
  assert.equal(r.status, 0, r.stderr);
  for (let i = 0; i < 100 && existsSync(marker); i++) await new Promise((done) => setTimeout(done, 100));
  assert.ok(!existsSync(marker), 'the job removed the marker');
  assert.equal(readFileSync(join(root, 'ctl.log'), 'utf8'), 'ctl shop stop shop-a\n');
  assert.equal(
    bash(`__ctl() { echo "ctl $*"; }\ndeploy_stop_idle b b shop shop-b`).stdout,
    '',
    'the live slot is never stopped',
  );
  assert.equal(bash(`__ctl() { echo "ctl $*"; }\ndeploy_stop_idle a b shop shop-b`).stdout, 'ctl shop stop shop-b\n');
});

test('deploy_if_changed runs its command only when the step changed something', () => {
  assert.equal(bash('deploy_if_changed 1 echo reload').stdout, 'reload\n');
  assert.equal(bash('deploy_if_changed 0 echo reload').stdout, '');
});

test("deploy_program_file: a deploy user only checks the slot's program is what the settings make", () => {
  const root = scratch('slots');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'id'), '#!/bin/sh\necho 1000\n');
  chmodSync(join(bin, 'id'), 0o755);
  const file = join(root, 'shop-a.conf');
  writeFileSync(file, '[program:shop-a]\n');
  const env = { PATH: `${bin}:${process.env.PATH}` };
  assert.equal(bash(String(sh`deploy_program_file ${file}`), { input: '[program:shop-a]\n', env }).status, 0);
  const differs = bash(String(sh`deploy_program_file ${file}`), { input: '[program:shop-a]\nuser=x\n', env });
  assert.equal(differs.status, 1);
  assert.equal(
    differs.stderr,
    `${file} differs from what the settings make: run setup to apply the change (deploy_user cannot)\n`,
  );
});
