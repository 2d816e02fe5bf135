// The shape the plans keep (issue 17): a command is a call of a named function of remote/lib/ or
// one simple command, at most 160 characters (a library call: 200); logic with control flow lives in the library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSettings } from '../../src/settings/load.ts';
import { catalog } from '../plans-catalog.ts';
import { SETTINGS } from '../golden.ts';
import { LIBRARY } from '../../src/library.ts';

const LIBRARY_CALL = new RegExp(`^(${LIBRARY.map((f) => f.name).join('|')}) `);

/** Control flow and chains: what belongs in a library function, not in a plan. */
const LOGIC = /(^|[\s;&|({])(if|then|for|while|until|case)\s|;|&&|\|\||\$\(\(/;

test('every command of every plan is a library call or one simple command, at most 160 characters', () => {
  const offenders: string[] = [];
  for (const [name, app] of Object.entries(SETTINGS)) {
    const s = parseSettings(readFileSync(new URL(`../golden/settings/${name}.ini`, import.meta.url), 'utf8'), {
      app,
      file: `${name}.ini`,
      command: 'deploy',
    });
    for (const [command, steps] of Object.entries(catalog(s))) {
      for (const st of steps) {
        for (const [i, cmd] of st.commands.entries()) {
          for (const [part, sh] of [
            ['run', cmd.run],
            ['unless', cmd.unless],
            ['only if', st.onlyIf],
          ] as const) {
            if (!sh) continue;
            const text = String(sh);
            // Quoted values may say anything: only the code around them counts.
            const code = text.replace(/'[^']*'/g, "''");
            // A library call's length is its arguments (paths, a Host header): a little more room.
            const limit = LIBRARY_CALL.test(text) ? 200 : 160;
            if (text.length > limit || LOGIC.test(code))
              offenders.push(`${name} ${command} ${st.id}:${i + 1} ${part} (${text.length}): ${text.slice(0, 100)}`);
          }
        }
      }
    }
  }
  const unique = [...new Set(offenders.map((o) => o.replace(/^\S+ \S+( \S+)? /, '')))];
  assert.deepEqual(unique, [], `${unique.length} commands are programs, not calls`);
});

test('src/ has no import cycle', () => {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const files = readdirSync(src, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'));
  const imports = new Map(
    files.map((f) => [
      f,
      [...readFileSync(join(src, f), 'utf8').matchAll(/^import[^'"]*from '(\.[^']+)\.js';/gm)].map((m) =>
        join(f, '..', `${m[1]}.ts`),
      ),
    ]),
  );
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') return void cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
    state.set(f, 'open');
    for (const g of imports.get(f) ?? []) visit(g, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  assert.deepEqual(cycles, []);
});
