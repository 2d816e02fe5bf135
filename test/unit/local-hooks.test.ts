// [LOCAL_HOOKS] (src/local-hooks.ts): the settings, what a hook gets (its environment and the JSON
// file, secrets absent unless pass_env names them, redacted in its output), the order hooks run
// in, the dry run, the timeout and failures. Every hook here is a real `bash -c` on this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSettings } from '../../src/settings/load.ts';
import type { Settings } from '../../src/settings/types.ts';
import type { Session } from '../../src/session.ts';
import { Reporter } from '../../src/ui/output.ts';
import { EXIT, DeployError, RemoteCommandError, SettingsError } from '../../src/errors.ts';
import { HookFailedError } from '../../src/fleet/golive.ts';
import {
  hookEnv,
  LocalHookError,
  LocalHooks,
  redact,
  runLocalHook,
  summary,
  type HookFacts,
} from '../../src/local-hooks.ts';

const dir = mkdtempSync(join(tmpdir(), 'deploy-local-hooks-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const SECRETS = {
  db: 'db-password-123',
  mail: 'mail-password-456',
  passed: 'passed-token-789',
  kept: 'kept-secret-000',
};

/** The demo app on two hosts, with secrets in [APP], [EMAIL] and [ENV], and these [LOCAL_HOOKS] lines. */
function settings(hooks: string, file = join(dir, 'settings.ini')): Settings {
  return parseSettings(
    `[DEPLOY]
project_name = demo
repository = git@example.com:me/demo.git
deploy_hosts = ubuntu@203.0.113.10, ubuntu@203.0.113.11

[HOOKS]
after_rollback = echo on the servers

[APP]
database_url = postgres://demo:${SECRETS.db}@db.internal:5432/demo

[EMAIL]
email_host_password = ${SECRETS.mail}

[ENV]
PASSED_TOKEN = ${SECRETS.passed}
KEPT_SECRET = ${SECRETS.kept}

[LOCAL_HOOKS]
${hooks}
`,
    { app: 'demo', file },
  );
}

let runs = 0;
/** What a command gives LocalHooks: the settings, a reporter with its log, whether it is a dry run. */
function sessionOf(s: Settings, dryRun = false): Session & { log: () => string } {
  const logFile = join(dir, `run-${++runs}.log`);
  // --json: the reporter's lines go to stderr, where the test reads them.
  const reporter = new Reporter({ verbose: false, json: true, command: 'deploy', app: s.app, logFile, dryRun });
  return {
    settings: s,
    reporter,
    opts: { dryRun },
    started: performance.now(),
    log: () => readFileSync(logFile, 'utf8'),
  } as unknown as Session & { log: () => string };
}

/** stderr while `fn` runs. */
async function stderrOf<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; stderr: string }> {
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), stderr };
  } catch (error) {
    return { error, stderr };
  } finally {
    process.stderr.write = write;
  }
}

/** A fleet as LocalHooks.read sees it: each host and what it served. */
function fleetOf(s: Settings, serves: string[], outcome?: string) {
  const all = s.hosts.map((h, i) => ({ ex: { host: { label: h.label } }, serves: serves[i] }));
  return { all, runs: all.map(() => ({ outcome })) };
}

/** A hook script that records its hook's name, environment, JSON file and that file's directory in $2. */
const RECORD = join(dir, 'record.sh');
writeFileSync(
  RECORD,
  `echo "$1" >> "$2/order"
env > "$2/env-$1"
cp "$DEPLOY_CHANGES_FILE" "$2/json-$1"
ls -ld "$(dirname "$DEPLOY_CHANGES_FILE")" > "$2/dir-$1"
`,
);

function hooksRecording(out: string, names: string[], extra = ''): Settings {
  return settings(
    `${names.map((n) => `${n} = bash ${RECORD} ${n} ${out}`).join('\n')}\npass_env = PASSED_TOKEN\n${extra}`,
  );
}

