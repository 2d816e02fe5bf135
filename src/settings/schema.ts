// The settings keys: one table that drives parsing, validation, defaults and the docs
// (settings.example.ini is generated from it by example.ts, docs/settings.md by docs.ts; unit
// tests hold both files to it). A key's rule here depends on its own value only: rules that
// depend on other keys (config_file on home, app_user on deploy_hosts...) are applied in
// derive.ts and the files it calls (hosts.ts, accounts.ts).
import {
  accountRule,
  batchSizeRule,
  failureBudgetRule,
  percentRule,
  bindRule,
  branchRule,
  databaseUrlRule,
  findLinksRule,
  homeRule,
  hostRule,
  interpreterRule,
  matches,
  PATTERNS,
  portRule,
  publicKeyFileRule,
  repositoryRule,
  serverNameRule,
  trueFalseRule,
  type Rule,
} from './rules.js';
import { printable } from '../printable.js';

/** Where releases come from (README "Where releases come from"). */
export const SOURCES = ['git', 'archive', 'url'] as const;
export type Source = (typeof SOURCES)[number];

export type SectionName = 'DEPLOY' | 'HOSTS' | 'HOOKS' | 'LOCAL_HOOKS' | 'APP' | 'EMAIL';
/** The sections of fixed keys, in the order of the example file and the docs. */
export const KEYED_SECTIONS: SectionName[] = ['DEPLOY', 'HOSTS', 'HOOKS', 'LOCAL_HOOKS', 'APP', 'EMAIL'];

