// Load settings.ini once, select the app, validate every key, report all problems together.
//
// The file is hostile input as far as this module is concerned: every value that reaches a
// remote command or a file on the servers passes a strict pattern (rules.ts, named by the key
// table in schema.ts) and is quoted later by src/shell.ts in any case. Secrets (email
// password, database_url, [ENV] values) never appear in a problem message.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ini from 'ini';
import { parse as parseDotenv } from 'dotenv';
import { closest, distance } from 'fastest-levenshtein';
import { FREE_SECTIONS, HOOK_NAMES, KEYS, SECTIONS, keyDef, type HookName, type SectionName } from './schema.js';
import { BOOL, MAX_VALUE, PATTERNS, cleanPath, configFileRule, inAppTrees, list, textProblem, type Rule } from './rules.js';
import type { HostSpec, Role, Settings } from './types.js';
import { Secret } from '../shell.js';
import { SettingsError, UsageError } from '../errors.js';
import { printable } from '../printable.js';

// It moved to rules.ts; callers (and tests) import it from here, the settings module.
export { isSystemDirectory } from './rules.js';

type RawSection = Record<string, string>;
type RawApp = Partial<Record<string, RawSection>>;
interface AppSections {
  prefix: string;
  sections: RawApp;
}

export interface LoadOptions {
  app: string;
  file: string;
  /** The command about to run: setup also reads the local files it needs (deploy_user's public keys). */
  command?: string;
}

// ---------------------------------------------------------------------------------------
// Reading: bytes -> text, strictly.

export function loadSettings({ app, file, command }: LoadOptions): Settings {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read settings file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, 'Write one with `deploy init`, or point to it with -c FILE.');
  }
  const { text, problems } = decodeUtf8(bytes, file);
  return parseText(text, { app, file, command }, problems);
}

