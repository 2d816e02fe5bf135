// Load settings.ini once, select the app, validate every key, report all problems together.
import { readFileSync } from 'node:fs';
import ini from 'ini';
import { closest, distance } from 'fastest-levenshtein';
import { KEYS, SECTIONS, type KeyDef, type SectionName } from './schema.js';
import type { HostSpec, Settings } from './types.js';
import { Secret } from '../shell.js';
import { SettingsError, UsageError } from '../errors.js';

type RawSection = Record<string, string>;
type RawApp = Partial<Record<string, RawSection>>;

/** Where each key was written, so problems can name the line. */
function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let section = '';
  text.split(/\r?\n/).forEach((line, i) => {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) section = header[1].trim();
    const kv = /^\s*([^=;#[\s][^=]*?)\s*=/.exec(line);
    if (kv && !header) lines.set(`${section}\0${kv[1]}`, i + 1);
  });
  return lines;
}

/** ini keeps quotes when an inline comment follows: `"127.0.0.1:8032"  # ip e porta`. */
function unquote(value: unknown): string {
  const s = String(value ?? '').trim();
  const m = /^(["'])(.*)\1$/.exec(s);
  return m ? m[2] : s;
}

function suggest(word: string, candidates: string[]): string {
  if (!candidates.length) return '';
  const best = closest(word, candidates);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

const isSection = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Apps in the file: plain [DEPLOY]/[APP]/[EMAIL] is one app named by project_name; [name.DEPLOY] etc. are named apps. */
export function listApps(parsed: Record<string, unknown>): Map<string, { prefix: string; sections: RawApp }> {
  const apps = new Map<string, { prefix: string; sections: RawApp }>();
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

const PATTERNS = {
  name: /^[A-Za-z][A-Za-z0-9_-]{0,39}$/,
  user: /^[a-z_][a-z0-9_-]{0,31}$/,
  path: /^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/,
  word: /^[^\s'"`$\\;|&<>()]+$/,
  module: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/,
  wsgi: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/,
  host: /^([a-z_][a-z0-9_.-]*)@([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/,
  tcpBind: /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/,
  unixBind: /^unix:(\/[A-Za-z0-9._/-]+)$/,
  serverName: /^[A-Za-z0-9.*_-]+( [A-Za-z0-9.*_-]+)*$/,
  allowedHost: /^[A-Za-z0-9.*:_[\]-]+$/,
  debPackage: /^[a-z0-9][a-z0-9+.-]+$/,
  envKey: /^[A-Za-z_][A-Za-z0-9_]*$/,
  envValue: /^[^"%\n\r]*$/,
  urlPath: /^\/[^\s'"`\\]*$/,
};

const BOOL: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false, '1': true, '0': false };

export interface LoadOptions {
  app: string;
  file: string;
}

export function loadSettings({ app, file }: LoadOptions): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read settings file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, 'Write one with `deploy init`, or point to it with -c FILE.');
  }
  return parseSettings(text, { app, file });
}

export function parseSettings(text: string, { app, file }: LoadOptions): Settings {
  const parsed = ini.parse(text) as Record<string, unknown>;
  const apps = listApps(parsed);
  if (!apps.size) throw new SettingsError(['no app found: expected a [DEPLOY] section or [<app>.DEPLOY] sections'], file);
  const chosen = apps.get(app);
  if (!chosen) {
    const known = [...apps.keys()];
    throw new UsageError(`unknown app "${app}" in ${file}${suggest(app, known)}; known apps: ${known.join(', ')}`);
  }
  return validate(chosen.sections, chosen.prefix, app, file, keyLines(text), parsed);
}

function validate(sections: RawApp, prefix: string, app: string, file: string, lines: Map<string, number>, parsed: Record<string, unknown>): Settings {
  const problems: string[] = [];
  const where = (section: string, key: string) => {
    const line = lines.get(`${prefix}${section}\0${key}`);
    return `[${prefix}${section}] ${key}${line ? ` (line ${line})` : ''}`;
  };

  // Unknown sections at the top level of the file.
  for (const [name, value] of Object.entries(parsed)) {
    if (!isSection(value)) continue;
    const isApp = [...Object.values(value)].some(isSection);
    if (!isApp && !(SECTIONS as readonly string[]).includes(name)) problems.push(`unknown section [${name}]${suggest(name, [...SECTIONS])}`);
  }

  // Collect values by canonical key, flagging unknown keys with a suggestion.
  const values = new Map<string, { value: string; section: SectionName; raw: string }>();
  for (const section of ['DEPLOY', 'APP', 'EMAIL'] as SectionName[]) {
    const raw = sections[section] ?? {};
    const defs = KEYS.filter((k) => k.section === section);
    for (const [key, value] of Object.entries(raw)) {
      if (isSection(value)) continue;
      const def = defs.find((d) => d.key === key || d.aliases?.includes(key));
      if (!def) {
        const elsewhere = KEYS.find((d) => d.key === key || d.aliases?.includes(key));
        const hint = elsewhere ? ` (it belongs in [${prefix}${elsewhere.section}])` : suggest(key, defs.flatMap((d) => [d.key, ...(d.aliases ?? [])]));
        problems.push(`${where(section, key)}: unknown key${hint}`);
        continue;
      }
      if (values.has(def.key)) problems.push(`${where(section, key)}: set twice (also as ${values.get(def.key)!.raw})`);
      values.set(def.key, { value: unquote(value), section, raw: key });
    }
  }
  if (!sections.DEPLOY) problems.push(`missing section [${prefix}DEPLOY]`);

  const get = (key: string): string | undefined => {
    const v = values.get(key)?.value;
    return v === undefined || v === '' ? undefined : v;
  };
  const at = (key: string): string => {
    const def = KEYS.find((d) => d.key === key) as KeyDef;
    return where(def.section, values.get(key)?.raw ?? key);
  };
  const check = (key: string, pattern: RegExp, what: string, fallback?: string): string => {
    const v = get(key) ?? fallback;
    if (v !== undefined && !pattern.test(v)) problems.push(`${at(key)}: ${JSON.stringify(v)} is not ${what}`);
    return v ?? '';
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = get(key);
    if (v === undefined) return fallback;
    const b = BOOL[v.toLowerCase()];
    if (b === undefined) problems.push(`${at(key)}: ${JSON.stringify(v)} is not yes/no`);
    return b ?? fallback;
  };
  const int = (key: string, fallback: number, min: number): number => {
    const v = get(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) problems.push(`${at(key)}: ${JSON.stringify(v)} is not a whole number ≥ ${min}`);
    return n;
  };

  for (const def of KEYS.filter((k) => k.required)) {
    if (!get(def.key)) problems.push(`${where(def.section, def.key)}: required${def.aliases ? ` (or ${def.aliases.join(', ')})` : ''}`);
  }

  const projectName = check('project_name', PATTERNS.name, 'a name of letters, digits, - and _ (starting with a letter)');
  const repository = check('repository', PATTERNS.word, 'a git URL without spaces or shell characters');
  if (repository.startsWith('-')) problems.push(`${at('repository')}: must not start with "-"`);
  const repoType = get('repository_type') ?? 'git';
  if (repoType !== 'git') problems.push(`${at('repository_type')}: only "git" is supported`);
  const branch = check('branch', /^[A-Za-z0-9._/-]+$/, 'a branch name');

  const hosts: HostSpec[] = [];
  for (const label of (get('deploy_hosts') ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = PATTERNS.host.exec(label);
    const port = m?.[3] ? Number(m[3]) : 22;
    if (!m || port < 1 || port > 65535) {
      problems.push(`${at('deploy_hosts')}: ${JSON.stringify(label)} is not user@host[:port]`);
      continue;
    }
    hosts.push({ user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port, label });
  }

  const home = check('home', PATTERNS.path, 'an absolute path', '/opt/django');
  if (home === '/') problems.push(`${at('home')}: must not be /`);
  const appUser = check('app_user', PATTERNS.user, 'a user name', 'django');
  if (appUser === 'root') problems.push(`${at('app_user')}: the app must not run as root`);
  const name = projectName || app;
  const configFile = check('config_file', PATTERNS.path, 'an absolute path', `${home}/configs/apps/${name}.conf`);

  const gunicornBind = check('gunicorn_bind', new RegExp(`${PATTERNS.tcpBind.source}|${PATTERNS.unixBind.source}`), 'host:port or unix:/path', '127.0.0.1:8000');
  let gunicornBindAlt = get('gunicorn_bind_alt');
  if (gunicornBindAlt) check('gunicorn_bind_alt', new RegExp(`${PATTERNS.tcpBind.source}|${PATTERNS.unixBind.source}`), 'host:port or unix:/path');
  else gunicornBindAlt = nextBind(gunicornBind);
  for (const key of ['gunicorn_bind', 'gunicorn_bind_alt']) {
    const m = PATTERNS.tcpBind.exec(get(key) ?? '');
    if (m && (Number(m[2]) < 1 || Number(m[2]) > 65535)) problems.push(`${at(key)}: port out of range`);
  }
  if (gunicornBindAlt === gunicornBind) problems.push(`${at('gunicorn_bind_alt')}: must differ from gunicorn_bind`);

  const settingsModule = check('settings_file', PATTERNS.module, 'a Python module path like myapp.settings.prod') || undefined;
  const wsgiApp = check('wsgi_app', PATTERNS.wsgi, 'module:callable', `${(settingsModule ?? name).split('.')[0]}.wsgi:application`);
  const serverName = check('server_name', PATTERNS.serverName, 'nginx server names separated by spaces', '_');
  const python = check('python', /^[A-Za-z0-9._/-]+$/, 'an interpreter name or path', 'python3');
  const pipIndexUrl = check('pip_index_url', PATTERNS.word, 'a URL without spaces') || undefined;
  const pipFindLinks = check('pip_find_links', PATTERNS.word, 'a path or URL without spaces') || undefined;
  const extraPackages = (get('extra_packages') ?? '').split(/[\s,]+/).filter(Boolean);
  for (const p of extraPackages) if (!PATTERNS.debPackage.test(p)) problems.push(`${at('extra_packages')}: ${JSON.stringify(p)} is not a Debian package name`);
  const healthPath = check('health_path', PATTERNS.urlPath, 'a path starting with /', '/');

  const appRoot = `${home}/apps/${name}`;
  const defaultHosts = [...serverName.split(' ').filter((s) => s !== '_'), ...hosts.map((h) => h.host), 'localhost', '127.0.0.1'];
  const allowedHosts = (get('allowed_hosts') ?? [...new Set(defaultHosts)].join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const h of allowedHosts) if (!PATTERNS.allowedHost.test(h)) problems.push(`${at('allowed_hosts')}: ${JSON.stringify(h)} is not a host name`);
  const databaseUrl = check('database_url', /^[^\s]+$/, 'a URL without spaces', `sqlite:///${appRoot}/shared/data/db.sqlite3`);

  const email: Record<string, string | Secret> = {};
  for (const def of KEYS.filter((k) => k.section === 'EMAIL')) {
    const v = values.get(def.key)?.value ?? '';
    email[def.key] = def.secret ? new Secret(v) : v;
  }

  const free = (section: string, keyPattern: RegExp, valuePattern: RegExp, what: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(sections[section] ?? {})) {
      const value = unquote(v);
      if (!keyPattern.test(k)) problems.push(`${where(section, k)}: not a valid name`);
      else if (!valuePattern.test(value)) problems.push(`${where(section, k)}: ${what}`);
      else out[k] = value;
    }
    return out;
  };
  const env = free('ENV', PATTERNS.envKey, PATTERNS.envValue, 'value must not contain ", % or newlines');
  const commands = free('COMMANDS', /^[a-z][a-z0-9_-]*$/, /\S/, 'empty command');

  const settings: Settings = {
    app,
    project: name,
    file,
    repository,
    branch: branch || undefined,
    hosts,
    identityFile: get('identity_file'),
    home,
    appUser,
    appRoot,
    venvsDir: `${home}/virtualenvs/${name}`,
    configFile,
    python,
    systemSitePackages: bool('system_site_packages', false),
    pipIndexUrl,
    pipFindLinks,
    extraPackages,
    gunicornBind,
    gunicornBindAlt: gunicornBindAlt ?? '',
    gunicornWorkers: int('gunicorn_workers', 2, 1),
    gunicornTimeout: int('gunicorn_timeout', 30, 1),
    wsgiApp,
    serverName,
    keepReleases: int('keep_releases', 5, 2),
    healthPath,
    healthTimeout: int('health_timeout', 30, 1),
    migrate: bool('migrate', true),
    collectstatic: bool('collectstatic', true),
    testCommand: get('test_command'),
    django: { settingsModule, debug: bool('debug', false), allowedHosts, databaseUrl },
    email,
    env,
    commands,
  };
  if (problems.length) throw new SettingsError(problems, file);
  return settings;
}

/** The second gunicorn slot listens next to the first: port + 1, or <socket>-b. */
function nextBind(bind: string): string {
  const tcp = PATTERNS.tcpBind.exec(bind);
  if (tcp) return `${tcp[1]}:${Number(tcp[2]) + 1}`;
  return bind.replace(/(\.sock)?$/, '-b$1');
}
