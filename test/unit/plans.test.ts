import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseSettings } from '../../src/settings/load.ts';
import * as S from '../../src/steps/setup.ts';
import * as R from '../../src/steps/release.ts';
import { step } from '../../src/plan.ts';
import { renderScript, parseOutput, describeCommand } from '../../src/render.ts';
import { raw, sh } from '../../src/shell.ts';

const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8').replace('email_host_password =', 'email_host_password = hunter2');
const s = parseSettings(seed, { app: 'NOME_APP', file: 'settings.ini' });
const ctx = { appUser: s.appUser };
const shown = (st: ReturnType<typeof S.packages>) => st.commands.map((c) => describeCommand(c, st, ctx)).join('\n');

test('packages: one apt-get for what is missing, skipped when all are installed', () => {
  const st = S.packages(s);
  assert.equal(st.commands.length, 1);
  assert.match(String(st.commands[0].run), /apt-get install -y -qq --no-install-recommends .*nginx supervisor git python3-venv python3-dev build-essential/);
  assert.match(String(st.commands[0].unless), /dpkg-query/);
  assert.ok(st.privileged);
});

test('app user: a system user without a login shell, directories owned as the layout says', () => {
  const text = shown(S.appUser(s));
  assert.match(text, /useradd --system --user-group --home-dir \/opt\/django --create-home --shell \/usr\/sbin\/nologin django/);
  assert.match(text, /install -d -m 0700 -o django -g django \/opt\/django\/.ssh/);
  assert.match(text, /install -d -m 0750 -o root -g django \/opt\/django\/configs\/apps/);
});

test('deploy key: generated only when missing, as the app user', () => {
  const st = S.deployKey(s);
  assert.equal(st.commands[0].as, 'app');
  assert.match(String(st.commands[0].unless), /test -f \/opt\/django\/.ssh\/id_ed25519/);
});

test('config file: SECRET_KEY made on the server, kept if present; secrets redacted in what is shown', () => {
  const st = S.configFile(s);
  const cmd = st.commands[0];
  assert.match(String(cmd.run), /sed -n .*secret_key/);
  assert.match(String(cmd.run), /\/dev\/urandom/);
  assert.match(String(cmd.run), /__put \/opt\/django\/configs\/apps\/NOME_APP.conf 0640 root:django/);
  assert.match(String(cmd.stdin), /email_host_password = \[redacted\]/);
  assert.match(cmd.stdin!.reveal(), /email_host_password = hunter2/);
  assert.doesNotMatch(renderScript(st, ctx, false), /hunter2/);
  assert.match(renderScript(st, ctx, true), /hunter2/);
});

test('templates: nginx catch-all site, static and media from shared/, upstream include', () => {
  const site = String(S.nginxSiteContent(s));
  assert.match(site, /listen 80 default_server;/);
  assert.match(site, /server_name _;/);
  assert.match(site, /location \/static\/ \{\n\s+alias \/opt\/django\/apps\/NOME_APP\/shared\/static\/;/);
  assert.match(site, /include \/etc\/nginx\/sites-available\/NOME_APP.upstream;/);
  assert.match(String(R.upstreamConfig(s, 'b')), /server 127.0.0.1:8033;/);
  const named = parseSettings(seed.replace('[APP]', 'server_name = example.com www.example.com\n[APP]'), { app: 'NOME_APP', file: 'x' });
  assert.match(String(S.nginxSiteContent(named)), /listen 80;\n\s+server_name example.com www.example.com;/);
});

test('templates: supervisor slot runs gunicorn as the app user with the app environment', () => {
  const conf = String(R.supervisorConfig(s, 'a'));
  assert.match(conf, /^\[program:NOME_APP-a\]$/m);
  assert.match(conf, /^user=django$/m);
  assert.match(conf, /DJANGO_SETTINGS_MODULE="NOME_APP.settings.prod",APP_CONFIG_FILE="\/opt\/django\/configs\/apps\/NOME_APP.conf"/);
  assert.match(conf, /--bind 127.0.0.1:8032 NOME_APP.wsgi:application/);
  assert.match(conf, /^directory=\/opt\/django\/apps\/NOME_APP\/slots\/a$/m);
});

test('pip honours system_site_packages, index and find-links', () => {
  const offline = parseSettings(seed.replace('[APP]', 'system_site_packages = yes\npip_find_links = /srv/wheels\n[APP]'), { app: 'NOME_APP', file: 'x' });
  assert.match(String(R.virtualenv(offline, 'r1').run), /-m venv --system-site-packages/);
  assert.match(String(R.requirements(offline, 'r1').run), /pip install --find-links \/srv\/wheels --no-index -r requirements.txt/);
  assert.match(String(R.gunicorn(offline, 'r1').unless), /import gunicorn/);
});

/** The executor's protocol, run for real by a local bash: markers say what changed, what was skipped, what failed. */
function runLocally(st: ReturnType<typeof step>) {
  const res = spawnSync('bash', ['-s'], { input: renderScript(st, ctx, true) });
  return { code: res.status, parsed: parseOutput(res.stdout.toString(), res.stderr.toString(), st.commands.length) };
}

test('script protocol: changed, already done, per-command output', () => {
  const st = step('t', 'test', [{ run: raw('echo one') }, { run: raw('echo two'), unless: raw('true') }, { run: raw('echo three'), probe: true }], false);
  const { code, parsed } = runLocally(st);
  assert.equal(code, 0);
  assert.deepEqual([...parsed.changed], [1]);
  assert.deepEqual([...parsed.skipped], [2]);
  assert.equal(parsed.stdout[1], 'one');
  assert.equal(parsed.stdout[2], '');
  assert.equal(parsed.stdout[3], 'three');
});

test('script protocol: the failing command is named with its status and stderr; later commands do not run', () => {
  const st = step('t', 'test', [{ run: raw('echo ok') }, { run: sh`echo ${'bad thing'} >&2; exit 7` }, { run: raw('echo never') }], false);
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
  const st = step('t', 'test', [{ run: raw('tr a-z A-Z | cat'), stdin: { toString: () => 'x', reveal: () => 'hello' } }], false);
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
  const st = step('t', 'test', [{ run: raw('printf partial') }, { run: raw('printf "no newline" >&2; exit 3') }], false);
  const { code, parsed } = runLocally(st);
  assert.equal(code, 3);
  assert.equal(parsed.stdout[1], 'partial');
  assert.deepEqual([...parsed.changed], [1]);
  assert.deepEqual(parsed.failed, { index: 2, status: 3 });
  assert.equal(parsed.stderr[2], 'no newline');
});
