// source = archive: the release archive of one commit, made once per run on this machine and
// sent to every host over its SSH connection. It goes to a file and is hashed as a stream: a
// large app is never held in memory, whatever the number of hosts.
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DeployError } from '../errors.js';
import type { Upload } from '../plan.js';
import { libraryHere, runHere, STREAM_BIG_FILES } from './local-repository.js';

export interface ReleaseArchive extends Upload {
  /** Removes the archive (the run is over). */
  dispose(): void;
}

/** The sha256 of a file, read as a stream. */
export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * The gzip'd tar of `commit` (as git archive makes it: no .git, export-ignore honoured), in a
 * directory of its own under the system's temporary directory. A commit with submodules is
 * refused as the servers refuse it (deploy_check_submodules).
 */
export async function makeArchive(repo: string, commit: string, ref: string): Promise<ReleaseArchive> {
  const subs = await libraryHere('deploy_check_submodules', [repo, commit, ref]);
  if (subs.code !== 0) throw new DeployError(subs.stderr.trim());
  const dir = mkdtempSync(join(tmpdir(), 'deploy-archive-'));
  const file = join(dir, `${commit.slice(0, 12)}.tar.gz`);
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  const made = await runHere('git', [
    '-C',
    repo,
    ...STREAM_BIG_FILES,
    'archive',
    '--format=tar.gz',
    '-o',
    file,
    commit,
  ]);
  if (made.code !== 0) {
    dispose();
    throw new DeployError(`git archive of ${ref} (${commit.slice(0, 8)}) failed: ${made.stderr.trim()}`);
  }
  return { file, bytes: statSync(file).size, sha256: await sha256Of(file), dispose };
}