const read = (out: string, what: string) => readFileSync(join(out, what), 'utf8');
const envOf = (out: string, name: string) =>
  Object.fromEntries(
    read(out, `env-${name}`)
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

test('[LOCAL_HOOKS] loads: each hook, pass_env with its [ENV] values, the timeout; after_rollback apart from [HOOKS]', () => {
  const s = settings('before_deploy = npm ci && npm run build\nafter_rollback = echo here\npass_env = PASSED_TOKEN');
  assert.deepEqual(s.localHooks.commands, { before_deploy: 'npm ci && npm run build', after_rollback: 'echo here' });
  assert.equal(s.hooks.after_rollback?.command, 'echo on the servers');
  assert.deepEqual(Object.keys(s.localHooks.passEnv), ['PASSED_TOKEN']);
  assert.equal(s.localHooks.passEnv.PASSED_TOKEN.reveal(), SECRETS.passed);
  assert.equal(String(s.localHooks.passEnv.PASSED_TOKEN), '[redacted]');
  assert.equal(s.localHooks.timeoutS, 300);
  assert.equal(settings('timeout = 20').localHooks.timeoutS, 20);
});

test('[LOCAL_HOOKS] problems are reported with the others: unknown keys, pass_env outside [ENV], the timeout', () => {
  assert.throws(
    () => settings('before_deploi = x\nafter_switch = y\npass_env = PASSED_TOKEN, NOT_IN_ENV, 9bad\ntimeout = 0'),
    (e: unknown) => {
      assert.ok(e instanceof SettingsError);
      assert.equal(e.exitCode, EXIT.USAGE);
      assert.deepEqual(e.problems, [
        '[LOCAL_HOOKS] before_deploi (line 20): unknown key (did you mean "before_deploy"?)',
        '[LOCAL_HOOKS] after_switch (line 21): unknown key (it belongs in [HOOKS])',
        '[LOCAL_HOOKS] pass_env (line 22): "9bad" is not a variable name',
        '[LOCAL_HOOKS] pass_env (line 22): NOT_IN_ENV is not set in [ENV] (nor in env_file)',
        '[LOCAL_HOOKS] timeout (line 23): "0" is not a whole number from 1 to 86400',
      ]);
      // A secret is never shown in a problem.
      assert.doesNotMatch(e.message, /passed-token|kept-secret/);
      return true;
    },
  );
});

test('the documented examples (docs/operations.md) load as written, nothing cut by a comment', () => {
  const page = readFileSync(fileURLToPath(new URL('../../docs/operations.md', import.meta.url)), 'utf8');
  const examples = [...page.matchAll(/^ {4}((before|after)_(deploy|rollback|failure)) = (.*)$/gm)];
  assert.ok(examples.length >= 5, `${examples.length} examples`);
  for (const [, key, , , command] of examples) {
    const s = settings(`${key} = ${command}`);
    assert.equal(s.localHooks.commands[key as keyof Settings['localHooks']['commands']], command);
    assert.deepEqual(s.warnings, [], command);
  }
});

const FACTS: HookFacts = {
  app: 'demo',
  command: 'deploy',
  ref: 'main',
  commit: 'c'.repeat(40),
  release: '20261124T112647-cccccccc',
  hosts: [
    { host: 'ubuntu@203.0.113.10', before: '20261124T112643-aaaaaaaa', after: '20261124T112647-cccccccc' },
    { host: 'ubuntu@203.0.113.11' },
  ],
  result: 'ok',
  operator: 'me@here',
  durationS: 12.3,
  exitStatus: 0,
};

test("a hook's environment: the operator's, pass_env's [ENV] values, DEPLOY_*; no other secret", () => {
  const s = settings('after_deploy = true\npass_env = PASSED_TOKEN');
  const env = hookEnv(
    { PATH: '/usr/bin:/bin', MY_TOOL_TOKEN: 'mine', DEPLOY_APP: 'overridden' },
    s,
    FACTS,
    '/tmp/x.json',
  );
  assert.equal(env.PATH, '/usr/bin:/bin');
  assert.equal(env.MY_TOOL_TOKEN, 'mine', "the operator's own variables are passed");
  assert.equal(env.PASSED_TOKEN, SECRETS.passed);
  assert.equal(env.KEPT_SECRET, undefined);
  assert.deepEqual(Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('DEPLOY_'))), {
    DEPLOY_APP: 'demo',
    DEPLOY_COMMAND: 'deploy',
    DEPLOY_REF: 'main',
    DEPLOY_COMMIT: 'c'.repeat(40),
    DEPLOY_RELEASE: '20261124T112647-cccccccc',
    DEPLOY_HOSTS: 'ubuntu@203.0.113.10,ubuntu@203.0.113.11',
    DEPLOY_RESULT: 'ok',
    DEPLOY_OPERATOR: 'me@here',
    DEPLOY_DURATION_S: '12.3',
    DEPLOY_CHANGES_FILE: '/tmp/x.json',
  });
  const values = Object.values(env).join('\n');
  for (const secret of [SECRETS.db, SECRETS.mail, SECRETS.kept]) assert.ok(!values.includes(secret), secret);
  // Without pass_env, no [ENV] value at all.
  const none = hookEnv({}, settings('after_deploy = true'), FACTS, '/tmp/x.json');
  assert.ok(!Object.values(none).join('\n').includes(SECRETS.passed));
});

