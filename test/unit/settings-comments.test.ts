// Seed 000's comment syntax stays (";" and "#" start a comment, even after a value), but a
// value it cuts short is said: the key, its line, and the quoting that keeps the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSettings } from '../../src/settings/load.ts';

const BASE =
  '[DEPLOY]\nproject_name = myapp\nrepository = git@example.com:me/myapp.git\ndeploy_hosts = ubuntu@203.0.113.10\n';
const parse = (text: string, app = 'myapp') => parseSettings(text, { app, file: 'settings.ini' });
const warnings = (text: string, app = 'myapp') => parse(text, app).warnings;

/** The line a warning says to write instead. */
const suggested = (warning: string) => /quote the whole value: (.*)$/.exec(warning)?.[1];

test("seed 000's file, its quoted value with a comment after it, and comments after values warn of nothing", () => {
  const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8');
  assert.deepEqual(warnings(seed, 'NOME_APP'), []);
  const s = parse(
    `${BASE}gunicorn_workers = 3 ; per slot\nhealth_path = /health  # the probe\ntest_command = "python manage.py test; echo done"\n[HOOKS]\nafter_build = 'npm ci; npm run build'\n`,
  );
  assert.deepEqual(s.warnings, []);
  assert.equal(s.gunicornWorkers, 3);
  assert.equal(s.healthPath, '/health');
  assert.equal(s.testCommand, 'python manage.py test; echo done');
  assert.equal(s.hooks.after_build?.command, 'npm ci; npm run build');
});

test('a hook or test_command cut at an unquoted ";" or "#": the syntax stays, a warning names the key, the line and the quoting', () => {
  const s = parse(
    `${BASE}test_command = python manage.py test; echo tested\n[HOOKS]\nafter_build = cd assets && npm ci ; npm run build\nbefore_switch = echo "issue #5 fixed"\nafter_switch = bash -c 'echo a; echo b'\n`,
  );
  assert.equal(s.testCommand, 'python manage.py test', 'the comment syntax is kept');
  assert.equal(s.hooks.after_build?.command, 'cd assets && npm ci');
  assert.equal(s.warnings.length, 4, s.warnings.join('\n'));
  const [test, build, sw, after] = s.warnings;
  assert.match(test, /^\[DEPLOY\] test_command \(line 5\): .*";"/);
  assert.match(build, /^\[HOOKS\] after_build \(line 7\): .*";"/);
  assert.match(sw, /^\[HOOKS\] before_switch \(line 8\): .*"#"/);
  assert.match(after, /^\[HOOKS\] after_switch \(line 9\): .*";"/);
  assert.equal(suggested(test), "test_command = 'python manage.py test; echo tested'");
  assert.equal(suggested(sw), `before_switch = 'echo "issue #5 fixed"'`);
  // A value holding ' is quoted with ", any " or \\ in it escaped: the suggestion loads as the whole value.
  assert.equal(suggested(after), `after_switch = "bash -c 'echo a; echo b'"`);
  const fixed = parse(
    `${BASE}${suggested(test)}\n[HOOKS]\n${suggested(build)}\n${suggested(sw)}\n${suggested(after)}\n`,
  );
  assert.deepEqual(fixed.warnings, []);
  assert.equal(fixed.testCommand, 'python manage.py test; echo tested');
  assert.equal(fixed.hooks.after_build?.command, 'cd assets && npm ci ; npm run build');
  assert.equal(fixed.hooks.before_switch?.command, 'echo "issue #5 fixed"');
  assert.equal(fixed.hooks.after_switch?.command, "bash -c 'echo a; echo b'");
});

test('health_path and other keys: a ";" or "#" right after a character of the value warns', () => {
  const s = parse(`${BASE}health_path = /health?full=1;db=1\nserver_name = example.com#www.example.com\n`);
  assert.equal(s.healthPath, '/health?full=1');
  assert.match(s.warnings.join('\n'), /\[DEPLOY\] health_path \(line 5\): .*health_path = '\/health\?full=1;db=1'/);
  assert.match(s.warnings.join('\n'), /\[DEPLOY\] server_name \(line 6\): .*"#"/);
});

test('[COMMANDS], [RUN_ONCE] and [PROCESSES] warn like hooks', () => {
  const s = parse(
    `${BASE}[COMMANDS]\nreindex = python manage.py reindex; python manage.py warm\n[RUN_ONCE]\nseed = python manage.py seed ; echo seeded\n[PROCESSES]\nworker = celery -A myapp worker # -B\n`,
  );
  const text = s.warnings.join('\n');
  assert.match(text, /\[COMMANDS\] reindex \(line 6\)/);
  assert.match(text, /\[RUN_ONCE\] seed \(line 8\)/);
  assert.match(text, /\[PROCESSES\] worker \(line 10\)/);
});

test('a secret cut short is warned about without its value', () => {
  const s = parse(
    `${BASE}[APP]\ndatabase_url = postgresql://shop:pa;ss-WORD-9@db/shop\n[EMAIL]\nemail_host_password = hunter2#tail-SECRET\n[ENV]\nAPI_TOKEN = xyzzy;def-TOKEN-7\n`,
  );
  const text = s.warnings.join('\n');
  assert.match(text, /\[APP\] database_url \(line 6\)/);
  assert.match(text, /\[EMAIL\] email_host_password \(line 8\)/);
  assert.match(text, /\[ENV\] API_TOKEN \(line 10\)/);
  for (const secret of ['shop:pa', 'ss-WORD', 'hunter2', 'tail-SECRET', 'xyzzy', 'def-TOKEN'])
    assert.ok(!text.includes(secret), `${secret} is not shown`);
});

test("only the chosen app's sections warn", () => {
  const text =
    '[blog.DEPLOY]\nproject_name = blog\nrepository = r\ndeploy_hosts = u@h\ntest_command = make; make check\n[shop.DEPLOY]\nproject_name = shop\nrepository = r2\ndeploy_hosts = u@h2\n';
  assert.deepEqual(parseSettings(text, { app: 'shop', file: 'settings.ini' }).warnings, []);
  assert.equal(parseSettings(text, { app: 'blog', file: 'settings.ini' }).warnings.length, 1);
});
