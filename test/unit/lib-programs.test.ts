// remote/lib/programs.sh under a local bash: the app's programs under supervisor or systemd, and
// the host's system services. systemctl, supervisorctl, deploy-ctl (__ctl) and id are stand-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLibrary } from '../library-harness.ts';

/** __ctl records its call (deploy-ctl itself is root's, on a server); CTL_FAILS makes it fail. */
const ctl = '__ctl() { printf \'%s\\n\' "ctl $*"; [ -z "${CTL_FAILS:-}" ]; }\n';
const asRoot = { id: 'echo 0' };
const asDeployUser = { id: 'echo 1000' };

test('deploy_ctl_current: passes when deploy-ctl is the version of this digest; else says to run setup', () => {
  const text = '#!/bin/bash\necho ctl\n';
  const digest = createHash('sha256').update(text).digest('hex');
  const ok = runLibrary('deploy_ctl_current "$SUM" "$D/deploy-ctl" blog', {
    files: { 'deploy-ctl': text },
    functions: `SUM=${digest}\n`,
  });
  assert.equal(ok.status, 0, ok.stderr);
  const old = runLibrary('deploy_ctl_current "$SUM" "$D/deploy-ctl" blog', {
    files: { 'deploy-ctl': `${text}# older\n` },
    functions: `SUM=${digest}\n`,
  });
  assert.equal(old.status, 1);
  assert.equal(
    old.stderr,
    `${old.dir}/deploy-ctl is not the one this version of deploy needs: run \`deploy blog setup\``,
  );
});

test('deploy_ctl_conf: root writes it in its store; a deploy user only checks it, and says to run setup when it differs', () => {
  const root = runLibrary('deploy_ctl_conf "$D/store" "$D/store/ctl.conf" blog', {
    commands: asRoot,
    functions: '__root_dir() { echo "root_dir $*"; }\n__put() { echo "put $* $(cat)"; }\n',
    stdin: 'programs blog-a blog-b',
  });
  assert.equal(root.status, 0, root.stderr);
  assert.equal(
    root.stdout,
    `root_dir 0755 root:root ${root.dir}/store\nput ${root.dir}/store/ctl.conf 0644 root:root programs blog-a blog-b`,
  );
  const refused = runLibrary('deploy_ctl_conf "$D/store" "$D/store/ctl.conf" blog; echo went on', {
    commands: asRoot,
    functions: '__root_dir() { return 1; }\n__put() { echo put; }\n',
  });
  assert.equal(refused.stdout, 'went on', 'a refused store leaves ctl.conf alone and the step goes on, as before');
  const same = runLibrary('deploy_ctl_conf "$D" "$D/ctl.conf" blog', {
    commands: asDeployUser,
    files: { 'ctl.conf': 'programs blog-a\n' },
    stdin: 'programs blog-a\n',
  });
  assert.equal(same.status, 0, same.stderr);
  const differs = runLibrary('deploy_ctl_conf "$D" "$D/ctl.conf" blog', {
    commands: asDeployUser,
    files: { 'ctl.conf': 'programs blog-a\n' },
    stdin: 'programs blog-a blog-worker\n',
  });
  assert.equal(differs.status, 1);
  assert.equal(
    differs.stderr,
    `${differs.dir}/ctl.conf is not the one this version of deploy needs: run \`deploy blog setup\` (deploy_user cannot)`,
  );
});

test('deploy_stop_programs and deploy_program_states: through deploy-ctl, never failing', () => {
  const r = runLibrary('deploy_stop_programs blog blog-a blog-worker; deploy_program_states blog blog-a blog-b', {
    functions: `${ctl}CTL_FAILS=1\n`,
  });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'ctl blog stop blog-a blog-worker\nctl blog status blog-a blog-b');
});

test('deploy_put_program: root writes the program; a deploy user checks it and fails, saying to run setup, when it differs', () => {
  const root = runLibrary('deploy_put_program /etc/supervisor/conf.d/blog-a.conf', {
    commands: asRoot,
    functions: '__put() { echo "put $* $(cat)"; }\n',
    stdin: '[program:blog-a]',
  });
  assert.equal(root.stdout, 'put /etc/supervisor/conf.d/blog-a.conf 0644 root:root [program:blog-a]');
  const same = runLibrary('deploy_put_program "$D/blog-a.conf"', {
    commands: asDeployUser,
    files: { 'blog-a.conf': 'x\n' },
    stdin: 'x\n',
  });
  assert.deepEqual([same.status, same.stdout, same.marks], [0, '', []]);
  const differs = runLibrary('deploy_put_program "$D/blog-a.conf"', {
    commands: asDeployUser,
    files: { 'blog-a.conf': 'x\n' },
    stdin: 'y\n',
  });
  assert.equal(differs.status, 1);
  assert.equal(
    differs.stderr,
    `${differs.dir}/blog-a.conf differs from what the settings make: run setup to apply the change (deploy_user cannot)`,
  );
});