/** For text already in memory (deploy init, tests). A leading byte order mark is ignored. */
export function parseSettings(text: string, options: LoadOptions): Settings {
  return parseText(text.replace(/^\uFEFF/, ''), options, []);
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

function parseText(text: string, { app, file, command }: LoadOptions, problems: string[]): Settings {
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
  return validate(chosen, { app, file, command }, layout, problems);
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
  /** `${section}\0${key}` -> where ini cut the value at an inline comment (the line ini took the value from). */
  cuts: Map<string, Cut>;
  problems: string[];
}

/** A value ini cut at an unquoted ";" or "#" (seed 000's inline comments). */
interface Cut {
  line: number;
  char: string;
  /** Right after a character of the value (`a;b`, `/x#y`), not after a space as a comment is written. */
  attached: boolean;
  /** What ini dropped, after the comment character. */
  rest: string;
  /** The value as written, comment and all. */
  written: string;
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
  const layout: Layout = { lines: new Map(), headers: new Map(), misread: new Set(), cuts: new Map(), problems: [] };
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
      const cut = inlineComment(kv?.[3] ?? '');
      if (cut) layout.cuts.set(`${section}\0${key}`, { line: n, ...cut });
      else layout.cuts.delete(`${section}\0${key}`);
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

/**
 * Where ini cuts a value: at the first ";" or "#" not escaped by a backslash, unless the value
 * is wholly in quotes (node_modules/ini/lib/ini.js, unsafe). Only the position is computed
 * here; the value itself is still ini's.
 */
function inlineComment(raw: string): Omit<Cut, 'line'> | undefined {
  const written = raw.trim();
  if (/^(".*"|'.*')$/s.test(written)) return undefined;
  for (let i = 0; i < written.length; i++) {
    if (written[i] === '\\') i++;
    else if (written[i] === ';' || written[i] === '#') {
      return { char: written[i], attached: i > 0 && !/\s/.test(written[i - 1]), rest: written.slice(i + 1), written };
    }
  }
  return undefined;
}

/**
 * Warnings for values an inline comment cut short where that was likely not meant: right after
 * a character of the value (`a;b`), or anywhere in a shell command (`make; make install`, where
 * ";" is the shell's). A comment after a space (`"127.0.0.1:8032"  # ip e porta`) is the syntax
 * working as documented. Secrets are never shown; other values get the line that keeps them.
 */
function cutWarnings(layout: Layout, prefix: string): string[] {
  const found: { line: number; text: string }[] = [];
  for (const [id, cut] of layout.cuts) {
    const section = id.slice(0, id.indexOf('\0'));
    const key = id.slice(section.length + 1);
    const base = section.slice(prefix.length);
    if (!section.startsWith(prefix) || !(SECTIONS as readonly string[]).includes(base)) continue;
    const def = KEYS.find((d) => d.section === base && (d.key === key || d.aliases?.includes(key)));
    const free = (FREE_SECTIONS as readonly string[]).includes(base);
    // Unknown keys and names that are not variable names are problems already.
    if ((!def && !free) || (base === 'ENV' && !PATTERNS.envKey.test(key))) continue;
    // KeyDef.tabs marks the keys that are shell commands, like the free command sections.
    const command = def ? !!def.tabs : base !== 'ENV';
    if (!cut.attached && !(command && cut.rest.trim())) continue;
    const secret = base === 'ENV' || !!def?.secret;
    const keep = secret ? undefined : quoteWhole(cut.written);
    const how = keep ? `${show(key)} = ${keep}` : `${show(key)} = '…' (or "…", with any " and \\ in it written \\" and \\\\)`;
    const aside = command ? ' (a comment goes on a line of its own)' : '';
    found.push({ line: cut.line, text: `${where(section, key, cut.line)}: "${cut.char}" starts a comment, so the value ends before it${aside}; to keep the rest, quote the whole value: ${how}` });
  }
  return found.sort((a, b) => a.line - b.line).map((f) => f.text);
}

/** The value in quotes that ini reads back as the whole of it ('…' when it holds no ', else "…" as JSON), if it can be shown. */
function quoteWhole(written: string): string | undefined {
  if (!/^[\x20-\x7e]{1,300}$/.test(written)) return undefined;
  const keeps = (quoted: string) => unquote(ini.unsafe(quoted)) === written;
  return [`'${written}'`, JSON.stringify(written)].find((q) => !(q.startsWith("'") && written.includes("'")) && keeps(q));
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
// Validation of the chosen app.

/** The chosen app's values, and the problems found so far. */
class Checker {
  private readonly values = new Map<string, { value: string; section: SectionName; raw: string }>();
  /** Keys already reported (too long, control characters...): not checked, nor reported, again. */
  private readonly reported = new Set<string>();
  /** What loads but was likely not meant (Settings.warnings). */
  readonly warnings: string[] = [];

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
    return this.where(keyDef(key).section, this.values.get(key)?.raw ?? key);
  }

  report(key: string, message: string): void {
    this.problems.push(`${this.at(key)}: ${message}`);
    this.reported.add(key);
  }

  /** Said, not refused: the run goes on. */
  warn(key: string, message: string): void {
    this.warnings.push(`${this.at(key)}: ${message}`);
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
  check(key: string, rule: Rule | undefined, fallback?: string): string {
    const v = this.get(key);
    if (v === undefined) return this.isSet(key) ? '' : (fallback ?? '');
    const problem = rule?.(v);
    if (problem) this.report(key, problem);
    return v;
  }

  /** The value checked by the key table's rule; unset, the table's default, or `computed` when load.ts computes it from other keys. */
  value(key: string, computed?: string): string {
    const def = keyDef(key);
    return this.check(key, def.rule, computed ?? def.default);
  }

  /** A list key's items, each checked by the table's rule; unset, the fallback's (ours, not checked). */
  items(key: string, fallback?: string): string[] {
    const def = keyDef(key);
    if (this.get(key) === undefined) return list(fallback ?? def.default, def.list);
    const items = list(this.get(key), def.list);
    this.checkEach(key, items);
    return items;
  }

  /** Reports each item the table's rule refuses (each one: the user fixes them all in one go). */
  checkEach(key: string, items: string[]): void {
    const rule = keyDef(key).rule;
    for (const item of items) {
      const problem = rule?.(item);
      if (problem) this.report(key, problem);
    }
  }

  /** A yes/no key; unset or refused, the table's default. */
  bool(key: string): boolean {
    const def = keyDef(key);
    const fallback = BOOL[(def.default ?? '').toLowerCase()] ?? false;
    const v = this.get(key);
    if (v === undefined) return fallback;
    const b = BOOL[v.toLowerCase()];
    if (b === undefined) this.report(key, `${printable(v)} is not yes/no`);
    return b ?? fallback;
  }

  /** A whole number key, from the table's min to max; unset, the table's default. */
  int(key: string): number {
    const { min = 0, max = 0, default: fallback } = keyDef(key);
    const v = this.get(key);
    if (v === undefined) return Number(fallback);
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
    for (const section of ['DEPLOY', 'HOSTS', 'HOOKS', 'APP', 'EMAIL'] as SectionName[]) {
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
        const problem = textProblem(unquote(value), def.maxLength ?? MAX_VALUE, !!def.tabs);
        if (problem) this.report(def.key, problem);
      }
    }
  }

  /** [ENV] and [COMMANDS]: free names and values, each checked; the values are never shown. */
  free(section: 'ENV' | 'COMMANDS' | 'RUN_ONCE' | 'PROCESSES', name: RegExp, nameWhat: string, valueRule: Rule): Record<string, string> {
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

/**
 * Each key's rule and literal default come from the key table (c.value, c.items, c.bool,
 * c.int); what is written here is what depends on other keys. Keys are checked in this
 * order, which is the order of their problems.
 */
function validate(chosen: AppSections, { app, file, command }: LoadOptions, layout: Layout, problems: string[]): Settings {
  const c = new Checker(chosen.sections, chosen.prefix, layout, problems);
  c.collect();
  c.warnings.push(...cutWarnings(layout, chosen.prefix));
  if (!chosen.sections.DEPLOY) problems.push(`missing section [${chosen.prefix}DEPLOY]`);
  for (const def of KEYS.filter((k) => k.required)) {
    if (!c.isSet(def.key)) problems.push(`${c.where(def.section, def.key)}: required${def.aliases ? ` (or ${def.aliases.join(', ')})` : ''}`);
  }

  const projectName = c.value('project_name');
  const name = projectName || app;
  const repository = c.value('repository');
  c.value('repository_type');
  const branch = c.value('branch');

  const { hosts, primary } = fleetHosts(c);
  const users = accounts(c, hosts);
  const deployUserKeys = authorisedKeys(c, users.deployUser, users.deployUserKeys, command === 'setup');
  const home = c.value('home');
  // Its rule (never the home, nor containing it) and its default depend on home.
  const configFile = c.check('config_file', configFileRule(home), `${home}/configs/apps/${name}.conf`);
  const { gunicornBind, gunicornBindAlt } = binds(c);

  const settingsModule = c.value('settings_file') || undefined;
  // The default names the app's package: the settings module's first part.
  const wsgiApp = c.value('wsgi_app', `${(settingsModule ?? name).split('.')[0]}.wsgi:application`);
  const serverNames = c.items('server_name');
  const serverName = serverNames.join(' ') || '_';
  const python = c.value('python');
  const pipIndexUrl = c.value('pip_index_url') || undefined;
  const pipFindLinks = c.value('pip_find_links') || undefined;
  const extraPackages = c.items('extra_packages');
  const healthPath = c.value('health_path');

  const appRoot = `${home}/apps/${name}`;
  const defaultHosts = [...serverName.split(' ').filter((s) => s !== '_'), ...hosts.map((h) => h.host), 'localhost', '127.0.0.1'];
  // The default comes from server_name and the hosts, checked above: only a value given is checked.
  const allowedHosts = c.items('allowed_hosts', [...new Set(defaultHosts)].join(','));
  // The default lives in the app's directory, which depends on home and project_name.
  const databaseUrl = new Secret(c.value('database_url', `sqlite:///${appRoot}/shared/data/db.sqlite3`));
  const email = emailSettings(c);

  const env = c.free('ENV', PATTERNS.envKey, 'not a valid variable name (letters, digits and _, not starting with a digit, at most 128)', (v) =>
    // Passed literally, never run: $, backticks, quotes are fine. The value is never shown.
    textProblem(v, MAX_VALUE, false)?.replace(/^contains/, 'value contains').replace(/^too long/, 'value too long'),
  );
  const runOnce = c.free('RUN_ONCE', PATTERNS.commandName, 'not a valid command name (a-z, digits, - and _, starting with a letter)', (v) => (v.trim() ? textProblem(v, MAX_VALUE, true) : 'empty command'));
  const processes = c.free('PROCESSES', PATTERNS.commandName, 'not a valid process name (a-z, digits, - and _, starting with a letter)', (v) => (v.trim() ? textProblem(v, MAX_VALUE, true) : 'empty command'));
  // The gunicorn slots are programs <app>-a and <app>-b; the boot unit is deploy-<app>-boot.
  for (const n of Object.keys(processes).filter((n) => n === 'a' || n === 'b')) problems.push(`${c.where('PROCESSES', n)}: "a" and "b" name the gunicorn slots: choose another process name`);
  const hooks = hookSettings(c);
  Object.assign(env, envFile(c, file));
  const processManager = c.value('process_manager') as Settings['processManager'];
  if (processManager === 'systemd' && users.deployUser) c.report('process_manager', 'systemd does not work with deploy_user yet (deploy_user controls supervisor through its socket): use supervisor, or no deploy_user');
  const commands = c.free('COMMANDS', PATTERNS.commandName, 'not a valid command name (a-z, digits, - and _, starting with a letter)', (v) => (v.trim() ? textProblem(v, MAX_VALUE, true) : 'empty command'));

  const settings: Settings = {
    app,
    warnings: c.warnings,
    project: name,
    file,
    repository,
    branch: branch || undefined,
    hosts,
    primary,
    parallel: c.int('parallel'),
    batchSize: batchSize(c),
    proxyJump: list(c.get('proxy_jump')).flatMap((label) => parseHost(c, 'proxy_jump', label, []) ?? []),
    identityFile: c.value('identity_file') || undefined,
    strictHostKeys: c.bool('strict_host_keys'),
    appUserRiskAccepted: c.value('app_user_risk_accepted') || undefined,
    deployUser: users.deployUser,
    deployUserKeys,
    home,
    appUser: users.appUser,
    appRoot,
    venvsDir: `${home}/virtualenvs/${name}`,
    configFile,
    python,
    systemSitePackages: c.bool('system_site_packages'),
    pipIndexUrl,
    pipFindLinks,
    extraPackages,
    gunicornBind,
    gunicornBindAlt,
    gunicornWorkers: c.isSet('gunicorn_workers') ? c.int('gunicorn_workers') : undefined,
    gunicornThreads: c.int('gunicorn_threads'),
    gunicornTimeout: c.int('gunicorn_timeout'),
    wsgiApp,
    serverName,
    web: webSettings(c, serverNames, home),
    keepReleases: c.int('keep_releases'),
    healthPath,
    healthTimeout: c.int('health_timeout'),
    migrate: c.bool('migrate'),
    collectstatic: c.bool('collectstatic'),
    testCommand: c.value('test_command') || undefined,
    django: { settingsModule, debug: c.bool('debug'), allowedHosts, databaseUrl },
    email,
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, new Secret(v)])),
    commands,
    runOnce,
    processes,
    processManager,
    processStop: { signal: c.value('process_stop_signal'), timeout: c.int('process_stop_timeout') },
    services: c.items('services'),
    hooks,
  };
  if (problems.length) throw settingsError(problems, file);
  return settings;
}

/** nginx's ports, HTTPS, uploads and the maintenance page; HTTPS needs names a certificate can cover. */
function webSettings(c: Checker, names: string[], home: string): Settings['web'] {
  const ssl = c.value('ssl') as Settings['web']['ssl'];
  const listenPort = c.int('listen_port');
  const sslPort = c.int('ssl_port');
  const first = names[0] ?? '_';
  if (ssl !== 'none') {
    if (names.includes('_') || !names.length) c.report('ssl', `ssl = ${ssl} needs server_name to list the site's names (a certificate cannot cover "_")`);
    if (ssl === 'letsencrypt' && names.some((n) => n.includes('*'))) c.report('ssl', 'ssl = letsencrypt cannot cover wildcard names (HTTP-01): list each name, or use ssl = custom');
    if (listenPort === sslPort) c.report('ssl_port', `${sslPort} is also listen_port: HTTP and HTTPS need their own ports`);
  }
  // nginx's master (root) reads them: never from where the app user writes.
  const custom = (key: string, ext: string) => c.check(key, (v) => (v.startsWith('/') ? (cleanPath(v) ?? inAppTrees(v, home)) : 'an absolute path on the server'), `/etc/ssl/private/httpd/${first}/${first}.${ext}`);
  return {
    listenPort,
    sslPort,
    ssl,
    acme: { email: c.value('acme_email') || undefined, server: c.value('acme_server') },
    certificate: custom('ssl_certificate', 'crt'),
    certificateKey: custom('ssl_certificate_key', 'key'),
    hsts: c.bool('hsts'),
    clientMaxBodySize: c.value('client_max_body_size'),
    maintenanceAuto: c.value('maintenance') === 'auto',
    maintenanceRetryAfter: c.int('maintenance_retry_after'),
  };
}

/** [HOOKS]: each hook's command, and whether it runs on the primary only (run_once). */
function hookSettings(c: Checker): Settings['hooks'] {
  const once = new Set(c.items('run_once'));
  const hooks: Settings['hooks'] = {};
  for (const name of HOOK_NAMES) {
    const command = c.value(name);
    if (command.trim()) hooks[name] = { command, once: once.has(name) };
    else if (c.isSet(name)) c.report(name, 'empty command');
  }
  for (const name of once) if (HOOK_NAMES.includes(name as HookName) && !hooks[name as HookName]) c.report('run_once', `${name} is not set in [HOOKS]`);
  return hooks;
}

/**
 * env_file: a local dotenv file, read here like settings.ini (relative to it). Its values are
 * secrets: a problem names the file and line (and the variable when its name is one), never a
 * value, nor a line that is not a variable (it may be half of a pasted secret). Each line is read
 * on its own with dotenv's syntax: a value is one line, as everywhere in the settings, and a line
 * dotenv would skip without a word is a problem.
 */
function envFile(c: Checker, settingsFile: string): Record<string, string> {
  const given = c.value('env_file');
  if (!given) return {};
  const path = resolve(dirname(settingsFile), given.replace(/^~(?=\/)/, homedir()));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    c.report('env_file', `cannot read ${printable(path)}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    return {};
  }
  const vars: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || /^\s*#/.test(line)) return;
    const at = `${printable(path)} line ${i + 1}`;
    const found = Object.entries(parseDotenv(line));
    if (found.length !== 1) return c.report('env_file', `${at}: not KEY=value (the line is not shown: it may hold a secret)`);
    const [[name, value]] = found;
    if (!PATTERNS.envKey.test(name)) return c.report('env_file', `${at}: not a variable name (letters, digits and _, not starting with a digit)`);
    // What follows "=" as written: dotenv keeps an opening quote it finds no end for on the line.
    const written = /^\s*(?:export\s+)?[\w.-]+\s*(?:=|:)\s*(.*)$/.exec(line)?.[1] ?? '';
    const quote = /^["'`]/.exec(written)?.[0];
    if (quote && value.startsWith(quote)) return c.report('env_file', `${at}: ${name}'s value opens a quote that does not close on its line (a value is one line)`);
    const problem = textProblem(value, MAX_VALUE, false);
    if (problem) return c.report('env_file', `${at}: ${name}'s value ${problem}`);
    const hash = written.indexOf('#');
    if (!quote && hash > 0 && !/\s/.test(written[hash - 1])) {
      c.warn('env_file', `${at}: "#" starts a comment, so ${name}'s value ends before it; to keep the rest, quote the value (${name}='…')`);
    }
    vars[name] = value;
  });
  return vars;
}

