// The process manager (src/steps/manager/): one interface, supervisor and systemd behind it, and
// the only TypeScript that names their commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSettings } from '../../src/settings/load.ts';
import {
  processManager,
  rereadPrograms,
  slotFilesOfEitherManager,
  slotLog,
  slotPrograms,
  stopIfIdle,
  supervisorSocketRootOnly,
  writeProgram,
} from '../../src/steps/manager/index.ts';
import {
  enableServices,
  requireServices,
  requiredServices,
  startServicesHint,
  timerState,
} from '../../src/steps/manager/services.ts';
import { supervisorPrograms } from '../../src/steps/slots.ts';
import { restartProcesses, startProcesses, writeProcessPrograms } from '../../src/steps/processes.ts';

const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8');
const withWorker = seed.replace('[APP]', '[PROCESSES]\nworker = python worker.py\n[APP]');
const sup = parseSettings(withWorker, { app: 'NOME_APP', file: 'settings.ini' });
const sysd = parseSettings(withWorker.replace('[DEPLOY]', '[DEPLOY]\nprocess_manager = systemd'), {
  app: 'NOME_APP',
  file: 'settings.ini',
});

test("supervisor: programs in conf.d, output in root's log directory, its package, command and service", () => {
  const pm = processManager(sup);
  assert.equal(pm.name, 'supervisor');
  assert.equal(pm.programFile('a'), '/etc/supervisor/conf.d/NOME_APP-a.conf');
  assert.equal(pm.programFile('worker'), '/etc/supervisor/conf.d/NOME_APP-process-worker.conf');
  assert.equal(String(pm.processGlob), '/etc/supervisor/conf.d/NOME_APP-process-*.conf');
  assert.equal(pm.slotLog('b'), '/var/log/deploy/NOME_APP/gunicorn-b.log');
  assert.match(String(pm.slotProgram('a')), /^\[program:NOME_APP-a\]$/m);
  assert.match(String(pm.processProgram('worker')), /^\[program:NOME_APP-worker\]$/m);
  assert.equal(pm.bootUnit.file, '/etc/systemd/system/deploy-NOME_APP-boot.service');
  assert.match(String(pm.bootUnit.content), /WantedBy=supervisor.service/);
  assert.deepEqual([pm.packages, pm.commands, pm.services], [['supervisor'], ['supervisorctl'], ['supervisor']]);
  assert.deepEqual(pm.enableAtBoot(['worker']), [], 'supervisor programs start by themselves');
});

