// `deploy completion bash|zsh|fish`: a completion script for that shell, and the hidden
// `deploy __complete` it calls. The script's fixed words (commands, options, choices) come
// from the CLI's own commander tree, so a new command or option needs no edit here; the
// words only the settings file knows (apps, processes, [COMMANDS] names) come from
// `deploy __complete`, which reads that file leniently and connects nowhere.
// The scripts' logic lives in templates/completion.{bash,zsh,fish}: `# @DATA@` there is
// replaced by the word tables, written in that shell's syntax.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Argument, Command, Option } from 'commander';
import ini from 'ini';
import { listApps } from '../settings/apps.js';
import { isSection } from '../settings/ini-values.js';
import { PATTERNS } from '../settings/rules.js';
import { VERSION } from '../version.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** A word the shell offers, and what it is (zsh and fish show it). */
export interface Word {
  word: string;
  description: string;
}

/**
 * A command as the scripts see it. Each of its arguments completes to one of: `@app`,
 * `@process` and `@shortcut` (asked of `deploy __complete`), `@command` (the commands),
 * choices joined by commas, or `-` (nothing to offer).
 */
export interface CommandSpec extends Word {
  options: Word[];
  arguments: string[];
}

export interface CompletionSpec {
  commands: CommandSpec[];
  /** Before a command: the program's options (with --version and --help). */
  options: Word[];
  /** After a command: the options every command takes. */
  globals: Word[];
  /** The options that take a value, and what it completes to: `@file`, choices, or none. */
  values: { names: string[]; values: string[] }[];
}

/** Arguments whose words the settings file (or the command tree) knows, by `command argument` or name. */
const DYNAMIC: Record<string, string> = {
  app: '@app',
  process: '@process',
  'run command': '@shortcut',
  'help command': '@command',
};

function argumentKind(command: string, a: Argument): string {
  if (a.argChoices?.length) return a.argChoices.join(',');
  // init's [app] is a new name: nothing to offer.
  if (a.name() === 'app' && !a.required) return '-';
  return DYNAMIC[`${command} ${a.name()}`] ?? DYNAMIC[a.name()] ?? '-';
}

function optionWords(o: Option): Word[] {
  return [o.short, o.long].filter((w): w is string => !!w).map((word) => ({ word, description: o.description }));
}

/** The words of commander's command tree: what `deploy --help` and each `deploy <command> --help` list. */
export function completionSpec(program: Command): CompletionSpec {
  const help = program.createHelp();
  const commands = help.visibleCommands(program).map((cmd) => ({
    word: cmd.name(),
    description: cmd.summary() || cmd.description(),
    options: help.visibleOptions(cmd).flatMap(optionWords),
    arguments: cmd.registeredArguments.map((a) => argumentKind(cmd.name(), a)),
  }));
  const globals = program.options.filter((o) => !o.hidden && o.attributeName() !== 'version').flatMap(optionWords);
  const values = new Map<string, string[]>();
  for (const o of [program, ...program.commands].flatMap((c) => c.options)) {
    if (!o.required && !o.optional) continue;
    // A value's choices: .choices(), or a placeholder such as <yes|no>.
    const placeholder = /<([^>]*\|[^>]*)>/.exec(o.flags)?.[1].split('|');
    const v = o.attributeName() === 'config' ? ['@file'] : (o.argChoices ?? placeholder ?? []);
    for (const name of [o.short, o.long]) if (name) values.set(name, v);
  }
  const grouped = new Map<string, string[]>();
  for (const [name, v] of values) grouped.set(v.join(' '), [...(grouped.get(v.join(' ')) ?? []), name]);
  return {
    commands,
    options: help.visibleOptions(program).flatMap(optionWords),
    globals,
    values: [...grouped].map(([v, names]) => ({ names, values: v ? v.split(' ') : [] })),
  };
}