/** All the problems, but not thousands: a file of garbage would flood the terminal. */
function settingsError(problems: string[], file: string): SettingsError {
  const max = 100;
  return new SettingsError(problems.length > max ? [...problems.slice(0, max), `… and ${problems.length - max} more problems`] : problems, file);
}

/** One [user@]host[:port] as a HostSpec; undefined (reported under key) when it is not one. */
function parseHost(c: Checker, key: string, label: string, roles: Role[]): HostSpec | undefined {
  const m = PATTERNS.host.exec(label);
  const port = m?.[3] ? Number(m[3]) : 22;
  if (!m || port < 1 || port > 65535) {
    c.report(key, `${printable(label)} is not [user@]host[:port]`);
    return undefined;
  }
  return { user: m[1] ?? '', host: m[2].replace(/^\[|\]$/g, ''), port, label, roles, portGiven: !!m[3] };
}

/** The same server: one host name (any case, with or without the final dot) and port. */
const serverId = (h: HostSpec) => `${h.host.toLowerCase().replace(/\.$/, '')}:${h.port}`;

/** Parsed here rather than checked by a table rule: items become HostSpecs, and the same server twice is a problem across items. */
function hostList(c: Checker, key: string, roles: Role[]): HostSpec[] {
  const hosts: HostSpec[] = [];
  const seen = new Set<string>();
  for (const label of list(c.get(key))) {
    const h = parseHost(c, key, label, roles);
    if (!h) continue;
    // The same server twice would run two deploys against each other (the second finds the lock).
    if (seen.has(serverId(h))) c.report(key, `${printable(label)}: this server is listed twice`);
    seen.add(serverId(h));
    hosts.push(h);
  }
  return hosts;
}

