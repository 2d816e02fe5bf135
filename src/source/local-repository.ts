// source = archive: this machine's own copy of the repository. A path is used as it is; a URL is
// mirrored under ~/.cache/deploy/mirrors and fetched with the operator's own credentials (their
// agent, ~/.ssh/config), never a server's. Refs resolve there by the servers' own function
// (deploy_resolve_ref, remote/lib/git.sh), so a name means the same in every source mode.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { libraryFor } from '../library.js';
import { DeployError, UsageError } from '../errors.js';
import { NO_REF_STATUS, parseResolved } from '../steps/git.js';
import type { Settings } from '../settings/types.js';

/**
 * git reads a blob whole into memory below core.bigFileThreshold (512 MB): a 100 MB file in a
 * release took this machine's git archive to 200 MB. Above the threshold it streams them.
 */
export const STREAM_BIG_FILES = ['-c', 'core.bigFileThreshold=1m'];

export interface Resolved {
  commit: string;
  kind: string;
  ref: string;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** A program run here, its output captured (what git prints is small: archives go to files). */
export function runHere(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((done) => {
    execFile(file, args, { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr || (err && !stdout ? err.message : '')) });
    });
  });
}

/** A function of remote/lib/ run by this machine's bash: the servers' code, the same answers. */
export function libraryHere(call: string, args: string[]): Promise<Ran> {
  return runHere('bash', ['-c', `set -euo pipefail\n${libraryFor(call)}\n${call} "$@"`, 'deploy', ...args]);
}

/** The repository setting as a path on this machine, when it is one (a path, ~/path or file://). */
export function localPath(repository: string): string | undefined {
  if (repository.startsWith('file://')) return repository.slice('file://'.length);
  if (repository.startsWith('~/')) return join(homedir(), repository.slice(2));
  if (repository.startsWith('/') || repository.startsWith('./') || repository.startsWith('../'))
    return resolve(repository);
  return undefined;
}

/** Where this machine mirrors a repository URL. */
export function mirrorDir(repository: string): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'deploy', 'mirrors', `${createHash('sha256').update(repository).digest('hex').slice(0, 16)}.git`);
}

const gitFailed = (what: string, repository: string, r: Ran) =>
  new DeployError(
    `this machine could not ${what} ${repository}: ${r.stderr.trim().split('\n').slice(-2).join(' ') || `git exited with ${r.code}`}`,
    'source = archive reads the repository from this machine, with your own git credentials (ssh-agent, ~/.ssh/config): check that `git ls-remote` works here.',
  );

/**
 * The repository on this machine, up to date: the path itself, or the mirror, cloned the first
 * time (into a temporary name, renamed when complete) and fetched after.
 */
export async function localRepository(s: Settings): Promise<string> {
  const path = localPath(s.repository);
  if (path) {
    if (!existsSync(path)) throw new UsageError(`repository ${s.repository} does not exist on this machine`);
    return path;
  }
  const dir = mirrorDir(s.repository);
  if (existsSync(dir)) {
    const r = await runHere('git', ['-C', dir, ...STREAM_BIG_FILES, 'fetch', '--prune', '--quiet', 'origin']);
    if (r.code !== 0) throw gitFailed('fetch', s.repository, r);
    return dir;
  }
  mkdirSync(dirname(dir), { recursive: true });
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const r = await runHere('git', [...STREAM_BIG_FILES, 'clone', '--mirror', '--quiet', s.repository, partial]);
  if (r.code !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw gitFailed('clone', s.repository, r);
  }
  renameSync(partial, dir);
  return dir;
}

/** The commit a ref names in the local repository (--ref, else the branch setting, else its default branch). */
export async function resolveHere(s: Settings, repo: string, ref?: string): Promise<Resolved> {
  const want = ref ?? (s.branch ? `refs/heads/${s.branch}` : '');
  const r = await libraryHere('deploy_resolve_ref', [repo, want, s.repository]);
  if (r.code === NO_REF_STATUS) {
    const said = r.stderr.trim().split('\n').at(-1) ?? '';
    throw new UsageError(
      said,
      'Name a branch, a tag or a commit of the repository (`git ls-remote` lists them). Nothing was deployed.',
    );
  }
  const resolved = parseResolved(r.stdout);
  if (r.code !== 0 || !resolved) throw gitFailed('resolve a ref in', s.repository, r);
  return resolved;
}
