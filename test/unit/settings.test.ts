import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSettings } from '../../src/settings/load.ts';
import { SettingsError, UsageError } from '../../src/errors.ts';
import { Secret } from '../../src/shell.ts';

const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8');
const parse = (text: string, app = 'NOME_APP') => parseSettings(text, { app, file: 'settings.ini' });
const problems = (text: string, app = 'NOME_APP'): string[] => {
  try {
    parse(text, app);
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
  assert.fail('expected settings problems');
};

test("seed 000's settings.ini loads as written", () => {
  const s = parse(seed);
  assert.equal(s.project, 'NOME_APP');
  assert.equal(s.repository, 'git@bitbucket.org:znc/e-hall.git');
  assert.deepEqual(s.hosts, [{ user: 'ubuntu', host: '107.22.193.179', port: 29992, label: 'ubuntu@107.22.193.179:29992' }]);
  assert.equal(s.gunicornBind, '127.0.0.1:8032', 'quotes and the inline comment are removed');
  assert.equal(s.gunicornBindAlt, '127.0.0.1:8033');
  assert.equal(s.configFile, '/opt/django/configs/apps/NOME_APP.conf');
  assert.equal(s.django.settingsModule, 'NOME_APP.settings.prod');
  assert.equal(s.wsgiApp, 'NOME_APP.wsgi:application');
  assert.equal(s.django.debug, false);
  assert.equal(s.home, '/opt/django');
  assert.equal(s.appUser, 'django');
  assert.equal(s.serverName, '_');
  assert.equal(s.systemSitePackages, false);
  assert.ok(s.email.email_host_password instanceof Secret);
});

test('English aliases and defaults', () => {
  const s = parse('[DEPLOY]\nproject_name = shop\nrepository = /srv/git/shop.git\nconfig_file = /etc/shop.conf\ndeploy_hosts = a@h1, b@h2:2222\n', 'shop');
  assert.equal(s.configFile, '/etc/shop.conf');
  assert.deepEqual(s.hosts.map((h) => [h.user, h.host, h.port]), [['a', 'h1', 22], ['b', 'h2', 2222]]);
  assert.equal(s.configFile, '/etc/shop.conf');
  assert.equal(s.keepReleases, 5);
  assert.equal(s.django.databaseUrl, 'sqlite:////opt/django/apps/shop/shared/data/db.sqlite3');
  assert.deepEqual(s.django.allowedHosts, ['h1', 'h2', 'localhost', '127.0.0.1']);
});

test('several apps in one file; an unknown app lists the known ones', () => {
  const text = '[blog.DEPLOY]\nproject_name = blog\nrepository = r\ndeploy_hosts = u@h\n[shop.DEPLOY]\nproject_name = shop\nrepository = r2\ndeploy_hosts = u@h2\n[shop.APP]\nsettings_file = shop.settings\n';
  assert.equal(parse(text, 'shop').repository, 'r2');
  assert.equal(parse(text, 'blog').repository, 'r');
  assert.throws(() => parse(text, 'shpo'), (e: unknown) => e instanceof UsageError && /did you mean "shop".*known apps: blog, shop/.test((e as Error).message));
});

test('every problem is reported at once, with key, line and a suggestion', () => {
  const p = problems('[DEPLOY]\nproject_name = NOME_APP\nrepositry = x\ndeploy_hosts = nobody\ngunicorn_bind = nowhere\n[APP]\nsettings_file = a b\ndebug = maybe\n');
  const text = p.join('\n');
  assert.match(text, /\[DEPLOY\] repositry \(line 3\): unknown key \(did you mean "repository"\?\)/);
  assert.match(text, /\[DEPLOY\] repository: required/);
  assert.match(text, /deploy_hosts \(line 4\): "nobody" is not user@host\[:port\]/);
  assert.match(text, /gunicorn_bind \(line 5\)/);
  assert.match(text, /settings_file \(line 7\)/);
  assert.match(text, /debug \(line 8\): "maybe" is not yes\/no/);
  assert.ok(p.length >= 6);
});

test('a key in the wrong section says where it belongs', () => {
  const p = problems('[DEPLOY]\nproject_name = a\nrepository = r\ndeploy_hosts = u@h\nsettings_file = a.settings\n', 'a');
  assert.match(p.join('\n'), /settings_file.*belongs in \[APP\]/);
});

test('values that would inject shell code are rejected', () => {
  for (const [key, value] of [
    ['project_name', 'x; touch /tmp/pwned'],
    ['project_name', '$(reboot)'],
    ['home', '/opt/$(reboot)'],
    ['app_user', 'root'],
    ['server_name', 'x; } server { listen 81'],
    ['repository', '$(reboot)'],
    ['deploy_hosts', 'u@h;reboot'],
  ]) {
    const base: Record<string, string> = { project_name: 'a', repository: 'r', deploy_hosts: 'u@h' };
    base[key] = value;
    // Quoted, so that ini's inline comments (; and #) do not cut the value short.
    const text = '[DEPLOY]\n' + Object.entries(base).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n';
    const app = key === 'project_name' ? value : 'a';
    assert.throws(() => parse(text, app), SettingsError, `${key} = ${value} must be rejected`);
  }
});

test('an unquoted ; starts a comment, as in the seed: the rest never reaches a shell', () => {
  const s = parse('[DEPLOY]\nproject_name = x; touch /tmp/pwned\nrepository = r\ndeploy_hosts = u@h\n', 'x');
  assert.equal(s.project, 'x');
});

test('secrets print as [redacted]', () => {
  const s = parse(seed.replace('email_host_password =', 'email_host_password = hunter2'));
  assert.equal(String(s.email.email_host_password), '[redacted]');
  assert.equal(JSON.stringify(s).includes('hunter2'), false);
  assert.equal((s.email.email_host_password as Secret).reveal(), 'hunter2');
});
