// The INI scanner: ini.parse gives the values but no positions, so the text is read a second
// time, line by line, for the line numbers in problems and the mistakes ini passes over.
import ini from 'ini';
import { KEYS, SECTIONS } from './schema.js';
import { PATTERNS } from './rules.js';
import { setTimes, show, suggest, where } from './messages.js';
import { printable } from '../printable.js';

export interface Layout {
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
export interface Cut {
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
export function scanLayout(text: string): Layout {
  const layout: Layout = { lines: new Map(), headers: new Map(), misread: new Set(), cuts: new Map(), problems: [] };
  const keys = new Map<string, { section: string; key: string; line: number }[]>();
  let section = '';
  text.split(/\r?\n/).forEach((physical, i) => {
    const n = i + 1;
    // ini splits lines at a lone CR too: a value could hide a second "key = value" behind one.
    if (physical.includes('\r'))
      layout.problems.push(`line ${n}: a carriage return inside the line (ini would read it as a line break)`);
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
        layout.problems.push(
          `${where(section, key, n)}: "${show(key)}[] =" lists are not supported: write one comma-separated value`,
        );
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
    if (lines.length > 1)
      layout.problems.push(
        `[${show(name)}] (line ${lines.at(-1)}): section header ${setTimes(lines)}; write each section once`,
      );
  }
  for (const uses of keys.values()) {
    if (uses.length < 2) continue;
    const last = uses.at(-1)!;
    const aliases = [...new Set(uses.map((u) => u.key).filter((k) => k !== last.key))];
    const also = aliases.length ? ` (also as ${aliases.map(show).join(', ')})` : '';
    layout.problems.push(
      `${where(last.section, last.key, last.line)}: set ${setTimes(uses.map((u) => u.line)).replace(/^given /, '')}${also}; ini would keep only the last value`,
    );
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

/** Why a non-header line is not a plain `key = value`, if it is not. */
function lineProblem(line: string, kv: RegExpExecArray | null, section: string): string | undefined {
  if (!kv) return 'a line starting with "=" has no key';
  if (line.startsWith('\uFEFF'))
    return 'starts with an invisible byte order mark (U+FEFF): only one is allowed, at the very start of the file';
  // Without "=" ini reads the whole line as a key set to true: a stray word, a header with
  // a comment after it, or the second line of a value pasted over two lines (maybe a
  // secret, so the line itself is never shown).
  if (kv[2] === undefined) {
    return /^\s*\[/.test(line)
      ? 'a [section] header must start at the first column and be alone on its line (no comment after it)'
      : 'not "key = value" (a value cannot continue on the next line)';
  }
  if (!section)
    return `${show(ini.unsafe(kv[1]))} is before any [section]: put it under [DEPLOY], [APP], [EMAIL], [ENV] or [COMMANDS]`;
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
