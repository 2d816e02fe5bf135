import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseSettings } from '../../src/settings/load.ts';
import * as S from '../../src/steps/setup.ts';
import * as F from '../../src/steps/server-files.ts';
import * as B from '../../src/steps/build.ts';
import * as SL from '../../src/steps/slots.ts';
import { step } from '../../src/plan.ts';
import { PRELUDE, renderScript, parseOutput, describeCommand } from '../../src/render.ts';
import { LIBRARY_TEXT } from '../../src/library.ts';
import { raw, sh } from '../../src/shell.ts';

const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8').replace(
  'email_host_password =',
  'email_host_password = hunter2',
);
const s = parseSettings(seed, { app: 'NOME_APP', file: 'settings.ini' });
const ctx = { appUser: s.appUser };
const shown = (st: ReturnType<typeof S.packages>) => st.commands.map((c) => describeCommand(c, st, ctx)).join('\n');

test('packages: one apt-get for what is missing, skipped when all are installed', () => {
  const st = S.packages(s);
  assert.equal(
    shown(st),
    '# skip if: deploy_packages_installed nginx supervisor git python3-venv python3-pip python3-dev build-essential curl ca-certificates openssh-client logrotate\n[root] deploy_apt_install nginx supervisor git python3-venv python3-pip python3-dev build-essential curl ca-certificates openssh-client logrotate',
  );
  assert.ok(st.privileged);
});

test('app user: a system user without a login shell, directories owned as the layout says', () => {
  // The home is root's; the app owns only its own directories in it, and makes everything below them itself.
  assert.deepEqual(shown(S.appUser(s)).split('\n'), [
    '# skip if: id -u django',
    '[root] useradd --system --user-group --home-dir /opt/django --create-home --shell /usr/sbin/nologin django',
    '# skip if: deploy_home_is_roots /opt/django',
    '[root] deploy_home_to_root /opt/django',
    '[root] __app_dir_in_root_dir 0700 django /opt/django/.ssh',
    '[root] __app_dir_in_root_dir 0700 django /opt/django/.cache',
    '[root] __app_dir_in_root_dir 0755 django /opt/django/apps',
    '[root] __app_dir_in_root_dir 0755 django /opt/django/virtualenvs',
    '[root] __give_to_app --dir django /opt/django/apps/NOME_APP',
    "# skip if: [ \"$(stat -c '%a %U' /opt/django/apps/NOME_APP)\" = '755 django' ]",
    '[django] deploy_own_dir 00755 /opt/django/apps/NOME_APP',
    '[root] __give_to_app django /opt/django/apps/NOME_APP/slots /opt/django/apps/NOME_APP/deploy.lock',
    '[root] __give_to_app --dir django /opt/django/apps/NOME_APP/releases',
    '[root] __give_to_app --dir django /opt/django/apps/NOME_APP/shared',
    '[root] __give_to_app --dir django /opt/django/apps/NOME_APP/shared/media',
    '[root] __give_to_app --dir django /opt/django/apps/NOME_APP/shared/static',
    '[root] __give_to_app --dir django /opt/django/apps/NOME_APP/shared/data',
    '[root] __give_to_app --dir django /opt/django/apps/NOME_APP/shared/log',
    '[root] __give_to_app --dir django /opt/django/virtualenvs/NOME_APP',
    "# skip if: [ \"$(stat -c '%a %U' /opt/django/apps/NOME_APP/releases)\" = '755 django' ]",
    '[django] deploy_own_dir 00755 /opt/django/apps/NOME_APP/releases',
    "# skip if: [ \"$(stat -c '%a %U' /opt/django/apps/NOME_APP/slots)\" = '755 django' ]",
    '[django] deploy_own_dir 00755 /opt/django/apps/NOME_APP/slots',
    "# skip if: [ \"$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared)\" = '755 django' ]",
    '[django] deploy_own_dir 00755 /opt/django/apps/NOME_APP/shared',
    "# skip if: [ \"$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared/media)\" = '755 django' ]",
    '[django] deploy_own_dir 00755 /opt/django/apps/NOME_APP/shared/media',
    "# skip if: [ \"$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared/static)\" = '755 django' ]",
    '[django] deploy_own_dir 00755 /opt/django/apps/NOME_APP/shared/static',
    "# skip if: [ \"$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared/data)\" = '750 django' ]",
    '[django] deploy_own_dir 00750 /opt/django/apps/NOME_APP/shared/data',
    "# skip if: [ \"$(stat -c '%a %U' /opt/django/apps/NOME_APP/shared/log)\" = '750 django' ]",
    '[django] deploy_own_dir 00750 /opt/django/apps/NOME_APP/shared/log',
    "# skip if: [ \"$(stat -c '%a %U' /opt/django/virtualenvs/NOME_APP)\" = '755 django' ]",
    '[django] deploy_own_dir 00755 /opt/django/virtualenvs/NOME_APP',
    '[root] __root_dir 0750 root:django /opt/django/configs/apps',
    '[root] __root_dir 0750 root:django /var/log/deploy/NOME_APP',
    '[root] __root_dir 0755 root:root /var/lib/deploy/apps/NOME_APP/releases',
  ]);
});

