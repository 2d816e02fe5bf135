// Settings of the app's runtime: [PROCESSES], [HOOKS], env_file, process_manager, gunicorn
// workers and threads. Every problem is reported at once; secrets never appear in a problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/settings/load.ts';
import { SettingsError } from '../../src/errors.ts';
import { gunicornConfigContent, processScriptContent } from '../../src/steps/server-files.ts';
import { runsProcesses } from '../../src/steps/processes.ts';
import { hook } from '../../src/steps/hooks.ts';

const BASE =
  '[DEPLOY]\nproject_name = myapp\nrepository = git@example.com:me/myapp.git\ndeploy_hosts = ubuntu@203.0.113.10\n';

function problems(text: string, file = 'settings.ini'): string[] {
  try {
    parseSettings(text, { app: 'myapp', file });
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
  return [];
}

test('env_file: its variables join [ENV] as secrets and win over it; relative to settings.ini', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-envfile-'));
  writeFileSync(join(dir, 'prod.env'), '# comment\nAPI_KEY=s3cr3t-value\nSHARED="from file"\n');
  const s = parseSettings(`${BASE}env_file = prod.env\n[ENV]\nSHARED = from settings\nOTHER = x\n`, {
    app: 'myapp',
    file: join(dir, 'settings.ini'),
  });
  assert.equal(s.env.API_KEY.reveal(), 's3cr3t-value');
  assert.equal(String(s.env.API_KEY), '[redacted]');
  assert.equal(s.env.SHARED.reveal(), 'from file');
  assert.equal(s.env.OTHER.reveal(), 'x');
});

test('env_file: a missing file and a bad variable are problems that never show a value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-envfile-'));
  assert.match(
    problems(`${BASE}env_file = nope.env\n`, join(dir, 'settings.ini')).join('\n'),
    /env_file.*cannot read .*nope\.env.*ENOENT/,
  );
  writeFileSync(join(dir, 'bad.env'), 'GOOD=fine\nMULTI="line one\nline two-s3cr3t"\nESCAPED="a\\nb-s3cr3t"\n');
  const p = problems(`${BASE}env_file = bad.env\n`, join(dir, 'settings.ini')).join('\n');
  // Values are one line: a quote left open is said at its line, and the next line is not a variable.
  assert.match(p, /bad\.env.* line 2: .*quote/);
  assert.match(p, /bad\.env.* line 3: /);
  assert.match(p, /bad\.env.* line 4: ESCAPED's value contains/);
  assert.doesNotMatch(p, /s3cr3t/);
});

test('env_file: every line it cannot read is reported by its number, never by its content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-envfile-'));
  writeFileSync(
    join(dir, 'prod.env'),
    [
      '# a comment, then a blank line',
      '',
      'GOOD=fine',
      'PASTED s3cr3t-one',
      'TWO WORDS=s3cr3t-two',
      '=s3cr3t-three',
      'export EXPORTED=ok',
      'COLON: ok',
      'BAD-NAME=s3cr3t-four',
      "OPEN='s3cr3t-five",
      '  INDENTED=ok  ',
      'CUT=s3cr3t-six#s3cr3t-seven',
    ].join('\r\n'),
  );
  const p = problems(`${BASE}env_file = prod.env\n`, join(dir, 'settings.ini'));
  const text = p.join('\n');
  for (const n of [4, 5, 6, 9, 10]) assert.match(text, new RegExp(`prod\\.env.* line ${n}: `), `line ${n} is reported`);
  for (const n of [1, 2, 3, 7, 8, 11]) assert.doesNotMatch(text, new RegExp(`line ${n}: `), `line ${n} is fine`);
  assert.match(text, /\[DEPLOY\] env_file \(line 5\)/, 'each problem is under the key that names the file');
  assert.doesNotMatch(text, /s3cr3t|PASTED|TWO|BAD-NAME/, 'neither values nor what may be half a pasted secret');
});

