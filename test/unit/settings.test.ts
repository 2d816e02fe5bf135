import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSystemDirectory, loadSettings, parseSettings } from '../../src/settings/load.ts';
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
  assert.deepEqual(s.hosts, [
    {
      user: 'ubuntu',
      host: '107.22.193.179',
      port: 29992,
      label: 'ubuntu@107.22.193.179:29992',
      roles: ['web'],
      portGiven: true,
    },
  ]);
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
  const s = parse(
    '[DEPLOY]\nproject_name = shop\nrepository = /srv/git/shop.git\nconfig_file = /etc/shop.conf\ndeploy_hosts = a@h1, b@h2:2222\n',
    'shop',
  );
  assert.equal(s.configFile, '/etc/shop.conf');
  assert.deepEqual(
    s.hosts.map((h) => [h.user, h.host, h.port]),
    [
      ['a', 'h1', 22],
      ['b', 'h2', 2222],
    ],
  );
  assert.equal(s.configFile, '/etc/shop.conf');
  assert.equal(s.keepReleases, 5);
  assert.equal(s.django.databaseUrl.reveal(), 'sqlite:////opt/django/apps/shop/shared/data/db.sqlite3');
  assert.deepEqual(s.django.allowedHosts, ['h1', 'h2', 'localhost', '127.0.0.1']);
});

test('several apps in one file; an unknown app lists the known ones', () => {
  const text =
    '[blog.DEPLOY]\nproject_name = blog\nrepository = r\ndeploy_hosts = u@h\n[shop.DEPLOY]\nproject_name = shop\nrepository = r2\ndeploy_hosts = u@h2\n[shop.APP]\nsettings_file = shop.settings\n';
  assert.equal(parse(text, 'shop').repository, 'r2');
  assert.equal(parse(text, 'blog').repository, 'r');
  assert.throws(
    () => parse(text, 'shpo'),
    (e: unknown) => e instanceof UsageError && /did you mean "shop".*known apps: blog, shop/.test((e as Error).message),
  );
});

test('every problem is reported at once, with key, line and a suggestion', () => {
  const p = problems(
    '[DEPLOY]\nproject_name = NOME_APP\nrepositry = x\ndeploy_hosts = no/body\ngunicorn_bind = nowhere\n[APP]\nsettings_file = a b\ndebug = maybe\n',
  );
  const text = p.join('\n');
  assert.match(text, /\[DEPLOY\] repositry \(line 3\): unknown key \(did you mean "repository"\?\)/);
  assert.match(text, /\[DEPLOY\] repository: required/);
  assert.match(text, /deploy_hosts \(line 4\): "no\/body" is not \[user@\]host\[:port\]/);
  assert.match(text, /gunicorn_bind \(line 5\)/);
  assert.match(text, /settings_file \(line 7\)/);
  assert.match(text, /debug \(line 8\): "maybe" is not yes\/no/);
  assert.ok(p.length >= 6);
});

