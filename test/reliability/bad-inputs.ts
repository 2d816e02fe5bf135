// Hostile or mistaken settings files, for the unit test (test/unit/settings-hostile.test.ts,
// which only parses them) and the end-to-end test (which runs the CLI on each against a real
// host and checks that nothing ran there: /tmp/deploy-pwned never appears).
//
// Every text is a complete settings.ini built from one valid base for the app `demo`, with
// three placeholders the test that uses it replaces (fillIn does it):
//   HOST  the test host's address   (only ever right after "ubuntu@")
//   KEY   the SSH private key file  (only ever as `identity_file = KEY`)
//   REPO  the demo repository's URL (only ever as `repositorio = REPO`)
// Values holding ; or # are written quoted: unquoted, ini would cut them at the comment
// and the payload would never reach validation.

export interface BadInput {
  name: string;
  settings: string;
  /** The command line, app first; default DEFAULT_ARGS. */
  args?: string[];
  /** Matches the problem that must be reported (section, key or line). */
  key: RegExp;
}

export interface HostileAccepted {
  name: string;
  settings: string;
  args?: string[];
  /** [ENV] variables the app must see exactly so (passed literally, never run). */
  env?: Record<string, string>;
  /** [EMAIL] values the config file must hold exactly so. */
  email?: Record<string, string>;
}

export const DEFAULT_ARGS = ['demo', 'setup', '--dependencies=no', '--yes'];

/** What a payload runs if it ever reaches a shell: the end-to-end test looks for the file. */
export const MARKER = '/tmp/deploy-pwned';
const PWN = `touch ${MARKER}`;

export const BASE = `[DEPLOY]
project_name = demo
repositorio = REPO
deploy_hosts = ubuntu@HOST
identity_file = KEY
gunicorn_bind = "127.0.0.1:8032"  # ip e porta
system_site_packages = yes

[APP]
settings_file = demo.settings.prod
debug = False

[EMAIL]
default_from_email = demo@example.com
email_host_password = hunter2-not-for-logs
`;

/** Replaces the placeholders. */
export function fillIn(settings: string, { host, key, repo }: { host: string; key: string; repo: string }): string {
  return settings
    .replace(/@HOST\b/g, `@${host}`)
    .replace(/^identity_file = KEY$/m, `identity_file = ${key}`)
    .replace(/^repositorio = REPO$/m, `repositorio = ${repo}`);
}

/** A value as ini reads it literally: JSON-quoted (ini JSON-parses "..."), so ; # \n \u0000 survive. */
const q = (value: string): string => JSON.stringify(value);

/** BASE with `key = value` in [DEPLOY]: replacing the line that sets key (or its alias), else added. */
function deploy(key: string, value: string, text = BASE): string {
  const line = new RegExp(`^${key === 'repository' ? 'repositorio' : key} = .*$`, 'm');
  return line.test(text)
    ? text.replace(line, `${key} = ${value}`)
    : text.replace('\n[APP]', `${key} = ${value}\n\n[APP]`);
}

/** BASE with a line added to [APP] or [EMAIL] (replacing one that sets key). */
function inSection(section: 'APP' | 'EMAIL', key: string, value: string, text = BASE): string {
  const line = new RegExp(`^${key} = .*$`, 'm');
  if (line.test(text)) return text.replace(line, `${key} = ${value}`);
  return section === 'APP' ? text.replace('\n[EMAIL]', `${key} = ${value}\n\n[EMAIL]`) : `${text}${key} = ${value}\n`;
}

/** BASE with a free section ([ENV], [COMMANDS]) at the end. */
const withSection = (section: string, body: string, text = BASE): string => `${text}\n[${section}]\n${body}`;

const bad = (name: string, settings: string, key: RegExp, args?: string[]): BadInput => ({
  name,
  settings,
  key,
  ...(args ? { args } : {}),
});
const at = (key: string) => new RegExp(`\\] ${key} \\(line \\d+\\)`);

