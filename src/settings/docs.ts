// docs/settings.md, written from the key table: the same table settings.example.ini comes from
// (example.ts). `npm run settings-docs` rewrites the committed file, and a unit test checks that
// the file is this function's output, so the reference never drifts from the schema.
// The prose around the tables lives here; what a key means lives in schema.ts, once.
import {
  FREE_EXAMPLES,
  FREE_SECTIONS,
  KEYED_SECTIONS,
  KEYS,
  SECTION_DOCS,
  type KeyDef,
  type SectionName,
} from './schema.js';

/** Pages the reference sends a key's reader to (paths relative to docs/). */
const SEE: Record<string, [text: string, href: string]> = {
  deploy_hosts: ['Reaching hosts', 'ssh.md#reaching-hosts'],
  batch_size: ['Many servers', 'many-servers.md#when-something-fails'],
  max_failed_hosts: ['Leaving failed hosts behind', 'many-servers.md#leaving-failed-hosts-behind'],
  canary: ['Canaries', 'many-servers.md#canaries'],
  proxy_jump: ['Reaching hosts', 'ssh.md#reaching-hosts'],
  identity_file: ['SSH keys', 'ssh.md#ssh-keys'],
  strict_host_keys: ['Host keys in CI', 'ssh.md#host-keys-in-ci'],
  config_file: ['The config file', 'app.md#the-config-file'],
  app_user_risk_accepted: ['the threat model', 'threat-model.md'],
  deploy_user: ['Least privilege', 'least-privilege.md'],
  server_name: ['Names', 'web-edge.md#names'],
  ssl: ['HTTPS', 'web-edge.md#https'],
  maintenance: ['Maintenance', 'operations.md#maintenance'],
  keep_releases: ['Releases', 'releases.md'],
  health_path: ['A deploy, step by step', 'releases.md#a-deploy-step-by-step'],
  primary: ['The database', 'many-servers.md#the-database'],
  run_once: ['Many servers', 'many-servers.md'],
};

/** What a free section's reader needs beyond its schema text (markdown, `myapp` is the app). */
const FREE_MORE: Partial<Record<(typeof FREE_SECTIONS)[number], string>> = {
  ENV: "Like the e-mail password and `database_url`, they are never printed, logged or shown by `--dry-run`, and never appear in an error. They are written to each release's `.deploy-env` (0600, the app user's), so a changed `[ENV]` goes out with the next `deploy` (which builds a new release even for the live commit) and a rollback brings the old values back. `env_file` adds variables from a local file.",
  RUN_ONCE: 'See [Many servers](many-servers.md) for where the primary fits in a deploy.',
  PROCESSES:
    "The live release is the one `current` points at. A simple command is `exec`'d; a compound one keeps its shell, and the stop signal (`process_stop_signal`) goes to its whole process group. After each switch (deploy, rollback) a process is stopped gracefully and started in the new release; one that does not stay up 1 s fails the run with its log. `a` and `b` are taken (the slots). `deploy myapp start|stop|restart NAME` acts on one ([Operations](operations.md#start-stop-restart)).",
};

/** The Portuguese keys of the original fabfile, as the docs show them. */
const aliases = KEYS.flatMap((k) => (k.aliases ?? []).map((a) => `\`${a}\``)).join(', ');

const INTRO = `# Settings: settings.ini

<!-- Generated from src/settings/schema.ts by \`npm run settings-docs\`: edit the schema, not this file. -->

This page is the reference of \`settings.ini\`: how the file is written, then every key of every
section with its default and what it does, then how the file is checked. It is generated from
the key table in \`src/settings/schema.ts\`, as is [settings.example.ini](../settings.example.ini),
the commented file \`deploy init\` writes; a unit test fails when either differs from the table.

## The file

A file with plain \`[DEPLOY]\`/\`[APP]\`/\`[EMAIL]\` sections describes one app named by its
\`project_name\`; a file can hold several apps as \`[myapp.DEPLOY]\`, \`[myapp.APP]\`,
\`[myapp.EMAIL]\` (then \`deploy myapp …\`; see [Several apps on one server](web-edge.md#several-apps-on-one-server)).
\`;\` and \`#\` start comments, also after a value (an unquoted \`;\` or \`#\` ends it); quote the
whole value (\`'…'\`, or \`"…"\` with \`\\"\` and \`\\\\\` inside) to keep them. When a comment cuts a
value short where it was likely not meant (anywhere in a shell command: hooks, \`test_command\`,
\`[COMMANDS]\`, \`[RUN_ONCE]\`, \`[PROCESSES]\`; right after a character of any other value, as in
\`health_path = /h?a=1;b=2\`), every command warns, naming the key, its line and the quoted line
that keeps the rest (secrets are never shown).

A settings.ini written for the original Fabric scripts loads as written: their Portuguese keys
are aliases (${aliases}), and a quoted value with a comment after
it (\`gunicorn_bind = "127.0.0.1:8032"  # ip e porta\`) keeps what is inside the quotes.`;

