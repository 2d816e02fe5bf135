// Roles and the primary are the whole fleet's whatever --hosts selects (issue 23, item 2): a web
// host run on its own is still a web host (no [PROCESSES]), a host run on its own is not the
// primary, deploy_user relabels the primary with the hosts; and the program files of processes a
// host does not run are really removed (the removal's glob and list, run in bash).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSession } from '../../src/session.ts';
import { parseSettings } from '../../src/settings/load.ts';
import { libraryFor } from '../../src/library.ts';
import { runsProcesses, writeProcessPrograms } from '../../src/steps/processes.ts';
import { buildOn } from '../../src/steps/build.ts';
import { outsidePrimary } from '../../src/fleet/select.ts';

const dir = mkdtempSync(join(tmpdir(), 'deploy-roles-'));
const ROLES =
  '[HOSTS]\nweb = ubuntu@10.0.0.1, ubuntu@10.0.0.2\nworker = ubuntu@10.0.0.3\nprimary = ubuntu@10.0.0.1\n[APP]\ndatabase_url = postgresql://demo:pw@10.0.0.9:5432/demo\n[PROCESSES]\nworker = celery worker\n';

function session(text: string, hosts?: string, command = 'deploy') {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.ini`);
  writeFileSync(file, `[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\n${text}`);
  return startSession('demo', command, { config: file, yes: true, verbose: false, dryRun: true, json: true, hosts });
}

test('--hosts on one web host: it runs no [PROCESSES] (the fleet has worker hosts), and is not the primary', () => {
  const { settings: s } = session(ROLES, '10.0.0.2');
  assert.deepEqual(
    s.hosts.map((h) => h.label),
    ['ubuntu@10.0.0.2'],
  );
  assert.deepEqual(
    s.fleet?.map((h) => h.label),
    ['ubuntu@10.0.0.1', 'ubuntu@10.0.0.2', 'ubuntu@10.0.0.3'],
  );
  assert.equal(runsProcesses(s, s.hosts[0]), false);
  assert.equal(buildOn(s, s.hosts[0]).primary, false, 'one host selected is not the primary');
  assert.equal(outsidePrimary(s)?.label, 'ubuntu@10.0.0.1');
  const worker = session(ROLES, '10.0.0.3').settings;
  assert.equal(runsProcesses(worker, worker.hosts[0]), true);
  assert.equal(outsidePrimary(session(ROLES, '10.0.0.1,10.0.0.3').settings), undefined, 'in the run: not outside it');
});

test('a single-host fleet: its one host is the primary, and runs the processes', () => {
  const { settings: s } = session('deploy_hosts = ubuntu@10.0.0.1\n[PROCESSES]\nworker = celery worker\n');
  assert.equal(buildOn(s, s.hosts[0]).primary, true);
  assert.equal(runsProcesses(s, s.hosts[0]), true);
});

test('deploy_user: the primary is relabelled with the hosts (it is found by its label); setup keeps the sudo user', () => {
  const pub = join(dir, 'id.pub');
  writeFileSync(pub, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ test@example\n');
  const text = `deploy_user = deployer\ndeploy_user_keys = ${pub}\n[HOSTS]\nweb = ubuntu@10.0.0.1, ubuntu@10.0.0.2\nprimary = ubuntu@10.0.0.2\n`;
  const { settings: s } = session(text);
  assert.deepEqual(
    s.hosts.map((h) => h.label),
    ['deployer@10.0.0.1', 'deployer@10.0.0.2'],
  );
  assert.equal(s.primary, 'deployer@10.0.0.2');
  assert.equal(buildOn(s, s.hosts[1]).primary, true);
  assert.equal(buildOn(s, s.hosts[0]).primary, false);
  const setup = session(text, '10.0.0.1', 'setup').settings;
  assert.equal(setup.primary, 'ubuntu@10.0.0.2');
  assert.equal(outsidePrimary(setup)?.label, 'ubuntu@10.0.0.2');
});

/** The removal command of writeProcessPrograms, run in bash on a directory standing for supervisor's. */
function removal(processes: string, files: string[]): string[] {
  const s = parseSettings(
    `[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\ndeploy_hosts = ubuntu@10.0.0.1\n[PROCESSES]\n${processes}`,
    { app: 'demo', file: 'settings.ini' },
  );
  const conf = mkdtempSync(join(tmpdir(), 'deploy-conf-'));
  for (const f of files) writeFileSync(join(conf, f), `[program:${f.replace(/^demo-process-|\.conf$/g, '')}]\n`);
  const call = String(
    writeProcessPrograms(s, Object.keys(s.processes).length > 0).find((c) =>
      String(c.run).startsWith('deploy_drop_programs '),
    )!.run,
  );
  const code = call.replaceAll('/etc/supervisor/conf.d/', `${conf}/`);
  const res = spawnSync(
    'bash',
    [
      '-c',
      `set -euo pipefail; supervisorctl() { :; }; __mark() { :; }; __changed_files=''\n${libraryFor(call)}\n${code}`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(res.status, 0, res.stderr);
  return existsSync(conf) ? readdirSync(conf).sort() : [];
}

test('programs of processes a host does not run are removed; the ones it runs (one or several) are kept', () => {
  const all = ['demo-process-clock.conf', 'demo-process-old.conf', 'demo-process-worker.conf', 'demo-a.conf'];
  assert.deepEqual(removal('worker = celery worker\nclock = sleep 9\n', all), [
    'demo-a.conf',
    'demo-process-clock.conf',
    'demo-process-worker.conf',
  ]);
  assert.deepEqual(removal('worker = celery worker\n', all), ['demo-a.conf', 'demo-process-worker.conf']);
  assert.deepEqual(removal('', all), ['demo-a.conf'], 'none run here: every process program goes, the slots stay');
});

test('restart web switches slots and keeps the programs of the processes (it restarts none of them)', async () => {
  const { startAndSwitch } = await import('../../src/steps/deploy.ts');
  const s = parseSettings(
    '[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\ndeploy_hosts = ubuntu@10.0.0.1\n[PROCESSES]\nworker = celery worker\n',
    { app: 'demo', file: 'settings.ini' },
  );
  const g = {
    release: 'r',
    slot: 'b' as const,
    token: 't',
    log: {},
    prune: false,
    kind: 'restart' as const,
    processes: false,
    programs: true,
    primary: true,
  };
  const runs = startAndSwitch(s, g).commands.map((c) => String(c.run));
  const removal = runs.find((c) => c.startsWith('deploy_drop_programs '));
  assert.ok(removal, 'the switch removes stale programs');
  assert.match(removal, / \/etc\/supervisor\/conf\.d\/demo-process-worker\.conf /, 'the worker program is kept');
  const restarted = runs.filter((c) => c.includes('demo-process-worker') || c.includes('demo-worker'));
  assert.ok(
    !restarted.some((c) => /restart|start/.test(c) && !c.startsWith('deploy_drop_programs ')),
    'and not restarted',
  );
});