export const BAD_INPUTS: BadInput[] = [
  // project_name: paths, supervisor program names, the nginx site name.
  bad('project_name with ;', deploy('project_name', q(`demo; ${PWN}`)), at('project_name')),
  bad('project_name with $()', deploy('project_name', `$(${PWN})`), at('project_name')),
  bad('project_name with backticks', deploy('project_name', `\`${PWN}\``), at('project_name')),
  bad('project_name with a space', deploy('project_name', 'demo app'), at('project_name')),
  bad('project_name with a leading -', deploy('project_name', '-demo'), at('project_name')),
  bad('project_name too long', deploy('project_name', 'd'.repeat(41)), at('project_name')),
  bad('project_name with a Cyrillic look-alike', deploy('project_name', 'd\u0435mo'), at('project_name')),
  bad('project_name with ..', deploy('project_name', '../demo'), at('project_name')),
  bad('project_name with a newline', deploy('project_name', q('demo\nhome = /etc')), at('project_name')),

  // repository: an argument of git clone / ls-remote / fetch.
  bad('repository as an ssh option', deploy('repository', `-oProxyCommand=${PWN}`), at('repository')),
  bad('repository as a git option', deploy('repository', `--upload-pack=${PWN}`), at('repository')),
  bad('repository through the ext:: remote helper', deploy('repository', `ext::sh -c ${PWN}`), at('repository')),
  bad('repository with ;', deploy('repository', q(`git@example.com:demo.git; ${PWN}`)), at('repository')),
  bad('repository with |', deploy('repository', q(`git@example.com:demo.git|${PWN}`)), at('repository')),
  bad('repository with &', deploy('repository', q(`git@example.com:demo.git&${PWN}`)), at('repository')),
  bad('repository with $()', deploy('repository', `$(${PWN})`), at('repository')),
  bad('repository with a newline', deploy('repository', q(`git@example.com:demo.git\n${PWN}`)), at('repository')),
  bad('repository with a no-break space', deploy('repository', 'git@example.com:demo\u00a0.git'), at('repository')),
  bad(
    'repository and repositorio both set',
    BASE.replace('[DEPLOY]\n', '[DEPLOY]\nrepository = git@example.com:other.git\n'),
    /repositorio \(line 4\): set twice: lines 2 and 4 \(also as repository\)/,
  ),

  // branch: git rev-parse / fetch argument.
  bad('branch as a git option', deploy('branch', `--upload-pack=${PWN}`), at('branch')),
  bad('branch with ;', deploy('branch', q(`main; ${PWN}`)), at('branch')),
  bad('branch with $()', deploy('branch', `$(${PWN})`), at('branch')),
  bad('branch with double quotes', deploy('branch', q(`main"; ${PWN}; "`)), at('branch')),
  bad('branch with single quotes', deploy('branch', `main'$(${PWN})'`), at('branch')),
  bad('branch with ..', deploy('branch', 'main..evil'), at('branch')),
  bad('branch with @{', deploy('branch', 'main@{1}'), at('branch')),
  bad('branch ending in .lock', deploy('branch', 'main.lock'), at('branch')),
  bad('branch ending in /', deploy('branch', 'feature/'), at('branch')),
  bad('branch too long', deploy('branch', 'b'.repeat(300)), at('branch')),
  bad('branch with an escape sequence', deploy('branch', q('main\u001b[2J')), at('branch')),

  // deploy_hosts: where we connect.
  bad('deploy_hosts with ;', deploy('deploy_hosts', q(`ubuntu@HOST;${PWN}`)), at('deploy_hosts')),
  bad(
    'deploy_hosts with an ssh option as host',
    deploy('deploy_hosts', `ubuntu@-oProxyCommand=${PWN}`),
    at('deploy_hosts'),
  ),
  bad('deploy_hosts with $() as user', deploy('deploy_hosts', `$(${PWN})@HOST`), at('deploy_hosts')),
  bad('deploy_hosts with port 0', deploy('deploy_hosts', 'ubuntu@HOST:0'), at('deploy_hosts')),
  bad('deploy_hosts with port 65536', deploy('deploy_hosts', 'ubuntu@HOST:65536'), at('deploy_hosts')),
  bad('deploy_hosts with a port that is not a number', deploy('deploy_hosts', 'ubuntu@HOST:22x'), at('deploy_hosts')),
  bad(
    'deploy_hosts with the same server twice',
    deploy('deploy_hosts', 'ubuntu@HOST, ubuntu@HOST'),
    at('deploy_hosts'),
  ),
  bad('deploy_hosts with a fullwidth @', deploy('deploy_hosts', 'ubuntu\uff20HOST'), at('deploy_hosts')),
  bad(
    'deploy_hosts set twice',
    BASE.replace('deploy_hosts = ubuntu@HOST\n', 'deploy_hosts = ubuntu@HOST\ndeploy_hosts = ubuntu@HOST\n'),
    /deploy_hosts \(line \d+\): set twice: lines 4 and 5/,
  ),

  // home: created, chowned to the app user.
  bad('home /', deploy('home', '/'), at('home')),
  bad('home /etc', deploy('home', '/etc'), at('home')),
  bad('home /usr', deploy('home', '/usr'), at('home')),
  bad('home /usr/local', deploy('home', '/usr/local'), at('home')),
  bad('home /var/lib', deploy('home', '/var/lib'), at('home')),
  bad('home /home', deploy('home', '/home'), at('home')),
  bad('home /root', deploy('home', '/root'), at('home')),
  bad('home /tmp', deploy('home', '/tmp'), at('home')),
  bad('home under /proc', deploy('home', '/proc/self'), at('home')),
  bad('home under /etc', deploy('home', '/etc/demo'), at('home')),
  bad('home through ..', deploy('home', '/opt/django/../../etc'), at('home')),
  bad('home with //', deploy('home', '/opt//django'), at('home')),
  bad('home with a trailing /', deploy('home', '/opt/django/'), at('home')),
  bad('home relative', deploy('home', 'opt/django'), at('home')),
  bad('home with $()', deploy('home', `/opt/$(${PWN})`), at('home')),
  bad('home with ;', deploy('home', q(`/opt/django; ${PWN}`)), at('home')),

  // app_user: useradd, chown, sudo -u.
  bad('app_user root', deploy('app_user', 'root'), at('app_user')),
  bad('app_user www-data', deploy('app_user', 'www-data'), at('app_user')),
  bad('app_user is the sudo login', deploy('app_user', 'ubuntu'), at('app_user')),
  bad('app_user with ;', deploy('app_user', q(`django;${PWN}`)), at('app_user')),
  bad('app_user with a leading -', deploy('app_user', '-django'), at('app_user')),
  bad('app_user too long', deploy('app_user', 'a'.repeat(40)), at('app_user')),

  // deploy_user, deploy_user_keys.
  bad('deploy_user root', deploy('deploy_user', 'root'), at('deploy_user')),
  bad('deploy_user same as app_user', deploy('deploy_user', 'django'), at('deploy_user')),
  bad('deploy_user is the sudo login', deploy('deploy_user', 'ubuntu'), at('deploy_user')),
  bad('deploy_user with $()', deploy('deploy_user', `$(${PWN})`), at('deploy_user')),
  bad(
    'deploy_user_keys naming a private key',
    deploy('deploy_user_keys', '~/.ssh/id_ed25519', deploy('deploy_user', 'deployer')),
    at('deploy_user_keys'),
  ),
  bad(
    'deploy_user_keys without deploy_user',
    deploy('deploy_user_keys', '~/.ssh/id_ed25519.pub'),
    at('deploy_user_keys'),
  ),

  // config_file: written by root.
  bad('config_file /etc/passwd', deploy('config_file', '/etc/passwd'), at('config_file')),
  bad('config_file in /etc/sudoers.d', deploy('config_file', '/etc/sudoers.d/demo'), at('config_file')),
  bad('config_file /etc', deploy('config_file', '/etc'), at('config_file')),
  bad('config_file directly in /usr/bin', deploy('config_file', '/usr/bin/demo.conf'), at('config_file')),
  bad('config_file through ..', deploy('config_file', '/opt/django/configs/../../../etc/shadow'), at('config_file')),
  bad('config_file with $()', deploy('config_file', `/opt/$(${PWN}).conf`), at('config_file')),

  // gunicorn binds: gunicorn config, supervisor, curl.
  bad(
    'gunicorn_bind on 65535 without gunicorn_bind_alt',
    deploy('gunicorn_bind', '127.0.0.1:65535'),
    at('gunicorn_bind'),
  ),
  bad('gunicorn_bind port 0', deploy('gunicorn_bind', '127.0.0.1:0'), at('gunicorn_bind')),
  bad('gunicorn_bind port 70000', deploy('gunicorn_bind', '127.0.0.1:70000'), at('gunicorn_bind')),
  bad('gunicorn_bind with ;', deploy('gunicorn_bind', q(`127.0.0.1:8032; ${PWN}`)), at('gunicorn_bind')),
  bad('gunicorn_bind socket through ..', deploy('gunicorn_bind', 'unix:/run/../etc/demo.sock'), at('gunicorn_bind')),
  bad(
    'gunicorn_bind_alt same as gunicorn_bind',
    deploy('gunicorn_bind_alt', '127.0.0.1:8032'),
    at('gunicorn_bind_alt'),
  ),
  bad('gunicorn_bind_alt with $()', deploy('gunicorn_bind_alt', `$(${PWN})`), at('gunicorn_bind_alt')),

  // What gunicorn, nginx, pip and apt are given.
  bad('wsgi_app with ;', deploy('wsgi_app', q(`demo.wsgi:application; ${PWN}`)), at('wsgi_app')),
  bad('wsgi_app with $()', deploy('wsgi_app', `demo.wsgi:$(${PWN})`), at('wsgi_app')),
  bad(
    'server_name breaking out of the nginx server block',
    deploy('server_name', q('demo.com; } server { listen 81')),
    at('server_name'),
  ),
  bad(
    'server_name with a newline',
    deploy('server_name', q('demo.com\nlocation / { return 200; }')),
    at('server_name'),
  ),
  bad('server_name too long', deploy('server_name', 'a'.repeat(300)), at('server_name')),
  bad('python running code', deploy('python', q(`python3 -c 'import os; os.system("${PWN}")'`)), at('python')),
  bad('python as an option', deploy('python', '-c'), at('python')),
  bad('python through ..', deploy('python', '/usr/bin/../bin/python3'), at('python')),
  bad(
    'pip_index_url with another option',
    deploy('pip_index_url', 'https://pypi.org/simple --trusted-host evil.example'),
    at('pip_index_url'),
  ),
  bad('pip_index_url with $()', deploy('pip_index_url', `$(${PWN})`), at('pip_index_url')),
  bad('pip_find_links with ;', deploy('pip_find_links', q(`/srv/wheels; ${PWN}`)), at('pip_find_links')),
  bad('pip_find_links through ..', deploy('pip_find_links', '/srv/../etc'), at('pip_find_links')),
  bad('extra_packages with ;', deploy('extra_packages', q(`nginx; ${PWN}`)), at('extra_packages')),
  bad('extra_packages with $()', deploy('extra_packages', `nginx $(${PWN})`), at('extra_packages')),
  bad(
    'extra_packages as an apt option',
    deploy('extra_packages', '-oAPT::Update::Pre-Invoke::=touch'),
    at('extra_packages'),
  ),
  bad('health_path with ;', deploy('health_path', q(`/; ${PWN}`)), at('health_path')),
  bad('health_path with backticks', deploy('health_path', `/\`${PWN}\``), at('health_path')),
  bad('health_path with quotes', deploy('health_path', `/x'$(${PWN})'`), at('health_path')),
  bad('health_path without a leading /', deploy('health_path', 'health'), at('health_path')),
  bad(
    'test_command with an escape sequence',
    deploy('test_command', q('python manage.py test\u001b[2J')),
    at('test_command'),
  ),
  bad('test_command hidden behind a carriage return', deploy('test_command', q(`true\r${PWN}`)), at('test_command')),
  bad('test_command too long', deploy('test_command', `echo ${'x'.repeat(5000)}`), at('test_command')),
  bad(
    'identity_file with a newline',
    deploy('identity_file', q('~/.ssh/id_ed25519\nProxyCommand touch')),
    at('identity_file'),
  ),
  bad('repository_type not git', deploy('repository_type', 'svn'), at('repository_type')),
  bad('keep_releases 1', deploy('keep_releases', '1'), at('keep_releases')),
  bad('keep_releases in exponent notation', deploy('keep_releases', '1e3'), at('keep_releases')),
  bad('gunicorn_workers 0', deploy('gunicorn_workers', '0'), at('gunicorn_workers')),
  bad('health_timeout not a number', deploy('health_timeout', '`id`'), at('health_timeout')),
  bad('health_timeout too long a number', deploy('health_timeout', '9'.repeat(12)), at('health_timeout')),

  // [APP] and [EMAIL]: written into the app's config file line by line.
  bad('settings_file with ;', inSection('APP', 'settings_file', q(`demo.settings.prod; ${PWN}`)), at('settings_file')),
  bad('settings_file with $()', inSection('APP', 'settings_file', `demo.settings.$(${PWN})`), at('settings_file')),
  bad('allowed_hosts with $()', inSection('APP', 'allowed_hosts', `demo.com,$(${PWN})`), at('allowed_hosts')),
  bad(
    'allowed_hosts adding a line to the config file',
    inSection('APP', 'allowed_hosts', q('demo.com\nsecret_key = known')),
    at('allowed_hosts'),
  ),
  bad('allowed_hosts with >', inSection('APP', 'allowed_hosts', `demo.com>${MARKER}`), at('allowed_hosts')),
  bad(
    'database_url with backticks',
    inSection('APP', 'database_url', `postgres://u:p@db/demo\`${PWN}\``),
    at('database_url'),
  ),
  bad(
    'database_url adding a line to the config file',
    inSection('APP', 'database_url', q('sqlite:////x.db\nsecret_key = known')),
    at('database_url'),
  ),
  bad('database_url not a URL', inSection('APP', 'database_url', 'not a url'), at('database_url')),
  bad(
    'email_host adding a section to the config file',
    inSection('EMAIL', 'email_host', q('smtp.example.com\n[django]')),
    at('email_host'),
  ),
  bad('email_port out of range', inSection('EMAIL', 'email_port', '99999'), at('email_port')),
  bad(
    'email_host_password with a newline',
    inSection('EMAIL', 'email_host_password', q('hunter2-secret\ndebug = True')),
    at('email_host_password'),
  ),

  // [ENV] and [COMMANDS].
  bad(
    'ENV value with a newline',
    withSection('ENV', `SECRET_VALUE = ${q('s3cret-env\nPATH=/tmp')}\n`),
    /\[ENV\] SECRET_VALUE \(line \d+\)/,
  ),
  bad(
    'ENV value with NUL',
    withSection('ENV', `SECRET_VALUE = ${q('s3cret-env\u0000x')}\n`),
    /\[ENV\] SECRET_VALUE \(line \d+\)/,
  ),
  bad(
    'ENV value too long',
    withSection('ENV', `SECRET_VALUE = ${'s'.repeat(5000)}\n`),
    /\[ENV\] SECRET_VALUE \(line \d+\)/,
  ),
  bad('ENV name with $()', withSection('ENV', `$(${PWN}) = 1\n`), /\[ENV\] \(line \d+\)/),
  bad('ENV name with -', withSection('ENV', 'BAD-NAME = 1\n'), /\[ENV\] \(line \d+\)/),
  bad('ENV variable set twice', withSection('ENV', 'TOKEN = a\nTOKEN = b\n'), /\[ENV\] TOKEN \(line \d+\): set twice/),
  bad(
    'ENV secret continued on a second line',
    withSection('ENV', 'CERT = -----BEGIN\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'),
    /\[ENV\] \(line \d+\): not "key = value"/,
  ),
  bad(
    'COMMANDS value with an escape sequence',
    withSection('COMMANDS', `shell = ${q('python manage.py shell\u001b]0;x\u0007')}\n`),
    /\[COMMANDS\] shell \(line \d+\)/,
  ),
  bad('COMMANDS name with ;', withSection('COMMANDS', `${q(`x;${PWN}`)} = true\n`), /\[COMMANDS\]/),

  // The file itself.
  bad(
    '[DEPLOY] given twice',
    `${BASE}\n[DEPLOY]\nbranch = main\n`,
    /\[DEPLOY\] \(line \d+\): section header given twice: lines 1 and \d+/,
  ),
  bad('[APP] given twice', `${BASE}\n[APP]\ndebug = True\n`, /\[APP\] \(line \d+\): section header given twice/),
  bad('byte order mark twice, then garbage', `\uFEFF\uFEFF${BASE}`, /line 1/),
  bad('byte order mark then binary garbage', `\uFEFF\u0000\u0001\u0002\u00ff\u00fe garbage\n${BASE}`, /line 1/),
  bad(
    'a carriage return hiding a second line',
    deploy('branch', `main\rdeploy_hosts = evil@HOST`),
    /line \d+: a carriage return/,
  ),
  bad(
    'a header with a comment after it',
    BASE.replace('[APP]', '[APP] ; django'),
    /\[DEPLOY\] \(line \d+\): a \[section\] header/,
  ),
  bad('a misspelt key', deploy('deploy_host', 'ubuntu@HOST'), /deploy_host \(line \d+\): unknown key/),
  bad('a key before any section', `home = /srv/demo\n${BASE}`, /\(line 1\): home is before any \[section\]/),
  bad('an unknown section', `${BASE}\n[deploy]\nbranch = main\n`, /\[deploy\] \(line \d+\): unknown section/),
  bad('an app name that runs a command', BASE, /unknown app/, [`$(${PWN})`, 'setup', '--dependencies=no', '--yes']),
];

