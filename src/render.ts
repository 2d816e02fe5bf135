// Turns a step into the one bash script that runs it: `set -e`, and markers on
// stdout/stderr (\x1e + word + command index) that tell which command printed
// what, which were already done, and which one failed.
import { createHash } from 'node:crypto';
import { remoteFile } from './remote-files.js';
import { calledFunctions, LIBRARY, libraryFor } from './library.js';
import type { Command, RunAs, Step } from './plan.js';
import { quote, type Redactable } from './shell.js';

export const MARK = '\x1e';

export interface RenderContext {
  appUser: string;
  /**
   * Testing aid (DEPLOY_PAUSE_AT=STEP:N[:SECONDS]): the script stops before command N of step
   * STEP, says so with a "paused" marker, and waits (default: until the connection is gone,
   * which ends it there exactly as a killed run would). The reliability tests use it to cut
   * a run at every point deterministically.
   */
  pauseAt?: string;
  /**
   * deploy_user: the run logs in as a user without root. "Privileged" steps then run in that
   * user's own shell (no sudo): what they touch is group-writable for it, and app commands
   * still go through `sudo -u <app_user>`, which setup's sudoers rule allows and nothing more.
   */
  rootless?: boolean;
}

/** The markers (remote/markers.sh): every step's script, and each app-user group inside it, starts with them. */
const MARKERS = remoteFile('markers.sh');
/** What every step's script starts with: the markers, then remote/prelude.sh (checked by shellcheck). */
export const PRELUDE: string = MARKERS + remoteFile('prelude.sh');

/**
 * Where a script carries the library functions it calls (library.ts): whole on the wire; in what
 * --dry-run -v shows, named only (it prints the library once).
 */
type Library = 'whole' | 'named';

function libraryText(code: string, library: Library): string {
  if (library === 'whole') return libraryFor(code);
  const names = [...calledFunctions(code)];
  return names.length
    ? `# + library: ${LIBRARY.filter((f) => names.includes(f.name))
        .map((f) => f.name)
        .join(' ')}\n`
    : '';
}

/**
 * A here-document tag derived from the text as shown (secrets redacted), so that a dry run and
 * the real run render the same script; it must appear in neither the shown nor the real text.
 */
function tagFor(shown: string, real: string): string {
  const tag = `__DEPLOY_EOF_${createHash('sha256').update(shown).digest('hex').slice(0, 12)}`;
  if (shown.includes(tag) || real.includes(tag)) throw new Error('here-document tag found in its own text');
  return tag;
}

function heredoc(tag: string, text: string): string {
  return ` <<'${tag}'\n${text}${text.endsWith('\n') ? '' : '\n'}${tag}`;
}

/**
 * bash reading its script from a pipe (`bash -s`) reads it one byte at a time: it must not take
 * input past the command it runs next. A step's script is tens of kB, so that cost ~1.5 ms per kB
 * (150 ms for the whole library), once in root's shell and again in each app user's group. Read
 * whole first (cat reads blocks), the script is parsed from memory instead. Its commands never read
 * the script's stdin (each has its own: a here-document or /dev/null).
 */
export const BASH_STDIN = `bash -c 'eval "$(cat)"'`;

/** What the app user's bash runs: the script arrives on its stdin, never in sudo's argv. `head` goes first (markers, the library it calls). */
function appScript(body: string, head = ''): string {
  return `set -euo pipefail\ncd "$HOME" 2>/dev/null || cd /\nexport PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1\n${head}${body}\n`;
}

/**
 * `code` as the login or root shell runs it, or, for the app user, as `sudo -u APP bash` with
 * the code (and its own input, a here-document inside) on stdin: no process list ever shows it.
 */
