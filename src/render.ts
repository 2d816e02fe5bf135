// Turns a step into the one bash script that runs it: `set -e`, and markers on
// stdout/stderr (\x1e + word + command index) that tell which command printed
// what, which were already done, and which one failed.
import { createHash } from 'node:crypto';
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

/** The helper library every step's script starts with. */
export const PRELUDE = String.raw`set -euo pipefail
umask 022
cd /
export LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
__i=0 __step_changed=0 __changed_files='' __step='' __pause_at='' __pause_for=3600
__mark() { printf '\036%s %s\n' "$1" "$__i"; if [ "$1" = changed ]; then __step_changed=1; fi; }
__begin() {
  __i=$1
  if [ -n "$__pause_at" ] && [ "$__step:$1" = "$__pause_at" ]; then __pause; fi
  printf '\036begin %s\n' "$1"; printf '\036begin %s\n' "$1" >&2
}
# A tick every 50 ms: once the client is gone, writing one ends the script (SIGPIPE) right here.
__pause() {
  local end=$((SECONDS + __pause_for))
  printf '\036paused %s\n' "$__step:$__i"
  while [ "$SECONDS" -lt "$end" ]; do printf '\036tick\n'; sleep 0.05; done
}
# On success the copies __put kept for __restore go: they may hold old secrets.
trap '__rc=$?; if [ "$__rc" -ne 0 ]; then printf "\036fail %s %s\n" "$__i" "$__rc" >&2; else for __f in $__changed_files; do rm -f "$__f.deploy-prev"; done; fi' EXIT
# __put PATH MODE OWNER:GROUP < content: replace PATH only when content or mode differ, keeping the old one for __restore.
__put() {
  local dst=$1 tmp
  tmp=$(mktemp "$dst.deploy-XXXXXX")
  cat >"$tmp"
  chmod "$2" "$tmp"
  chown "$3" "$tmp"
  if [ -f "$dst" ] && cmp -s "$tmp" "$dst" && [ "$(stat -c '%a %U:%G' "$dst")" = "$(stat -c '%a %U:%G' "$tmp")" ]; then
    rm -f "$tmp"; __mark ok; return 0
  fi
  if [ -e "$dst" ]; then cp -p "$dst" "$dst.deploy-prev"; else rm -f "$dst.deploy-prev"; fi
  mv -f "$tmp" "$dst"
  __changed_files="$__changed_files $dst"
  __mark changed
}
__was_changed() { case " $__changed_files " in *" $1 "*) return 0;; esac; return 1; }
# __supervisor_rpc METHOD PROGRAM [WAIT]: supervisord's XML-RPC over its socket (curl: ~15 ms,
# where each supervisorctl start-up costs ~170 ms). Fails on a fault or when there is no socket.
__supervisor_rpc() {
  local out wait=0
  if [ "$#" -ge 3 ]; then wait=$3; fi
  out=$(curl -s --max-time 60 --unix-socket /var/run/supervisor.sock http://localhost/RPC2 -H 'Content-Type: text/xml' \
    -d "<?xml version='1.0'?><methodCall><methodName>supervisor.$1</methodName><params><param><value><string>$2</string></value></param><param><value><boolean>$wait</boolean></value></param></params></methodCall>") || return 1
  case "$out" in *'<fault>'*|'') return 1;; esac
}
# __supervisor_config_changed PROGRAM: does supervisord's re-read config add or change it?
__supervisor_config_changed() {
  curl -s --max-time 30 --unix-socket /var/run/supervisor.sock http://localhost/RPC2 -H 'Content-Type: text/xml' \
    -d "<?xml version='1.0'?><methodCall><methodName>supervisor.reloadConfig</methodName><params></params></methodCall>" | grep -qF "<string>$1</string>"
}
# __addr_in_use BIND: is something listening on host:port or unix:/path?
__addr_in_use() {
  case "$1" in
    unix:*) ss -Hlx | grep -qF " $(printf '%s' "$1" | cut -d: -f2-) " ;;
    *) [ -n "$(ss -Hltn "sport = :$(printf '%s' "$1" | awk -F: '{ print $NF }')")" ] ;;
  esac
}
# Put back every file this step replaced (used when nginx -t rejects the new config).
__restore() {
  local f
  for f in $__changed_files; do
    if [ -e "$f.deploy-prev" ]; then mv -f "$f.deploy-prev" "$f"; else rm -f "$f"; fi
  done
}
`;

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

