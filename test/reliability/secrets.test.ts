// Secrets never leak. Marker values stand in for them: two [ENV] values (one full of shell
// characters), the email password, the SECRET_KEY setup makes on the server, and (dry runs
// only) a database password. Every command runs for real against a live host: setup, deploy
// (plain, -v, --json, and failing), rollback, run, status, logs, releases, unlock, and --dry-run of setup,
// deploy and rollback. No marker may appear in what the CLI prints, in its log file, in any
// file this machine's operator has, in the server's deploy log, in any process's command line
// on the server (sampled every 20 ms throughout, a slow test_command keeping the build in
// view), in any world-readable file on the server or in its journal. The files that must hold
// secrets have the right modes, the app user has no password and no sudo, and nginx's user
// can write into no release. The values still reach the app exactly, through `run -- printenv`,
// whose output is the one place a value may show: the operator asked for it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  bootGitServer,
  bootHost,
  ensureImages,
  stopAll,
  TESTBED_KEY,
  type GitServer,
  type Host,
} from '../testbed/index.ts';
import { cleanup, demoRepo, httpGet, runCli, tempDir, type CliResult } from '../e2e/helpers.ts';
import { startSampler, type Sampler } from '../e2e/sampler.ts';
import { report } from './helpers.ts';

const APP = '/opt/django/apps/demo';
const CONFIG = '/opt/django/configs/apps/demo.conf';
const token = () => randomBytes(9).toString('hex');

const ENV_PLAIN = `ENVSECRET-${token()}`;
const ENV_SHELL_CORE = `ENVSHELL-${token()}`;
/** Quotes, command substitution, globbing, a comment, %, a backslash: everything a shell or a config parser could bite on. */
const ENV_SHELL = `${ENV_SHELL_CORE}'"$(echo no)\`id\`;|&<>*? #x %s %(y)s \\ $HOME`;
const MAIL = `MAILSECRET-${token()}`;
const DB = `DBSECRET-${token()}`;
/** Put where each server-side witness must find it (a process, a world-readable file, the journal): proof that the witness works. */
const CANARY = `CANARY-${token()}`;
/** The email password after a rotation (the last test). */
const MAIL2 = `MAILSECRET2-${token()}`;

/** What a value looks like in any output; the cores alone are searched too, as a quoted or escaped copy still holds them. */
const markers: Record<string, string> = { ENV_PLAIN, ENV_SHELL, ENV_SHELL_CORE, MAIL, DB };

function settingsText(repo: string, host: Host, extraApp = ''): string {
  return `[DEPLOY]
project_name = demo
repositorio = ${repo}
deploy_hosts = ubuntu@${host.ip}
identity_file = ${TESTBED_KEY}
gunicorn_bind = "127.0.0.1:8032"  # ip e porta
system_site_packages = yes
health_timeout = 40
gunicorn_workers = 2
keep_releases = 4
test_command = sleep 2

[APP]
settings_file = demo.settings.prod
debug = False
${extraApp}
[EMAIL]
default_from_email = demo@example.com
email_host_password = ${MAIL}

[ENV]
DEPLOY_TEST_PLAIN = ${ENV_PLAIN}
DEPLOY_TEST_SHELL = ${JSON.stringify(ENV_SHELL)}
`;
}

interface Run {
  label: string;
  result: CliResult;
  /** Every log file the run wrote (its own DEPLOY_LOG_DIR). */
  logs: string[];
  dryRun: boolean;
  /** stdout may show a value (run -- printenv: the operator asked for it). */
  stdoutMayShow?: boolean;
}

/** Which markers appear in text. */
function found(text: string): string[] {
  return Object.entries(markers)
    .filter(([, v]) => v && text.includes(v))
    .map(([k]) => k);
}