test('a key in the wrong section says where it belongs', () => {
  const p = problems(
    '[DEPLOY]\nproject_name = a\nrepository = r\ndeploy_hosts = u@h\nsettings_file = a.settings\n',
    'a',
  );
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
    const text = `[DEPLOY]\n${Object.entries(base)
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join('\n')}\n`;
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

// --- Hardening: duplicates, encoding, paths, ports, names, limits, new keys. ---

/** A valid one-app file; `extra` lines go at the end of [DEPLOY]. */
const shop = (extra = '', after = '') =>
  `[DEPLOY]\nproject_name = shop\nrepository = git@example.com:me/shop.git\ndeploy_hosts = ubuntu@10.0.0.5\n${extra}${after}`;
const shopProblems = (text: string, app = 'shop') => problems(text, app).join('\n');

test('a key set twice is an error naming both lines (ini would keep the last: a host dropped)', () => {
  assert.match(
    shopProblems(shop('deploy_hosts = ubuntu@10.0.0.6\n')),
    /\[DEPLOY\] deploy_hosts \(line 5\): set twice: lines 4 and 5/,
  );
  const alias =
    '[DEPLOY]\nproject_name = shop\nrepository = r1\ndeploy_hosts = u@h\nbranch = main\nhome = /srv/shop\nrepositorio = r2\n';
  assert.match(
    shopProblems(alias),
    /\[DEPLOY\] repositorio \(line 7\): set twice: lines 3 and 7 \(also as repository\)/,
  );
  assert.match(
    shopProblems(shop('', '[ENV]\nA = 1\nB = 2\nA = 3\n')),
    /\[ENV\] A \(line 8\): set twice: lines 6 and 8/,
  );
  assert.match(
    shopProblems(shop('branch = a\nbranch = b\nbranch = c\n')),
    /branch \(line 7\): set 3 times: lines 5, 6 and 7/,
  );
});

test('a section given twice is an error naming both lines (ini merges them)', () => {
  assert.match(
    shopProblems(shop('', '[APP]\ndebug = no\n[DEPLOY]\nbranch = main\n')),
    /\[DEPLOY\] \(line 7\): section header given twice: lines 1 and 7/,
  );
  const named =
    '[shop.DEPLOY]\nproject_name = shop\nrepository = r\ndeploy_hosts = u@h\n[shop.APP]\ndebug = no\n[shop.APP]\nsettings_file = shop.settings\n';
  assert.match(shopProblems(named), /\[shop\.APP\] \(line 7\): section header given twice: lines 5 and 7/);
});

test('a UTF-8 byte order mark is ignored; bytes that are not UTF-8 are refused, naming the line', () => {
  assert.equal(parse(`\uFEFF${shop()}`, 'shop').project, 'shop');
  const dir = mkdtempSync(join(tmpdir(), 'deploy-settings-'));
  try {
    const file = join(dir, 'settings.ini');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(shop())]));
    assert.equal(loadSettings({ app: 'shop', file }).project, 'shop');
    // Latin-1 "é" in a comment on line 5: once silently read as U+FFFD.
    writeFileSync(
      file,
      Buffer.concat([Buffer.from(shop()), Buffer.from('; caf'), Buffer.from([0xe9]), Buffer.from('\nbranch = main\n')]),
    );
    assert.throws(
      () => loadSettings({ app: 'shop', file }),
      (e: unknown) => e instanceof SettingsError && /line 5: not valid UTF-8/.test(e.message),
    );
    writeFileSync(file, Buffer.from(`\uFEFF${shop()}`, 'utf16le'));
    assert.throws(
      () => loadSettings({ app: 'shop', file }),
      (e: unknown) => e instanceof SettingsError && /UTF-16/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('home is never a system directory, and every path is written normalized', () => {
  for (const home of [
    '/',
    '/usr',
    '/usr/local',
    '/usr/lib',
    '/usr/share',
    '/var',
    '/var/lib',
    '/var/log',
    '/var/www',
    '/etc',
    '/etc/shop',
    '/opt',
    '/home',
    '/root',
    '/tmp',
    '/proc/1',
    '/boot/shop',
    '/lib64/shop',
    '/usr/lib/shop',
    '/run/shop',
  ]) {
    assert.match(shopProblems(shop(`home = ${home}\n`)), /\[DEPLOY\] home \(line 5\): .*system directory/, home);
  }
  for (const home of ['/opt/x/../y', '/opt/./x', '/opt//x', '/opt/x/', '/opt/..']) {
    assert.match(shopProblems(shop(`home = ${home}\n`)), /home \(line 5\): .*not a normalized path/, home);
  }
  for (const home of ['/usr/local/shop', '/srv/shop', '/home/django', '/opt/django', '/var/lib/shop'])
    assert.equal(parse(shop(`home = ${home}\n`), 'shop').home, home);
  assert.match(shopProblems(shop('python = /usr/bin/../bin/python3\n')), /python \(line 5\): .*not a normalized path/);
  assert.match(
    shopProblems(shop('gunicorn_bind = unix:/run/shop//app.sock\n')),
    /gunicorn_bind \(line 5\): .*not a normalized path/,
  );
});

test('config_file is not a system directory, nor directly in one', () => {
  for (const f of [
    '/etc',
    '/usr/local',
    '/var/lib',
    '/shop.conf',
    '/usr/bin/shop.conf',
    '/var/log/shop.conf',
    '/tmp/shop.conf',
    '/root/shop.conf',
    '/home/shop.conf',
    '/lib64/shop.conf',
    '/proc/self/environ',
    '/etc/passwd',
    '/etc/sudoers.d/shop',
    '/opt/shop/../shop.conf',
  ]) {
    assert.match(shopProblems(shop(`config_file = ${f}\n`)), /\[DEPLOY\] config_file \(line 5\)/, f);
  }
  for (const f of ['/etc/shop.conf', '/etc/shop/app.conf', '/srv/shop/app.conf', '/usr/local/etc/shop/app.conf'])
    assert.equal(parse(shop(`config_file = ${f}\n`), 'shop').configFile, f);
});

test('isSystemDirectory', () => {
  for (const p of [
    '/',
    '/etc',
    '/etc/nginx',
    '/usr/local',
    '/usr/lib/x',
    '/var/lib',
    '/var/www',
    '/proc/1/cwd',
    '/lib32/x',
    '/libx32',
    '/home',
    '/var/../etc',
    '/opt/',
  ])
    assert.equal(isSystemDirectory(p), true, p);
  for (const p of ['/opt/django', '/usr/local/myapp', '/srv/app', '/var/lib/app', '/home/django', '/data'])
    assert.equal(isSystemDirectory(p), false, p);
});

test('the second slot needs a port: gunicorn_bind on 65535 needs gunicorn_bind_alt', () => {
  assert.match(
    shopProblems(shop('gunicorn_bind = 127.0.0.1:65535\n')),
    /\[DEPLOY\] gunicorn_bind \(line 5\): no port left for the second slot.*set gunicorn_bind_alt/,
  );
  assert.equal(
    parse(shop('gunicorn_bind = 127.0.0.1:65535\ngunicorn_bind_alt = 127.0.0.1:65534\n'), 'shop').gunicornBindAlt,
    '127.0.0.1:65534',
  );
  assert.match(shopProblems(shop('gunicorn_bind = 127.0.0.1:0\n')), /gunicorn_bind \(line 5\): port 0 out of range/);
});

test('an invalid project_name is a settings problem, whatever app was asked for', () => {
  for (const name of ['my app', '$(touch x)', '-shop', 'x'.repeat(41)]) {
    const text = shop().replace('project_name = shop', `project_name = ${name}`);
    for (const app of ['shop', 'other', name]) {
      assert.throws(
        () => parse(text, app),
        (e: unknown) => e instanceof SettingsError && /\[DEPLOY\] project_name \(line 2\)/.test(e.message),
        `${name} asked as ${app}`,
      );
    }
  }
});

test('length limits: any value beyond 4096 characters, names beyond their own limit', () => {
  assert.match(
    shopProblems(shop(`test_command = echo ${'x'.repeat(5000)}\n`)),
    /test_command \(line 5\): too long: 5005 characters \(at most 4096\)/,
  );
  assert.match(shopProblems(shop(`app_user = ${'a'.repeat(33)}\n`)), /app_user \(line 5\): too long/);
  assert.match(shopProblems(shop(`branch = ${'b'.repeat(256)}\n`)), /branch \(line 5\): too long/);
  assert.match(shopProblems(shop(`server_name = ${'a'.repeat(254)}\n`)), /server_name \(line 5\)/);
  assert.match(
    shopProblems(shop('', `[ENV]\nTOKEN = ${'s'.repeat(4097)}\n`)),
    /\[ENV\] TOKEN \(line 6\): value too long/,
  );
  // A huge value is not echoed whole.
  assert.ok(shopProblems(shop(`repository_type = ${'g'.repeat(10000)}\n`)).length < 500);
});

test('values that reach a command follow strict patterns', () => {
  const refused: [string, string][] = [
    ['repository', '-oProxyCommand=touch /tmp/x'],
    ['repository', '--upload-pack=touch'],
    ['repository', 'ext::sh -c touch% /tmp/x'],
    ['repository', 'ext::sh'],
    ['repository', 'git@h:x.git|touch'],
    ['repository', 'git@h:x.git\u00a0'],
    ['branch', '--upload-pack=touch'],
    ['branch', 'a..b'],
    ['branch', 'main@{1}'],
    ['branch', 'main.lock'],
    ['branch', 'feature/'],
    ['branch', '.hidden'],
    ['deploy_hosts', 'u@-oProxyCommand=x'],
    ['deploy_hosts', 'u@h, u@h'],
    ['deploy_hosts', 'u@h:0'],
    ['app_user', 'www-data'],
    ['app_user', 'ubuntu'],
    ['python', '-c'],
    ['python', 'python3 -c'],
    ['pip_index_url', 'https://x/simple --trusted-host x'],
    ['pip_index_url', '-i'],
    ['pip_find_links', 'relative/dir'],
    ['health_path', '/x;touch'],
    ['health_path', '/$(touch)'],
    ['extra_packages', 'nginx;touch'],
    ['wsgi_app', 'app:$(x)'],
    ['gunicorn_bind', '-b:80'],
  ];
  for (const [key, value] of refused) {
    const text = shop(`${key} = ${JSON.stringify(value)}\n`).replace(/^deploy_hosts = .*\n(?=.*deploy_hosts)/ms, '');
    assert.match(shopProblems(text), new RegExp(`\\[DEPLOY\\] ${key} \\(line \\d+\\)`), `${key} = ${value}`);
  }
  assert.match(shopProblems(shop('', '[APP]\nallowed_hosts = a.com,"b.com\\nx = y"\n')), /allowed_hosts \(line 6\)/);
  assert.match(
    shopProblems(shop('', '[EMAIL]\nemail_port = 25; x\nemail_host = "smtp.x.com\\n[django]"\n')),
    /email_host \(line 7\)/,
  );
});

test('database_url, ENV values and the email password never appear in a message', () => {
  const text = shop(
    '',
    '[APP]\ndatabase_url = "postgres://u:s3cr3t-db pass@db/x"\n[EMAIL]\nemail_host_password = "hunter2\\u0000"\n[ENV]\nTOKEN = "tok-abc123\\nX=1"\nOTHER = "tok-\\u001b[31m"\n',
  );
  const p = shopProblems(text);
  assert.match(p, /\[APP\] database_url \(line 6\): is not a URL/);
  assert.match(p, /\[EMAIL\] email_host_password \(line 8\): contains a control/);
  assert.match(p, /\[ENV\] TOKEN \(line 10\): value contains a control/);
  assert.match(p, /\[ENV\] OTHER \(line 11\): value contains a control/);
  for (const secret of ['s3cr3t', 'hunter2', 'tok-']) assert.ok(!p.includes(secret), secret);
});

test('ENV values are secrets passed literally: $, backticks, ;, quotes and % are accepted', () => {
  const s = parse(
    shop('', '[ENV]\nA = "$(touch /tmp/deploy-pwned)"\nB = "`id`; echo \\"q\\" 100%"\nC = \'it\'s\'\n'),
    'shop',
  );
  assert.equal(s.env.A.reveal(), '$(touch /tmp/deploy-pwned)');
  assert.equal(s.env.B.reveal(), '`id`; echo "q" 100%');
  assert.ok(s.env.A instanceof Secret);
});

test('test_command and [COMMANDS] are free shell, but without control characters other than tab', () => {
  assert.equal(
    parse(shop('test_command = "python manage.py test\\t--noinput; echo ok"\n'), 'shop').testCommand,
    'python manage.py test\t--noinput; echo ok',
  );
  assert.match(
    shopProblems(shop('test_command = "echo \\u001b]0;x\\u0007"\n')),
    /test_command \(line 5\): contains a control/,
  );
  assert.match(
    shopProblems(shop('', '[COMMANDS]\nshell = "python manage.py shell\\rrm -rf /"\n')),
    /\[COMMANDS\] shell \(line 6\): contains a control/,
  );
  assert.match(
    shopProblems(shop('test_command = "echo \\u202egnp.exe"\n')),
    /test_command \(line 5\): contains a control or invisible/,
  );
});

test('lines ini would misread are errors: a lone CR, a header with a comment, a key outside any section', () => {
  assert.match(shopProblems(shop('branch = main\rdeploy_hosts = evil@h\n')), /line 5: a carriage return/);
  assert.match(
    shopProblems(shop('', '[APP] ; django\ndebug = no\n')),
    /\(line 5\): a \[section\] header must start at the first column/,
  );
  assert.match(shopProblems(`home = /srv/shop\n${shop()}`), /\(line 1\): home is before any \[section\]/);
  assert.match(
    shopProblems(shop('', '[ENV]\nKEY = -----BEGIN\nMIIEvQIBADANBgkqhkiG9w0B\n')),
    /\[ENV\] \(line 7\): not "key = value"/,
  );
  assert.ok(!shopProblems(shop('', '[ENV]\nKEY = -----BEGIN\nMIIEvQIBADANBgkqhkiG9w0B\n')).includes('MIIEv'));
  assert.match(
    shopProblems(shop('', '[shop.app]\n')),
    /\[shop\.app\] \(line 5\): unknown section \(did you mean \[shop\.APP\]\?\)/,
  );
  assert.match(
    shopProblems(shop('', '[a.b.DEPLOY]\n')),
    /\[a\.b\.DEPLOY\] \(line 5\): unknown section: "a\.b" is not an app name/,
  );
});

test('deploy_user and deploy_user_keys', () => {
  const s = parse(shop('deploy_user = deployer\ndeploy_user_keys = ~/.ssh/a.pub, /keys/b.pub\n'), 'shop');
  assert.equal(s.deployUser, 'deployer');
  assert.deepEqual(s.deployUserKeys, ['~/.ssh/a.pub', '/keys/b.pub']);
  const plain = parse(shop(), 'shop');
  assert.equal(plain.deployUser, undefined);
  assert.deepEqual(plain.deployUserKeys, []);
  assert.match(shopProblems(shop('deploy_user = root\n')), /deploy_user \(line 5\): must not be root/);
  assert.match(shopProblems(shop('deploy_user = django\n')), /deploy_user \(line 5\): must differ from app_user/);
  assert.match(
    shopProblems(shop('app_user = web\ndeploy_user = web\n')),
    /deploy_user \(line 6\): must differ from app_user/,
  );
  assert.match(shopProblems(shop('deploy_user = ubuntu\n')), /deploy_user \(line 5\): .*deploy_hosts user/);
  assert.match(shopProblems(shop('deploy_user = "a;b"\n')), /deploy_user \(line 5\): .*not a user name/);
  assert.match(
    shopProblems(shop('deploy_user = deployer\ndeploy_user_keys = ~/.ssh/id_ed25519\n')),
    /deploy_user_keys \(line 6\): .*not a public key file/,
  );
  assert.match(
    shopProblems(shop('deploy_user_keys = ~/.ssh/a.pub\n')),
    /deploy_user_keys \(line 5\): has no effect without deploy_user/,
  );
});

test('deploy_user: setup finds its public keys before anything is touched; ~/.ssh/id_ed25519.pub is the default', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'deploy-keys-'));
  const was = process.env.HOME;
  process.env.HOME = home;
  t.after(() => {
    process.env.HOME = was;
    rmSync(home, { recursive: true, force: true });
  });
  const setup = (extra: string) => parseSettings(shop(extra), { app: 'shop', file: 'settings.ini', command: 'setup' });
  const setupProblems = (extra: string) => {
    try {
      setup(extra);
    } catch (e) {
      if (e instanceof SettingsError) return e.problems.join('\n');
      throw e;
    }
    return assert.fail('expected settings problems');
  };
  // Nothing to authorise: a settings problem (exit 2) before setup connects, naming what to set.
  assert.match(setupProblems('deploy_user = deployer\n'), /\[DEPLOY\] deploy_user \(line 5\): .*set deploy_user_keys/);
  // Other commands never read the public keys (a CI job holds only its private key).
  assert.equal(
    parseSettings(shop('deploy_user = deployer\n'), { app: 'shop', file: 'settings.ini', command: 'deploy' })
      .deployUser,
    'deployer',
  );

  mkdirSync(join(home, '.ssh'));
  const pub = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ5c0TqQmR5kq8l3n2m7pXQm3y0bq9w1j2k3l4m5n6o7 me@laptop\n';
  writeFileSync(join(home, '.ssh', 'id_ed25519.pub'), pub);
  assert.deepEqual(setup('deploy_user = deployer\n').deployUserKeys, [join(home, '.ssh', 'id_ed25519.pub')]);

  // identity_file's .pub, when identity_file is set: missing, it is named.
  assert.match(
    setupProblems(`identity_file = ${home}/.ssh/ci_key\ndeploy_user = deployer\n`),
    /deploy_user \(line 6\): .*ci_key\.pub.*ENOENT.*deploy_user_keys/,
  );
  writeFileSync(join(home, '.ssh', 'ci_key.pub'), pub);
  assert.deepEqual(setup(`identity_file = ${home}/.ssh/ci_key\ndeploy_user = deployer\n`).deployUserKeys, [
    `${home}/.ssh/ci_key.pub`,
  ]);

  // Files given: each must be readable and hold a public key (its content is never shown).
  writeFileSync(join(home, '.ssh', 'junk.pub'), 'not-a-key-s3cr3t\n');
  const p = setupProblems(
    'deploy_user = deployer\ndeploy_user_keys = ~/.ssh/id_ed25519.pub, ~/.ssh/nope.pub, ~/.ssh/junk.pub\n',
  );
  assert.match(p, /deploy_user_keys \(line 6\): cannot read "~\/\.ssh\/nope\.pub": ENOENT/);
  assert.match(p, /deploy_user_keys \(line 6\): "~\/\.ssh\/junk\.pub" is not an OpenSSH public key/);
  assert.doesNotMatch(p, /id_ed25519\.pub|s3cr3t/);
  assert.deepEqual(setup('deploy_user = deployer\ndeploy_user_keys = ~/.ssh/id_ed25519.pub\n').deployUserKeys, [
    '~/.ssh/id_ed25519.pub',
  ]);
});