test('deploy key: generated only when missing, as the app user', () => {
  assert.equal(
    shown(S.deployKey(s)),
    "# skip if: test -f /opt/django/.ssh/id_ed25519\n[django] ssh-keygen -q -t ed25519 -N '' -C django@NOME_APP-deploy -f /opt/django/.ssh/id_ed25519\n[django] cat /opt/django/.ssh/id_ed25519.pub",
  );
});

test('config file: SECRET_KEY made on the server, kept if present; secrets redacted in what is shown', () => {
  const st = S.configFile(s);
  const cmd = st.commands[0];
  assert.equal(
    String(cmd.run),
    'deploy_config_file /opt/django/configs/apps/NOME_APP.conf django database_url,email_host_password',
  );
  assert.match(LIBRARY_TEXT, /__config\(\) \{[^]*\^secret_key\[\[:space:\]\]\*=[^]*\/dev\/urandom/);
  assert.match(String(cmd.stdin), /email_host_password = \[redacted\]/);
  assert.match(cmd.stdin!.reveal(), /email_host_password = hunter2/);
  assert.doesNotMatch(renderScript(st, ctx, false), /hunter2/);
  assert.match(renderScript(st, ctx, true), /hunter2/);
});

test('templates: nginx catch-all site, static and media from shared/, both slots, the switch file decides', () => {
  const site = String(F.nginxSiteContent(s));
  assert.match(site, /listen 80 default_server;\n\s+listen \[::\]:80 default_server;/);
  assert.match(site, /server_name _;/);
  // Static files: the live slot's release's own (the switch file decides), the other slot's as a fallback.
  assert.match(site, /set \$deploy_static \/opt\/django\/apps\/NOME_APP\/slots\/a\/.deploy-www;/);
  assert.match(
    site,
    /if \(-f \/opt\/django\/apps\/NOME_APP\/slots\/live-b\) \{[^}]*set \$deploy_static \/opt\/django\/apps\/NOME_APP\/slots\/b\/.deploy-www;/,
  );
  assert.match(
    site,
    /location \/static\/ \{\n\s+root \$deploy_static;\n\s+try_files \$uri @deploy_NOME_APP_static_previous;/,
  );
  assert.match(
    site,
    /upstream deploy_NOME_APP_a \{\n\s+server 127.0.0.1:8032 max_fails=0;\n\s+server 127.0.0.1:8033 max_fails=0 backup;/,
  );
  assert.match(
    site,
    /upstream deploy_NOME_APP_b \{\n\s+server 127.0.0.1:8033 max_fails=0;\n\s+server 127.0.0.1:8032 max_fails=0 backup;/,
  );
  assert.match(
    site,
    /if \(-f \/opt\/django\/apps\/NOME_APP\/slots\/live-b\) \{\n\s+set \$deploy_upstream deploy_NOME_APP_b;/,
  );
  assert.match(site, /proxy_pass http:\/\/\$deploy_upstream;/);
  assert.match(site, /open_file_cache off;/);
  const named = parseSettings(seed.replace('[APP]', 'server_name = example.com www.example.com\n[APP]'), {
    app: 'NOME_APP',
    file: 'x',
  });
  assert.match(
    String(F.nginxSiteContent(named)),
    /listen 80;\n\s+listen \[::\]:80;\n\s+server_name example.com www.example.com;/,
  );
});

test('templates: supervisor slot runs gunicorn as the app user; the environment comes from the release, not this file', () => {
  const withEnv = parseSettings(seed.replace('[APP]', '[ENV]\nAPI_KEY = sk-live-123\n[APP]'), {
    app: 'NOME_APP',
    file: 'x',
  });
  const conf = SL.supervisorConfig(withEnv, 'a');
  // Its settings, comments aside (templates/supervisor.conf explains them).
  assert.deepEqual(
    String(conf)
      .split('\n')
      .filter((l) => l && !l.startsWith(';')),
    [
      '[program:NOME_APP-a]',
      'command=/bin/sh -c \'set -a && . ./.deploy-env && set +a && c=./.deploy/gunicorn.conf.py && { [ -f "$c" ] || c=/opt/django/apps/NOME_APP/gunicorn.conf.py; } && r=./.deploy/gunicorn-start.py && { [ -f "$r" ] || r=-mgunicorn; } && exec ./.venv/bin/python "$r" --config "$c" --bind 127.0.0.1:8032 NOME_APP.wsgi:application\'',
      'directory=/opt/django/apps/NOME_APP/slots/a',
      'user=django',
      'environment=HOME="/opt/django",USER="django"',
      'autostart=false',
      'autorestart=true',
      'startsecs=0',
      'startretries=3',
      'stopsignal=TERM',
      'stopwaitsecs=35',
      'stopasgroup=false',
      'killasgroup=true',
      'redirect_stderr=true',
      'stdout_logfile=/var/log/deploy/NOME_APP/gunicorn-a.log',
      'stdout_logfile_maxbytes=0',
      'stdout_logfile_backups=0',
    ],
  );
  assert.doesNotMatch(conf.reveal(), /sk-live-123/);
  const env = B.envFileContent(withEnv);
  assert.equal(
    env.reveal(),
    'API_KEY=sk-live-123\nDJANGO_SETTINGS_MODULE=NOME_APP.settings.prod\nAPP_CONFIG_FILE=/opt/django/configs/apps/NOME_APP.conf\n',
  );
  assert.equal(
    String(env),
    'API_KEY=[redacted]\nDJANGO_SETTINGS_MODULE=NOME_APP.settings.prod\nAPP_CONFIG_FILE=/opt/django/configs/apps/NOME_APP.conf\n',
  );
  const write = B.writeEnvFile(withEnv, 'r1');
  assert.equal(
    String(write.run),
    'deploy_write_env /opt/django/apps/NOME_APP/releases/r1/.deploy-env',
    'the values go on stdin, never in the command',
  );
  assert.match(write.stdin!.reveal(), /^API_KEY=sk-live-123$/m);
});

test('pip honours system_site_packages, index and find-links', () => {
  const offline = parseSettings(
    seed.replace('[APP]', 'system_site_packages = yes\npip_find_links = /srv/wheels\n[APP]'),
    { app: 'NOME_APP', file: 'x' },
  );
  // The options reach pip and the environment's key (remote/lib/build.sh; test/unit/lib-build.test.ts runs them).
  assert.equal(
    String(B.virtualenv(offline, 'r1').run),
    'deploy_virtualenv /opt/django/apps/NOME_APP/releases/r1 /opt/django/virtualenvs/NOME_APP python3 true --find-links /srv/wheels --no-index',
  );
  assert.equal(
    String(B.requirements(offline, 'r1').run),
    'deploy_requirements /opt/django/apps/NOME_APP/releases/r1 python3 --find-links /srv/wheels --no-index',
  );
  assert.match(String(B.gunicorn(offline, 'r1').unless), /import gunicorn/);
});

/** The executor's protocol, run for real by a local bash: markers say what changed, what was skipped, what failed. */
function runLocally(st: ReturnType<typeof step>) {
  const res = spawnSync('bash', ['-s'], { input: renderScript(st, ctx, true) });
  return { code: res.status, parsed: parseOutput(res.stdout.toString(), res.stderr.toString(), st.commands.length) };
}

test('script protocol: changed, already done, per-command output', () => {
  const st = step(
    't',
    'test',
    [{ run: raw('echo one') }, { run: raw('echo two'), unless: raw('true') }, { run: raw('echo three'), probe: true }],
    false,
  );
  const { code, parsed } = runLocally(st);
  assert.equal(code, 0);
  assert.deepEqual([...parsed.changed], [1]);
  assert.deepEqual([...parsed.skipped], [2]);
  assert.equal(parsed.stdout[1], 'one');
  assert.equal(parsed.stdout[2], '');
  assert.equal(parsed.stdout[3], 'three');
});

test('script protocol: the failing command is named with its status and stderr; later commands do not run', () => {
  const st = step(
    't',
    'test',
    [{ run: raw('echo ok') }, { run: sh`echo ${'bad thing'} >&2; exit 7` }, { run: raw('echo never') }],
    false,
  );
  const { code, parsed } = runLocally(st);
  assert.equal(code, 7);
  assert.deepEqual(parsed.failed, { index: 2, status: 7 });
  assert.equal(parsed.stderr[2], 'bad thing');
  assert.equal(parsed.stdout[3], '');
});

test('script protocol: commands cannot read the rest of the script from stdin', () => {
  const st = step('t', 'test', [{ run: raw('cat') }, { run: raw('echo after') }], false);
  const { code, parsed } = runLocally(st);
  assert.equal(code, 0);
  assert.equal(parsed.stdout[1], '');
  assert.equal(parsed.stdout[2], 'after');
});

test('script protocol: a here-document feeds the first command of a pipeline', () => {
  const st = step(
    't',
    'test',
    [{ run: raw('tr a-z A-Z | cat'), stdin: { toString: () => 'x', reveal: () => 'hello' } }],
    false,
  );
  const { parsed } = runLocally(st);
  assert.equal(parsed.stdout[1], 'HELLO');
});

test('a step guard skips the whole step', () => {
  const st = { ...step('t', 'test', [{ run: raw('echo ran') }], false), onlyIf: raw('false') };
  const { code, parsed } = runLocally(st);
  assert.equal(code, 0);
  assert.equal(parsed.changed.size, 0);
  assert.equal(parsed.stdout[1], '');
});

test('script protocol: output without a final newline does not hide the next marker', () => {
  const st = step(
    't',
    'test',
    [{ run: raw('printf partial') }, { run: raw('printf "no newline" >&2; exit 3') }],
    false,
  );
  const { code, parsed } = runLocally(st);
  assert.equal(code, 3);
  assert.equal(parsed.stdout[1], 'partial');
  assert.deepEqual([...parsed.changed], [1]);
  assert.deepEqual(parsed.failed, { index: 2, status: 3 });
  assert.equal(parsed.stderr[2], 'no newline');
});

test('switch: Ctrl-C and the script race for one decision file; whoever comes first decides', async () => {
  const { mkdtempSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const SW = await import('../../src/steps/switch.ts');
  const home = mkdtempSync(`${tmpdir()}/deploy-switch-`);
  const t = parseSettings(seed.replace('[APP]', `home = ${home}\n[APP]`), { app: 'NOME_APP', file: 'x' });
  mkdirSync(`${t.appRoot}/slots`, { recursive: true });
  const tctx = { appUser: t.appUser };
  // Run locally as this user: the app user's commands too.
  const bash = (st: ReturnType<typeof step>) =>
    spawnSync('bash', ['-s'], {
      input: renderScript(
        { ...st, privileged: false, commands: st.commands.map((c) => ({ ...c, as: undefined })) },
        tctx,
        true,
      ),
    });
  const point = step('p', 'abort point', [SW.abortPoint(t, 'tok1')], false);
  const request = { ...SW.abortRequest(t, 'tok1'), privileged: false };
  // Ctrl-C first: the script stops before the switch.
  assert.match(bash(request).stdout.toString(), /stopping/);
  assert.equal(bash(point).status, SW.INTERRUPTED_STATUS);
  assert.match(bash(request).stdout.toString(), /stopping/, 'a second Ctrl-C gets the same answer');
  // The script first: Ctrl-C is told it is too late.
  assert.equal(bash(step('p', 'abort point', [SW.abortPoint(t, 'tok2')], false)).status, 0);
  assert.match(bash({ ...SW.abortRequest(t, 'tok2'), privileged: false }).stdout.toString(), /too-late/);
});

test('switch: the commit is one file; current follows the live slot', async () => {
  const { mkdtempSync, mkdirSync, symlinkSync, readlinkSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const SW = await import('../../src/steps/switch.ts');
  const home = mkdtempSync(`${tmpdir()}/deploy-switch-`);
  const t = parseSettings(seed.replace('[APP]', `home = ${home}\n[APP]`), { app: 'NOME_APP', file: 'x' });
  const root = t.appRoot;
  for (const r of ['r1', 'r2']) mkdirSync(`${root}/releases/${r}`, { recursive: true });
  mkdirSync(`${root}/slots`);
  symlinkSync(`${root}/releases/r1`, `${root}/slots/a`);
  symlinkSync(`${root}/releases/r2`, `${root}/slots/b`);
  symlinkSync(`${root}/releases/r1`, `${root}/current`);
  // Run locally as this user: the app user's commands too.
  const bash = (cmds: ReturnType<typeof SW.switchTo>) =>
    spawnSync('bash', ['-s'], {
      input: renderScript(
        step(
          't',
          't',
          cmds.map((c) => ({ ...c, as: undefined })),
          false,
        ),
        { appUser: t.appUser },
        true,
      ),
    });
  // A run killed right after the commit: the flag says b, current still names r1; repair fixes current.
  assert.equal(bash([SW.commitSwitch(t, 'b')]).status, 0);
  assert.ok(existsSync(`${root}/slots/live-b`));
  assert.equal(readlinkSync(`${root}/current`), `${root}/releases/r1`);
  const repaired = bash(SW.repair(t).map((c) => ({ ...c, as: undefined })));
  assert.equal(repaired.status, 0, repaired.stderr.toString());
  assert.equal(readlinkSync(`${root}/current`), `${root}/releases/r2`);
  assert.equal(bash(SW.switchTo(t, 'a')).status, 0);
  assert.ok(!existsSync(`${root}/slots/live-b`));
  assert.equal(readlinkSync(`${root}/current`), `${root}/releases/r1`);
});

test('every plan renders to a script bash can parse', async () => {
  const D = await import('../../src/steps/deploy.ts');
  const SW = await import('../../src/steps/switch.ts');
  const O = await import('../../src/steps/ops.ts');
  const withAll = parseSettings(
    seed.replace('[APP]', 'test_command = python manage.py check\n[ENV]\nA = "$(touch /tmp/x)"\n[APP]'),
    { app: 'NOME_APP', file: 'x' },
  );
  const lock = { by: 'me@here', pid: 1, since: 'now', what: 'deploy', token: 'tok' };
  const ref = { name: 'r1', commit: 'a'.repeat(40), ref: 'main' };
  const g = {
    release: 'r1',
    slot: 'b' as const,
    token: 'tok',
    log: {},
    prune: true,
    kind: 'deploy' as const,
    processes: false,
    primary: true,
  };
  const plans = [
    S.sudoCheck(),
    S.probeHome(withAll),
    S.packages(withAll),
    S.checkPackages(withAll),
    S.appUser(withAll),
    S.deployKey(withAll),
    S.repoAccess(withAll),
    S.virtualenvsDir(withAll),
    S.clone(withAll),
    S.configFile(withAll),
    S.gunicornConfig(withAll),
    S.supervisorConfigStep(withAll),
    S.nginxConfig(withAll),
    S.verifySite(withAll),
    D.prepare(withAll, lock, 'v1'),
    D.prepare(withAll, lock, 'v1', D.configFingerprint(withAll), false),
    D.inspect(withAll, lock, false),
    D.build(withAll, ref),
    D.startNew(withAll, 'r1', 'b'),
    D.switchOver(withAll, g),
    D.startAndSwitch(withAll, g),
    D.abandon(withAll, { release: 'r1', slot: 'b', token: 'tok', log: {} }),
    D.inspect(withAll, lock),
    D.inspect(withAll),
    SW.abortRequest(withAll, 'tok'),
    O.status(withAll),
    O.logs(withAll, 10, false),
  ];
  for (const st of plans) {
    for (const reveal of [true, false]) {
      const res = spawnSync('bash', ['-n'], { input: renderScript(st, ctx, reveal) });
      assert.equal(res.status, 0, `${st.id}: ${res.stderr}`);
    }
  }
});

test('the helper library every script starts with passes shellcheck', (t) => {
  const has = spawnSync('shellcheck', ['--version']).status === 0;
  if (!has && !process.env.CI) return t.skip('shellcheck is not installed (scripts/prepare.sh installs it)');
  // As the scripts get them: the markers, then the helpers (which use the markers' variables).
  const res = spawnSync('shellcheck', ['-s', 'bash', '-'], { encoding: 'utf8', input: PRELUDE });
  assert.equal(res.status, 0, res.stdout + res.stderr);
});

test("keep_previous_slot: a deploy's switch leaves the old slot running, a rollback's stops it; a warm rollback stops and checks nothing before its start", async () => {
  const D = await import('../../src/steps/deploy.ts');
  const g = { release: 'r2', slot: 'b' as const, token: 'tok', log: {}, prune: false, processes: false, primary: true };
  const cmds = (st: ReturnType<typeof step>) => st.commands.map((c) => String(c.run)).join('\n');
  const off = { ...s, keepPreviousSlot: false };
  assert.equal(s.keepPreviousSlot, true, 'the default');
  assert.doesNotMatch(cmds(D.switchOver(s, { ...g, kind: 'deploy' })), /deploy_stop_in_background/);
  assert.match(cmds(D.switchOver(off, { ...g, kind: 'deploy' })), /deploy_stop_in_background \S+ \S+-a /);
  assert.match(cmds(D.switchOver(s, { ...g, kind: 'rollback' })), /deploy_stop_in_background \S+ \S+-a /);
  assert.match(cmds(D.switchOver(s, { ...g, kind: 'restart' })), /deploy_stop_in_background \S+ \S+-a /);
  // The build stops the previous release's slot only when its record says it was left running, at once (-).
  const build = cmds(
    D.build(
      s,
      { name: 'r2', ref: 'main', kind: 'branch', commit: 'c'.repeat(40) },
      { ...B.buildOn(s, { roles: ['web'], label: 'x' }), idle: 'a' },
    ),
  );
  assert.match(build, /deploy_stop_in_background \S+ \S+-a \S+ \S+\/slots\/a\.stopping -/);
  const cold = cmds(D.startNew(s, 'r1', 'b', { kind: 'rollback', primary: true }));
  const warm = cmds(D.startNew(s, 'r1', 'b', { kind: 'rollback', primary: true, warm: true }));
  assert.match(cold, /deploy_stop_programs[\s\S]*deploy_require_free/);
  assert.doesNotMatch(warm, /deploy_stop_programs|deploy_require_free/);
  assert.match(warm, /deploy_link_slot \S+ b \S+ 'r1 [0-9a-f]{12}'[\s\S]*start \S+-b[\s\S]*deploy_health_check/);
  // A deploy never takes a slot as it is, even when asked.
  assert.match(cmds(D.startNew(s, 'r1', 'b', { kind: 'deploy', primary: true, warm: true })), /deploy_stop_programs/);
});
