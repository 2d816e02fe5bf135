// What settings values may be: the patterns and rules the key table (schema.ts) names, and
// those derive.ts applies to keys whose rule depends on other keys.
//
// Every value that reaches a remote command or a file on the servers passes a strict
// pattern here (and is quoted later by src/shell.ts in any case). A rule returns the
// problem, or undefined; messages about secrets never show the value.
import { posix } from 'node:path';
import { printable } from '../printable.js';

/** Longest value of any key; name-like keys have their own limit (KeyDef.maxLength). */
export const MAX_VALUE = 4096;

// A hostname: labels of letters, digits, _ and -, not starting or ending with - (so never an option).
const HOSTNAME =
  '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?';
const IPV6 = '\\[[0-9a-fA-F:.]+\\]';

export const PATTERNS = {
  name: /^[A-Za-z][A-Za-z0-9_-]{0,39}$/,
  user: /^[a-z_][a-z0-9_-]{0,31}$/,
  /** Path characters; cleanPath checks the rest. */
  pathChars: /^\/[A-Za-z0-9._/-]*$/,
  /** git URL (scp-like, ssh://, https://, file://) or path: no shell, whitespace or control characters. */
  repository: /^[A-Za-z0-9@:/._~%+=,[\]-]+$/,
  branch: /^[A-Za-z0-9._/+-]+$/,
  module: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/,
  wsgi: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/,
  host: new RegExp(`^(?:([a-z_][a-z0-9_.-]{0,31})@)?(${HOSTNAME}|${IPV6})(?::(\\d{1,5}))?$`),
  hostname: new RegExp(`^${HOSTNAME}$`),
  tcpBind: new RegExp(`^(${HOSTNAME}|${IPV6}):(\\d{1,5})$`),
  unixBind: /^unix:(\/.*)$/,
  serverName: /^[A-Za-z0-9*_][A-Za-z0-9.*_-]{0,252}$/,
  allowedHost: /^[A-Za-z0-9.*:_[\]][A-Za-z0-9.*:_[\]-]{0,252}$/,
  debPackage: /^[a-z0-9][a-z0-9+.-]{1,127}$/,
  envKey: /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
  commandName: /^[a-z][a-z0-9_-]{0,63}$/,
  urlPath: /^\/[A-Za-z0-9._~%/:@+,=?&-]*$/,
  interpreter: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  /** http(s) or file URL; no shell characters, whitespace or quotes. */
  url: /^(https?|file):\/\/[A-Za-z0-9._~%+=:@/,[\]-]+$/,
  /** Any URL-ish value: scheme:// then RFC 3986 characters (no space, quote, backtick, backslash, <>, {}, |, ^). */
  databaseUrl: /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[A-Za-z0-9._~%!$&'()*+,;=:@/?#[\]-]*$/,
  /** A line break, NUL, escape... or an invisible character (zero-width, bidi override) that makes text read differently than it runs. */
  control: /[\0-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/,
};

export const BOOL: Record<string, boolean> = {
  yes: true,
  no: false,
  true: true,
  false: false,
  on: true,
  off: false,
  '1': true,
  '0': false,
};

/** Accounts of a Debian/Ubuntu base system: running the app as one of them, or logging in as one, lends it their files. */
const SYSTEM_USERS = new Set([
  'root',
  'daemon',
  'bin',
  'sys',
  'sync',
  'games',
  'man',
  'lp',
  'mail',
  'news',
  'uucp',
  'proxy',
  'www-data',
  'backup',
  'list',
  'irc',
  'gnats',
  'nobody',
  '_apt',
  'messagebus',
  'sshd',
  'syslog',
  'polkitd',
  'systemd-network',
  'systemd-resolve',
  'systemd-timesync',
  'systemd-coredump',
]);

// System directories: never a home (setup chowns it, a later cleanup could delete in it).
const SYSTEM_DIRS = new Set([
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/media',
  '/mnt',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/snap',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/var',
  '/var/lib',
  '/var/log',
  '/var/cache',
  '/var/tmp',
  '/var/www',
  '/var/spool',
  '/var/mail',
  '/var/opt',
  '/var/backups',
  '/var/local',
  '/usr/local/bin',
  '/usr/local/etc',
  '/usr/local/games',
  '/usr/local/include',
  '/usr/local/lib',
  '/usr/local/man',
  '/usr/local/sbin',
  '/usr/local/share',
  '/usr/local/src',
]);
/** Trees that belong to the system as a whole (/usr/local/<something> excepted). */
const SYSTEM_TREES = /^\/(proc|sys|dev|boot|run|bin|sbin|lib[^/]*|etc|usr|var\/run|var\/lock)\//;

/**
 * Is this a directory of the system itself (/, /etc, /usr/lib, /var/log, anything under
 * /proc, /sys, /dev, /boot, /run, /bin, /sbin, /lib*, /etc or /usr but /usr/local/…),
 * which the tool must never own, chown or delete in? Relative paths are taken from /.
 */
export function isSystemDirectory(path: string): boolean {
  const p = posix.resolve('/', path);
  if (SYSTEM_DIRS.has(p) || /^\/usr\/[^/]+$/.test(p)) return true;
  return SYSTEM_TREES.test(`${p}/`) && !p.startsWith('/usr/local/');
}

/** Parent directories config_file may not be written into: the system's own. */
const CONFIG_PARENTS = new Set([
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/usr/bin',
  '/usr/sbin',
  '/usr/lib',
  '/var',
  '/var/lib',
  '/var/log',
  '/tmp',
  '/var/tmp',
  '/root',
  '/home',
]);
/** Files in /etc that the system reads, and /etc directories whose every file it reads (sudo, cron, PAM, nginx...). */
const ETC_FILES = new Set([
  'passwd',
  'shadow',
  'group',
  'gshadow',
  'sudoers',
  'hosts',
  'hostname',
  'fstab',
  'crontab',
  'environment',
  'profile',
  'bash.bashrc',
  'resolv.conf',
  'nsswitch.conf',
  'ld.so.preload',
  'ld.so.conf',
  'login.defs',
  'shells',
  'machine-id',
  'os-release',
  'pam.conf',
  'sysctl.conf',
]);
/** Directories of /etc whose files the system runs or trusts (as regular expressions). */
const ETC_DIR_NAMES = [
  'sudoers\\.d',
  'cron\\.[a-z]+',
  'profile\\.d',
  'pam\\.d',
  'ssh',
  'systemd',
  'ld\\.so\\.conf\\.d',
  'apt',
  'sysctl\\.d',
  'modprobe\\.d',
  'modules-load\\.d',
  'udev',
  'init\\.d',
  'rc[0-6S]\\.d',
  'logrotate\\.d',
  'security',
  'nginx',
  'supervisor',
  'default',
  'environment\\.d',
  'tmpfiles\\.d',
  'polkit-1',
  'dbus-1',
  'network',
  'netplan',
  'NetworkManager',
];
const ETC_DIRS = new RegExp(`^/etc/(${ETC_DIR_NAMES.join('|')})(/|$)`);

export type Rule = (value: string) => string | undefined;

/** The first problem any of the rules finds. */
export const rules =
  (...list: Rule[]): Rule =>
  (v) => {
    for (const rule of list) {
      const problem = rule(v);
      if (problem) return problem;
    }
    return undefined;
  };
export const matches =
  (pattern: RegExp, what: string): Rule =>
  (v) =>
    pattern.test(v) ? undefined : `${printable(v)} is not ${what}`;
const noLeadingDash: Rule = (v) =>
  v.startsWith('-') ? 'must not start with "-" (a command would read it as an option)' : undefined;

/** Absolute, and as path.posix.normalize would write it: no ".", ".." or empty parts, no trailing "/". */
export const cleanPath: Rule = (v) => {
  if (!PATTERNS.pathChars.test(v))
    return `${printable(v)} is not an absolute path (letters, digits, ".", "_", "-" and "/")`;
  const parts = v.split('/').slice(1);
  if (v !== '/' && (posix.normalize(v) !== v || parts.some((p) => p === '' || p === '.' || p === '..'))) {
    return `${printable(v)} is not a normalized path: no "." or ".." parts, no "//", no trailing "/"`;
  }
  if (parts.some((p) => p.length > 255)) return 'has a path component longer than 255 characters';
  return undefined;
};

export const homeRule: Rule = rules(cleanPath, (v) =>
  isSystemDirectory(v)
    ? `${printable(v)} is a system directory: give the app a directory of its own, e.g. /opt/django or /srv/<app>`
    : undefined,
);

/** config_file is written by root: never over a system directory or file, nor into a directory the system reads everything from. */
export function configFileRule(home: string): Rule {
  return rules(cleanPath, (v) => {
    const parent = posix.dirname(v);
    if (SYSTEM_DIRS.has(v) || /^\/usr\/[^/]+$/.test(v)) return `${printable(v)} is a system directory, not a file`;
    if (CONFIG_PARENTS.has(parent) || /^\/lib[^/]*$/.test(parent))
      return `${printable(v)} is directly in ${parent}: choose a directory of its own (default: <home>/configs/apps/<app>.conf)`;
    if (SYSTEM_TREES.test(`${v}/`) && !v.startsWith('/usr/local/') && !v.startsWith('/etc/'))
      return `${printable(v)} is in a system directory`;
    if ((parent === '/etc' && ETC_FILES.has(posix.basename(v))) || ETC_DIRS.test(v))
      return `${printable(v)} is a file (or in a directory) the system itself reads`;
    if (v === home || home.startsWith(`${v}/`)) return `${printable(v)} is the home directory or contains it`;
    return inAppTrees(v, home);
  });
}

/** The trees the app user writes in its home (docs/threat-model.md): root reads nothing from there. */
export function appTrees(home: string): string[] {
  return ['apps', 'virtualenvs', '.ssh', '.cache'].map((d) => `${home}/${d}`);
}

/** A file root reads or writes may not lie where the app user can write (a link there could lead anywhere). */
export function inAppTrees(v: string, home: string): string | undefined {
  const tree = appTrees(home).find((t) => v === t || v.startsWith(`${t}/`));
  return tree
    ? `${printable(v)} is inside ${tree}, which the app user writes: root reads and writes this file, so it must lie where only root can write`
    : undefined;
}

/** app_user and deploy_user: a user name of its own, never root (each says why) nor a system account. */
export const accountRule = (notRoot: string): Rule =>
  rules(matches(PATTERNS.user, 'a user name (a-z, digits, - and _, starting with a letter or _, at most 32)'), (v) => {
    if (v === 'root') return notRoot;
    if (SYSTEM_USERS.has(v)) return `${printable(v)} is a system account: choose a user of its own`;
    return undefined;
  });

/** Address of a gunicorn slot; unix socket paths are limited by sun_path (108 bytes), with room for the "-b" of the second slot. */
export const bindRule: Rule = (v) => {
  const tcp = PATTERNS.tcpBind.exec(v);
  if (tcp) return Number(tcp[2]) >= 1 && Number(tcp[2]) <= 65535 ? undefined : `port ${tcp[2]} out of range (1-65535)`;
  const unix = PATTERNS.unixBind.exec(v);
  if (!unix) return `${printable(v)} is not host:port or unix:/path`;
  return cleanPath(unix[1]) ?? (unix[1].length > 100 ? 'socket path longer than 100 characters' : undefined);
};

/** git check-ref-format, restricted to ASCII: no "..", "//", "@{", leading "-", trailing "/", "." or ".lock". */
export const branchRule: Rule = rules(
  matches(PATTERNS.branch, 'a branch name (letters, digits, ".", "_", "/", "+", "-")'),
  noLeadingDash,
  (v) =>
    v.includes('..') ||
    v.includes('//') ||
    v.endsWith('/') ||
    v.endsWith('.') ||
    v.split('/').some((p) => p.startsWith('.') || p.endsWith('.lock'))
      ? `${printable(v)} is not a valid git branch name (no "..", "//", parts starting with "." or ending in ".lock", no trailing "/" or ".")`
      : undefined,
);

export const repositoryRule: Rule = rules(
  noLeadingDash,
  matches(PATTERNS.repository, 'a git URL or path (letters, digits and @ : / . _ ~ % + = , - only)'),
  (v) =>
    /^[A-Za-z][A-Za-z0-9+.-]*::/.test(v) ? 'git remote helpers ("transport::address") are not allowed' : undefined,
);

export const interpreterRule: Rule = (v) =>
  v.startsWith('/')
    ? cleanPath(v)
    : matches(PATTERNS.interpreter, 'an interpreter name (python3) or an absolute path')(v);
export const findLinksRule: Rule = (v) =>
  v.startsWith('/') ? cleanPath(v) : matches(PATTERNS.url, 'an absolute path or an http(s):// or file:// URL')(v);

/** One of server_name's names. */
export const serverNameRule: Rule = matches(PATTERNS.serverName, 'an nginx server name (letters, digits, . - _ and *)');

/** A file copied to the servers' authorized_keys: a private key named by mistake must never be, so only .pub files. */
export const publicKeyFileRule: Rule = (v) =>
  !v.endsWith('.pub') || v.length > 1024 ? `${printable(v)} is not a public key file (a .pub file)` : undefined;

/** database_url holds a password: the message never shows it. */
export const databaseUrlRule: Rule = (v) =>
  PATTERNS.databaseUrl.test(v)
    ? undefined
    : 'is not a URL (scheme://…) of URL characters only: no spaces, quotes, backticks, backslashes, <, >, {, }, | or ^ (the value is not shown: it may hold a password)';

export const portRule: Rule = (v) =>
  /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : `${printable(v)} is not a port (1-65535)`;

/** [EMAIL] flags are written to the config file as given (Django reads True/False), so only checked, not converted. */
export const trueFalseRule: Rule = (v) => (v.toLowerCase() in BOOL ? undefined : `${printable(v)} is not True/False`);

/** Comma- (or space-) separated lists. */
export const list = (v: string | undefined, separator: RegExp = /,/): string[] =>
  (v ?? '')
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);

/** Length and invisible characters: what every value must pass. Tabs only in shell commands. */
export function textProblem(value: string, max: number, tabs: boolean): string | undefined {
  if (value.length > max) return `too long: ${value.length} characters (at most ${max})`;
  const control = PATTERNS.control.exec(value) ?? (tabs ? null : /\t/.exec(value));
  if (control)
    return `contains a control or invisible character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at ${control.index + 1}): line breaks, NUL, escapes, bidi and zero-width characters are not allowed`;
  return undefined;
}

/** [user@]host[:port], a port from 1 to 65535. */
export const hostRule: Rule = (v) => {
  const m = PATTERNS.host.exec(v);
  return m && (!m[3] || (Number(m[3]) >= 1 && Number(m[3]) <= 65535))
    ? undefined
    : `${printable(v)} is not [user@]host[:port]`;
};

/** A number of hosts (0 or more) or a percentage (0% to 100%). */
export const failureBudgetRule: Rule = (v) => {
  const m = /^(\d{1,4})(%?)$/.exec(v);
  return m && (!m[2] || Number(m[1]) <= 100)
    ? undefined
    : `${printable(v)} is not a number of hosts (0 or more) or a percentage (0% to 100%)`;
};

/** A percentage, up to three decimals: 1%, 0.5%. */
export const percentRule: Rule = (v) => {
  const m = /^(\d{1,3}(?:\.\d{1,3})?)%$/.exec(v);
  return m && Number(m[1]) <= 100 ? undefined : `${printable(v)} is not a percentage (0% to 100%, e.g. 0.5%)`;
};

/** A number of hosts (1 or more) or a percentage (1% to 100%). */
export const batchSizeRule: Rule = (v) => {
  const m = /^(\d{1,4})(%?)$/.exec(v);
  const n = Number(m?.[1]);
  return m && n >= 1 && (!m[2] || n <= 100)
    ? undefined
    : `${printable(v)} is not a number of hosts (1 or more) or a percentage (1% to 100%)`;
};
