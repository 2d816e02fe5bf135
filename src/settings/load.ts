// Load settings.ini once, select the app, validate every key, report all problems together.
//
// The file is hostile input as far as this module is concerned: every value that reaches a
// remote command or a file on the servers passes a strict pattern here (and is quoted later
// by src/shell.ts in any case). Secrets (email password, database_url, [ENV] values) never
// appear in a problem message.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ini from 'ini';
import { closest, distance } from 'fastest-levenshtein';
import { KEYS, SECTIONS, type KeyDef, type SectionName } from './schema.js';
import type { HostSpec, Settings } from './types.js';
import { Secret } from '../shell.js';
import { SettingsError, UsageError } from '../errors.js';
import { printable } from '../printable.js';

type RawSection = Record<string, string>;
type RawApp = Partial<Record<string, RawSection>>;
interface AppSections {
  prefix: string;
  sections: RawApp;
}

export interface LoadOptions {
  app: string;
  file: string;
}

// ---------------------------------------------------------------------------------------
// Reading: bytes -> text, strictly.

export function loadSettings({ app, file }: LoadOptions): Settings {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read settings file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, 'Write one with `deploy init`, or point to it with -c FILE.');
  }
  const { text, problems } = decodeUtf8(bytes, file);
  return parseText(text, { app, file }, problems);
}

/** For text already in memory (deploy init, tests). A leading byte order mark is ignored. */
export function parseSettings(text: string, { app, file }: LoadOptions): Settings {
  return parseText(text.replace(/^\uFEFF/, ''), { app, file }, []);
}

/**
 * Strict UTF-8. A lenient decoder turns a stray Latin-1 byte into U+FFFD without a word,
 * and a value silently changes; here each line holding bytes that are not UTF-8 is a
 * problem. The rest of the file is still read (leniently) so that its other problems are
 * reported in the same run. The decoder drops a leading BOM, as editors write one.
 */
function decodeUtf8(bytes: Uint8Array, file: string): { text: string; problems: string[] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), problems: [] };
  } catch {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      throw new SettingsError(['the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8'], file);
    }
    const lines = linesNotUtf8(bytes);
    const problems = lines.slice(0, 10).map((n) => `line ${n}: not valid UTF-8 (saved as Latin-1 or another encoding? save the file as UTF-8)`);
    if (lines.length > 10) problems.push(`and ${lines.length - 10} more lines that are not valid UTF-8`);
    return { text: new TextDecoder('utf-8').decode(bytes), problems };
  }
}

/** Line numbers (1-based) of the lines that do not decode. A UTF-8 sequence never holds a 0x0A byte, so splitting bytes there is safe. */
function linesNotUtf8(bytes: Uint8Array): number[] {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const bad: number[] = [];
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      strict.decode(bytes.subarray(start, i));
    } catch {
      bad.push(line);
    }
    start = i + 1;
    line++;
  }
  return bad;
}

function parseText(text: string, { app, file }: LoadOptions, problems: string[]): Settings {
  const layout = scanLayout(text);
  problems.push(...layout.problems);
  // `ini` gives the values (quotes, escapes, inline comments); scanLayout gave the positions.
  const parsed = ini.parse(text) as Record<string, unknown>;
  const apps = listApps(parsed);
  problems.push(...appCollisions(parsed, apps, layout), ...orphanSections(layout, apps));
  if (!apps.size) throw settingsError([...problems, 'no app found: expected a [DEPLOY] section or [<app>.DEPLOY] sections'], file);
  const chosen = chooseApp(apps, app);
  if (!chosen) {
    const known = [...apps.keys()];
    const unknown = `unknown app ${printable(app)} in ${file}${suggest(app, known)}; known apps: ${known.map((k) => show(k)).join(', ')}`;
    // Problems with the file itself come first: a duplicated section can be why the app is missing.
    if (problems.length) throw settingsError([...problems, unknown], file);
    throw new UsageError(unknown);
  }
  return validate(chosen, app, file, layout, problems);
}

// ---------------------------------------------------------------------------------------
// The file's layout: where each section and key is, duplicates, lines ini would misread.

interface Layout {
  /** `${section}\0${key}` -> the line ini took the value from (the last one). */
  lines: Map<string, number>;
  /** Section name -> the lines of its headers. */
  headers: Map<string, number[]>;
  /** `${section}\0${key}` of lines already reported as misread (no "="): not checked again as values. */
  misread: Set<string>;
  problems: string[];
}

// ini's own grammar (node_modules/ini/lib/ini.js, decode): a header is alone on its line,
// from the first column; anything else with a non-space character is a key.
const INI_HEADER = /^\[([^\]]*)\]\s*$/;
const INI_KEY = /^([^=]+)(=(.*))?$/;