/**
 * The hosts and their roles: deploy_hosts (all web hosts, the first the primary), or [HOSTS]
 * (web, worker, primary), not both. A server in web and worker has both roles.
 */
function fleetHosts(c: Checker): { hosts: HostSpec[]; primary: string } {
  const byRole = c.isSet('web') || c.isSet('worker') || c.isSet('primary');
  if (!byRole) {
    if (!c.isSet('deploy_hosts')) c.report('deploy_hosts', 'required (or a [HOSTS] section listing the web and worker hosts)');
    const hosts = hostList(c, 'deploy_hosts', ['web']);
    return { hosts, primary: hosts[0]?.label ?? '' };
  }
  if (c.isSet('deploy_hosts')) c.report('deploy_hosts', 'set together with [HOSTS]: list the hosts in one place (deploy_hosts, or [HOSTS] web and worker)');
  const hosts: HostSpec[] = [];
  for (const h of [...hostList(c, 'web', ['web']), ...hostList(c, 'worker', ['worker'])]) {
    const same = hosts.find((o) => serverId(o) === serverId(h));
    if (same) same.roles.push(...h.roles.filter((r) => !same.roles.includes(r)));
    else hosts.push(h);
  }
  if (!hosts.length && c.ok('web') && c.ok('worker')) c.report('web', 'no host: [HOSTS] needs web or worker hosts');
  const given = c.get('primary');
  if (!given) return { hosts, primary: (hosts.find((h) => h.roles.includes('web')) ?? hosts[0])?.label ?? '' };
  const p = parseHost(c, 'primary', given, []);
  const match = p && hosts.find((h) => serverId(h) === serverId(p));
  if (p && !match) c.report('primary', `${printable(given)} is not one of the web or worker hosts`);
  return { hosts, primary: match?.label ?? '' };
}