test('the JSON summary: every key, null for what is not known, no secret', () => {
  assert.deepEqual(summary('after_deploy', FACTS), {
    version: 1,
    hook: 'after_deploy',
    app: 'demo',
    command: 'deploy',
    ref: 'main',
    commit: 'c'.repeat(40),
    release: '20261124T112647-cccccccc',
    hosts: [
      { host: 'ubuntu@203.0.113.10', before: '20261124T112643-aaaaaaaa', after: '20261124T112647-cccccccc' },
      { host: 'ubuntu@203.0.113.11', before: null, after: null },
    ],
    result: 'ok',
    exit_status: 0,
    error: null,
    operator: 'me@here',
    duration_s: 12.3,
    changes: null,
  });
  const before = summary('before_deploy', {
    ...FACTS,
    commit: '',
    release: '',
    result: '',
    durationS: undefined,
    exitStatus: undefined,
  });
  assert.equal(before.commit, null);
  assert.equal(before.release, null);
  assert.equal(before.result, null);
  assert.equal(before.duration_s, null);
  assert.equal(before.exit_status, null);
});

test('redaction: each passed value in a line, longest first; values under 4 characters are left', () => {
  assert.equal(redact('token=abcdef and abc', ['abc', 'abcdef']), 'token=[redacted] and abc');
  assert.equal(redact('a secret: s3cr3t-value!', ['s3cr3t-value']), 'a secret: [redacted]!');
  assert.equal(redact('nothing here', []), 'nothing here');
});

test('runLocalHook: bash -c in its directory, each line of stdout and stderr, the exit status', async () => {
  const lines: [string, boolean][] = [];
  const outcome = await runLocalHook(
    {
      command: 'pwd; echo to-stderr >&2; printf "no newline"; exit 3',
      cwd: dir,
      env: { PATH: process.env.PATH! },
      timeoutS: 10,
    },
    (line, isErr) => lines.push([line, isErr]),
  );
  assert.equal(outcome.ok, false);
  assert.equal(outcome.status, 3);
  assert.equal(outcome.timedOut, false);
  assert.deepEqual(lines.sort(), [
    [dir, false],
    ['no newline', false],
    ['to-stderr', true],
  ]);
  const ok = await runLocalHook({ command: 'true', cwd: dir, env: {}, timeoutS: 10 }, () => undefined);
  assert.equal(ok.ok, true);
  assert.equal(ok.status, 0);
});

test('runLocalHook: at its timeout the whole process group is killed, and the hook counts as failed', async () => {
  const pidFile = join(dir, 'background.pid');
  const t = performance.now();
  const outcome = await runLocalHook(
    { command: `sleep 60 & echo $! > ${pidFile}; wait`, cwd: dir, env: { PATH: process.env.PATH! }, timeoutS: 1 },
    () => undefined,
  );
  const took = performance.now() - t;
  assert.equal(outcome.ok, false);
  assert.equal(outcome.timedOut, true);
  assert.ok(took >= 900 && took < 4000, `${took} ms`);
  // Killed: gone, or a zombie until this machine's init reaps it.
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const state = existsSync(`/proc/${pid}/status`)
    ? /State:\s+(\S)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    : 'gone';
  assert.ok(state === 'gone' || state === 'Z', `the hook's background process was killed too (state ${state})`);
});