describe('secrets never leak', { timeout: 20 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let home: string;
  let file: string;
  let dryFile: string;
  const runs: Run[] = [];
  const started = performance.now();
  let leaks = 0;
  let samples = 0;
  let sampleRate = 0;
  let staleCopies = 0;
  let processLines = 0;
  let sampler: Sampler;
  let scannedFiles = 0;

  /** The CLI with its own log directory; the run is kept for the leak checks. */
  async function cli(
    label: string,
    args: string[],
    opts: { config?: string; stdoutMayShow?: boolean } = {},
  ): Promise<Run> {
    const logDir = join(home, 'logs', String(runs.length));
    const result = await runCli(['-c', opts.config ?? file, ...args], { home, env: { DEPLOY_LOG_DIR: logDir } });
    const logs = existsSync(logDir) ? readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8')) : [];
    const run: Run = { label, result, logs, dryRun: args.includes('--dry-run'), stdoutMayShow: opts.stdoutMayShow };
    runs.push(run);
    return run;
  }

  /** No marker in what a run printed or logged. */
  function assertNoLeak(run: Run, count = true): void {
    const where: string[] = [];
    if (!run.stdoutMayShow) where.push(...found(run.result.stdout).map((m) => `${m} in stdout`));
    where.push(...found(run.result.stderr).map((m) => `${m} in stderr`));
    run.logs.forEach((text) => where.push(...found(text).map((m) => `${m} in the log file`)));
    if (count) leaks += where.length;
    assert.deepEqual(where, [], `${run.label}: ${where.join(', ')}\n${run.result.output.slice(0, 4000)}`);
    if (!run.dryRun)
      assert.ok(run.logs.length >= 1 && run.logs.every((l) => l.length > 0), `${run.label}: wrote its log file`);
  }

  async function ok(label: string, args: string[], opts?: { config?: string; stdoutMayShow?: boolean }): Promise<Run> {
    const run = await cli(label, args, opts);
    assert.equal(run.result.code, 0, `${label}:\n${run.result.output}`);
    assertNoLeak(run);
    return run;
  }

  before(async () => {
    await ensureImages();
    [git, host] = await Promise.all([bootGitServer(), bootHost('ready')]);
    const url = await git.createRepo('demo');
    await git.push('demo', demoRepo('v1'));
    home = tempDir('deploy-secrets-');
    file = join(home, 'settings.ini');
    writeFileSync(file, settingsText(url, host));
    dryFile = join(home, 'settings-db.ini');
    writeFileSync(dryFile, settingsText(url, host, `database_url = postgresql://app:${DB}@db.example/app\n`));
    // Every process's command line, from before setup until the last command ran (/proc read every 20 ms).
    sampler = await startSampler(host);
    // A process the sampler must see: proof that it watches.
    await host.run(`bash -c 'sleep 0.5; true' ${CANARY}`);
  });
  after(async () => {
    await stopAll();
    if (home) cleanup(home);
  });

  it('setup (through the deploy-key gate): nothing shown, and the config file holds the secrets', async () => {
    const first = await cli('setup', ['demo', 'setup', '--dependencies=no', '--yes']);
    assert.equal(first.result.code, 3, first.result.output);
    await git.authorize((await host.run('cat /opt/django/.ssh/id_ed25519.pub')).trim());
    const second = await cli('setup again', ['demo', 'setup', '--dependencies=no', '--yes']);
    assert.equal(second.result.code, 0, second.result.output);
    const config = await host.run(`cat ${CONFIG}`);
    const key = /^secret_key = (.+)$/m.exec(config)?.[1] ?? '';
    assert.ok(key.length >= 50, `a SECRET_KEY was made: ${key.length} characters`);
    markers.SECRET_KEY = key;
    assert.ok(config.split('\n').includes(`email_host_password = ${MAIL}`), 'the config file holds the email password');
    assertNoLeak(first);
    assertNoLeak(second);
    assert.equal((await httpGet(host, '/')).status, 200);
  });

  it('deploy, plain, with -v and with --json: nothing shown', async () => {
    await ok('deploy', ['demo', 'deploy', '--yes', '--force']);
    const verbose = await ok('deploy -v', ['demo', 'deploy', '--yes', '--force', '-v']);
    // -v shows the environment file going over: redacted.
    assert.match(
      verbose.result.output,
      /DEPLOY_TEST_PLAIN=\[redacted\]/,
      'deploy -v shows the .deploy-env it writes, redacted',
    );
    const json = await ok('deploy --json', ['demo', 'deploy', '--yes', '--force', '--json']);
    assert.equal(JSON.parse(json.result.stdout).ok, true);
    // The failure path: the error names the failed command and its stderr, in text and in --json.
    const failing = join(home, 'settings-failing.ini');
    writeFileSync(
      failing,
      readFileSync(file, 'utf8').replace(
        'test_command = sleep 2',
        'test_command = "echo the tests failed >&2 && exit 3"',
      ),
    );
    for (const extra of [['-v'], ['--json']]) {
      const run = await cli(`failing deploy ${extra[0]}`, ['demo', 'deploy', '--yes', '--force', ...extra], {
        config: failing,
      });
      assert.equal(run.result.code, 1, run.result.output);
      assert.match(run.result.output, /the tests failed/);
      assertNoLeak(run);
    }
    assert.equal((await httpGet(host, '/')).status, 200, 'the live release still serves');
  });

  it('rollback, run, status, logs, releases, unlock: nothing shown', async () => {
    await ok('rollback', ['demo', 'rollback', '--yes']);
    await ok('rollback -v --json', ['demo', 'rollback', '--yes', 'current', '-v', '--json']);
    await ok('run -- true', ['demo', 'run', '--', 'true']);
    const hi = await ok('run --json -- echo hi', ['demo', 'run', '--json', '--', 'echo', 'hi']);
    assert.equal(JSON.parse(hi.result.stdout).hosts[`ubuntu@${host.ip}`].run.stdout, 'hi\n');
    await ok('status', ['demo', 'status']);
    await ok('status --json', ['demo', 'status', '--json']);
    await ok('logs', ['demo', 'logs', '--lines', '200']);
    await ok('logs --json', ['demo', 'logs', '--json']);
    await ok('releases', ['demo', 'releases']);
    await ok('releases --json', ['demo', 'releases', '--json']);
    // A lock left by a run elsewhere, removed (--yes alone leaves another machine's lock: --force).
    // Another run's lock: this version takes it as the app user.
    await host.run(
      `printf '%s\\n' '{"by":"ci@elsewhere","pid":4242,"since":"2026-01-01T00:00:00.000Z","what":"deploy main","token":"0123456789abcdef"}' | sudo -u django sh -c 'mkdir ${APP}/deploy.lock && cat > ${APP}/deploy.lock/info'`,
    );
    await ok('unlock', ['demo', 'unlock', '--yes', '--force']);
    assert.equal((await host.exec(`test -e ${APP}/deploy.lock`)).code, 1, 'the lock is gone');
  });

  it('--dry-run of setup, deploy and rollback with a database password: shown as [redacted], never in clear', async () => {
    const setup = await ok('setup --dry-run', ['demo', 'setup', '--dry-run'], { config: dryFile });
    assert.match(
      setup.result.output,
      /database_url = \[redacted\]/,
      'the config file is shown, its database_url redacted',
    );
    assert.match(setup.result.output, /email_host_password = \[redacted\]/);
    const deploy = await ok('deploy --dry-run', ['demo', 'deploy', '--dry-run'], { config: dryFile });
    assert.match(deploy.result.output, /DEPLOY_TEST_SHELL=\[redacted\]/);
    await ok('deploy --dry-run -v --json', ['demo', 'deploy', '--dry-run', '-v', '--json'], { config: dryFile });
    await ok('rollback --dry-run', ['demo', 'rollback', '--dry-run'], { config: dryFile });
  });

  it('the values reach the app exactly: run -- printenv shows them (asked for), its log does not', async () => {
    for (const [name, value] of [
      ['DEPLOY_TEST_PLAIN', ENV_PLAIN],
      ['DEPLOY_TEST_SHELL', ENV_SHELL],
    ]) {
      const run = await ok(`run -- printenv ${name}`, ['demo', 'run', '--', 'printenv', name], { stdoutMayShow: true });
      assert.equal(run.result.stdout, `${value}\n`, `printenv ${name}`);
    }
    // And gunicorn itself has them, as the kernel shows its environment.
    const slot = (await host.run(`if [ -e ${APP}/slots/live-b ]; then echo b; else echo a; fi`)).trim();
    const pid = (await host.run(`supervisorctl pid demo-${slot}`)).trim();
    const environ = Buffer.from((await host.run(`base64 -w0 /proc/${pid}/environ`)).trim(), 'base64')
      .toString('utf8')
      .split('\0');
    assert.ok(
      environ.includes(`DEPLOY_TEST_PLAIN=${ENV_PLAIN}`) && environ.includes(`DEPLOY_TEST_SHELL=${ENV_SHELL}`),
      "gunicorn's environment holds both values",
    );
  });

  it('no process on the server ever had a secret on its command line (/proc read every 20 ms through every run above)', async () => {
    const seen = await sampler.stop();
    const { lines, seconds: lived } = seen;
    samples = seen.samples;
    processLines = lines.length;
    sampleRate = samples / lived;
    // It aims at 50 a second. The samples that prove it watched are the canary's and the build's,
    // asserted below; the rate says it did not starve between them.
    assert.ok(sampleRate >= 10, `${samples} samples in ${lived.toFixed(1)} s: ${sampleRate.toFixed(1)} per second`);
    assert.ok(
      lines.some((l) => l.includes(CANARY)),
      'the canary process was sampled',
    );
    // The sampler saw the build: Django's one start-up for collectstatic/migrate and the slow test_command.
    assert.ok(
      lines.some((l) => /manage\.py shell -c from django\.core\.management import call_command/.test(l)),
      'a collectstatic/migrate process was sampled',
    );
    assert.ok(
      lines.some((l) => /^django\s+sleep 2$/.test(l)),
      'the test_command was sampled',
    );
    assert.ok(
      lines.some((l) => l.includes('. ./.deploy-env && set +a')),
      'whole command lines were sampled (not cut at 80 columns)',
    );
    const leaking = lines.filter((l) => found(l).length);
    leaks += leaking.length;
    assert.deepEqual(leaking, [], 'process command lines with a secret');
  });

  it("the server's deploy log, world-readable files and journal hold no secret", async () => {
    const cores = [ENV_PLAIN, ENV_SHELL_CORE, MAIL, DB, markers.SECRET_KEY];
    const patterns = [...cores, CANARY].map((c) => `-e '${c}'`).join(' ');
    // The canary: a world-readable file and a journal line the scans must find.
    await host.run(
      `echo ${CANARY} > /var/tmp/deploy-canary && chmod 0644 /var/tmp/deploy-canary && logger -t deploy-test ${CANARY}`,
    );
    const deployLog = await host.run(`cat ${APP}/deploy.log.jsonl`);
    assert.ok(deployLog.split('\n').filter(Boolean).length >= 5, 'the deploy log has the runs');
    assert.deepEqual(found(deployLog), [], 'deploy.log.jsonl');
    // Every world-readable file, on every file system but /proc and /sys (tmpfs /tmp and /run included).
    const scan = await host.run(
      `find / \\( -path /proc -o -path /sys \\) -prune -o -type f -perm -o=r -print0 2>/dev/null > /root/world-readable; tr -cd '\\0' < /root/world-readable | wc -c; xargs -0 grep -l -F ${patterns} < /root/world-readable 2>/dev/null || true`,
    );
    const [count, ...found_] = scan.trim().split('\n');
    scannedFiles = Number(count);
    assert.ok(scannedFiles > 10000, `${scannedFiles} world-readable files scanned`);
    assert.ok(found_.includes('/var/tmp/deploy-canary'), 'the scan finds the canary file');
    const hits = found_.filter((f) => f && f !== '/var/tmp/deploy-canary');
    leaks += hits.length;
    assert.deepEqual(hits, [], 'world-readable files holding a secret');
    // sudo logs the commands it runs: none may carry a secret.
    const journal = (await host.run(`journalctl -o cat | grep -F ${patterns} || true`)).split('\n').filter(Boolean);
    assert.ok(
      journal.some((l) => l.includes(CANARY)),
      'the journal scan finds the canary line',
    );
    const journalHits = journal.filter((l) => !l.includes(CANARY));
    leaks += journalHits.length;
    assert.deepEqual(journalHits, [], 'journal lines holding a secret');
  });

  it('files holding secrets have strict modes; the app user has no password and no sudo; www-data can write into no release', async () => {
    const stat = (path: string) => host.run(`stat -c '%a %U %G' ${path}`).then((s) => s.trim());
    assert.match(await stat(CONFIG), /^(640 root django|600 (root|django) \S+)$/, 'the config file');
    assert.match(await stat('/opt/django/.ssh/id_ed25519'), /^600 django /, 'the deploy key');
    const releases = (await host.run(`ls -1 ${APP}/releases`)).split('\n').filter(Boolean);
    assert.ok(releases.length >= 3, `${releases.length} releases`);
    for (const r of releases) {
      assert.match(await stat(`${APP}/releases/${r}/.deploy-env`), /^600 django /, `${r}/.deploy-env`);
      const mode = parseInt((await stat(`${APP}/releases/${r}/.deploy-release`)).split(' ')[0], 8);
      assert.equal(mode & 0o004, 0, `${r}/.deploy-release is not world-readable (${mode.toString(8)})`);
    }
    assert.match((await host.run('passwd -S django')).trim(), /^django (L|NP) /, 'django has no usable password');
    assert.match(
      await host.run('sudo -l -U django 2>&1 || true'),
      /User django is not allowed to run sudo/,
      'django has no sudo',
    );
    // nginx's user: no write into any release (following the links into shared/ and the virtualenvs), no read of a secret.
    for (const r of releases) {
      assert.equal(
        (await host.exec(`sudo -u www-data test -w ${APP}/releases/${r}`)).code,
        1,
        `www-data can write into ${r}`,
      );
    }
    const writable = await host.run(`sudo -u www-data find -L ${APP}/releases -writable 2>/dev/null || true`);
    assert.equal(writable.trim(), '', `writable by www-data:\n${writable}`);
    assert.equal((await host.exec(`sudo -u www-data cat ${CONFIG}`)).code, 1, 'www-data reads the config file');
    assert.equal(
      (await host.exec(`sudo -u www-data cat ${APP}/current/.deploy-env`)).code,
      1,
      'www-data reads .deploy-env',
    );
    // Whatever www-data can read, anywhere (group-readable files too): no secret, only the world-readable canary.
    const patterns = [ENV_PLAIN, ENV_SHELL_CORE, MAIL, markers.SECRET_KEY, CANARY].map((c) => `-e '${c}'`).join(' ');
    // (setpriv, not sudo: sudo would log the patterns to the journal.)
    const readable = (
      await host.run(
        `setpriv --reuid=www-data --regid=www-data --init-groups grep -rlsF ${patterns} / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev || true`,
      )
    )
      .split('\n')
      .filter(Boolean);
    assert.ok(readable.includes('/var/tmp/deploy-canary'), 'the search as www-data finds the canary');
    const hits = readable.filter((f) => f !== '/var/tmp/deploy-canary');
    leaks += hits.length;
    assert.deepEqual(hits, [], 'files www-data can read holding a secret');
  });

  it('a rotated email password is gone from the server: setup leaves no copy of the old one', async () => {
    const rotated = join(home, 'settings-rotated.ini');
    writeFileSync(
      rotated,
      readFileSync(file, 'utf8').replace(`email_host_password = ${MAIL}`, `email_host_password = ${MAIL2}`),
    );
    markers.MAIL2 = MAIL2;
    await ok('setup with a new email password', ['demo', 'setup', '--dependencies=no', '--yes'], { config: rotated });
    assert.ok(
      (await host.run(`cat ${CONFIG}`)).split('\n').includes(`email_host_password = ${MAIL2}`),
      'the config file holds the new password',
    );
    // Anywhere on the server's disk, readable or not (root looks).
    const copies = (
      await host.run(
        `grep -rlF -e '${MAIL}' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null || true`,
      )
    )
      .split('\n')
      .filter(Boolean);
    staleCopies = copies.length;
    assert.deepEqual(copies, [], 'files still holding the old password');
  });

  it("no marker in any file of the operator's home but the settings files; every run checked", () => {
    const hits: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile() && !/^settings.*\.ini$/.test(relative(home, p))) {
          const m = found(readFileSync(p, 'utf8'));
          if (m.length) hits.push(`${relative(home, p)}: ${m.join(', ')}`);
        }
      }
    };
    walk(home);
    leaks += hits.length;
    assert.deepEqual(hits, []);
    // Checked again now that SECRET_KEY is known for every run, also the ones before it was.
    for (const run of runs) assertNoLeak(run, false);
  });

  it('reports its figures', () => {
    report({
      test: 'secrets',
      runs: runs.length,
      markers: Object.keys(markers).length,
      ps_samples: samples,
      ps_samples_per_second: Math.round(sampleRate * 10) / 10,
      process_lines: processLines,
      world_readable_files: scannedFiles,
      leaks,
      stale_secret_copies: staleCopies,
      seconds: Math.round((performance.now() - started) / 1000),
    });
  });
});