/** batch_size as a count or a percentage of the web hosts. */
function batchSize(c: Checker): Settings['batchSize'] {
  const v = c.value('batch_size');
  if (!v || !c.ok('batch_size')) return undefined;
  return v.endsWith('%') ? { percent: Number(v.slice(0, -1)) } : { count: Number(v) };
}

/**
 * app_user runs the app; deploy_user is the SSH login without root for everyday commands.
 * The table's rules make each a user of its own; what depends on other keys is here: neither
 * may be a deploy_hosts user (they have sudo), nor the same as the other.
 */
function accounts(c: Checker, hosts: HostSpec[]): { appUser: string; deployUser?: string; deployUserKeys: string[] } {
  const sudoers = new Set(hosts.map((h) => h.user));
  const account = (key: string): string => {
    const v = c.value(key);
    // Only a value given (and not refused already): the default is ours.
    if (c.get(key) && sudoers.has(v)) c.report(key, `${printable(v)} is a deploy_hosts user, who has sudo: ${key} must be a user without it`);
    return v;
  };
  const appUser = account('app_user');
  const deployUser = account('deploy_user') || undefined;
  if (deployUser && deployUser === appUser) c.report('deploy_user', 'must differ from app_user (the app must not be able to change its own code)');
  // Whether the keys do anything depends on deploy_user; that problem comes before those of each file.
  const deployUserKeys = list(c.get('deploy_user_keys'));
  if (deployUserKeys.length && !deployUser && c.ok('deploy_user')) c.report('deploy_user_keys', 'has no effect without deploy_user');
  c.checkEach('deploy_user_keys', deployUserKeys);
  return { appUser, deployUser, deployUserKeys };
}