test('a deploy that goes live: before_deploy, then after_deploy, with what each knew', async () => {
  const out = mkdtempSync(join(dir, 'ok-'));
  const s = hooksRecording(out, ['before_deploy', 'after_deploy', 'after_failure']);
  const session = sessionOf(s);
  const { value: hooks, stderr } = await stderrOf(() => LocalHooks.before(session, 'deploy', { ref: 'main' }));
  assert.ok(hooks, stderr);
  assert.match(stderr, /✓ this machine {2}before_deploy {2}done, /);
  // The run: under the lock, the hosts read (a1, a1), the ref resolved, the release named, both switched.
  const log: Record<string, unknown> = { ref: 'HEAD' };
  hooks.read(fleetOf(s, ['a1', 'a1']), log);
  Object.assign(log, { ref: 'main', commit: 'f'.repeat(40), release: 'r2' });
  for (const h of s.hosts) session.reporter.hostData(h.label, 'release', 'r2');
  await stderrOf(() => hooks.end());
  assert.equal(read(out, 'order'), 'before_deploy\nafter_deploy\n');

  const before = envOf(out, 'before_deploy');
  assert.equal(before.DEPLOY_COMMAND, 'deploy');
  assert.equal(before.DEPLOY_REF, 'main');
  assert.equal(before.DEPLOY_COMMIT, '');
  assert.equal(before.DEPLOY_RELEASE, '');
  assert.equal(before.DEPLOY_RESULT, '');
  assert.equal(before.DEPLOY_DURATION_S, '');
  assert.equal(before.DEPLOY_HOSTS, 'ubuntu@203.0.113.10,ubuntu@203.0.113.11');
  assert.equal(before.PASSED_TOKEN, SECRETS.passed);
  assert.equal(JSON.parse(read(out, 'json-before_deploy')).release, null);

  const after = envOf(out, 'after_deploy');
  assert.equal(after.DEPLOY_RESULT, 'ok');
  assert.equal(after.DEPLOY_COMMIT, 'f'.repeat(40));
  assert.equal(after.DEPLOY_RELEASE, 'r2');
  assert.match(after.DEPLOY_DURATION_S, /^\d+(\.\d)?$/);
  assert.equal(after.DEPLOY_OPERATOR.includes('@'), true);
  const json = JSON.parse(read(out, 'json-after_deploy'));
  assert.equal(json.hook, 'after_deploy');
  assert.equal(json.result, 'ok');
  assert.equal(json.exit_status, 0);
  assert.deepEqual(json.hosts, [
    { host: 'ubuntu@203.0.113.10', before: 'a1', after: 'r2' },
    { host: 'ubuntu@203.0.113.11', before: 'a1', after: 'r2' },
  ]);
  // The file is the hook's alone, and gone once it ended.
  assert.match(read(out, 'dir-after_deploy'), /^drwx------ /);
  assert.equal(existsSync(after.DEPLOY_CHANGES_FILE), false);
  // No secret of the settings but the one passed, in any hook's environment or file.
  for (const file of ['env-before_deploy', 'env-after_deploy', 'json-before_deploy', 'json-after_deploy'])
    for (const secret of [SECRETS.db, SECRETS.mail, SECRETS.kept]) assert.ok(!read(out, file).includes(secret));
  assert.ok(!read(out, 'json-after_deploy').includes(SECRETS.passed));
});

test('nothing to do, and partial (exit 5 or 6): after_deploy runs, DEPLOY_RESULT says which', async () => {
  const out = mkdtempSync(join(dir, 'results-'));
  const s = hooksRecording(out, ['after_deploy', 'after_failure']);
  const idle = sessionOf(s);
  const hooks = await LocalHooks.before(idle, 'deploy', { ref: 'main' });
  hooks.read(fleetOf(s, ['r1', 'r1'], 'already live'), { ref: 'main', commit: 'e'.repeat(40) });
  for (const h of s.hosts) idle.reporter.hostData(h.label, 'release', 'r1');
  await stderrOf(() => hooks.end());
  assert.equal(envOf(out, 'after_deploy').DEPLOY_RESULT, 'nothing to do');
  assert.equal(envOf(out, 'after_deploy').DEPLOY_RELEASE, 'r1', 'the release every host serves');

  const partial = await LocalHooks.before(sessionOf(s), 'deploy');
  const err = new HookFailedError('after_switch failed on ubuntu@203.0.113.11');
  const { value } = await stderrOf(() => partial.end(err));
  assert.equal(value, err, 'end() gives the error back, to be thrown');
  assert.equal(envOf(out, 'after_deploy').DEPLOY_RESULT, 'partial');
  const json = JSON.parse(read(out, 'json-after_deploy'));
  assert.equal(json.exit_status, 5);
  assert.equal(json.error, 'after_switch failed on ubuntu@203.0.113.11');
  // Hosts left behind (max_failed_hosts): exit 6, the release live on the others.
  const behind = Object.assign(new DeployError('1 host left behind'), { exitCode: 6 });
  await stderrOf(async () => (await LocalHooks.before(sessionOf(s), 'deploy')).end(behind));
  assert.equal(envOf(out, 'after_deploy').DEPLOY_RESULT, 'partial');
  assert.equal(JSON.parse(read(out, 'json-after_deploy')).exit_status, 6);
  assert.equal(read(out, 'order'), 'after_deploy\nafter_deploy\nafter_deploy\n', 'after_failure ran for none');
});