function asWho(
  as: RunAs,
  ctx: RenderContext,
  code: (reveal: boolean) => string,
  reveal: boolean,
  library: Library,
): string {
  if (as !== 'app') return code(reveal);
  const shown = appScript(code(false), libraryText(code(false), 'whole'));
  const real = appScript(code(true), libraryText(code(false), 'whole'));
  if (library === 'named')
    return `sudo -n -H -u ${quote(ctx.appUser)} -- ${BASH_STDIN}${heredoc(tagFor(shown, real), appScript(code(false), libraryText(code(false), 'named')))}`;
  return `sudo -n -H -u ${quote(ctx.appUser)} -- ${BASH_STDIN}${heredoc(tagFor(shown, real), reveal ? real : shown)}`;
}

/** One command as shell code; reveal=false gives the redacted text for display and logs. */
export function renderCommand(
  cmd: Command,
  step: Step,
  ctx: RenderContext,
  reveal: boolean,
  library: Library = 'whole',
): string {
  const as = cmd.as ?? (step.privileged ? 'root' : 'login');
  if (!step.privileged && as !== 'login') throw new Error(`step ${step.id}: ${as} command in an unprivileged step`);
  const text = (r: Redactable, real: boolean) => (real ? r.reveal() : String(r));
  // The script itself arrives on bash's stdin: every command gets its own stdin (its
  // here-document, or /dev/null) so that nothing it runs (ssh, apt, pip) can eat the script.
  const withInput = (real: boolean) => {
    if (!cmd.stdin) return `{ ${text(cmd.run, real)}\n} </dev/null`;
    return `{ ${text(cmd.run, real)}\n}${heredoc(tagFor(String(cmd.stdin), cmd.stdin.reveal()), text(cmd.stdin, real))}`;
  };
  const run = asWho(as, ctx, withInput, reveal, library);
  const mark = cmd.probe || cmd.reportsChange ? '' : '\n__mark changed';
  if (!cmd.unless) return `${run}${mark}`;
  const unless = asWho(as, ctx, (real) => `{ ${text(cmd.unless!, real)}\n} </dev/null`, reveal, library);
  return `if { ${unless}\n} </dev/null >/dev/null 2>&1; then\n__mark ok\nelse\n${run}${mark}\nfi`;
}

/** How a command reads in --dry-run, -v and the log: who runs it, when it is skipped, its input. */
export function describeCommand(cmd: Command, step: Step, ctx: RenderContext): string {
  const as = cmd.as ?? (step.privileged ? 'root' : 'login');
  const who = as === 'app' ? `[${ctx.appUser}] ` : as === 'root' ? '[root] ' : '';
  const lines = [];
  if (cmd.unless) lines.push(`# skip if: ${cmd.unless}`);
  lines.push(`${who}${cmd.run}`);
  if (cmd.stdin) lines.push(`  <<'EOF'\n${String(cmd.stdin).replace(/\n$/, '')}\nEOF`);
  return lines.join('\n');
}

/**
 * The whole script for one step, sent on stdin to bash (or `sudo -n bash`: BASH_STDIN): the prelude,
 * the library functions its own shell calls (app groups carry theirs), the step.
 */
export function renderScript(step: Step, ctx: RenderContext, reveal: boolean): string {
  return `${PRELUDE}${libraryFor(PRELUDE + rootCode(step))}${renderStepBody(step, ctx, reveal)}`;
}

/** The code the step's own shell runs (not the app user's): its guard, and its commands and their checks. */
function rootCode(step: Step): string {
  const own = step.commands.filter((c) => (c.as ?? (step.privileged ? 'root' : 'login')) !== 'app');
  return [step.onlyIf, ...own.flatMap((c) => [c.unless, c.run])].filter(Boolean).map(String).join('\n');
}

/**
 * A step's script after the prelude and its library: what --dry-run -v prints per step (with the
 * library named in the app user's groups, `named`, since -v prints it once).
 */