export const HOSTILE_ACCEPTED: HostileAccepted[] = [
  {
    name: 'ENV values that look like shell code are passed literally',
    settings: withSection(
      'ENV',
      `SUBST = ${q(`$(${PWN})`)}\nBACKTICKS = ${q(`\`${PWN}\``)}\nCHAINED = ${q(`x; ${PWN} && echo | cat > ${MARKER}`)}\n`,
    ),
    env: { SUBST: `$(${PWN})`, BACKTICKS: `\`${PWN}\``, CHAINED: `x; ${PWN} && echo | cat > ${MARKER}` },
  },
  {
    name: 'ENV values with quotes, %, backslashes and $VAR',
    settings: withSection(
      'ENV',
      `QUOTES = ${q(`it's "quoted" '$(${PWN})'`)}\nPERCENT = ${q('100% %(here)s %%')}\nBACKSLASH = ${q('a\\b\\$HOME\\n')}\nDOLLAR = $HOME\n`,
    ),
    env: {
      QUOTES: `it's "quoted" '$(${PWN})'`,
      PERCENT: '100% %(here)s %%',
      BACKSLASH: 'a\\b\\$HOME\\n',
      DOLLAR: '$HOME',
    },
  },
  {
    name: 'an email password that looks like shell code is written literally',
    settings: inSection('EMAIL', 'email_host_password', q(`p$(${PWN})\`${PWN}\`'"; x`)),
    email: { email_host_password: `p$(${PWN})\`${PWN}\`'"; x` },
  },
];