test('a failed deploy: after_failure, once, with the error and what each host serves', async () => {
  const out = mkdtempSync(join(dir, 'failed-'));
  const s = hooksRecording(out, ['before_deploy', 'after_deploy', 'after_failure']);
  const session = sessionOf(s);
  const hooks = await stderrOf(() => LocalHooks.before(session, 'deploy', { ref: 'main' }));
  hooks.value!.read(fleetOf(s, ['a1', 'a1']), { ref: 'main', commit: 'f'.repeat(40), release: 'r2' });
  for (const h of s.hosts) session.reporter.hostData(h.label, 'release', 'a1');
  const err = new RemoteCommandError('ubuntu@203.0.113.11', 'build release r2', 'pip install', 1, 'no network');
  await stderrOf(() => hooks.value!.end(err));
  await stderrOf(() => hooks.value!.end(err));
  assert.equal(read(out, 'order'), 'before_deploy\nafter_failure\n');
  assert.equal(envOf(out, 'after_failure').DEPLOY_RESULT, 'failed');
  const json = JSON.parse(read(out, 'json-after_failure'));
  assert.equal(json.hook, 'after_failure');
  assert.equal(json.exit_status, EXIT.FAILURE);
  assert.match(json.error, /step "build release r2" failed/);
  assert.deepEqual(
    json.hosts.map((h: { before: string; after: string }) => [h.before, h.after]),
    [
      ['a1', 'a1'],
      ['a1', 'a1'],
    ],
  );
});

test('a failed connection (watch): after_failure runs, the error goes on', async () => {
  const out = mkdtempSync(join(dir, 'watch-'));
  const s = hooksRecording(out, ['after_failure']);
  const hooks = await LocalHooks.before(sessionOf(s), 'deploy');
  const err = new DeployError('cannot reach 2 of 2 hosts');
  const { error } = await stderrOf(() => hooks.watch(Promise.reject(err)));
  assert.equal(error, err);
  assert.equal(read(out, 'order'), 'after_failure\n');
  assert.deepEqual(JSON.parse(read(out, 'json-after_failure')).hosts, [
    { host: 'ubuntu@203.0.113.10', before: null, after: null },
    { host: 'ubuntu@203.0.113.11', before: null, after: null },
  ]);
});

test('a failing before hook stops the command (exit 7), with its output on stderr and in the log, secrets redacted', async () => {
  const out = mkdtempSync(join(dir, 'before-'));
  const s = settings(
    `before_deploy = echo "building with $PASSED_TOKEN" && echo 'it broke' >&2 && exit 4\nafter_failure = touch ${out}/after_failure\npass_env = PASSED_TOKEN`,
  );
  const session = sessionOf(s);
  const { error, stderr } = await stderrOf(() => LocalHooks.before(session, 'deploy'));
  assert.ok(error instanceof LocalHookError);
  assert.equal(error.exitCode, EXIT.LOCAL_HOOK_FAILED);
  assert.equal(EXIT.LOCAL_HOOK_FAILED, 7);
  assert.equal(error.message, 'the before_deploy hook failed on this machine (exit status 4): no host was touched');
  assert.match(error.hint!, /deploy demo deploy/);
  assert.match(stderr, /^before_deploy \| building with \[redacted\]$/m);
  assert.match(stderr, /^before_deploy ! it broke$/m);
  assert.match(stderr, /✗ this machine {2}before_deploy {2}FAILED \(exit status 4\)/);
  const log = session.log();
  assert.match(log, /before_deploy \| building with \[redacted\]/);
  assert.match(log, /local hook before_deploy: bash -c .* PASSED_TOKEN=\[redacted\]/);
  for (const secret of Object.values(SECRETS)) {
    assert.ok(!stderr.includes(secret), `${secret} on stderr`);
    assert.ok(!log.includes(secret), `${secret} in the log`);
  }
  assert.equal(existsSync(join(out, 'after_failure')), false, 'after_failure is not for a before hook');
});