export function renderStepBody(step: Step, ctx: RenderContext, reveal: boolean, library: Library = 'whole'): string {
  const body = appGroups(step, ctx)
    .map((g) =>
      ownMarkers(g)
        ? renderAppGroup(g, step, ctx, reveal, library)
        : `__begin ${g[0].index}\n${renderCommand(g[0].cmd, step, ctx, reveal, library)}`,
    )
    .join('\n');
  const guard = step.onlyIf
    ? `if ! { ${reveal ? step.onlyIf.reveal() : String(step.onlyIf)}\n} </dev/null >/dev/null 2>&1; then exit 0; fi\n`
    : '';
  return `# step: ${step.id}\n${stepVariables(step, ctx)}${guard}${body}\n`;
}

/** The step's name and the pause point: what __begin needs, in the step's script and in each app group. */
function stepVariables(step: Step, ctx: RenderContext): string {
  const [pauseStep, pauseAt, pauseFor] = (ctx.pauseAt ?? '').split(':');
  const pause = pauseAt
    ? `__pause_at=${quote(`${pauseStep}:${pauseAt}`)}${pauseFor ? ` __pause_for=${quote(pauseFor)}` : ''}\n`
    : '';
  return `__step=${quote(step.id)}\n${pause}`;
}

type Numbered = { cmd: Command; index: number };

/** App commands that run as one script with markers of their own: several together, or one that reports its own change. */
function ownMarkers(group: Numbered[]): boolean {
  return group.length > 1 || (group[0].cmd.as === 'app' && !!group[0].cmd.reportsChange);
}

/**
 * The step's commands in runs: consecutive app-user commands together, every other command
 * alone. Each `sudo -u <app>` costs a PAM session and a bash start-up (~10 ms): a build's
 * dozen app commands (and their checks) then take one instead of twenty.
 */
function appGroups(step: Step, _ctx: RenderContext): Numbered[][] {
  const groups: Numbered[][] = [];
  step.commands.forEach((cmd, i) => {
    const app = (cmd.as ?? (step.privileged ? 'root' : 'login')) === 'app';
    if (app && !step.privileged) throw new Error(`step ${step.id}: app command in an unprivileged step`);
    const last = groups.at(-1);
    if (app && last && last[0].cmd.as === 'app') last.push({ cmd, index: i + 1 });
    else groups.push([{ cmd, index: i + 1 }]);
    // The app's shell cannot raise the step script's __step_changed: nothing may read it after a group.
    if (!app && groups.some(ownMarkers) && String(cmd.run).includes('__step_changed'))
      throw new Error(`step ${step.id}: command ${i + 1} reads __step_changed after a group of app commands`);
  });
  return groups;
}

/**
 * A run of app commands as one `sudo -u <app> bash` script: its own markers (the same
 * words and indices, so output, skips, failures and pause points read as if each ran alone),
 * each command in a subshell (nothing it sets or cd's into reaches the next, as before), its
 * check (unless) as before.
 */
function renderAppGroup(group: Numbered[], step: Step, ctx: RenderContext, reveal: boolean, library: Library): string {
  const text = (r: Redactable, real: boolean) => (real ? r.reveal() : String(r));
  const one = ({ cmd, index }: Numbered, real: boolean) => {
    const input = cmd.stdin
      ? heredoc(tagFor(String(cmd.stdin), cmd.stdin.reveal()), text(cmd.stdin, real))
      : ' </dev/null';
    const run = `( ${text(cmd.run, real)}\n)${input}`;
    const mark = cmd.probe || cmd.reportsChange ? '' : '\n__mark changed';
    const body = cmd.unless
      ? `if ( ${text(cmd.unless, real)}\n) </dev/null >/dev/null 2>&1; then\n__mark ok\nelse\n${run}${mark}\nfi`
      : `${run}${mark}`;
    return `__begin ${index}\n${body}`;
  };
  const code = group.map((n) => [n.cmd.unless, n.cmd.run].filter(Boolean).map(String).join('\n')).join('\n');
  const head = (lib: Library) =>
    (lib === 'whole' ? MARKERS : '# + remote/markers.sh\n') + libraryText(MARKERS + code, lib);
  const script = (real: boolean, lib: Library) =>
    appScript(`${stepVariables(step, ctx)}${group.map((n) => one(n, real)).join('\n')}`, head(lib));
  const shown = script(false, 'whole');
  const real = script(true, 'whole');
  if (library === 'named')
    return `__i=${group[0].index}\nsudo -n -H -u ${quote(ctx.appUser)} -- ${BASH_STDIN}${heredoc(tagFor(shown, real), script(false, 'named'))}`;
  // The step's own __i names the group until its first command begins (a failure inside is
  // reported by the group's markers first: parseOutput keeps the first "fail").
  return `__i=${group[0].index}\nsudo -n -H -u ${quote(ctx.appUser)} -- ${BASH_STDIN}${heredoc(tagFor(shown, real), reveal ? real : shown)}`;
}

