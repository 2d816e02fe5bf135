// What a deploy brings and a rollback takes away, read on each host before traffic moves
// (remote/lib/changes.sh prints it in "== name" sections): the commands that read it, and the
// pure functions that turn it into what the operator reads, --json's `changes` and the local
// hooks' DEPLOY_CHANGES_FILE.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { sh } from '../shell.js';
import { liveDir, type BuildOn } from './build.js';

export interface Commit {
  sha: string;
  author: string;
  subject: string;
}

/** What one host would change, as --json and the hooks' file give it. */
export interface HostChanges {
  /** The live release's commit (null: nothing live yet, or unknown). */
  live: string | null;
  /** From the server's mirror (source = git); null when it cannot tell. */
  commits: {
    /** Commits the new release has that the live one lacks. */
    count: number;
    /** Live commits the new release lacks: not 0 when the new commit is behind or beside the live one. */
    left_out: number;
    /** The new commit descends from the live one. */
    ancestor: boolean;
    /** The newest first, at most 20. */
    list: Commit[];
  } | null;
  files_changed: number | null;
  /** app.migration names Django would apply, in order; null when not asked (no migrate here) or unknown. */
  migrations: string[] | null;
  /** Why migrations is null although this host migrates (Django's last line of error). */
  migrations_unknown?: string;
  requirements: { added: string[]; removed: string[]; changed: { from: string; to: string }[] };
  /** Server files whose content this deploy changes, with lines added and removed. */
  server_files: { path: string; added: number; removed: number }[];
}

/** The sections of deploy_changes / deploy_leaving's output: name -> [argument line, body lines]. */
function sections(text: string): Map<string, { args: string; lines: string[] }> {
  const out = new Map<string, { args: string; lines: string[] }>();
  let current: { args: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const head = /^== (\S+) ?(.*)$/.exec(line);
    if (head) {
      current = { args: head[2], lines: [] };
      out.set(head[1], current);
    } else current?.lines.push(line);
  }
  return out;
}

function commitsOf(sec: ReturnType<typeof sections>): HostChanges['commits'] {
  const c = sec.get('commits');
  if (!c) return null;
  const [leftOut, count] = c.args.split(/\s+/).map(Number);
  const list = c.lines
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [sha, author, ...subject] = l.split('\t');
      return { sha, author, subject: subject.join('\t') };
    });
  return { count, left_out: leftOut, ancestor: leftOut === 0, list };
}

/** A requirement line's key: the package name (lower case), or the whole line for anything else (-r, options). */
function requirementKey(line: string): string {
  const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1];
  return name && !line.startsWith('-') ? name.toLowerCase().replace(/[._]/g, '-') : line;
}

function requirementLines(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of lines) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line) out.set(requirementKey(line), line);
  }
  return out;
}

/** The requirement lines added, removed and changed (same package, another line); comments and blank lines do not count. */
export function requirementsDiff(live: string[], next: string[]): HostChanges['requirements'] {
  const a = requirementLines(live);
  const b = requirementLines(next);
  const added = [...b].filter(([k]) => !a.has(k)).map(([, l]) => l);
  const removed = [...a].filter(([k]) => !b.has(k)).map(([, l]) => l);
  const changed = [...b].filter(([k, l]) => a.has(k) && a.get(k) !== l).map(([k, l]) => ({ from: a.get(k)!, to: l }));
  return { added, removed, changed };
}

/** What deploy_changes printed on one host (server_files is filled in by the caller). */
export function parseChanges(text: string): HostChanges {
  const sec = sections(text);
  const live = sec.get('live')?.args;
  const m = sec.get('migrations');
  const files = sec.get('files');
  return {
    live: live && live !== 'none' ? live : null,
    commits: commitsOf(sec),
    files_changed: files ? Number(files.args) : null,
    migrations:
      !m || m.args === 'unknown' ? null : m.args === 'same' ? [] : m.lines.map((l) => l.trim()).filter(Boolean),
    ...(m?.args === 'unknown' ? { migrations_unknown: m.lines.find((l) => l.trim())?.trim() ?? '' } : {}),
    requirements: requirementsDiff(sec.get('requirements-live')?.lines ?? [], sec.get('requirements-new')?.lines ?? []),
    server_files: [],
  };
}

/** The probe in a build, before migrate runs: what the release brings over the live one on this host. */
export function changesProbe(s: Settings, release: string, on: BuildOn): Command {
  const L = layout(s);
  // A shared database migrates on the primary: only there are its migrations asked for.
  const migrates = s.migrate && (on.migrate || on.primary);
  return {
    run: sh`deploy_changes ${L.release(release)} ${liveDir(s, on.web)} ${s.source === 'git' ? L.repo : ''} ${migrates ? 'yes' : 'no'}`,
    as: 'app',
    probe: true,
    name: 'changes',
  };
}

/** What a rollback from the live release to `target` takes away: commits and the migrations applied since. */
export interface Leaving {
  commits: HostChanges['commits'];
  /** app.migration names the live release has and the target lacks. */
  migrations: string[];
}

export function leavingProbe(s: Settings, target: string, web: boolean): Command {
  const L = layout(s);
  return {
    run: sh`deploy_leaving ${liveDir(s, web)} ${L.release(target)} ${s.source === 'git' ? L.repo : ''}`,
    as: 'app',
    probe: true,
    name: 'leaving',
  };
}

/** leavingProbe for the rollback with no target, read with the releases (inspect): it finds that target itself and names it. */
export function leavingPreviousProbe(s: Settings, web: boolean): Command {
  const L = layout(s);
  return {
    run: sh`deploy_leaving_previous ${L.releases} ${liveDir(s, web)} ${s.source === 'git' ? L.repo : ''}`,
    as: 'app',
    probe: true,
    name: 'leaving_previous',
  };
}

/** The release leavingPreviousProbe read for ("== target NAME"), if any. */
export function leavingTarget(text: string): string | undefined {
  return sections(text).get('target')?.args.trim() || undefined;
}

/** "catalog/migrations/0002_sku.py" (any directories above) -> "catalog.0002_sku". */
export function migrationName(path: string): string {
  const m = /([^/]+)\/migrations\/([^/]+)\.py$/.exec(path);
  return m ? `${m[1]}.${m[2]}` : path;
}

export function parseLeaving(text: string): Leaving {
  const sec = sections(text);
  return {
    // Its count: the commits the live release has that the target lacks.
    commits: commitsOf(sec),
    migrations: (sec.get('migrations-left')?.lines ?? []).filter((l) => l.trim()).map(migrationName),
  };
}