test('deploy_reread_programs: only when the step changed something; supervisor rereads, systemd reloads', () => {
  const commands = { supervisorctl: '', systemctl: '' };
  assert.deepEqual(
    runLibrary('deploy_reread_programs supervisor 0; deploy_reread_programs systemd 0', { commands }).calls,
    [],
  );
  assert.deepEqual(runLibrary('deploy_reread_programs supervisor 1', { commands }).calls, ['supervisorctl reread']);
  assert.deepEqual(runLibrary('deploy_reread_programs systemd 1', { commands }).calls, ['systemctl daemon-reload']);
});

test('deploy_drop_programs: a process program the settings no longer name is stopped and removed; the rest stays', () => {
  const files = {
    'blog-process-worker.conf': '[program:blog-worker]\n',
    'blog-process-old.conf': '[program:blog-old]\n',
  };
  const r = runLibrary(
    '__changed_files=""; deploy_drop_programs supervisor "$D/blog-process-worker.conf" "$D"/blog-process-*.conf; echo "removed=$__programs_removed changed=$__changed_files"',
    {
      commands: { supervisorctl: '' },
      files,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.calls, ['supervisorctl stop blog-old']);
  assert.ok(!existsSync(join(r.dir, 'blog-process-old.conf')) && existsSync(join(r.dir, 'blog-process-worker.conf')));
  assert.equal(r.stdout, `removed=1 changed= ${r.dir}/blog-process-old.conf`);
  assert.deepEqual(r.marks, ['changed']);
  // systemd: the slots' units and the boot unit match the glob too; only a process's unit goes.
  const units = { 'shop-a.service': '[Unit]\n', 'shop-old.service': '# deploy-process: shop\n[Unit]\n' };
  const s = runLibrary('__changed_files=""; deploy_drop_programs systemd "" "$D"/shop-*.service', {
    commands: { systemctl: '' },
    files: units,
  });
  assert.deepEqual(s.calls, ['systemctl disable --now shop-old.service']);
  assert.ok(existsSync(join(s.dir, 'shop-a.service')) && !existsSync(join(s.dir, 'shop-old.service')));
  // A glob that reaches it quoted names no file: nothing goes (what the plans pass today).
  const quoted = runLibrary('deploy_drop_programs supervisor "" "$D/blog-process-*.conf"', {
    commands: { supervisorctl: '' },
    files,
  });
  assert.deepEqual([quoted.status, quoted.calls, quoted.marks], [0, [], []]);
});

test('deploy_update_programs: the manager applies the programs only when one went or changed in this step', () => {
  const commands = { supervisorctl: '[ "$1" != reread ] || [ -z "${REREAD_FAILS:-}" ]', systemctl: '' };
  const was = '__was_changed() { case " $__changed_files " in *" $1 "*) return 0;; esac; return 1; }\n';
  assert.deepEqual(
    runLibrary('__changed_files=""; deploy_update_programs supervisor /x/a.conf', { commands, functions: was }).calls,
    [],
  );
  assert.deepEqual(
    runLibrary('__changed_files=" /x/a.conf"; deploy_update_programs supervisor /x/a.conf', {
      commands,
      functions: was,
    }).calls,
    ['supervisorctl reread', 'supervisorctl update'],
  );
  assert.deepEqual(
    runLibrary('__changed_files=""; __programs_removed=1; deploy_update_programs systemd', { commands, functions: was })
      .calls,
    ['systemctl daemon-reload'],
  );
  // supervisord not answering: nothing applied, and the step goes on, as before.
  const down = runLibrary(
    '__changed_files=""; __programs_removed=1; REREAD_FAILS=1 deploy_update_programs supervisor; echo went on',
    { commands, functions: was },
  );
  assert.deepEqual([down.status, down.calls, down.stdout], [0, ['supervisorctl reread'], 'went on']);
});

test('deploy_units_enabled: every unit starts at boot', () => {
  const commands = { systemctl: '[ "$3" != "${OFF:-}" ]' };
  assert.equal(runLibrary('deploy_units_enabled shop-worker.service shop-clock.service', { commands }).status, 0);
  assert.equal(
    runLibrary('OFF=shop-clock.service deploy_units_enabled shop-worker.service shop-clock.service', { commands })
      .status,
    1,
  );
});

test('deploy_start_processes: each starts; one that does not stay up fails the step with its log', () => {
  const started = runLibrary('deploy_start_processes supervisor blog worker clock', { functions: ctl });
  assert.deepEqual([started.status, started.stdout], [0, 'ctl blog start blog-worker\nctl blog start blog-clock']);
  const failed = runLibrary('deploy_start_processes supervisor blog worker', { functions: `${ctl}CTL_FAILS=1\n` });
  assert.equal(failed.status, 1);
  assert.equal(failed.stdout, 'ctl blog start blog-worker');
  assert.equal(failed.stderr, 'process worker did not stay up; its log ends with:\nctl blog log blog-worker 20');
  // systemd: started, then still active after 1 s.
  const commands = { sleep: '', systemctl: '[ "$3" != "${DIED:-}" ]' };
  const up = runLibrary('deploy_start_processes systemd shop worker', { functions: ctl, commands });
  assert.deepEqual([up.status, up.calls], [0, ['sleep 1', 'systemctl is-active --quiet shop-worker.service']]);
  const died = runLibrary('DIED=shop-worker.service deploy_start_processes systemd shop worker', {
    functions: ctl,
    commands,
  });
  assert.equal(died.status, 1);
  assert.match(died.stderr, /^process worker did not stay up/);
});

test('deploy_boot_unit_enable and deploy_boot_unit_enabled: the boot unit, enabled once, again when its file changed', () => {
  const commands = { systemctl: '[ "$1" != daemon-reload ] || [ -z "${RELOAD_FAILS:-}" ]' };
  assert.deepEqual(runLibrary('deploy_boot_unit_enable deploy-blog-boot.service', { commands }).calls, [
    'systemctl daemon-reload',
    'systemctl enable --quiet deploy-blog-boot.service',
  ]);
  const reloadFails = runLibrary('RELOAD_FAILS=1 deploy_boot_unit_enable deploy-blog-boot.service; echo went on', {
    commands,
  });
  assert.deepEqual([reloadFails.calls, reloadFails.stdout], [['systemctl daemon-reload'], 'went on']);
  const was = '__was_changed() { [ "$1" = "${CHANGED:-}" ]; }\n';
  assert.equal(
    runLibrary('deploy_boot_unit_enabled deploy-blog-boot.service /etc/b.service', { commands, functions: was }).status,
    0,
  );
  assert.equal(
    runLibrary('CHANGED=/etc/b.service deploy_boot_unit_enabled deploy-blog-boot.service /etc/b.service', {
      commands,
      functions: was,
    }).status,
    1,
  );
});

test('a slot log under supervisor: what came after the mark; a crash is read from the log, not here', () => {
  const r = runLibrary(
    'deploy_slot_log_mark supervisor "$D/gunicorn-a.log"; echo "booted" >> "$D/gunicorn-a.log"; deploy_slot_log supervisor "$D/gunicorn-a.log"; if deploy_slot_crashed supervisor "$D/gunicorn-a.log"; then echo crashed; fi',
    { files: { 'gunicorn-a.log': 'old run\n' } },
  );
  assert.deepEqual([r.status, r.stdout], [0, 'booted']);
  const none = runLibrary(
    'deploy_slot_log_mark supervisor "$D/none.log"; echo first >> "$D/none.log"; deploy_slot_log supervisor "$D/none.log"',
  );
  assert.equal(none.stdout, 'first', 'a log that did not exist yet is read whole');
});

test('a slot log under systemd: the journal since the mark; a crash is a restart systemd counted since', () => {
  const commands = { systemctl: 'echo "${RESTARTS:-0}"', journalctl: 'echo journal', date: 'echo 2026-12-04 10:00:00' };
  const r = runLibrary(
    'RESTARTS=2 deploy_slot_log_mark systemd shop-a.service; deploy_slot_log systemd shop-a.service; if RESTARTS=2 deploy_slot_crashed systemd shop-a.service; then echo crashed; fi; if RESTARTS=3 deploy_slot_crashed systemd shop-a.service; then echo crashed; fi',
    { commands },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'journal\ncrashed');
  assert.ok(r.calls.includes('journalctl -q --no-pager -o cat -u shop-a.service --since 2026-12-04 10:00:00'));
  assert.ok(r.calls.includes('systemctl show -p NRestarts --value shop-a.service'));
});

test('deploy_when_live and deploy_when_idle: run the command in this shell, for the live slot or the other one', () => {
  const r = runLibrary(
    'deploy_when_live "$D/live-b" a eval x=a; deploy_when_live "$D/live-b" b eval y=b; deploy_when_idle "$D/live-b" b eval z=b; echo "${x:-} ${y:-} ${z:-}"',
    {
      functions: 'deploy_live_slot() { if [ -e "$1" ]; then echo b; else echo a; fi; }\n',
    },
  );
  assert.equal(r.stdout, 'a  b');
  const idle = runLibrary(
    'touch "$D/live-b"; deploy_when_idle "$D/live-b" b echo stopped; deploy_when_idle "$D/live-b" a echo stopped a',
    {
      functions: 'deploy_live_slot() { if [ -e "$1" ]; then echo b; else echo a; fi; }\n',
    },
  );
  assert.equal(idle.stdout, 'stopped a');
});

test('system services: states, the check that they run (saying how to start one), enabling them, a timer', () => {
  // A host where every unit is enabled and active, but the one DOWN names (inactive).
  const systemctl =
    'u=${!#}; case $1 in is-active) [ "$u" != "${DOWN:-}" ] && s=active || s=inactive; [ "$2" = --quiet ] || echo "$s"; [ "$s" = active ] || exit 3 ;; is-enabled) [ "$2" = --quiet ] || echo enabled ;; show) echo "Thu 2026-12-04 10:00:00 UTC" ;; esac';
  const commands = { systemctl };
  assert.equal(
    runLibrary('DOWN=supervisor deploy_services_state nginx supervisor', { commands }).stdout,
    'nginx active\nsupervisor inactive',
  );
  assert.equal(runLibrary('deploy_require_services "the site is down" nginx supervisor', { commands }).status, 0);
  const down = runLibrary('DOWN=supervisor deploy_require_services "the site is down" nginx supervisor', { commands });
  assert.equal(down.status, 1);
  assert.equal(
    down.stderr,
    'supervisor is not running on this server (inactive): the site is down; start it (sudo systemctl start supervisor), then run this again',
  );
  assert.deepEqual(runLibrary('deploy_enable_services redis-server certbot.timer', { commands }).calls, [
    'systemctl enable --quiet --now redis-server certbot.timer',
  ]);
  assert.equal(runLibrary('deploy_services_on redis-server nginx', { commands }).status, 0);
  assert.equal(runLibrary('DOWN=nginx deploy_services_on redis-server nginx', { commands }).status, 1);
  assert.equal(
    runLibrary('deploy_services_on redis-server', { commands: { systemctl: '[ "$1" != is-enabled ]' } }).status,
    1,
    'not enabled',
  );
  assert.equal(
    runLibrary('deploy_timer_state certbot.timer', { commands }).stdout,
    'enabled active Thu 2026-12-04 10:00:00 UTC',
  );
  assert.equal(runLibrary('deploy_timer_state certbot.timer', { commands: { systemctl: 'exit 1' } }).stdout, '  ');
});

test('the harness: a stand-in records its calls; the code has a directory of its own', () => {
  const r = runLibrary('echo hi > "$D/f"; systemctl is-active nginx', { commands: { systemctl: 'echo active' } });
  assert.deepEqual([r.stdout, r.calls], ['active', ['systemctl is-active nginx']]);
  assert.equal(readFileSync(join(r.dir, 'f'), 'utf8'), 'hi\n');
});

test("supervisor's socket: made root's only; already so, absent, or configured by a drop-in that is not deploy's", () => {
  const r = runLibrary('deploy_socket_root_only /run/s.sock', {
    commands: { chown: '[ -z "${CHOWN_FAILS:-}" ]', chmod: '' },
  });
  assert.deepEqual(r.calls, ['chown root:root /run/s.sock', 'chmod 0700 /run/s.sock']);
  const refused = runLibrary('CHOWN_FAILS=1 deploy_socket_root_only /run/s.sock; echo went on', {
    commands: { chown: '[ -z "${CHOWN_FAILS:-}" ]', chmod: '' },
  });
  assert.deepEqual(
    [refused.calls, refused.stdout],
    [['chown root:root /run/s.sock'], 'went on'],
    'as before: no chmod, and the step goes on',
  );
  const socket = 'python3 -c "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$D/s.sock"';
  const stat = { stat: 'echo "${MODE:-700 root:root}"' };
  assert.equal(runLibrary('deploy_socket_is_root_only "$D/none" "$D/drop"').status, 0, 'no socket');
  assert.equal(runLibrary(`${socket}; deploy_socket_is_root_only "$D/s.sock" "$D/drop"`, { commands: stat }).status, 0);
  assert.equal(
    runLibrary(`${socket}; MODE="770 root:supervisor" deploy_socket_is_root_only "$D/s.sock" "$D/drop"`, {
      commands: stat,
    }).status,
    1,
  );
  assert.equal(
    runLibrary(
      `${socket}; touch "$D/drop"; MODE="770 root:supervisor" deploy_socket_is_root_only "$D/s.sock" "$D/drop"`,
      { commands: stat },
    ).status,
    0,
  );
});
