// settings.example.ini, written from the key table: `deploy init` writes it with the user's
// values, and `npm run settings-example` rewrites the committed file (a unit test checks
// that the file is this function's output, so the two never drift apart).
import { FREE_EXAMPLES, FREE_SECTIONS, KEYED_SECTIONS, KEYS, SECTION_DOCS, type KeyDef } from './schema.js';

export interface ExampleValues {
  /** project_name; also replaces `myapp` in the examples. */
  app: string;
  repository: string;
  /** deploy_hosts. */
  hosts: string;
  /** settings_file; default: `<app>.settings.prod` (its example, for the app). */
  settingsModule: string;
}

/** Comment lines are wrapped here (the `; ` included). */
const WIDTH = 90;

/** `writtenBy` names what wrote the file (`deploy init`) in its first line. */
export function exampleSettings(
  values: Partial<ExampleValues> = {},
  { writtenBy }: { writtenBy?: string } = {},
): string {
  const app = values.app ?? 'myapp';
  // A function, so that $ in a name is not read as a replacement pattern.
  const forApp = (text: string) => text.replaceAll('myapp', () => app);
  // The values `deploy init` asks for; every other key shows its example or default (settings_file's is myapp.settings.prod).
  const given: Record<string, string | undefined> = {
    project_name: values.app,
    repository: values.repository,
    deploy_hosts: values.hosts,
    settings_file: values.settingsModule,
  };
  const aliases = KEYS.flatMap((k) => k.aliases ?? []);
  const out = [
    `; settings.ini for \`deploy\`${writtenBy ? `, written by ${writtenBy}` : ''}.`,
    ...comment(
      forApp(
        'One app per file as below, or several apps as [myapp.DEPLOY], [myapp.APP], [myapp.EMAIL] sections (then `deploy myapp ...`).',
      ),
    ),
    ...comment(
      '; and # start a comment; quote a value ("...") to keep those characters in it. Write each section and each key once (a second one is an error, not an override).',
    ),
    ...comment('The file is UTF-8; values are one line, without control characters.'),
    ...comment(`Portuguese keys from the original fabfile are accepted: ${aliases.join(', ')}.`),
  ];
  for (const section of KEYED_SECTIONS) {
    // [HOSTS] replaces deploy_hosts: shown, but commented out whole, so that the file sets one.
    out.push('', section === 'HOSTS' ? `; [${section}]` : `[${section}]`);
    if (SECTION_DOCS[section]) out.push(...comment(forApp(SECTION_DOCS[section])));
    for (const def of KEYS.filter((k) => k.section === section)) out.push(...keyLines(def, given[def.key], forApp));
  }
  // Free sections: commented out whole, so that the file sets none.
  for (const section of FREE_SECTIONS) {
    out.push(
      '',
      `; [${section}]`,
      ...comment(forApp(SECTION_DOCS[section] ?? '')),
      `; ${forApp(FREE_EXAMPLES[section])}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** A key's doc, then `key = value` when it is required (or set in the example), else `; key = <example or default>`. */
function keyLines(def: KeyDef, given: string | undefined, forApp: (text: string) => string): string[] {
  const shown = given ?? forApp(def.example ?? def.default ?? '');
  const setting = `${def.key} =${shown ? ` ${shown}` : ''}`;
  // The default is worth saying when the line shows something else.
  const defaultText = def.defaultDoc ?? (def.default && def.default !== shown ? def.default : undefined);
  const doc = [
    def.required ? 'Required.' : '',
    def.doc,
    def.aliases ? `Alias: ${def.aliases.join(', ')}.` : '',
    def.secret ? 'A secret: never printed or logged.' : '',
    defaultText && !def.required ? `Default: ${defaultText}.` : '',
  ];
  return [...comment(doc.filter(Boolean).join(' ')), def.required || def.setInExample ? setting : `; ${setting}`];
}

/** `; ` comment lines of at most WIDTH columns (a longer word stays whole). */
function comment(text: string): string[] {
  const lines: string[] = [];
  let line = ';';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== ';' && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ';';
    }
    line += ` ${word}`;
  }
  if (line !== ';') lines.push(line);
  return lines;
}
