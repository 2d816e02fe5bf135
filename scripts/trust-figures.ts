// Figures of the trust boundary (docs/threat-model.md): in the plans of every command, for the
// three settings variants of test/unit/trust.test.ts, how many commands run as root, how many of
// those name a path in a tree the app user or a deploy user can write, and which paths.
// Run: node --import tsx scripts/trust-figures.ts
import { parseSettings } from '../src/settings/load.ts';
import { appPaths, catalog, rootText, runsAs, TRUST_VARIANTS } from '../test/plans-catalog.ts';

const variants = Object.values(TRUST_VARIANTS);
let root = 0;
const naming = new Set<string>();
const paths = new Set<string>();
for (const text of variants) {
  const s = parseSettings(text, { app: 'NOME_APP', file: 'settings.ini' });
  for (const [command, steps] of Object.entries(catalog(s))) {
    for (const st of steps) {
      for (const [i, cmd] of st.commands.entries()) {
        if (runsAs(cmd, st) === 'app') continue;
        root++;
        const found = appPaths(s, rootText(cmd, st));
        if (found.length) naming.add(`${command} ${st.id}:${i + 1} ${rootText(cmd, st)}`);
        for (const p of found) paths.add(p);
      }
    }
  }
}
console.log(JSON.stringify({ root_commands: root, root_commands_naming_app_paths: naming.size, distinct_app_paths: paths.size }));