test("systemd: units, output in the journal, the processes' units enabled at boot, nothing to install", () => {
  const pm = processManager(sysd);
  assert.equal(pm.name, 'systemd');
  assert.equal(pm.programFile('a'), '/etc/systemd/system/NOME_APP-a.service');
  assert.equal(pm.programFile('worker'), '/etc/systemd/system/NOME_APP-worker.service');
  assert.equal(String(pm.processGlob), '/etc/systemd/system/NOME_APP-*.service');
  assert.equal(pm.slotLog('a'), 'NOME_APP-a.service');
  // A unit expands $ itself: the slot's shell command reaches its shell with $$.
  assert.match(String(pm.slotProgram('a')), /^ExecStart=\/bin\/sh -c 'set -a .*--config "\$\$c" /m);
  assert.match(String(pm.processProgram('worker')), /^# deploy-process: NOME_APP$/m);
  assert.match(String(pm.bootUnit.content), /systemctl start --no-block NOME_APP-\$slot.service/);
  assert.deepEqual([pm.packages, pm.commands, pm.services], [[], [], []]);
  const [enable] = pm.enableAtBoot(['worker']);
  assert.deepEqual(
    [String(enable.run), String(enable.unless)],
    ['systemctl enable --quiet NOME_APP-worker.service', 'deploy_units_enabled NOME_APP-worker.service'],
  );
});

test("the plans call the library with the manager's name: processes, slot logs, rereads", () => {
  assert.deepEqual(
    writeProcessPrograms(sysd, true).map((c) => String(c.run)),
    [
      'deploy_put_program /etc/systemd/system/NOME_APP-worker.service',
      'deploy_drop_programs systemd /etc/systemd/system/NOME_APP-worker.service /etc/systemd/system/NOME_APP-*.service',
      'deploy_update_programs systemd /etc/systemd/system/NOME_APP-worker.service',
    ],
  );
  assert.deepEqual(
    restartProcesses(sup, true).map((c) => String(c.run)),
    ['deploy_stop_programs NOME_APP NOME_APP-worker', 'deploy_start_processes supervisor NOME_APP worker'],
  );
  assert.deepEqual(
    startProcesses(sysd, true).map((c) => String(c.run)),
    ['systemctl enable --quiet NOME_APP-worker.service', 'deploy_start_processes systemd NOME_APP worker'],
  );
  assert.deepEqual(startProcesses(sup, false), []);
  const log = slotLog(sysd, 'b');
  assert.deepEqual([log.mark, log.read, log.crashed].map(String), [
    'deploy_slot_log_mark systemd NOME_APP-b.service',
    'deploy_slot_log systemd NOME_APP-b.service',
    'deploy_slot_crashed systemd NOME_APP-b.service',
  ]);
  assert.equal(String(rereadPrograms(sup)), 'deploy_reread_programs supervisor "$__step_changed"');
});

test("for the other plans to switch to: the slots' programs, a program root writes, services, the socket", () => {
  // The same commands as slots.ts's supervisorPrograms, as calls: same files, input and reporting.
  for (const s of [sup, sysd]) {
    const now = supervisorPrograms(s);
    const next = slotPrograms(s);
    assert.equal(next.length, now.length);
    next.forEach((c, i) => {
      assert.equal(String(c.stdin), String(now[i].stdin));
      assert.deepEqual([c.probe, c.reportsChange, !!c.unless], [now[i].probe, now[i].reportsChange, !!now[i].unless]);
    });
    assert.deepEqual(
      next.slice(3).map((c) => String(c.run)),
      [
        `deploy_boot_unit_enable deploy-NOME_APP-boot.service`,
        `deploy_reread_programs ${s.processManager} "$__step_changed"`,
      ],
    );
  }
  assert.equal(
    String(stopIfIdle(sup, 'b')),
    'deploy_when_idle /opt/django/apps/NOME_APP/slots/live-b b deploy_stop_programs NOME_APP NOME_APP-b',
  );
  const w = writeProgram(sup, 'b');
  assert.deepEqual(
    [String(w.run), String(w.stdin), w.reportsChange],
    ['deploy_put_program /etc/supervisor/conf.d/NOME_APP-b.conf', String(processManager(sup).slotProgram('b')), true],
  );
  assert.deepEqual(requiredServices(sup, { roles: ['web'] }), ['nginx', 'supervisor']);
  assert.deepEqual(requiredServices(sysd, { roles: ['worker'] }), []);
  assert.equal(
    String(requireServices(sup, false).run),
    "deploy_require_services 'the processes of the app are down' supervisor",
  );
  const timer = enableServices(['certbot.timer']);
  assert.deepEqual(
    [String(timer.run), String(timer.unless)],
    ['deploy_enable_services certbot.timer', 'deploy_services_on certbot.timer'],
  );
  assert.equal(String(timerState('certbot.timer')), 'deploy_timer_state certbot.timer');
  assert.equal(startServicesHint(['nginx', 'supervisor']), 'sudo systemctl start nginx supervisor');
  assert.deepEqual(slotFilesOfEitherManager(sup), [
    '/etc/supervisor/conf.d/NOME_APP-a.conf',
    '/etc/systemd/system/NOME_APP-a.service',
    '/etc/supervisor/conf.d/NOME_APP-b.conf',
    '/etc/systemd/system/NOME_APP-b.service',
  ]);
  assert.deepEqual(
    supervisorSocketRootOnly().map((c) => String(c.unless)),
    [
      "! grep -qs 'Written by .deploy' /etc/supervisor/conf.d/00-deploy-socket.conf",
      'deploy_socket_is_root_only /var/run/supervisor.sock /etc/supervisor/conf.d/00-deploy-socket.conf',
    ],
  );
});

/** Files that still name them until they call src/steps/manager/ (issue 17): the list may only shrink. */
const NOT_YET_SWITCHED = [
  'steps/setup.ts',
  'steps/slots.ts',
  'steps/tls.ts',
  'steps/deploy.ts',
  'steps/nginx.ts',
  'commands/status.ts',
];

test('only supervisor.ts and systemd.ts of src/steps/manager/ name supervisorctl or systemctl', () => {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const naming = readdirSync(src, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && /\b(supervisorctl|systemctl)\b/.test(readFileSync(join(src, f), 'utf8')));
  const others = naming.filter(
    (f) => !['steps/manager/supervisor.ts', 'steps/manager/systemd.ts'].includes(f) && !NOT_YET_SWITCHED.includes(f),
  );
  assert.deepEqual(others, []);
});
