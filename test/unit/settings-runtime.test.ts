// Settings of the app's runtime: [PROCESSES], [HOOKS], env_file, process_manager, gunicorn
// workers and threads. Every problem is reported at once; secrets never appear in a problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/settings/load.ts';
import { SettingsError } from '../../src/errors.ts';
import { gunicornConfigContent } from '../../src/steps/setup.ts';
import { processScriptContent } from '../../src/steps/release-files.ts';
import { runsProcesses } from '../../src/steps/processes.ts';
import { hook } from '../../src/steps/hooks.ts';

const BASE = '[DEPLOY]\nproject_name = myapp\nrepository = git@example.com:me/myapp.git\ndeploy_hosts = ubuntu@203.0.113.10\n';

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
  const s = parseSettings(`${BASE}env_file = prod.env\n[ENV]\nSHARED = from settings\nOTHER = x\n`, { app: 'myapp', file: join(dir, 'settings.ini') });
  assert.equal(s.env.API_KEY.reveal(), 's3cr3t-value');
  assert.equal(String(s.env.API_KEY), '[redacted]');
  assert.equal(s.env.SHARED.reveal(), 'from file');
  assert.equal(s.env.OTHER.reveal(), 'x');
});

test('env_file: a missing file and a bad variable are problems that never show a value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-envfile-'));
  assert.match(problems(`${BASE}env_file = nope.env\n`, join(dir, 'settings.ini')).join('\n'), /env_file.*cannot read .*nope\.env.*ENOENT/);
  writeFileSync(join(dir, 'bad.env'), 'GOOD=fine\nMULTI="line one\nline two-s3cr3t"\n');
  const p = problems(`${BASE}env_file = bad.env\n`, join(dir, 'settings.ini')).join('\n');
  assert.match(p, /MULTI's value contains/);
  assert.doesNotMatch(p, /s3cr3t/);
});

test('[PROCESSES]: names a and b are the slots; processes run on worker hosts when there are some', () => {
  assert.match(problems(`${BASE}[PROCESSES]\na = python worker.py\n`).join('\n'), /"a" and "b" name the gunicorn slots/);
  const flat = parseSettings(`${BASE}[PROCESSES]\nworker = celery -A myapp worker\n`, { app: 'myapp', file: 'settings.ini' });
  assert.equal(runsProcesses(flat, flat.hosts[0]), true);
  const roles = parseSettings('[DEPLOY]\nproject_name = myapp\nrepository = git@example.com:me/myapp.git\n[HOSTS]\nweb = 10.0.0.1\nworker = 10.0.0.2\n[PROCESSES]\nworker = celery -A myapp worker\n', { app: 'myapp', file: 'settings.ini' });
  assert.deepEqual(roles.hosts.map((h) => runsProcesses(roles, h)), [false, true]);
});

test('a process script execs a simple command and keeps the shell for a compound one', () => {
  const s = parseSettings(`${BASE}[PROCESSES]\nworker = celery -A myapp worker\nboth = python a.py && python b.py\n`, { app: 'myapp', file: 'settings.ini' });
  assert.match(processScriptContent(s, 'worker').reveal(), /^exec celery -A myapp worker$/m);
  assert.match(processScriptContent(s, 'both').reveal(), /^python a\.py && python b\.py$/m);
});

test('[HOOKS]: run_once names set hooks; a run-once hook runs on the primary only', () => {
  assert.match(problems(`${BASE}[HOOKS]\nrun_once = after_swich\n`).join('\n'), /not a hook/);
  assert.match(problems(`${BASE}[HOOKS]\nrun_once = after_switch\n`).join('\n'), /after_switch is not set/);
  const s = parseSettings(`${BASE}[HOOKS]\nafter_switch = ./notify\nbefore_build = make\nrun_once = after_switch\n`, { app: 'myapp', file: 'settings.ini' });
  assert.equal(hook(s, 'after_switch', 'r1', { primary: false }).length, 0);
  assert.equal(hook(s, 'after_switch', 'r1', { primary: true }).length, 1);
  assert.equal(hook(s, 'before_build', 'r1', { primary: false }).length, 1);
  assert.equal(hook(s, 'before_switch', 'r1', { primary: true }).length, 0);
});

test('process_manager: supervisor or systemd; systemd with deploy_user is refused for now', () => {
  assert.match(problems(`${BASE}process_manager = runit\n`).join('\n'), /supervisor or systemd/);
  assert.match(problems(`${BASE}process_manager = systemd\ndeploy_user = deployer\n`).join('\n'), /systemd does not work with deploy_user yet/);
});

test('gunicorn: workers from the CPU count unless set; threads', () => {
  const auto = parseSettings(BASE, { app: 'myapp', file: 'settings.ini' });
  assert.match(gunicornConfigContent(auto).reveal(), /workers = min\(2 \* multiprocessing\.cpu_count\(\) \+ 1, 12\)/);
  const set = parseSettings(`${BASE}gunicorn_workers = 4\ngunicorn_threads = 8\n`, { app: 'myapp', file: 'settings.ini' });
  assert.match(gunicornConfigContent(set).reveal(), /^workers = 4$/m);
  assert.match(gunicornConfigContent(set).reveal(), /^threads = 8$/m);
});