/** One word in single quotes for bash and zsh (only when it needs them). */
function quoteSh(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** One word in single quotes for fish, where \ and ' are escaped inside them. */
function quoteFish(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/[\\']/g, '\\$&')}'`;
}

/** zsh's _describe entries: word:description, a colon in the word escaped. */
function described(words: Word[], indent: string): string {
  return words
    .map((w) => `${indent}${quoteSh(`${w.word.replaceAll(':', '\\:')}:${oneLine(w.description)}`)}`)
    .join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function appCommands(spec: CompletionSpec): CommandSpec[] {
  return spec.commands.filter((c) => c.arguments[0] === '@app');
}

function bashData(spec: CompletionSpec): string {
  const list = (words: Word[]) => quoteSh(words.map((w) => w.word).join(' '));
  return [
    '# The commands; those that take the app; the options before a command, and after one.',
    `_deploy_commands=${list(spec.commands)}`,
    `_deploy_app_commands=${list(appCommands(spec))}`,
    `_deploy_options=${list(spec.options)}`,
    `_deploy_globals=${list(spec.globals)}`,
    '',
    '# _deploy_command WORD: sets cmd_options and cmd_arguments (what each argument completes to); fails if WORD is no command',
    '_deploy_command() {',
    '  case $1 in',
    ...spec.commands.map(
      (c) =>
        `    ${quoteSh(c.word)}) cmd_options=${list(c.options)} cmd_arguments=${quoteSh(c.arguments.join(' '))} ;;`,
    ),
    '    *) return 1 ;;',
    '  esac',
    '}',
    '',
    '# _deploy_option WORD: sets opt_values (what its value completes to); fails if WORD takes no value',
    '_deploy_option() {',
    '  case $1 in',
    ...spec.values.map((v) => `    ${v.names.join(' | ')}) opt_values=${quoteSh(v.values.join(' '))} ;;`),
    '    *) return 1 ;;',
    '  esac',
    '}',
  ].join('\n');
}

function zshData(spec: CompletionSpec): string {
  const array = (name: string, words: Word[]) => `${name}=(\n${described(words, '  ')}\n)`;
  return [
    '# The commands; those that take the app; the options before a command, and after one.',
    array('_deploy_commands', spec.commands),
    array('_deploy_app_commands', appCommands(spec)),
    array('_deploy_options', spec.options),
    array('_deploy_globals', spec.globals),
    '',
    '# _deploy_command WORD: sets cmd_options and cmd_arguments (what each argument completes to); fails if WORD is no command',
    '_deploy_command() {',
    '  case $1 in',
    ...spec.commands.map(
      (c) =>
        `    (${quoteSh(c.word)})\n      cmd_options=(\n${described(c.options, '        ')}\n      )\n      cmd_arguments=(${c.arguments.map(quoteSh).join(' ')}) ;;`,
    ),
    '    (*) return 1 ;;',
    '  esac',
    '}',
    '',
    '# _deploy_option WORD: sets opt_values (what its value completes to); fails if WORD takes no value',
    '_deploy_option() {',
    '  case $1 in',
    ...spec.values.map((v) => `    (${v.names.join('|')}) opt_values=(${v.values.map(quoteSh).join(' ')}) ;;`),
    '    (*) return 1 ;;',
    '  esac',
    '}',
  ].join('\n');
}

function fishData(spec: CompletionSpec): string {
  const lines = (words: Word[], indent: string) =>
    words.length
      ? `${indent}printf '%s\\t%s\\n' \\\n${words.map((w) => `${indent}    ${quoteFish(w.word)} ${quoteFish(oneLine(w.description))}`).join(' \\\n')}`
      : `${indent}true`;
  const fn = (name: string, comment: string, words: Word[]) =>
    `# ${comment}\nfunction ${name}\n${lines(words, '    ')}\nend`;
  return [
    fn('__deploy_commands', 'The commands.', spec.commands),
    fn('__deploy_app_commands', 'The commands that take the app.', appCommands(spec)),
    fn('__deploy_options', 'The options before a command.', spec.options),
    fn('__deploy_globals', 'The options every command takes.', spec.globals),
    '',
    '# __deploy_command_options WORD: its options; fails if WORD is no command',
    'function __deploy_command_options',
    '    switch "$argv[1]"',
    ...spec.commands.map((c) => `        case ${quoteFish(c.word)}\n${lines(c.options, '            ')}`),
    "        case '*'",
    '            return 1',
    '    end',
    'end',
    '',
    '# __deploy_command_arguments WORD: what each of its arguments completes to, one a line; fails if WORD is no command',
    'function __deploy_command_arguments',
    '    switch "$argv[1]"',
    ...spec.commands.map(
      (c) => `        case ${quoteFish(c.word)}\n            printf '%s\\n' ${c.arguments.map(quoteFish).join(' ')}`,
    ),
    "        case '*'",
    '            return 1',
    '    end',
    'end',
    '',
    '# __deploy_option WORD: what its value completes to, one a line; fails if WORD takes no value',
    'function __deploy_option',
    '    switch "$argv[1]"',
    ...spec.values.map(
      (v) =>
        `        case ${v.names.map(quoteFish).join(' ')}\n            ${v.values.length ? `printf '%s\\n' ${v.values.map(quoteFish).join(' ')}` : 'true'}`,
    ),
    "        case '*'",
    '            return 1',
    '    end',
    'end',
  ].join('\n');
}