test('env_file: a value cut at an unquoted "#" is warned about by line, without the value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-envfile-'));
  writeFileSync(join(dir, 'prod.env'), 'A=1\nTOKEN=abc#def-s3cr3t\nB=2 # a comment\nC="x#y"\n');
  const s = parseSettings(`${BASE}env_file = prod.env\n`, { app: 'myapp', file: join(dir, 'settings.ini') });
  assert.equal(s.env.TOKEN.reveal(), 'abc', "dotenv's syntax is kept");
  assert.equal(s.env.C.reveal(), 'x#y');
  assert.equal(s.warnings.length, 1, s.warnings.join('\n'));
  assert.match(s.warnings[0], /env_file \(line 5\): .*prod\.env.* line 2: .*"#"/);
  assert.doesNotMatch(s.warnings[0], /abc|s3cr3t/);
});

test('[PROCESSES]: names a and b are the slots; processes run on worker hosts when there are some', () => {
  assert.match(
    problems(`${BASE}[PROCESSES]\na = python worker.py\n`).join('\n'),
    /"a" and "b" name the gunicorn slots/,
  );
  const flat = parseSettings(`${BASE}[PROCESSES]\nworker = celery -A myapp worker\n`, {
    app: 'myapp',
    file: 'settings.ini',
  });
  assert.equal(runsProcesses(flat, flat.hosts[0]), true);
  const roles = parseSettings(
    '[DEPLOY]\nproject_name = myapp\nrepository = git@example.com:me/myapp.git\n[HOSTS]\nweb = 10.0.0.1\nworker = 10.0.0.2\n[PROCESSES]\nworker = celery -A myapp worker\n',
    { app: 'myapp', file: 'settings.ini' },
  );
  assert.deepEqual(
    roles.hosts.map((h) => runsProcesses(roles, h)),
    [false, true],
  );
});

test('a process script execs a simple command and keeps the shell for a compound one', () => {
  const s = parseSettings(`${BASE}[PROCESSES]\nworker = celery -A myapp worker\nboth = python a.py && python b.py\n`, {
    app: 'myapp',
    file: 'settings.ini',
  });
  assert.match(processScriptContent(s, 'worker').reveal(), /^exec celery -A myapp worker$/m);
  assert.match(processScriptContent(s, 'both').reveal(), /^python a\.py && python b\.py$/m);
});

test('[HOOKS]: run_once names set hooks; a run-once hook runs on the primary only', () => {
  assert.match(problems(`${BASE}[HOOKS]\nrun_once = after_swich\n`).join('\n'), /not a hook/);
  assert.match(problems(`${BASE}[HOOKS]\nrun_once = after_switch\n`).join('\n'), /after_switch is not set/);
  const s = parseSettings(`${BASE}[HOOKS]\nafter_switch = ./notify\nbefore_build = make\nrun_once = after_switch\n`, {
    app: 'myapp',
    file: 'settings.ini',
  });
  assert.equal(hook(s, 'after_switch', 'r1', { primary: false }).length, 0);
  assert.equal(hook(s, 'after_switch', 'r1', { primary: true }).length, 1);
  assert.equal(hook(s, 'before_build', 'r1', { primary: false }).length, 1);
  assert.equal(hook(s, 'before_switch', 'r1', { primary: true }).length, 0);
});

test('process_manager: supervisor or systemd; systemd with deploy_user is refused for now', () => {
  assert.match(problems(`${BASE}process_manager = runit\n`).join('\n'), /supervisor or systemd/);
  assert.match(
    problems(`${BASE}process_manager = systemd\ndeploy_user = deployer\n`).join('\n'),
    /systemd does not work with deploy_user yet/,
  );
});

test('gunicorn: workers from the CPU count unless set; threads', () => {
  const auto = parseSettings(BASE, { app: 'myapp', file: 'settings.ini' });
  assert.match(gunicornConfigContent(auto).reveal(), /workers = min\(2 \* multiprocessing\.cpu_count\(\) \+ 1, 12\)/);
  const set = parseSettings(`${BASE}gunicorn_workers = 4\ngunicorn_threads = 8\n`, {
    app: 'myapp',
    file: 'settings.ini',
  });
  assert.match(gunicornConfigContent(set).reveal(), /^workers = 4$/m);
  assert.match(gunicornConfigContent(set).reveal(), /^threads = 8$/m);
});