/**
 * Reads the text the way ini does, line by line, to know what ini cannot tell: which line
 * each key is on, which keys and sections are given twice (ini silently keeps the last
 * value, and merges repeated sections), and lines it would misread.
 */
function scanLayout(text: string): Layout {
  const layout: Layout = { lines: new Map(), headers: new Map(), misread: new Set(), problems: [] };
  const keys = new Map<string, { section: string; key: string; line: number }[]>();
  let section = '';
  text.split(/\r?\n/).forEach((physical, i) => {
    const n = i + 1;
    // ini splits lines at a lone CR too: a value could hide a second "key = value" behind one.
    if (physical.includes('\r')) layout.problems.push(`line ${n}: a carriage return inside the line (ini would read it as a line break)`);
    for (const line of physical.split('\r')) {
      if (!line.trim() || /^\s*[;#]/.test(line)) continue;
      const header = INI_HEADER.exec(line);
      if (header) {
        section = ini.unsafe(header[1]);
        push(layout.headers, section, n);
        const problem = sectionProblem(section);
        if (problem) layout.problems.push(`[${show(section)}] (line ${n}): ${problem}`);
        continue;
      }
      const kv = INI_KEY.exec(line);
      const problem = lineProblem(line, kv, section);
      const raw = kv ? ini.unsafe(kv[1]) : '';
      const key = raw.endsWith('[]') && raw.length > 2 ? raw.slice(0, -2) : raw;
      if (problem) {
        layout.problems.push(`${section ? `[${show(section)}] ` : ''}(line ${n}): ${problem}`);
        layout.misread.add(`${section}\0${key}`);
        continue;
      }
      if (key !== raw) {
        layout.problems.push(`${where(section, key, n)}: "${show(key)}[] =" lists are not supported: write one comma-separated value`);
      }
      if (key === '__proto__') layout.problems.push(`${where(section, key, n)}: not a valid key`);
      layout.lines.set(`${section}\0${key}`, n);
      push(keys, `${section}\0${canonicalKey(section, key)}`, { section, key, line: n });
    }
  });
  for (const [name, lines] of layout.headers) {
    if (lines.length > 1) layout.problems.push(`[${show(name)}] (line ${lines.at(-1)}): section header ${setTimes(lines)}; write each section once`);
  }
  for (const uses of keys.values()) {
    if (uses.length < 2) continue;
    const last = uses.at(-1)!;
    const aliases = [...new Set(uses.map((u) => u.key).filter((k) => k !== last.key))];
    const also = aliases.length ? ` (also as ${aliases.map(show).join(', ')})` : '';
    layout.problems.push(`${where(last.section, last.key, last.line)}: set ${setTimes(uses.map((u) => u.line)).replace(/^given /, '')}${also}; ini would keep only the last value`);
  }
  return layout;
}

/** "given twice: lines 3 and 7", "given 3 times: lines 1, 4 and 9" (the first nine and the last of many). */
function setTimes(lines: number[]): string {
  const times = lines.length === 2 ? 'twice' : `${lines.length} times`;
  const shown = lines.length > 10 ? [...lines.slice(0, 9), '…'] : lines.slice(0, -1);
  return `given ${times}: lines ${shown.join(', ')} and ${lines.at(-1)}`;
}

/** Why a non-header line is not a plain `key = value`, if it is not. */
function lineProblem(line: string, kv: RegExpExecArray | null, section: string): string | undefined {
  if (!kv) return 'a line starting with "=" has no key';
  if (line.startsWith('\uFEFF')) return 'starts with an invisible byte order mark (U+FEFF): only one is allowed, at the very start of the file';
  // Without "=" ini reads the whole line as a key set to true: a stray word, a header with
  // a comment after it, or the second line of a value pasted over two lines (maybe a
  // secret, so the line itself is never shown).
  if (kv[2] === undefined) {
    return /^\s*\[/.test(line)
      ? 'a [section] header must start at the first column and be alone on its line (no comment after it)'
      : 'not "key = value" (a value cannot continue on the next line)';
  }
  if (!section) return `${show(ini.unsafe(kv[1]))} is before any [section]: put it under [DEPLOY], [APP], [EMAIL], [ENV] or [COMMANDS]`;
  return undefined;
}

/** Section names: DEPLOY, APP, ... or <app>.DEPLOY, <app>.APP, ... with <app> a name. */
function sectionProblem(name: string): string | undefined {
  const known = SECTIONS as readonly string[];
  if (known.includes(name)) return undefined;
  const dot = name.lastIndexOf('.');
  const [app, base] = dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : ['', name];
  if (known.includes(base)) {
    if (PATTERNS.name.test(app) && !known.includes(app)) return undefined;
    return `unknown section: ${printable(app)} is not an app name (letters, digits, - and _, starting with a letter, at most 40)`;
  }
  const upper = base.toUpperCase();
  const best = known.includes(upper) ? upper : /"([A-Z]+)"/.exec(suggest(base, [...known]))?.[1];
  return `unknown section${best ? ` (did you mean [${app ? `${app}.` : ''}${best}]?)` : ''}`;
}

/** The schema's name for a key, so that `repository` and `repositorio` count as one. */
function canonicalKey(section: string, key: string): string {
  const base = section.slice(section.lastIndexOf('.') + 1);
  return KEYS.find((d) => d.section === base && (d.key === key || d.aliases?.includes(key)))?.key ?? key;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// ---------------------------------------------------------------------------------------
// Apps in the file.

/** ini keeps quotes when an inline comment follows: `"127.0.0.1:8032"  # ip e porta`. */
function unquote(value: unknown): string {
  const s = String(value ?? '').trim();
  const m = /^(["'])(.*)\1$/s.exec(s);
  return m ? m[2] : s;
}

function suggest(word: string, candidates: string[]): string {
  if (!candidates.length || word.length > 100) return '';
  const best = closest(word, candidates);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

const isSection = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Apps in the file: plain [DEPLOY]/[APP]/[EMAIL] is one app named by project_name; [name.DEPLOY] etc. are named apps. */
export function listApps(parsed: Record<string, unknown>): Map<string, AppSections> {
  const apps = new Map<string, AppSections>();
  const plain: RawApp = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!isSection(value)) continue;
    if ((SECTIONS as readonly string[]).includes(name)) {
      plain[name] = value as RawSection;
      continue;
    }
    const nested = Object.entries(value).filter(([k, v]) => isSection(v) && (SECTIONS as readonly string[]).includes(k));
    if (nested.length) apps.set(name, { prefix: `${name}.`, sections: Object.fromEntries(nested) as RawApp });
  }
  if (plain.DEPLOY) {
    const name = unquote(plain.DEPLOY.project_name) || '(unnamed)';
    if (!apps.has(name)) apps.set(name, { prefix: '', sections: plain });
  }
  return apps;
}

/**
 * The app asked for. A plain [DEPLOY] is keyed by its project_name: when that is missing
 * or not a valid name, the plain app is validated whatever name was asked for, so that the
 * problem is reported as the settings problem it is rather than as an unknown app.
 */
function chooseApp(apps: Map<string, AppSections>, app: string): AppSections | undefined {
  const found = apps.get(app);
  if (found) return found;
  const plain = [...apps.values()].find((a) => a.prefix === '');
  if (plain && !PATTERNS.name.test(unquote(plain.sections.DEPLOY?.project_name))) return plain;
  return undefined;
}

/** A plain [DEPLOY] whose project_name is also a [name.DEPLOY] app: listApps keeps only one of them. */
function appCollisions(parsed: Record<string, unknown>, apps: Map<string, AppSections>, layout: Layout): string[] {
  if (!isSection(parsed.DEPLOY)) return [];
  const name = unquote(parsed.DEPLOY.project_name);
  if (apps.get(name)?.prefix === '' || !apps.has(name)) return [];
  return [`${where('DEPLOY', 'project_name', layout.lines.get('DEPLOY\0project_name'))}: app "${name}" is also defined by [${name}.DEPLOY]`];
}

/** [APP], [ENV]... without a plain [DEPLOY] belong to no app: they were meant for a named one. */
function orphanSections(layout: Layout, apps: Map<string, AppSections>): string[] {
  if (layout.headers.has('DEPLOY') || !apps.size) return [];
  return FREE_OR_APP.filter((s) => layout.headers.has(s)).map(
    (s) => `[${s}] (line ${layout.headers.get(s)![0]}): belongs to no app (there is no plain [DEPLOY]); did you mean ${[...apps.keys()].map((a) => `[${a}.${s}]`).join(' or ')}?`,
  );
}
const FREE_OR_APP = SECTIONS.filter((s) => s !== 'DEPLOY');

// ---------------------------------------------------------------------------------------
// What values may be.

/** Longest value of any key; name-like keys have their own limit (KeyDef.max). */
const MAX_VALUE = 4096;

// A hostname: labels of letters, digits, _ and -, not starting or ending with - (so never an option).
const HOSTNAME = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?';
const IPV6 = '\\[[0-9a-fA-F:.]+\\]';

const PATTERNS = {
  name: /^[A-Za-z][A-Za-z0-9_-]{0,39}$/,
  user: /^[a-z_][a-z0-9_-]{0,31}$/,
  /** Path characters; cleanPath checks the rest. */
  pathChars: /^\/[A-Za-z0-9._/-]*$/,
  /** git URL (scp-like, ssh://, https://, file://) or path: no shell, whitespace or control characters. */
  repository: /^[A-Za-z0-9@:/._~%+=,[\]-]+$/,
  branch: /^[A-Za-z0-9._/+-]+$/,
  module: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/,
  wsgi: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/,
  host: new RegExp(`^([a-z_][a-z0-9_.-]{0,31})@(${HOSTNAME}|${IPV6})(?::(\\d{1,5}))?$`),
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

const BOOL: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false, '1': true, '0': false };

/** Accounts of a Debian/Ubuntu base system: running the app as one of them, or logging in as one, lends it their files. */
const SYSTEM_USERS = new Set(['root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup', 'list', 'irc', 'gnats', 'nobody', '_apt', 'messagebus', 'sshd', 'syslog', 'polkitd', 'systemd-network', 'systemd-resolve', 'systemd-timesync', 'systemd-coredump']);

// System directories: never a home (setup chowns it, a later cleanup could delete in it).
const SYSTEM_DIRS = new Set([
  '/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt', '/opt', '/proc', '/root', '/run', '/sbin', '/snap', '/srv', '/sys', '/tmp', '/usr', '/var',
  '/var/lib', '/var/log', '/var/cache', '/var/tmp', '/var/www', '/var/spool', '/var/mail', '/var/opt', '/var/backups', '/var/local',
  '/usr/local/bin', '/usr/local/etc', '/usr/local/games', '/usr/local/include', '/usr/local/lib', '/usr/local/man', '/usr/local/sbin', '/usr/local/share', '/usr/local/src',
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
const CONFIG_PARENTS = new Set(['/', '/bin', '/boot', '/dev', '/proc', '/run', '/sbin', '/sys', '/usr', '/usr/bin', '/usr/sbin', '/usr/lib', '/var', '/var/lib', '/var/log', '/tmp', '/var/tmp', '/root', '/home']);
/** Files in /etc that the system reads, and /etc directories whose every file it reads (sudo, cron, PAM, nginx...). */
const ETC_FILES = new Set(['passwd', 'shadow', 'group', 'gshadow', 'sudoers', 'hosts', 'hostname', 'fstab', 'crontab', 'environment', 'profile', 'bash.bashrc', 'resolv.conf', 'nsswitch.conf', 'ld.so.preload', 'ld.so.conf', 'login.defs', 'shells', 'machine-id', 'os-release', 'pam.conf', 'sysctl.conf']);
const ETC_DIRS = /^\/etc\/(sudoers\.d|cron\.[a-z]+|profile\.d|pam\.d|ssh|systemd|ld\.so\.conf\.d|apt|sysctl\.d|modprobe\.d|modules-load\.d|udev|init\.d|rc[0-6S]\.d|logrotate\.d|security|nginx|supervisor|default|environment\.d|tmpfiles\.d|polkit-1|dbus-1|network|netplan|NetworkManager)(\/|$)/;

type Rule = (value: string) => string | undefined;

/** The first problem any of the rules finds. */
const rules = (...list: Rule[]): Rule => (v) => {
  for (const rule of list) {
    const problem = rule(v);
    if (problem) return problem;
  }
  return undefined;
};
const matches = (pattern: RegExp, what: string): Rule => (v) => (pattern.test(v) ? undefined : `${printable(v)} is not ${what}`);
const noLeadingDash: Rule = (v) => (v.startsWith('-') ? 'must not start with "-" (a command would read it as an option)' : undefined);

/** Absolute, and as path.posix.normalize would write it: no ".", ".." or empty parts, no trailing "/". */
const cleanPath: Rule = (v) => {
  if (!PATTERNS.pathChars.test(v)) return `${printable(v)} is not an absolute path (letters, digits, ".", "_", "-" and "/")`;
  const parts = v.split('/').slice(1);
  if (v !== '/' && (posix.normalize(v) !== v || parts.some((p) => p === '' || p === '.' || p === '..'))) {
    return `${printable(v)} is not a normalized path: no "." or ".." parts, no "//", no trailing "/"`;
  }
  if (parts.some((p) => p.length > 255)) return 'has a path component longer than 255 characters';
  return undefined;
};

const homeRule: Rule = rules(cleanPath, (v) =>
  isSystemDirectory(v) ? `${printable(v)} is a system directory: give the app a directory of its own, e.g. /opt/django or /srv/<app>` : undefined,
);

/** config_file is written by root: never over a system directory or file, nor into a directory the system reads everything from. */
function configFileRule(home: string): Rule {
  return rules(cleanPath, (v) => {
    const parent = posix.dirname(v);
    if (SYSTEM_DIRS.has(v) || /^\/usr\/[^/]+$/.test(v)) return `${printable(v)} is a system directory, not a file`;
    if (CONFIG_PARENTS.has(parent) || /^\/lib[^/]*$/.test(parent)) return `${printable(v)} is directly in ${parent}: choose a directory of its own (default: <home>/configs/apps/<app>.conf)`;
    if (SYSTEM_TREES.test(`${v}/`) && !v.startsWith('/usr/local/') && !v.startsWith('/etc/')) return `${printable(v)} is in a system directory`;
    if ((parent === '/etc' && ETC_FILES.has(posix.basename(v))) || ETC_DIRS.test(v)) return `${printable(v)} is a file (or in a directory) the system itself reads`;
    if (v === home || home.startsWith(`${v}/`)) return `${printable(v)} is the home directory or contains it`;
    return undefined;
  });
}

/** Address of a gunicorn slot; unix socket paths are limited by sun_path (108 bytes), with room for the "-b" of the second slot. */
const bindRule: Rule = (v) => {
  const tcp = PATTERNS.tcpBind.exec(v);
  if (tcp) return Number(tcp[2]) >= 1 && Number(tcp[2]) <= 65535 ? undefined : `port ${tcp[2]} out of range (1-65535)`;
  const unix = PATTERNS.unixBind.exec(v);
  if (!unix) return `${printable(v)} is not host:port or unix:/path`;
  return cleanPath(unix[1]) ?? (unix[1].length > 100 ? 'socket path longer than 100 characters' : undefined);
};

/** git check-ref-format, restricted to ASCII: no "..", "//", "@{", leading "-", trailing "/", "." or ".lock". */
const branchRule: Rule = rules(matches(PATTERNS.branch, 'a branch name (letters, digits, ".", "_", "/", "+", "-")'), noLeadingDash, (v) =>
  v.includes('..') || v.includes('//') || v.endsWith('/') || v.endsWith('.') || v.split('/').some((p) => p.startsWith('.') || p.endsWith('.lock'))
    ? `${printable(v)} is not a valid git branch name (no "..", "//", parts starting with "." or ending in ".lock", no trailing "/" or ".")`
    : undefined,
);

const repositoryRule: Rule = rules(noLeadingDash, matches(PATTERNS.repository, 'a git URL or path (letters, digits and @ : / . _ ~ % + = , - only)'), (v) =>
  /^[A-Za-z][A-Za-z0-9+.-]*::/.test(v) ? 'git remote helpers ("transport::address") are not allowed' : undefined,
);

const interpreterRule: Rule = (v) => (v.startsWith('/') ? cleanPath(v) : matches(PATTERNS.interpreter, 'an interpreter name (python3) or an absolute path')(v));
const findLinksRule: Rule = (v) => (v.startsWith('/') ? cleanPath(v) : matches(PATTERNS.url, 'an absolute path or an http(s):// or file:// URL')(v));

/** database_url holds a password: the message never shows it. */
const databaseUrlRule: Rule = (v) => (PATTERNS.databaseUrl.test(v) ? undefined : 'is not a URL (scheme://…) of URL characters only: no spaces, quotes, backticks, backslashes, <, >, {, }, | or ^ (the value is not shown: it may hold a password)');

/** Comma- (or space-) separated lists. */
const list = (v: string | undefined, separator: RegExp = /,/): string[] => (v ?? '').split(separator).map((s) => s.trim()).filter(Boolean);

// ---------------------------------------------------------------------------------------
// Validation of the chosen app.

/** The chosen app's values, and the problems found so far. */
class Checker {
  private readonly values = new Map<string, { value: string; section: SectionName; raw: string }>();
  /** Keys already reported (too long, control characters...): not checked, nor reported, again. */
  private readonly reported = new Set<string>();

  constructor(
    readonly sections: RawApp,
    readonly prefix: string,
    private readonly layout: Layout,
    readonly problems: string[],
  ) {}

  /** The app's keys of a section, but those scanLayout already reported as misread. */
  entries(section: string): [string, unknown][] {
    return Object.entries(this.sections[section] ?? {}).filter(([k]) => !this.layout.misread.has(`${this.prefix}${section}\0${k}`));
  }

  /** `[DEPLOY] home (line 4)`; an invalid [ENV] name is not shown (it may be half a pasted secret). */
  where(section: string, key: string): string {
    return where(`${this.prefix}${section}`, key, this.layout.lines.get(`${this.prefix}${section}\0${key}`));
  }

  /** Where a schema key was set (under the alias it was written as). */
  at(key: string): string {
    const def = KEYS.find((d) => d.key === key) as KeyDef;
    return this.where(def.section, this.values.get(key)?.raw ?? key);
  }

  report(key: string, message: string): void {
    this.problems.push(`${this.at(key)}: ${message}`);
    this.reported.add(key);
  }

  /** The value, unless unset, empty or already reported. */
  get(key: string): string | undefined {
    const v = this.values.get(key)?.value;
    return v === undefined || v === '' || this.reported.has(key) ? undefined : v;
  }

  isSet(key: string): boolean {
    return !!this.values.get(key)?.value;
  }

  ok(key: string): boolean {
    return !this.reported.has(key);
  }

  /** The value (else the fallback, which is ours and not checked), reported when the rule finds a problem. */
  check(key: string, rule: Rule, fallback?: string): string {
    const v = this.get(key);
    if (v === undefined) return this.isSet(key) ? '' : (fallback ?? '');
    const problem = rule(v);
    if (problem) this.report(key, problem);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.get(key);
    if (v === undefined) return fallback;
    const b = BOOL[v.toLowerCase()];
    if (b === undefined) this.report(key, `${printable(v)} is not yes/no`);
    return b ?? fallback;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const v = this.get(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d{1,9}$/.test(v) || n < min || n > max) this.report(key, `${printable(v)} is not a whole number from ${min} to ${max}`);
    return n;
  }

  /**
   * Collects the schema sections' values by canonical key, reporting unknown keys (with a
   * suggestion), values too long and control characters (before any pattern, so that the
   * message says what is wrong without showing the value).
   */
  collect(): void {
    for (const section of ['DEPLOY', 'APP', 'EMAIL'] as SectionName[]) {
      const defs = KEYS.filter((k) => k.section === section);
      for (const [key, value] of this.entries(section)) {
        if (isSection(value)) continue;
        const def = defs.find((d) => d.key === key || d.aliases?.includes(key));
        if (!def) {
          const elsewhere = KEYS.find((d) => d.key === key || d.aliases?.includes(key));
          const hint = elsewhere ? ` (it belongs in [${this.prefix}${elsewhere.section}])` : suggest(key, defs.flatMap((d) => [d.key, ...(d.aliases ?? [])]));
          this.problems.push(`${this.where(section, key)}: unknown key${hint}`);
          continue;
        }
        // Set twice (also through an alias) is reported by scanLayout, with both lines.
        this.values.set(def.key, { value: unquote(value), section, raw: key });
        const problem = textProblem(unquote(value), def.max ?? MAX_VALUE, def.key === 'test_command');
        if (problem) this.report(def.key, problem);
      }
    }
  }

  /** [ENV] and [COMMANDS]: free names and values, each checked; the values are never shown. */
  free(section: 'ENV' | 'COMMANDS', name: RegExp, nameWhat: string, valueRule: Rule): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.entries(section)) {
      const value = unquote(v);
      const problem = !name.test(k) ? nameWhat : valueRule(value);
      if (problem) this.problems.push(`${this.where(section, k)}: ${problem}`);
      else out[k] = value;
    }
    return out;
  }
}

function where(section: string, key: string, line?: number): string {
  const base = section.slice(section.lastIndexOf('.') + 1);
  const shown = base === 'ENV' && !PATTERNS.envKey.test(key) ? '' : ` ${show(key)}`;
  return `[${show(section)}]${shown}${line ? ` (line ${line})` : ''}`;
}

/** Length and invisible characters: what every value must pass. Tabs only in shell commands. */
function textProblem(value: string, max: number, tabs: boolean): string | undefined {
  if (value.length > max) return `too long: ${value.length} characters (at most ${max})`;
  const control = PATTERNS.control.exec(value) ?? (tabs ? null : /\t/.exec(value));
  if (control) return `contains a control or invisible character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at ${control.index + 1}): line breaks, NUL, escapes, bidi and zero-width characters are not allowed`;
  return undefined;
}

function validate(chosen: AppSections, app: string, file: string, layout: Layout, problems: string[]): Settings {
  const c = new Checker(chosen.sections, chosen.prefix, layout, problems);
  c.collect();
  if (!chosen.sections.DEPLOY) problems.push(`missing section [${chosen.prefix}DEPLOY]`);
  for (const def of KEYS.filter((k) => k.required)) {
    if (!c.isSet(def.key)) problems.push(`${c.where(def.section, def.key)}: required${def.aliases ? ` (or ${def.aliases.join(', ')})` : ''}`);
  }

  const projectName = c.check('project_name', matches(PATTERNS.name, 'a name of letters, digits, - and _ (starting with a letter, at most 40)'));
  const name = projectName || app;
  const repository = c.check('repository', repositoryRule);
  if ((c.get('repository_type') ?? 'git') !== 'git') c.report('repository_type', 'only "git" is supported');
  const branch = c.check('branch', branchRule);

  const hosts = deployHosts(c);
  const users = accounts(c, hosts);
  const home = c.check('home', homeRule, '/opt/django');
  const configFile = c.check('config_file', configFileRule(home), `${home}/configs/apps/${name}.conf`);
  const { gunicornBind, gunicornBindAlt } = binds(c);

  const settingsModule = c.check('settings_file', matches(PATTERNS.module, 'a Python module path like myapp.settings.prod')) || undefined;
  const wsgiApp = c.check('wsgi_app', matches(PATTERNS.wsgi, 'module:callable'), `${(settingsModule ?? name).split('.')[0]}.wsgi:application`);
  const serverName = c.check('server_name', (v) => v.split(' ').map(matches(PATTERNS.serverName, 'an nginx server name (names separated by single spaces)')).find(Boolean), '_');
  const python = c.check('python', interpreterRule, 'python3');
  const pipIndexUrl = c.check('pip_index_url', matches(PATTERNS.url, 'an http(s):// or file:// URL of URL characters')) || undefined;
  const pipFindLinks = c.check('pip_find_links', findLinksRule) || undefined;
  const extraPackages = list(c.get('extra_packages'), /[\s,]+/);
  for (const p of extraPackages) if (!PATTERNS.debPackage.test(p)) c.report('extra_packages', `${printable(p)} is not a Debian package name`);
  const healthPath = c.check('health_path', matches(PATTERNS.urlPath, 'a URL path starting with / (letters, digits and - . _ ~ % / : @ + , = ? &)'), '/');

  const appRoot = `${home}/apps/${name}`;
  const defaultHosts = [...serverName.split(' ').filter((s) => s !== '_'), ...hosts.map((h) => h.host), 'localhost', '127.0.0.1'];
  const allowedHosts = list(c.get('allowed_hosts') ?? [...new Set(defaultHosts)].join(','));
  // The default comes from server_name and the hosts, checked above: only a value given is checked.
  if (c.get('allowed_hosts')) for (const h of allowedHosts) if (!PATTERNS.allowedHost.test(h)) c.report('allowed_hosts', `${printable(h)} is not a host name`);
  const databaseUrl = new Secret(c.check('database_url', databaseUrlRule, `sqlite:///${appRoot}/shared/data/db.sqlite3`));
  const email = emailSettings(c);

  const env = c.free('ENV', PATTERNS.envKey, 'not a valid variable name (letters, digits and _, not starting with a digit, at most 128)', (v) =>
    // Passed literally, never run: $, backticks, quotes are fine. The value is never shown.
    textProblem(v, MAX_VALUE, false)?.replace(/^contains/, 'value contains').replace(/^too long/, 'value too long'),
  );
  const commands = c.free('COMMANDS', PATTERNS.commandName, 'not a valid command name (a-z, digits, - and _, starting with a letter)', (v) => (v.trim() ? textProblem(v, MAX_VALUE, true) : 'empty command'));

  const settings: Settings = {
    app,
    project: name,
    file,
    repository,
    branch: branch || undefined,
    hosts,
    identityFile: c.get('identity_file'),
    strictHostKeys: c.bool('strict_host_keys', false),
    deployUser: users.deployUser,
    deployUserKeys: users.deployUserKeys,
    home,
    appUser: users.appUser,
    appRoot,
    venvsDir: `${home}/virtualenvs/${name}`,
    configFile,
    python,
    systemSitePackages: c.bool('system_site_packages', false),
    pipIndexUrl,
    pipFindLinks,
    extraPackages,
    gunicornBind,
    gunicornBindAlt,
    gunicornWorkers: c.int('gunicorn_workers', 2, 1, 256),
    gunicornTimeout: c.int('gunicorn_timeout', 30, 1, 86400),
    wsgiApp,
    serverName,
    keepReleases: c.int('keep_releases', 5, 2, 1000),
    healthPath,
    healthTimeout: c.int('health_timeout', 30, 1, 3600),
    migrate: c.bool('migrate', true),
    collectstatic: c.bool('collectstatic', true),
    testCommand: c.get('test_command'),
    django: { settingsModule, debug: c.bool('debug', false), allowedHosts, databaseUrl },
    email,
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, new Secret(v)])),
    commands,
  };
  if (problems.length) throw settingsError(problems, file);
  return settings;
}

/** All the problems, but not thousands: a file of garbage would flood the terminal. */
function settingsError(problems: string[], file: string): SettingsError {
  const max = 100;
  return new SettingsError(problems.length > max ? [...problems.slice(0, max), `… and ${problems.length - max} more problems`] : problems, file);
}

function deployHosts(c: Checker): HostSpec[] {
  const hosts: HostSpec[] = [];
  const seen = new Set<string>();
  for (const label of list(c.get('deploy_hosts'))) {
    const m = PATTERNS.host.exec(label);
    const port = m?.[3] ? Number(m[3]) : 22;
    if (!m || port < 1 || port > 65535) {
      c.report('deploy_hosts', `${printable(label)} is not user@host[:port]`);
      continue;
    }
    const host = m[2].replace(/^\[|\]$/g, '');
    // The same server twice would run two deploys against each other (the second finds the lock).
    const id = `${host.toLowerCase().replace(/\.$/, '')}:${port}`;
    if (seen.has(id)) c.report('deploy_hosts', `${printable(label)}: this server is listed twice`);
    seen.add(id);
    hosts.push({ user: m[1], host, port, label });
  }
  return hosts;
}

/** app_user runs the app; deploy_user is the SSH login without root for everyday commands. */
function accounts(c: Checker, hosts: HostSpec[]): { appUser: string; deployUser?: string; deployUserKeys: string[] } {
  const sudoers = new Set(hosts.map((h) => h.user));
  const account = (role: string, notRoot: string): Rule =>
    rules(matches(PATTERNS.user, 'a user name (a-z, digits, - and _, starting with a letter or _, at most 32)'), (v) => {
      if (v === 'root') return notRoot;
      if (SYSTEM_USERS.has(v)) return `${printable(v)} is a system account: choose a user of its own`;
      if (sudoers.has(v)) return `${printable(v)} is a deploy_hosts user, who has sudo: ${role} must be a user without it`;
      return undefined;
    });
  const appUser = c.check('app_user', account('app_user', 'the app must not run as root'), 'django');
  const deployUser = c.check('deploy_user', account('deploy_user', 'must not be root: deploy_user is the login without root')) || undefined;
  if (deployUser && deployUser === appUser) c.report('deploy_user', 'must differ from app_user (the app must not be able to change its own code)');
  const deployUserKeys = list(c.get('deploy_user_keys'));
  if (deployUserKeys.length && !deployUser && c.ok('deploy_user')) c.report('deploy_user_keys', 'has no effect without deploy_user');
  for (const key of deployUserKeys) {
    // A private key named here by mistake would be copied to the servers: only .pub files.
    if (!key.endsWith('.pub') || key.length > 1024) c.report('deploy_user_keys', `${printable(key)} is not a public key file (a .pub file)`);
  }
  return { appUser, deployUser, deployUserKeys };
}

function binds(c: Checker): { gunicornBind: string; gunicornBindAlt: string } {
  const gunicornBind = c.check('gunicorn_bind', bindRule, '127.0.0.1:8000');
  const given = c.check('gunicorn_bind_alt', bindRule);
  let gunicornBindAlt = given;
  if (!given && c.ok('gunicorn_bind') && !c.isSet('gunicorn_bind_alt')) {
    gunicornBindAlt = nextBind(gunicornBind) ?? '';
    if (!gunicornBindAlt) c.report('gunicorn_bind', 'no port left for the second slot (port + 1): set gunicorn_bind_alt');
  }
  if (gunicornBindAlt && gunicornBindAlt === gunicornBind) c.report('gunicorn_bind_alt', 'must differ from gunicorn_bind');
  return { gunicornBind, gunicornBindAlt };
}

/** The second gunicorn slot listens next to the first: port + 1, or <socket>-b; none after port 65535. */
function nextBind(bind: string): string | undefined {
  const tcp = PATTERNS.tcpBind.exec(bind);
  if (tcp) return Number(tcp[2]) < 65535 ? `${tcp[1]}:${Number(tcp[2]) + 1}` : undefined;
  return bind.replace(/(\.sock)?$/, '-b$1');
}

/** [EMAIL] goes into the config file as written: each line must stay one line (textProblem), the host a host, the port a port. */
function emailSettings(c: Checker): Record<string, string | Secret> {
  c.check('email_host', matches(PATTERNS.hostname, 'a host name'));
  c.check('email_port', (v) => (/^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : `${printable(v)} is not a port (1-65535)`));
  for (const key of ['email_use_tls', 'email_use_ssl']) c.check(key, (v) => (v.toLowerCase() in BOOL ? undefined : `${printable(v)} is not True/False`));
  const email: Record<string, string | Secret> = {};
  for (const def of KEYS.filter((k) => k.section === 'EMAIL')) {
    const v = c.get(def.key) ?? '';
    email[def.key] = def.secret ? new Secret(v) : v;
  }
  return email;
}

// ---------------------------------------------------------------------------------------
// Showing values in messages: quoted, cut short, escaped, so that a hostile value cannot
// flood the terminal or send it escape sequences.

/** Key and section names as written when plain, else as printable() shows them. */
function show(name: string): string {
  return /^[\x21-\x7e]{1,64}$/.test(name) && !name.includes('"') ? name : printable(name, 64);
}