const DATA: Record<Shell, (spec: CompletionSpec) => string> = { bash: bashData, zsh: zshData, fish: fishData };

/** The script for SHELL: its template with the word tables of PROGRAM in place of `# @DATA@`. */
export async function completionScript(shell: Shell, program: Command): Promise<string> {
  const { BUILTIN_TEMPLATES } = await import('../templates.js');
  const template = readFileSync(join(BUILTIN_TEMPLATES, `completion.${shell}`), 'utf8');
  const data = DATA[shell](completionSpec(program));
  return template.replace('@VERSION@', VERSION).replace(/^# @DATA@$/m, () => data);
}

export async function completionCommand(shell: Shell, program: Command): Promise<void> {
  process.stdout.write(await completionScript(shell, program));
}

/** A -c FILE as the shell handed it over: quotes kept, ~ not expanded. */
function settingsPath(file: string): string {
  const f = file.replace(/^(['"])(.*)\1$/s, '$2').replace(/\\(.)/g, '$1');
  return f === '~' || f.startsWith('~/') ? join(homedir(), f.slice(1)) : f;
}

/**
 * `deploy __complete apps|processes|commands [APP]`: the app names in the settings file, or
 * APP's process names (web and its [PROCESSES]) or [COMMANDS] names. A file that is missing
 * or broken gives no words, never an error: this runs in the user's shell at each Tab.
 */
export function completionWords(what: string, app: string | undefined, file: string): string[] {
  try {
    const text = readFileSync(settingsPath(file), 'utf8').replace(/^\uFEFF/, '');
    const apps = listApps(ini.parse(text) as Record<string, unknown>);
    const names = [...apps.keys()].filter((name) => PATTERNS.name.test(name));
    if (what === 'apps') return names;
    const chosen = app !== undefined && names.includes(app) ? apps.get(app) : undefined;
    const section = chosen?.sections[what === 'processes' ? 'PROCESSES' : 'COMMANDS'];
    if (!chosen || (what !== 'processes' && what !== 'commands')) return [];
    const keys = Object.entries(section ?? {})
      .filter(([name, value]) => !isSection(value) && PATTERNS.commandName.test(name))
      .map(([name]) => name);
    // "a" and "b" name the gunicorn slots: the settings refuse them as process names.
    return what === 'processes' ? ['web', ...keys.filter((n) => n !== 'a' && n !== 'b')] : keys;
  } catch {
    return [];
  }
}

export function completeCommand(what: string, app: string | undefined, file: string): void {
  const words = completionWords(what, app, file);
  if (words.length) process.stdout.write(`${words.join('\n')}\n`);
}