const VALIDATION = `## How the file is checked

Validation runs before any connection and reports every problem at once, each with its
section, key and line, with "did you mean" for misspelt keys. Values that reach a shell
are validated (names, paths, hosts) and, in any case, quoted by one function. A key or
section given twice is an error naming both lines (a plain INI reader would silently keep the
last); the file must be UTF-8 (a leading BOM is fine); values are one line, at most 4096
characters (a list of hosts: 65,536), without control characters (tabs only in \`test_command\`, hooks and \`[COMMANDS]\`).
\`[ENV]\` values are secrets passed literally (\`$\`, quotes and backticks are fine) and, like
the e-mail password and \`database_url\`, never appear in an error.`;

/** What each keyed section's heading says after the schema's own text, if anything. */
const SECTION_MORE: Partial<Record<SectionName, string>> = {
  HOSTS: 'See [Many servers](many-servers.md).',
  LOCAL_HOOKS: 'See [Local hooks](operations.md#local-hooks): the environment, the JSON file and examples.',
};

/** The whole page. */
export function settingsDocs(): string {
  const out = [INTRO];
  for (const section of KEYED_SECTIONS) {
    out.push(`## [${section}]`);
    const words = [SECTION_DOCS[section] ? markdown(SECTION_DOCS[section]) : '', SECTION_MORE[section] ?? ''].filter(
      Boolean,
    );
    if (words.length) out.push(words.join(' '));
    out.push(
      ['| key | default | meaning |', '|---|---|---|', ...KEYS.filter((k) => k.section === section).map(row)].join(
        '\n',
      ),
    );
  }
  for (const section of FREE_SECTIONS) {
    out.push(`## [${section}]`, [markdown(SECTION_DOCS[section] ?? ''), FREE_MORE[section]].filter(Boolean).join(' '));
    out.push(`    [${section}]\n    ${FREE_EXAMPLES[section]}`);
  }
  out.push(VALIDATION);
  return `${out.join('\n\n')}\n`;
}

/** One table row: the key (and its aliases), its default, and what it means. */
function row(def: KeyDef): string {
  const key = [`\`${def.key}\``, ...(def.aliases ?? []).map((a) => `(\`${a}\`)`)].join(' ');
  const see = SEE[def.key];
  const meaning = [
    markdown(def.doc),
    def.secret ? 'A secret: never printed, logged or shown by `--dry-run`, not even in a settings error.' : '',
    see ? `See [${see[0]}](${see[1]}).` : '',
  ];
  return `| ${key} | ${defaultCell(def)} | ${meaning.filter(Boolean).join(' ')} |`;
}

/** What the table says when the key is not set. */
export function defaultCell(def: KeyDef): string {
  if (def.required) return 'required';
  if (def.defaultDoc) return markdown(def.defaultDoc);
  return def.default ? `\`${def.default}\`` : '';
}

/**
 * The schema's plain text as markdown: what is already in backticks stays; `key = value` and
 * `manage.py command` phrases, paths with <placeholders>, "quoted" words and words that are code
 * (key names, [SECTIONS], paths, options, file names) get backticks; a `|` is escaped so that it
 * cannot end a table cell.
 */
export function markdown(text: string): string {
  const names = KEYS.map((k) => k.key).join('|');
  const phrases = [
    new RegExp(`\\b(?:${names}) = [\\w.-]+`, 'g'),
    /\bmanage\.py \w+/g,
    /[^\s(]*<[^<>]+>(?:[^\s<]*<[^<>]+>)*[^\s,;)]*/g,
  ];
  const coded = outsideCode(text, (part) => phrases.reduce((t, re) => t.replace(re, (m) => code(m)), part));
  return outsideCode(coded, (part) => part.split(/(\s+)/).map(word).join('')).replaceAll('|', '\\|');
}

/** Applies `f` to the text between code spans. */
function outsideCode(text: string, f: (part: string) => string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : f(part)))
    .join('');
}

/** A code span, leaving a sentence's last full stop or colon outside it. */
function code(m: string): string {
  const [, body, end] = /^(.*?)([.:]*)$/.exec(m)!;
  return `\`${body}\`${end}`;
}

function word(w: string): string {
  const quoted = /^"([^"\s]+)"([.,;:)]*)$/.exec(w);
  if (quoted) return `\`${quoted[1]}\`${quoted[2]}`;
  const [, lead, core, trail] = /^([("]*)(.*?)([)".,;:!?]*)$/.exec(w)!;
  return core && isCode(core) ? `${lead}\`${core}\`${trail}` : w;
}

function isCode(w: string): boolean {
  return (
    w.includes('_') || // key names, DJANGO_SETTINGS_MODULE, known_hosts, id_rsa
    /^\[[A-Za-z_]+\]$/.test(w) || // [HOSTS], [email]
    /^(\/|~\/|--|\.[a-z])/.test(w) || // paths, options, .pub
    /[*]/.test(w) || // python3-*
    /.=./.test(w) || // KEY=value
    /^\[user@\]/.test(w) ||
    /^[\w.-]+:[\w/.-]+$/.test(w) || // host:port, module:callable, unix:/path
    /^[\w-]+\.(py|ini|conf|timer|service|sh)$/.test(w)
  );
}
