// Golden scripts: the exact text of every plan (what `--dry-run -v` shows, secrets redacted), for
// three settings files, under test/golden/<settings>/<command>.sh, and the prelude and library
// once (test/golden/library.sh). `npm run golden` writes them; test/unit/golden.test.ts fails when
// a plan renders otherwise, so a change to what runs on servers is reviewed as a diff of shell.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSettings } from '../src/settings/load.ts';
import { PRELUDE, renderScript, renderStepBody, type RenderContext } from '../src/render.ts';
import { LIBRARY_TEXT } from '../src/library.ts';
import type { Step } from '../src/plan.ts';
import { catalog, type CommandName } from './plans-catalog.ts';

export const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));

/** The settings files (test/golden/settings/<name>.ini) and the app each describes. */
export const SETTINGS: Record<string, string> = { 'one-host': 'NOME_APP', fleet: 'shop', 'deploy-user': 'blog' };

export interface Golden {
  /** Path under test/golden/. */
  path: string;
  text: string;
  /** The whole scripts sent for it (the library functions included), for shellcheck. */
  scripts: { step: string; script: string }[];
}

function contextFor(settings: ReturnType<typeof parseSettings>, command: CommandName): RenderContext {
  // With deploy_user, every command but setup logs in as it (no root).
  return { appUser: settings.appUser, rootless: !!settings.deployUser && command !== 'setup' };
}

export function goldens(): Golden[] {
  const out: Golden[] = [
    {
      path: 'library.sh',
      text: `# Every step's script starts with this (remote/markers.sh, remote/prelude.sh):\n${PRELUDE}\n# then the functions of remote/lib/ it calls, of these:\n${LIBRARY_TEXT}`,
      scripts: [],
    },
  ];
  for (const [name, app] of Object.entries(SETTINGS)) {
    const s = parseSettings(readFileSync(new URL(`./golden/settings/${name}.ini`, import.meta.url), 'utf8'), {
      app,
      file: `${name}.ini`,
      command: 'deploy',
    });
    for (const [command, steps] of Object.entries(catalog(s)) as [CommandName, Step[]][]) {
      const ctx = contextFor(s, command);
      const text = steps
        .map(
          (st) =>
            `# ---- ${st.title} [${st.id}${st.privileged && !ctx.rootless ? ', sudo -n bash -s' : ', bash -s'}]\n${renderStepBody(st, ctx, false, 'named')}`,
        )
        .join('\n');
      out.push({
        path: `${name}/${command.replace(/ /g, '-')}.sh`,
        text: `# ${command}, planned for test/golden/settings/${name}.ini (npm run golden writes this file)\n${text}`,
        scripts: steps.map((st) => ({ step: st.id, script: renderScript(st, ctx, false) })),
      });
    }
  }
  return out;
}