test('a before hook that times out is a failure (exit 7) saying so', async () => {
  const s = settings('before_rollback = sleep 30\ntimeout = 1');
  const { error } = await stderrOf(() => LocalHooks.before(sessionOf(s), 'rollback'));
  assert.ok(error instanceof LocalHookError);
  assert.equal(
    error.message,
    'the before_rollback hook failed on this machine (killed after its timeout of 1 s): no host was touched',
  );
});

test('a failing after hook is a warning: the run goes on, its result unchanged', async () => {
  const s = settings('after_deploy = echo nope && exit 2');
  const session = sessionOf(s);
  const hooks = await LocalHooks.before(session, 'deploy');
  const { value, error, stderr } = await stderrOf(() => hooks.end());
  assert.equal(error, undefined);
  assert.equal(value, undefined);
  assert.match(stderr, /^after_deploy \| nope$/m);
  assert.match(
    stderr,
    /the after_deploy hook failed on this machine \(exit status 2\); the deploy's own result stands/,
  );
  assert.match(session.log(), /WARNING the after_deploy hook failed/);
});

test('a rollback: before_rollback and after_rollback, DEPLOY_COMMAND=rollback, the target and its commit', async () => {
  const out = mkdtempSync(join(dir, 'rollback-'));
  const s = hooksRecording(out, ['before_rollback', 'after_rollback', 'after_failure', 'before_deploy']);
  const session = sessionOf(s);
  const hooks = await stderrOf(() => LocalHooks.before(session, 'rollback'));
  const releases = [
    { name: 'r2', state: 'built' as const, ref: 'main', commit: '2'.repeat(40) },
    { name: 'r1', state: 'built' as const, ref: 'v1.0', commit: '1'.repeat(40) },
  ];
  const log: Record<string, unknown> = { command: 'rollback', target: 'previous' };
  hooks.value!.read(fleetOf(s, ['r2', 'r2']), log, releases);
  log.release = 'r1';
  for (const h of s.hosts) session.reporter.hostData(h.label, 'release', 'r1');
  await stderrOf(() => hooks.value!.end());
  assert.equal(read(out, 'order'), 'before_rollback\nafter_rollback\n');
  assert.equal(envOf(out, 'before_rollback').DEPLOY_COMMAND, 'rollback');
  assert.equal(envOf(out, 'before_rollback').DEPLOY_RELEASE, '');
  const after = envOf(out, 'after_rollback');
  assert.equal(after.DEPLOY_COMMAND, 'rollback');
  assert.equal(after.DEPLOY_RELEASE, 'r1');
  assert.equal(after.DEPLOY_REF, 'v1.0');
  assert.equal(after.DEPLOY_COMMIT, '1'.repeat(40));
  assert.deepEqual(JSON.parse(read(out, 'json-after_rollback')).hosts[0], {
    host: 'ubuntu@203.0.113.10',
    before: 'r2',
    after: 'r1',
  });
});

test('--dry-run: each hook is printed, where and with what (pass_env redacted), and none runs', async () => {
  const out = mkdtempSync(join(dir, 'dry-'));
  const s = hooksRecording(out, ['before_deploy', 'after_deploy', 'after_failure']);
  const session = sessionOf(s, true);
  const { value: hooks, stderr: first } = await stderrOf(() => LocalHooks.before(session, 'deploy', { ref: 'main' }));
  const { stderr: last } = await stderrOf(() => hooks!.end());
  const printed = first + last;
  assert.equal(existsSync(join(out, 'order')), false, 'no hook ran');
  assert.match(printed, new RegExp(`· this machine {2}before_deploy would run, in ${dir}: bash -c `));
  assert.match(printed, /after_deploy would run, in /);
  assert.match(printed, /after_failure would run \(if the deploy fails\), in /);
  assert.match(printed, /with DEPLOY_APP=demo DEPLOY_COMMAND=deploy DEPLOY_REF=main .* PASSED_TOKEN=\[redacted\]/);
  assert.ok(!printed.includes(SECRETS.passed));
});

test('no [LOCAL_HOOKS]: nothing runs, nothing is printed', async () => {
  const session = sessionOf(settings(''));
  const { value: hooks, stderr } = await stderrOf(() => LocalHooks.before(session, 'deploy'));
  const err = new Error('x');
  assert.equal(await hooks!.end(err), err);
  assert.equal(stderr, '');
});
