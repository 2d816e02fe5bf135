// How problems name places and values: quoted, cut short and escaped, so that a hostile value
// cannot flood the terminal or send it escape sequences.
import { closest, distance } from 'fastest-levenshtein';
import { PATTERNS } from './rules.js';
import { SettingsError } from '../errors.js';
import { printable } from '../printable.js';

/** `[DEPLOY] home (line 4)`; an invalid [ENV] name is not shown (it may be half a pasted secret). */
export function where(section: string, key: string, line?: number): string {
  const base = section.slice(section.lastIndexOf('.') + 1);
  const shown = base === 'ENV' && !PATTERNS.envKey.test(key) ? '' : ` ${show(key)}`;
  return `[${show(section)}]${shown}${line ? ` (line ${line})` : ''}`;
}

/** Key and section names as written when plain, else as printable() shows them. */
export function show(name: string): string {
  return /^[\x21-\x7e]{1,64}$/.test(name) && !name.includes('"') ? name : printable(name, 64);
}

export function suggest(word: string, candidates: string[]): string {
  if (!candidates.length || word.length > 100) return '';
  const best = closest(word, candidates);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

/** "given twice: lines 3 and 7", "given 3 times: lines 1, 4 and 9" (the first nine and the last of many). */
export function setTimes(lines: number[]): string {
  const times = lines.length === 2 ? 'twice' : `${lines.length} times`;
  const shown = lines.length > 10 ? [...lines.slice(0, 9), '…'] : lines.slice(0, -1);
  return `given ${times}: lines ${shown.join(', ')} and ${lines.at(-1)}`;
}

/** All the problems, but not thousands: a file of garbage would flood the terminal. */
export function settingsError(problems: string[], file: string): SettingsError {
  const max = 100;
  return new SettingsError(
    problems.length > max ? [...problems.slice(0, max), `… and ${problems.length - max} more problems`] : problems,
    file,
  );
}