export const HOOK_NAMES = ['before_build', 'after_build', 'before_switch', 'after_switch', 'after_rollback'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** [LOCAL_HOOKS]: commands run on this machine around a deploy or a rollback (src/local-hooks.ts). */
export const LOCAL_HOOK_NAMES = [
  'before_deploy',
  'after_deploy',
  'after_failure',
  'before_rollback',
  'after_rollback',
] as const;
export type LocalHookName = (typeof LOCAL_HOOK_NAMES)[number];

export interface KeyDef {
  section: SectionName;
  key: string;
  /**
   * The name the code reads the key by (keyDef, the Checker), when it is not `key`: [LOCAL_HOOKS]'
   * keys are local_<key>, as its after_rollback is also a key of [HOOKS].
   */
  id?: string;
  aliases?: string[];
  required?: boolean;
  /** Shown in settings.example.ini and docs/settings.md (both generated from this table). */
  doc: string;
  /** The value when the key is not set, when it is a literal; the docs show it. */
  default?: string;
  /** What the docs show when the default is computed from other keys (derive.ts computes it). */
  defaultDoc?: string;
  /** settings.example.ini's value when a better one than the default helps (`myapp` is the app's name). */
  example?: string;
  /** Written as a setting, not as a comment, in settings.example.ini (and by `deploy init`). */
  setInExample?: boolean;
  /** Never printed, logged or shown in a problem. */
  secret?: boolean;
  /** Longest value accepted (characters); default 4096. Name-like keys are shorter. */
  maxLength?: number;
  /** Tabs are allowed (shell commands); other control characters never are. */
  tabs?: boolean;
  /** A required key that this other key's value makes optional (repository, with source = url). */
  optionalWith?: { key: string; value: string };
  /** Checks the value (each item, for a list); it depends on this value only. */
  rule?: Rule;
  /** A list split at this separator: the rule checks each item, and each bad one is reported. */
  list?: RegExp;
  /** yes/no (any of rules.ts's BOOL words), or a whole number from min to max. */
  kind?: 'bool' | 'int';
  min?: number;
  max?: number;
}

/** A list of hosts: at about 20 characters a host, room for a fleet of 3,000 (any other value: 4096 characters). */
export const HOST_LIST_LENGTH = 65_536;

export const KEYS: KeyDef[] = [
  {
    section: 'DEPLOY',
    key: 'project_name',
    required: true,
    maxLength: 40,
    example: 'myapp',
    rule: matches(PATTERNS.name, 'a name of letters, digits, - and _ (starting with a letter, at most 40)'),
    doc: 'App name: used for paths, the supervisor programs and the nginx site.',
  },
  {
    section: 'DEPLOY',
    key: 'repository',
    aliases: ['repositorio'],
    required: true,
    maxLength: 1024,
    example: 'git@github.com:me/myapp.git',
    rule: repositoryRule,
    optionalWith: { key: 'source', value: 'url' },
    doc: "Git URL or path of the app's repository: the servers clone it with their deploy key (source = git), or this machine archives its commits (source = archive). Not needed with source = url.",
  },
  {
    section: 'DEPLOY',
    key: 'repository_type',
    default: 'git',
    maxLength: 16,
    rule: (v) => (v === 'git' ? undefined : 'only "git" is supported'),
    doc: 'Only git is supported.',
  },
  {
    section: 'DEPLOY',
    key: 'branch',
    maxLength: 255,
    defaultDoc: "the repository's default branch",
    example: 'main',
    rule: branchRule,
    doc: 'Branch to deploy (always the branch, refs/heads/<branch>, even when a tag has the same name).',
  },
  {
    section: 'DEPLOY',
    key: 'source',
    default: 'git',
    example: 'url',
    maxLength: 16,
    rule: (v) => (SOURCES.includes(v as Source) ? undefined : `${printable(v)} is not git, archive or url`),
    doc: 'Where releases come from (README "Where releases come from"): git, each server fetches the repository with its own deploy key; archive, this machine archives the commit from its own clone (with your credentials) and sends it to each server over SSH, so the servers need neither git nor a way to the git host; url, each server downloads archive_url with curl.',
  },
  {
    section: 'DEPLOY',
    key: 'archive_url',
    secret: true,
    maxLength: 2048,
    rule: (v) =>
      /^https?:\/\/[^\s"'\\]+$/.test(v)
        ? undefined
        : 'not an http:// or https:// URL (no spaces, quotes or backslashes)',
    example: 'https://github.com/me/myapp/archive/refs/tags/{ref}.tar.gz',
    doc: "source = url: where each server downloads a release, {ref} standing for the ref deployed (--ref, else branch). A tar archive (gzip, bzip2, xz or none) with one top directory, which is stripped (GitHub's REPO-1.2.3/). A secret: a token in it is never shown, logged or put on a command line.",
  },
  {
    section: 'DEPLOY',
    key: 'archive_sha256',
    maxLength: 64,
    rule: (v) => (/^[0-9a-f]{64}$/.test(v) ? undefined : 'not a sha256 (64 lower-case hexadecimal digits)'),
    defaultDoc: "read from the .sha256 file beside the archive ({url}.sha256, sha256sum's format)",
    doc: "source = url: the archive's sha256. Either way a server refuses an archive whose sha256 differs, with nothing changed.",
  },
  {
    section: 'DEPLOY',
    key: 'deploy_hosts',
    maxLength: HOST_LIST_LENGTH,
    defaultDoc: 'required, unless [HOSTS] lists the hosts',
    setInExample: true,
    example: 'ubuntu@203.0.113.10, ubuntu@203.0.113.11:2222',
    doc: 'Comma-separated [user@]host[:port], each reached as `ssh` would (~/.ssh/config applies); all are web hosts, the first is the primary. The user needs passwordless sudo (for setup).',
  },
  {
    section: 'DEPLOY',
    key: 'parallel',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 100,
    default: '10',
    doc: 'Hosts worked on at once (every command).',
  },
  {
    section: 'DEPLOY',
    key: 'batch_size',
    maxLength: 16,
    defaultDoc: 'all web hosts at once',
    example: '25%',
    rule: batchSizeRule,
    doc: 'Rolling deploys: web hosts switched at once, a number or a percentage; each batch is checked through its nginx before the next one switches, and a batch that fails stops the rollout and goes back to the previous release.',
  },
  {
    section: 'DEPLOY',
    key: 'max_failed_hosts',
    maxLength: 16,
    default: '0',
    example: '5%',
    rule: failureBudgetRule,
    doc: 'deploy: hosts that may fail before their switch (unreachable, build, health check), a number or a percentage of the hosts deployed to. They are left out and keep serving their release, the others go live, and the run exits 6 naming them. 0: any failure stops the whole deploy. The primary is never left out.',
  },
  {
    section: 'DEPLOY',
    key: 'canary',
    maxLength: 16,
    defaultDoc: 'no canary',
    example: '1',
    rule: batchSizeRule,
    doc: 'deploy: web hosts (a number or a percentage) that go live first and are watched for canary_wait seconds: their health path must keep answering and their share of 5xx answers must not grow by more than canary_max_5xx. Only then do the others follow; otherwise the canaries go back to their previous release (still running) and the run stops.',
  },
  {
    section: 'DEPLOY',
    key: 'canary_wait',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 3600,
    default: '60',
    doc: 'Seconds the canary hosts are watched before the others follow.',
  },
  {
    section: 'DEPLOY',
    key: 'canary_max_5xx',
    maxLength: 16,
    default: '1%',
    example: '0.5%',
    rule: percentRule,
    doc: "The most the share of 5xx answers in the canary hosts' nginx log may grow while they are watched, against the same length of time before their switch.",
  },
  {
    section: 'DEPLOY',
    key: 'proxy_jump',
    list: /,/,
    example: 'ubuntu@bastion.example.com',
    rule: hostRule,
    doc: "Bastions every host is reached through, comma-separated [user@]host[:port] in order, as OpenSSH's ProxyJump (a ProxyJump in ~/.ssh/config also applies).",
  },
  {
    section: 'DEPLOY',
    key: 'identity_file',
    maxLength: 1024,
    defaultDoc: 'the ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa',
    example: '~/.ssh/deploy_ed25519',
    doc: 'SSH private key.',
  },
  {
    section: 'DEPLOY',
    key: 'strict_host_keys',
    kind: 'bool',
    default: 'no',
    doc: 'yes: refuse every host whose key is not already in known_hosts, even with --yes (CI with a provisioned known_hosts); no: --yes accepts and records new hosts (OpenSSH accept-new).',
  },
  {
    section: 'DEPLOY',
    key: 'config_file',
    aliases: ['arquivo_config'],
    maxLength: 1024,
    defaultDoc: '<home>/configs/apps/<project_name>.conf',
    example: '/opt/django/configs/apps/myapp.conf',
    doc: "The app's config file (secret_key, database, email); not in a system directory (/etc/<app>.conf is fine).",
  },
  {
    section: 'DEPLOY',
    key: 'home',
    default: '/opt/django',
    maxLength: 1024,
    rule: homeRule,
    doc: 'The app user\'s home: deploy key, configs, apps, virtualenvs. A directory of its own: never a system directory (/, /usr, /var/lib, anything under /etc or /usr but /usr/local/...), written without "." or ".." parts, "//" or a trailing "/".',
  },
  {
    section: 'DEPLOY',
    key: 'app_user',
    default: 'django',
    maxLength: 32,
    rule: accountRule('the app must not run as root'),
    doc: 'System user the app runs as (no password, no login shell needed); never root, a system account or a deploy_hosts user.',
  },
  {
    section: 'DEPLOY',
    key: 'app_user_risk_accepted',
    maxLength: 300,
    example: 'the app user is the old support login until OPS-123 retires it',
    doc: 'setup refuses an existing app_user that could become root or read the system (a login shell, a password, sudo rights, or membership of sudo, adm, wheel, docker, lxd, disk, shadow or root): the app would be a way to root. Say here why it is accepted anyway; setup then warns instead.',
  },
  {
    section: 'DEPLOY',
    key: 'deploy_user',
    maxLength: 32,
    example: 'deployer',
    rule: accountRule('must not be root: deploy_user is the login without root'),
    doc: 'SSH user without root that every command but setup logs in as (deploy, rollback, start, stop, restart, status, logs, run, unlock, maintenance...); setup, which logs in as the deploy_hosts user, creates it. Must differ from app_user.',
  },
  {
    section: 'DEPLOY',
    key: 'deploy_user_keys',
    list: /,/,
    defaultDoc: 'the .pub next to identity_file, else ~/.ssh/id_ed25519.pub (id_ecdsa, id_rsa)',
    example: '~/.ssh/deploy_ed25519.pub',
    rule: publicKeyFileRule,
    doc: 'Comma-separated local public key files (.pub, ~/ allowed) authorised for deploy_user; setup reads them before it touches a host.',
  },
  {
    section: 'DEPLOY',
    key: 'gunicorn_bind',
    maxLength: 255,
    default: '127.0.0.1:8000',
    example: '"127.0.0.1:8032"  # ip and port',
    setInExample: true,
    rule: bindRule,
    doc: 'Address of the first gunicorn slot: host:port or unix:/path (each app on a server needs its own).',
  },
  {
    section: 'DEPLOY',
    key: 'gunicorn_bind_alt',
    maxLength: 255,
    defaultDoc: 'port + 1 (or <socket>-b)',
    example: '127.0.0.1:8033',
    rule: bindRule,
    doc: 'Address of the second slot (zero-downtime switch); required when gunicorn_bind uses port 65535.',
  },
  {
    section: 'DEPLOY',
    key: 'gunicorn_workers',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 256,
    defaultDoc: "2 × the host's CPUs + 1 (gunicorn's advice), at most 12",
    example: '3',
    doc: 'gunicorn worker processes per slot.',
  },
  {
    section: 'DEPLOY',
    key: 'gunicorn_threads',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 1024,
    default: '1',
    doc: 'Threads per gunicorn worker (more than 1: the gthread worker).',
  },
  {
    section: 'DEPLOY',
    key: 'gunicorn_timeout',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 86400,
    default: '30',
    doc: 'gunicorn worker timeout, seconds.',
  },
  {
    section: 'DEPLOY',
    key: 'gunicorn_preload',
    maxLength: 16,
    kind: 'bool',
    default: 'yes',
    doc: "Import the app once in each slot's gunicorn master and fork its workers from it (gunicorn's preload_app): a slot answers as soon after its start with 9 workers as with 1, and the workers share the app's memory. Set no for an app that starts threads or opens connections when it is imported (each worker needs its own).",
  },
  {
    section: 'DEPLOY',
    key: 'wsgi_app',
    maxLength: 255,
    defaultDoc: '<first part of settings_file>.wsgi:application',
    example: 'myapp.wsgi:application',
    rule: matches(PATTERNS.wsgi, 'module:callable'),
    doc: 'WSGI callable gunicorn serves.',
  },
  {
    section: 'DEPLOY',
    key: 'server_name',
    maxLength: 1024,
    default: '_',
    list: /[\s,]+/,
    example: 'example.com, www.example.com',
    rule: serverNameRule,
    doc: "Names the site answers (space or comma separated); _ makes it the default site on listen_port (Debian's stock default site is disabled). With names, host names no app claims get no answer (connection closed, TLS handshake refused).",
  },
  {
    section: 'DEPLOY',
    key: 'ssl',
    maxLength: 16,
    default: 'none',
    example: 'letsencrypt',
    rule: (v) => (['none', 'letsencrypt', 'custom'].includes(v) ? undefined : 'none, letsencrypt or custom'),
    doc: 'HTTPS: none; letsencrypt (one certificate for every server_name by ACME HTTP-01 with certbot, renewed by certbot.timer, nginx reloaded after each renewal); custom (ssl_certificate and ssl_certificate_key on the server). With HTTPS, HTTP redirects to it (but the ACME challenge path) and only TLS 1.2 and 1.3 are accepted.',
  },
  {
    section: 'DEPLOY',
    key: 'acme_email',
    maxLength: 320,
    example: 'ops@example.com',
    rule: matches(/^[^\s@'"`\\]+@[A-Za-z0-9.-]+$/, 'an e-mail address'),
    doc: "ssl = letsencrypt: the ACME account's e-mail (expiry warnings from the CA); without it the account has none.",
  },
  {
    section: 'DEPLOY',
    key: 'acme_server',
    maxLength: 2048,
    default: 'https://acme-v02.api.letsencrypt.org/directory',
    rule: matches(/^https:\/\/[A-Za-z0-9._~:/?#@!$&()*+,;=%-]+$/, 'an https:// URL'),
    doc: "ssl = letsencrypt: the ACME directory URL (another CA, or Let's Encrypt's staging).",
  },
  {
    section: 'DEPLOY',
    key: 'ssl_certificate',
    maxLength: 1024,
    defaultDoc: '/etc/ssl/private/httpd/<first server_name>/<first server_name>.crt',
    example: '/etc/ssl/private/httpd/example.com/example.com.crt',
    doc: 'ssl = custom: the certificate (with its chain) on the server; setup checks it covers every server_name and has not expired.',
  },
  {
    section: 'DEPLOY',
    key: 'ssl_certificate_key',
    maxLength: 1024,
    defaultDoc: '/etc/ssl/private/httpd/<first server_name>/<first server_name>.key',
    example: '/etc/ssl/private/httpd/example.com/example.com.key',
    doc: "ssl = custom: the certificate's private key on the server; setup checks it matches the certificate.",
  },
  {
    section: 'DEPLOY',
    key: 'hsts',
    maxLength: 16,
    kind: 'bool',
    default: 'no',
    doc: 'With HTTPS: send Strict-Transport-Security (one year): browsers then refuse plain HTTP for the names; turning it off later does not undo that.',
  },
  {
    section: 'DEPLOY',
    key: 'listen_port',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 65535,
    default: '80',
    doc: "nginx's HTTP port (for servers where 80 is taken).",
  },
  {
    section: 'DEPLOY',
    key: 'ssl_port',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 65535,
    default: '443',
    doc: "nginx's HTTPS port (for servers where 443 is taken).",
  },
  {
    section: 'DEPLOY',
    key: 'client_max_body_size',
    maxLength: 16,
    default: '25m',
    rule: matches(/^\d{1,9}[kKmMgG]?$/, 'a size: a number with k, m or g (25m)'),
    doc: 'Largest request body nginx accepts (uploads); larger ones get 413.',
  },
  {
    section: 'DEPLOY',
    key: 'maintenance',
    maxLength: 16,
    default: 'off',
    rule: (v) => (v === 'off' || v === 'auto' ? undefined : 'off or auto'),
    doc: "auto: `deploy --maintenance` shows the maintenance page while the deploy's migrations run, until the new release is live.",
  },
  {
    section: 'DEPLOY',
    key: 'maintenance_retry_after',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 86400,
    default: '300',
    doc: "The maintenance page's Retry-After header, seconds.",
  },
  {
    section: 'DEPLOY',
    key: 'python',
    maxLength: 1024,
    default: 'python3',
    rule: interpreterRule,
    doc: 'Python interpreter used to create virtualenvs.',
  },
  {
    section: 'DEPLOY',
    key: 'system_site_packages',
    maxLength: 16,
    kind: 'bool',
    default: 'no',
    doc: "Create virtualenvs with --system-site-packages (they see Debian's python3-* packages).",
  },
  {
    section: 'DEPLOY',
    key: 'build_once',
    maxLength: 16,
    kind: 'bool',
    default: 'yes',
    doc: 'On a fleet, a new virtualenv is built on one host (the primary when it needs it) and sent to the hosts that need the same one on the same architecture and OS release, instead of pip running on each. no: every host runs pip.',
  },
  {
    section: 'DEPLOY',
    key: 'pip_index_url',
    maxLength: 2048,
    example: 'https://pypi.example.com/simple',
    rule: matches(PATTERNS.url, 'an http(s):// or file:// URL of URL characters'),
    doc: 'pip --index-url (a private mirror).',
  },
  {
    section: 'DEPLOY',
    key: 'pip_find_links',
    maxLength: 2048,
    example: '/srv/wheels',
    rule: findLinksRule,
    doc: 'pip --find-links (a directory or URL of wheels, for offline servers); without pip_index_url, pip then uses only those (--no-index).',
  },
  {
    section: 'DEPLOY',
    key: 'extra_packages',
    default: '',
    list: /[\s,]+/,
    example: 'libpq-dev python3-psycopg2',
    rule: matches(PATTERNS.debPackage, 'a Debian package name'),
    doc: 'More Debian packages setup installs (space or comma separated).',
  },
  {
    section: 'DEPLOY',
    key: 'keep_releases',
    maxLength: 16,
    kind: 'int',
    min: 2,
    max: 1000,
    default: '5',
    doc: 'Releases kept on each server (a release a gunicorn slot runs is never deleted).',
  },
  {
    section: 'DEPLOY',
    key: 'keep_previous_slot',
    maxLength: 16,
    kind: 'bool',
    default: 'yes',
    doc: "After a deploy's switch, the previous release keeps running in the idle slot (its workers keep their memory), so a rollback to it moves traffic without starting anything: no boot, no import. The next deploy stops it while it builds; a rollback, a restart or a reboot leaves the idle slot stopped. no: the previous release's slot stops once its last requests are answered.",
  },
  {
    section: 'DEPLOY',
    key: 'health_path',
    maxLength: 1024,
    default: '/',
    rule: matches(PATTERNS.urlPath, 'a URL path starting with / (letters, digits and - . _ ~ % / : @ + , = ? &)'),
    doc: 'Path a new release must answer (2xx/3xx) before it gets traffic.',
  },
  {
    section: 'DEPLOY',
    key: 'health_timeout',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 3600,
    default: '30',
    doc: 'Seconds a new release has to answer its health check.',
  },
  {
    section: 'DEPLOY',
    key: 'migrate',
    maxLength: 16,
    kind: 'bool',
    default: 'yes',
    doc: 'Run manage.py migrate on deploy (skipped when the release has no manage.py).',
  },
  {
    section: 'DEPLOY',
    key: 'collectstatic',
    maxLength: 16,
    kind: 'bool',
    default: 'yes',
    doc: 'Run manage.py collectstatic on deploy (skipped when the release has no manage.py).',
  },
  {
    section: 'DEPLOY',
    key: 'process_manager',
    maxLength: 16,
    default: 'supervisor',
    rule: (v) => (v === 'supervisor' || v === 'systemd' ? undefined : 'supervisor or systemd'),
    doc: 'What runs the gunicorn slots and [PROCESSES]: supervisor programs (logs in /var/log/deploy/<app>/), or systemd units (logs in the journal). The switch is the same with both. systemd does not work with deploy_user yet.',
  },
  {
    section: 'DEPLOY',
    key: 'process_stop_signal',
    maxLength: 16,
    default: 'TERM',
    rule: matches(/^(TERM|INT|QUIT|HUP|KILL|USR1|USR2)$/, 'a signal name: TERM, INT, QUIT, HUP, KILL, USR1 or USR2'),
    doc: '[PROCESSES]: the signal that asks a process to stop: TERM, INT, QUIT, HUP, KILL, USR1 or USR2 (celery: TERM finishes the running tasks).',
  },
  {
    section: 'DEPLOY',
    key: 'process_stop_timeout',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 86400,
    default: '30',
    doc: '[PROCESSES]: seconds a process has to stop before it is killed.',
  },
  {
    section: 'DEPLOY',
    key: 'services',
    list: /[\s,]+/,
    example: 'redis-server',
    rule: matches(/^[A-Za-z0-9][A-Za-z0-9@._:-]{0,127}$/, 'a systemd unit name'),
    doc: 'System services the app needs (space or comma separated): setup installs nothing for them (see extra_packages) but enables and starts them; status reports them.',
  },
  {
    section: 'DEPLOY',
    key: 'env_file',
    maxLength: 1024,
    example: '.env.production',
    doc: 'A local file (dotenv format: one KEY=value per line, # comments) whose variables join [ENV] as secrets, for values kept out of settings.ini; relative to settings.ini. Its values win over [ENV]. A line that is not KEY=value (or opens a quote it does not close) is a problem, reported by its line number, never its content; a value cut short by an unquoted # right after it is warned about.',
  },
  {
    section: 'DEPLOY',
    key: 'test_command',
    tabs: true,
    example: 'python manage.py test --noinput',
    doc: 'Command run in the new release before migrate (as the app user, in its virtualenv): a failing test stops the deploy and leaves the database unmigrated.',
  },

  {
    section: 'HOSTS',
    key: 'web',
    maxLength: HOST_LIST_LENGTH,
    list: /,/,
    example: 'ubuntu@10.0.1.11, ubuntu@10.0.1.12',
    rule: hostRule,
    doc: 'Hosts running gunicorn behind nginx (comma-separated [user@]host[:port]).',
  },
  {
    section: 'HOSTS',
    key: 'worker',
    maxLength: HOST_LIST_LENGTH,
    list: /,/,
    example: 'ubuntu@10.0.1.21',
    rule: hostRule,
    doc: "Hosts running the app's other processes only, no nginx.",
  },
  {
    section: 'HOSTS',
    key: 'primary',
    defaultDoc: 'the first web host',
    example: 'ubuntu@10.0.1.11',
    rule: hostRule,
    doc: 'The host where run-once commands go: migrate when the database is shared, [RUN_ONCE] and run_once hooks. Every run on part of the fleet (--hosts) locks it too.',
  },

  {
    section: 'HOOKS',
    key: 'before_build',
    tabs: true,
    example: 'npm ci && npm run build',
    doc: 'Run in the new release after its code is exported, before its virtualenv.',
  },
  {
    section: 'HOOKS',
    key: 'after_build',
    tabs: true,
    example: 'python manage.py compilemessages',
    doc: 'Run in the new release once it is built (after collectstatic, test_command and migrate).',
  },
  {
    section: 'HOOKS',
    key: 'before_switch',
    tabs: true,
    example: 'python manage.py check --deploy',
    doc: 'Run in the new release after it answered its health check, before traffic moves; failing stops the deploy with nothing switched.',
  },
  {
    section: 'HOOKS',
    key: 'after_switch',
    tabs: true,
    example: 'curl -fsS https://hc.example.com/deployed',
    doc: "Run in the new release once it is live, once per host. A failure is reported and the release stays live: the host's switch finishes (old slot stopped, lock released) and the run exits 5.",
  },
  {
    section: 'HOOKS',
    key: 'after_rollback',
    tabs: true,
    example: 'python manage.py notify_rollback',
    doc: 'Run in the release a rollback made live; a failure as for after_switch (exit 5).',
  },
  {
    section: 'HOOKS',
    key: 'run_once',
    list: /[\s,]+/,
    example: 'after_switch',
    rule: (v) => (HOOK_NAMES.includes(v as HookName) ? undefined : `not a hook (${HOOK_NAMES.join(', ')})`),
    doc: 'Hooks (names, comma or space separated) that run on the primary host only; the others run on every host.',
  },

  {
    section: 'LOCAL_HOOKS',
    key: 'before_deploy',
    id: 'local_before_deploy',
    tabs: true,
    example: 'npm ci && npm run build',
    doc: 'Run on this machine once the deploy is confirmed, before any host is connected to; failing stops the deploy with nothing touched (exit 7).',
  },
  {
    section: 'LOCAL_HOOKS',
    key: 'after_deploy',
    id: 'local_after_deploy',
    tabs: true,
    example: 'curl -fsS --data-binary @"$DEPLOY_CHANGES_FILE" "$CHAT_WEBHOOK_URL"',
    doc: 'Run on this machine after a deploy that went live (DEPLOY_RESULT ok, or partial when it exits 5 or 6) or had nothing to do; a failure is a warning.',
  },
  {
    section: 'LOCAL_HOOKS',
    key: 'after_failure',
    id: 'local_after_failure',
    tabs: true,
    example: 'curl -fsS --data-binary @"$DEPLOY_CHANGES_FILE" "$CHAT_WEBHOOK_URL"',
    doc: 'Run on this machine when a deploy or rollback fails once it has started (not when a before hook failed); a failure is a warning.',
  },
  {
    section: 'LOCAL_HOOKS',
    key: 'before_rollback',
    id: 'local_before_rollback',
    tabs: true,
    example: 'echo "rolling back $DEPLOY_APP on $DEPLOY_HOSTS"',
    doc: 'Run on this machine before a rollback connects to any host; failing stops it with nothing touched (exit 7).',
  },
  {
    section: 'LOCAL_HOOKS',
    key: 'after_rollback',
    id: 'local_after_rollback',
    tabs: true,
    example: 'curl -fsS --data-binary @"$DEPLOY_CHANGES_FILE" "$CHAT_WEBHOOK_URL"',
    doc: 'Run on this machine after a rollback that went live or had nothing to do; a failure is a warning.',
  },
  {
    section: 'LOCAL_HOOKS',
    key: 'pass_env',
    id: 'local_pass_env',
    list: /[\s,]+/,
    example: 'SENTRY_ENVIRONMENT',
    rule: matches(PATTERNS.envKey, 'a variable name'),
    doc: "[ENV] names (those env_file adds included), comma or space separated, whose values the local hooks get in their environment; no other secret of the settings reaches them. Their values are redacted from the hooks' output.",
  },
  {
    section: 'LOCAL_HOOKS',
    key: 'timeout',
    id: 'local_timeout',
    maxLength: 16,
    kind: 'int',
    min: 1,
    max: 86400,
    default: '300',
    doc: 'Seconds a local hook may run; then it is killed (its whole process group) and counts as failed.',
  },

  {
    section: 'APP',
    key: 'settings_file',
    maxLength: 255,
    example: 'myapp.settings.prod',
    setInExample: true,
    rule: matches(PATTERNS.module, 'a Python module path like myapp.settings.prod'),
    doc: 'DJANGO_SETTINGS_MODULE.',
  },
  {
    section: 'APP',
    key: 'debug',
    maxLength: 16,
    kind: 'bool',
    default: 'False',
    doc: 'Django DEBUG, written to the config file.',
  },
  {
    section: 'APP',
    key: 'allowed_hosts',
    list: /,/,
    defaultDoc: 'server_name, the hosts, localhost, 127.0.0.1',
    example: 'www.example.com,example.com',
    rule: matches(PATTERNS.allowedHost, 'a host name'),
    doc: 'Django ALLOWED_HOSTS, comma-separated, written to the config file.',
  },
  {
    section: 'APP',
    key: 'database_url',
    secret: true,
    defaultDoc: 'sqlite:///<home>/apps/<project_name>/shared/data/db.sqlite3',
    example: 'postgres://myapp:secret@db.internal:5432/myapp',
    rule: databaseUrlRule,
    doc: 'Database URL written to the config file.',
  },

  {
    section: 'EMAIL',
    key: 'default_from_email',
    maxLength: 320,
    example: 'webmaster@example.com',
    doc: 'Django DEFAULT_FROM_EMAIL.',
  },
  {
    section: 'EMAIL',
    key: 'email_host',
    maxLength: 253,
    example: 'smtp.example.com',
    rule: matches(PATTERNS.hostname, 'a host name'),
    doc: 'SMTP server.',
  },
  { section: 'EMAIL', key: 'email_host_password', secret: true, doc: 'SMTP password.' },
  { section: 'EMAIL', key: 'email_host_user', maxLength: 320, example: 'webmaster@example.com', doc: 'SMTP user.' },
  { section: 'EMAIL', key: 'email_port', maxLength: 16, example: '587', rule: portRule, doc: 'SMTP port.' },
  {
    section: 'EMAIL',
    key: 'email_use_tls',
    maxLength: 16,
    example: 'True',
    rule: trueFalseRule,
    doc: 'STARTTLS (usually port 587): True/False.',
  },
  {
    section: 'EMAIL',
    key: 'email_use_ssl',
    maxLength: 16,
    rule: trueFalseRule,
    doc: 'Implicit TLS (usually port 465): True/False.',
  },
];

/** Sections whose keys are free-form. */
export const FREE_SECTIONS = ['ENV', 'COMMANDS', 'RUN_ONCE', 'PROCESSES'] as const;
export const SECTIONS = ['DEPLOY', 'HOSTS', 'HOOKS', 'LOCAL_HOOKS', 'APP', 'EMAIL', ...FREE_SECTIONS] as const;

/** What settings.example.ini says under a section's header, before its keys (`myapp` is the app's name). */
export const SECTION_DOCS: Partial<Record<(typeof SECTIONS)[number], string>> = {
  EMAIL: "Written to the config file's [email] section.",
  ENV: "Extra environment variables for the app's processes, build commands and `deploy myapp run`. Values are secrets, passed literally ($, quotes, backticks are fine; no line breaks or control characters).",
  COMMANDS: 'Named shortcuts for `deploy myapp run NAME`.',
  HOSTS:
    'Instead of deploy_hosts: hosts by role (Capistrano-like). Every host gets the release; web hosts serve it behind nginx; the primary runs what must run once.',
  LOCAL_HOOKS:
    "Shell commands run on this machine, not on the servers, with `bash -c` in this file's directory, before and after `deploy myapp deploy` and `rollback`. They get the operator's environment and DEPLOY_* variables (the run's app, ref, commit, release, hosts and result; DEPLOY_CHANGES_FILE, a JSON summary), and none of the settings' secrets but the [ENV] values pass_env names. Their output is shown on stderr and logged, each line after the hook's name. --dry-run prints them and runs none.",
  HOOKS:
    "Shell commands run in the release directory as the app user, with its environment and virtualenv, under the run's lock; output shown with its step. A failing hook before the switch stops the deploy with nothing changed.",
  PROCESSES:
    "The app's other long-running processes (workers, schedulers): NAME = command, run as the app user in the live release with its environment and virtualenv, restarted with each new release after the switch (and by rollback). Only on worker hosts when [HOSTS] lists some, else on every host. Programs are named myapp-NAME.",
  RUN_ONCE:
    'Commands run once per deploy, in order, on the primary host in the new release, after migrate and before any host switches (a failure switches nothing), e.g. a cache warm-up.',
};

/** Example lines of the free sections. */
export const FREE_EXAMPLES: Record<(typeof FREE_SECTIONS)[number], string> = {
  ENV: 'SENTRY_ENVIRONMENT = production',
  COMMANDS: 'shell = python manage.py shell',
  RUN_ONCE: 'warm_cache = python manage.py warm_cache',
  PROCESSES: 'worker = celery -A myapp worker --loglevel INFO',
};

/** The key's definition by the name the code reads it by (its id, else its key); a name missing here is a bug, not input. */
export function keyDef(key: string): KeyDef {
  const def = KEYS.find((d) => (d.id ?? d.key) === key);
  if (!def) throw new Error(`no settings key ${key}`);
  return def;
}