/**
 * The command line of a step that streams a file (Step.upload, Step.download): the app user's bash
 * runs its one command, with the library functions it calls, given as bash's argument; the file
 * is its standard input or output. Nothing secret may be in it: it shows in the server's process list.
 */
export function streamCommand(step: Step, ctx: RenderContext): string {
  const [cmd] = step.commands;
  if (step.commands.length !== 1 || cmd.as !== 'app' || cmd.stdin || cmd.unless || String(cmd.run) !== cmd.run.reveal())
    throw new Error(`step ${step.id}: a file's transfer is one app command, without input, condition or secret`);
  const code = String(cmd.run);
  return `sudo -n -H -u ${quote(ctx.appUser)} -- bash -c ${quote(appScript(code, libraryFor(code)))}`;
}

export function remoteShell(step: Step, ctx?: RenderContext): string {
  return step.privileged && !ctx?.rootless ? `sudo -n ${BASH_STDIN}` : BASH_STDIN;
}

/**
 * Output lines. A command whose output lacks a final newline (Django's "Applying x..."
 * before a crash) runs into the next marker: the marker then starts a line of its own.
 */
export function splitLines(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const at = line.indexOf(MARK);
    return at > 0 ? [line.slice(0, at), line.slice(at)] : [line];
  });
}

/** Calls fn with each complete line (as splitLines cuts them) of a chunked stream. */
export function lineSplitter(fn: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) splitLines(line).forEach(fn);
    },
    end() {
      if (rest) splitLines(rest).forEach(fn);
      rest = '';
    },
  };
}

export interface ParsedOutput {
  /** Per command (index 1..n): its stdout and stderr with markers removed. */
  stdout: string[];
  stderr: string[];
  changed: Set<number>;
  skipped: Set<number>;
  failed?: { index: number; status: number };
}

/** Undo the markers: split the streams by command, find what changed and what failed. */
export function parseOutput(stdout: string, stderr: string, count: number): ParsedOutput {
  const out: ParsedOutput = {
    stdout: Array(count + 1).fill(''),
    stderr: Array(count + 1).fill(''),
    changed: new Set(),
    skipped: new Set(),
  };
  const split = (text: string, into: string[], onMark: (word: string, args: string[]) => void) => {
    let current = 0;
    const lines = splitLines(text);
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) {
      if (line.startsWith(MARK)) {
        const [word, ...args] = line.slice(1).split(' ');
        if (word === 'begin') current = Number(args[0]);
        else onMark(word, args);
        continue;
      }
      into[current] += `${line}\n`;
    }
    into.forEach((s, i) => (into[i] = s.replace(/\n$/, '')));
  };
  split(stdout, out.stdout, (word, [i]) => {
    if (word === 'changed') out.changed.add(Number(i));
    if (word === 'ok') out.skipped.add(Number(i));
  });
  // The first "fail" names the command: a group of app commands reports its own before the step's script does.
  split(stderr, out.stderr, (word, [i, status]) => {
    if (word === 'fail' && !out.failed) out.failed = { index: Number(i), status: Number(status) };
  });
  return out;
}
