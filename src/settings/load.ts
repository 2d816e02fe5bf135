// Load settings.ini once, select the app, validate every key, report all problems together.
//
// The file is hostile input as far as this module is concerned: every value that reaches a
// remote command or a file on the servers passes a strict pattern (rules.ts, named by the key
// table in schema.ts) and is quoted later by src/shell.ts in any case. Secrets (email
// password, database_url, [ENV] values) never appear in a problem message.
//
// The steps, each in its own file: decode the bytes (utf8.ts); scan the text for positions and
// mistakes ini passes over (ini-scan.ts); let ini parse the values and pick the app
// (apps.ts); check each key against the table (checker.ts); derive what depends on other keys
// (derive.ts); and only then, with every problem found, refuse or return the Settings.
import { readFileSync } from 'node:fs';
import ini from 'ini';
import { KEYS } from './schema.js';
import { decodeUtf8 } from './utf8.js';
import { scanLayout, type Layout } from './ini-scan.js';
import { appCollisions, chooseApp, listApps, orphanSections, type AppSections } from './apps.js';
import { Checker } from './checker.js';
import { cutWarnings } from './inline-comments.js';
import { deriveSettings } from './derive.js';
import { settingsError, show, suggest } from './messages.js';
import type { LoadOptions, Settings } from './types.js';
import { UsageError } from '../errors.js';
import { printable } from '../printable.js';

// It moved to rules.ts; callers (and tests) import it from here, the settings module.
export { isSystemDirectory } from './rules.js';
export type { LoadOptions } from './types.js';

export function loadSettings({ app, file, command }: LoadOptions): Settings {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(
      `cannot read settings file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
      'Write one with `deploy init`, or point to it with -c FILE.',
    );
  }
  const { text, problems } = decodeUtf8(bytes, file);
  return parseText(text, { app, file, command }, problems);
}

/** For text already in memory (deploy init, tests). A leading byte order mark is ignored. */
export function parseSettings(text: string, options: LoadOptions): Settings {
  return parseText(text.replace(/^\uFEFF/, ''), options, []);
}

function parseText(text: string, { app, file, command }: LoadOptions, problems: string[]): Settings {
  const layout = scanLayout(text);
  problems.push(...layout.problems);
  // `ini` gives the values (quotes, escapes, inline comments); scanLayout gave the positions.
  const parsed = ini.parse(text) as Record<string, unknown>;
  const apps = listApps(parsed);
  problems.push(...appCollisions(parsed, apps, layout), ...orphanSections(layout, apps));
  if (!apps.size)
    throw settingsError([...problems, 'no app found: expected a [DEPLOY] section or [<app>.DEPLOY] sections'], file);
  const chosen = chooseApp(apps, app);
  if (!chosen) {
    const known = [...apps.keys()];
    const names = known.map((k) => show(k)).join(', ');
    const unknown = `unknown app ${printable(app)} in ${file}${suggest(app, known)}; known apps: ${names}`;
    // Problems with the file itself come first: a duplicated section can be why the app is missing.
    if (problems.length) throw settingsError([...problems, unknown], file);
    throw new UsageError(unknown);
  }
  return validate(chosen, { app, file, command }, layout, problems);
}

/** Every key of the chosen app checked, all its problems thrown together, else its Settings. */
function validate(chosen: AppSections, options: LoadOptions, layout: Layout, problems: string[]): Settings {
  const c = new Checker(chosen.sections, chosen.prefix, layout, problems);
  c.collect();
  c.warnings.push(...cutWarnings(layout, chosen.prefix));
  if (!chosen.sections.DEPLOY) problems.push(`missing section [${chosen.prefix}DEPLOY]`);
  for (const def of KEYS.filter((k) => k.required)) {
    if (def.optionalWith && c.get(def.optionalWith.key) === def.optionalWith.value) continue;
    if (!c.isSet(def.key))
      problems.push(
        `${c.where(def.section, def.key)}: required${def.aliases ? ` (or ${def.aliases.join(', ')})` : ''}`,
      );
  }
  const settings = deriveSettings(c, options);
  if (problems.length) throw settingsError(problems, options.file);
  return settings;
}