/** What the app user's bash runs: the script arrives on its stdin, never in sudo's argv. */
function appScript(body: string): string {
  return `set -euo pipefail\ncd "$HOME" 2>/dev/null || cd /\nexport PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1\n${body}\n`;
}

/**
 * `code` as the login or root shell runs it, or, for the app user, as `sudo -u APP bash -s` with
 * the code (and its own input, a here-document inside) on stdin: no process list ever shows it.
 */
function asWho(as: RunAs, ctx: RenderContext, code: (reveal: boolean) => string, reveal: boolean): string {
  if (as !== 'app') return code(reveal);
  const shown = appScript(code(false));
  const real = appScript(code(true));
  return `sudo -n -H -u ${quote(ctx.appUser)} -- bash -s${heredoc(tagFor(shown, real), reveal ? real : shown)}`;
}

/** One command as shell code; reveal=false gives the redacted text for display and logs. */
export function renderCommand(cmd: Command, step: Step, ctx: RenderContext, reveal: boolean): string {
  const as = cmd.as ?? (step.privileged ? 'root' : 'login');
  if (!step.privileged && as !== 'login') throw new Error(`step ${step.id}: ${as} command in an unprivileged step`);
  const text = (r: Redactable, real: boolean) => (real ? r.reveal() : String(r));
  // The script itself arrives on bash's stdin: every command gets its own stdin (its
  // here-document, or /dev/null) so that nothing it runs (ssh, apt, pip) can eat the script.
  const withInput = (real: boolean) => {
    if (!cmd.stdin) return `{ ${text(cmd.run, real)}\n} </dev/null`;
    return `{ ${text(cmd.run, real)}\n}${heredoc(tagFor(String(cmd.stdin), cmd.stdin.reveal()), text(cmd.stdin, real))}`;
  };
  const run = asWho(as, ctx, withInput, reveal);
  const mark = cmd.probe || cmd.reportsChange ? '' : '\n__mark changed';
  if (!cmd.unless) return `${run}${mark}`;
  const unless = asWho(as, ctx, (real) => `{ ${text(cmd.unless!, real)}\n} </dev/null`, reveal);
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

/** The whole script for one step, sent on stdin to `bash -s` (or `sudo -n bash -s`). */
export function renderScript(step: Step, ctx: RenderContext, reveal: boolean): string {
  return `${PRELUDE}${renderStepBody(step, ctx, reveal)}`;
}

/** A step's script after the PRELUDE: what --dry-run -v prints per step. */
export function renderStepBody(step: Step, ctx: RenderContext, reveal: boolean): string {
  const body = step.commands.map((cmd, i) => `__begin ${i + 1}\n${renderCommand(cmd, step, ctx, reveal)}`).join('\n');
  const guard = step.onlyIf ? `if ! { ${reveal ? step.onlyIf.reveal() : String(step.onlyIf)}\n} </dev/null >/dev/null 2>&1; then exit 0; fi\n` : '';
  const [pauseStep, pauseAt, pauseFor] = (ctx.pauseAt ?? '').split(':');
  const pause = pauseAt ? `__pause_at=${quote(`${pauseStep}:${pauseAt}`)}${pauseFor ? ` __pause_for=${quote(pauseFor)}` : ''}\n` : '';
  return `# step: ${step.id}\n__step=${quote(step.id)}\n${pause}${guard}${body}\n`;
}

export function remoteShell(step: Step, ctx?: RenderContext): string {
  return step.privileged && !ctx?.rootless ? 'sudo -n bash -s' : 'bash -s';
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
  const out: ParsedOutput = { stdout: Array(count + 1).fill(''), stderr: Array(count + 1).fill(''), changed: new Set(), skipped: new Set() };
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
  split(stderr, out.stderr, (word, [i, status]) => {
    if (word === 'fail') out.failed = { index: Number(i), status: Number(status) };
  });
  return out;
}