/**
 * The public key files setup authorises for deploy_user, read now, so that a missing or unusable
 * one stops setup before it touches a host. Only for setup: no other command reads them, and a
 * CI job may hold only its private key. Unset, the .pub beside identity_file; without
 * identity_file, the first of ssh's default keys' .pub that exists.
 */
function authorisedKeys(c: Checker, deployUser: string | undefined, given: string[], setup: boolean): string[] {
  if (!deployUser || !setup || !c.ok('deploy_user_keys')) return given;
  const instead = 'set deploy_user_keys to the public key files of the keys that will log in as it';
  if (given.length) {
    for (const problem of given.map(publicKeyProblem)) if (problem) c.report('deploy_user_keys', problem);
    return given;
  }
  const identity = c.value('identity_file');
  const found = identity ? `${identity}.pub` : SSH_DEFAULT_KEYS.map((k) => join(homedir(), '.ssh', `${k}.pub`)).find((f) => existsSync(f));
  if (!found) {
    c.report('deploy_user', `no public key to authorise for it: deploy_user_keys is not set, there is no identity_file, and none of ${SSH_DEFAULT_KEYS.map((k) => `~/.ssh/${k}.pub`).join(', ')} exists; ${instead}`);
    return [];
  }
  const problem = publicKeyProblem(found);
  if (problem) c.report('deploy_user', `deploy_user_keys is not set and its default${identity ? ', the .pub beside identity_file,' : ''} is not usable: ${problem}; ${instead}`);
  return [found];
}

/** ssh's own default keys, in the order it tries them (as identity_file's default). */
const SSH_DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Why a local file cannot be authorised as a public key (its content is never shown). */
function publicKeyProblem(file: string): string | undefined {
  try {
    const key = readFileSync(file.replace(/^~(?=\/)/, homedir()), 'utf8').trim();
    return /^(ssh-|ecdsa-|sk-)\S+ \S+/.test(key) ? undefined : `${printable(file)} is not an OpenSSH public key`;
  } catch (e) {
    return `cannot read ${printable(file)}: ${(e as NodeJS.ErrnoException).code ?? e}`;
  }
}

/** gunicorn_bind_alt's default and its check that it differs depend on gunicorn_bind. */
function binds(c: Checker): { gunicornBind: string; gunicornBindAlt: string } {
  const gunicornBind = c.value('gunicorn_bind');
  const given = c.value('gunicorn_bind_alt');
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

/** [EMAIL] goes into the config file as written: each value passed textProblem (one line) and its table rule. */
function emailSettings(c: Checker): Record<string, string | Secret> {
  const email: Record<string, string | Secret> = {};
  for (const def of KEYS.filter((k) => k.section === 'EMAIL')) {
    const v = c.value(def.key);
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
