// The shell library in remote/lib/*.sh: server programs as named functions, each opening with a
// one-line comment saying what it does and what its arguments are. A script carries only the
// functions it calls (and those they call), so a step stays one small script and one round trip.
import { readdirSync } from 'node:fs';
import { remoteDir, remoteFile } from './remote-files.js';

export interface LibraryFunction {
  name: string;
  /** The library file it lives in (remote/lib/<file>). */
  file: string;
  /** Its comment and definition, as written. */
  text: string;
}

/** A function's definition: its comment lines, `name() {`, and either the same line's `}` or a later line that is exactly `}`. */
function parse(file: string, source: string): LibraryFunction[] {
  const lines = source.split('\n');
  const found: LibraryFunction[] = [];
  let comment: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const head = /^([A-Za-z_][A-Za-z0-9_]*)\(\) \{/.exec(line);
    if (!head) {
      comment = line.startsWith('# ') && !line.startsWith('# shellcheck') ? [...comment, line] : [];
      continue;
    }
    let end = i;
    if (!/\}\s*$/.test(line)) while (lines[end] !== '}') end++;
    found.push({ name: head[1], file, text: [...comment, ...lines.slice(i, end + 1)].join('\n') });
    comment = [];
    i = end;
  }
  return found;
}

/** Every function of remote/lib/, in file then source order (the order scripts carry them in). */
export const LIBRARY: LibraryFunction[] = readdirSync(remoteDir('lib'))
  .filter((f) => f.endsWith('.sh'))
  .sort()
  .flatMap((f) => parse(f, remoteFile(`lib/${f}`)));

const byName = new Map(LIBRARY.map((f) => [f.name, f]));
const callPattern = new RegExp(`(?<![A-Za-z0-9_])(${LIBRARY.map((f) => f.name).join('|')})(?![A-Za-z0-9_])`, 'g');

/** Each function and those it calls, directly or not: found once per function, not once per script. */
const reached = new Map<string, string[]>();

function reaches(name: string): string[] {
  let names = reached.get(name);
  if (names) return names;
  const seen = new Set([name]);
  const visit = (text: string) => {
    for (const m of text.matchAll(callPattern)) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
      visit(byName.get(m[1])!.text);
    }
  };
  visit(byName.get(name)!.text);
  reached.set(name, (names = [...seen]));
  return names;
}

/** The names of the library functions `code` calls, directly or through the ones it calls. */
export function calledFunctions(code: string): Set<string> {
  const seen = new Set<string>();
  for (const m of code.matchAll(callPattern)) if (!seen.has(m[1])) for (const n of reaches(m[1])) seen.add(n);
  return seen;
}

/**
 * Scripts already seen, and the library each carries: every host of a fleet sends the same steps,
 * and scanning each again for the functions it calls cost a 1,000-host deploy seconds of CPU.
 * Bounded: a run's scripts are a few dozen kinds.
 */
const carried = new Map<string, string>();

/** The definitions a script needs for `code`, in the library's order ('' when it calls none). */
export function libraryFor(code: string): string {
  let text = carried.get(code);
  if (text !== undefined) return text;
  const names = calledFunctions(code);
  text = LIBRARY.filter((f) => names.has(f.name))
    .map((f) => `${f.text}\n`)
    .join('');
  if (carried.size >= 256) carried.clear();
  carried.set(code, text);
  return text;
}

/** The whole library, as `--dry-run -v` prints it once. */
export const LIBRARY_TEXT: string = LIBRARY.map((f) => `${f.text}\n`).join('');
