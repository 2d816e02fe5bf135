// Where a run's release comes from, across the fleet (settings `source`): with git each host
// resolves the ref in its own mirror; with archive this machine resolves it and makes the one
// archive every host is sent; with url every host reads the archive's sha256, and they must agree.
import chalk from 'chalk';
import type { Session } from '../session.js';
import { DeployError } from '../errors.js';
import { size, terminalSafe } from '../printable.js';
import { localRepository, resolveHere, type Resolved } from '../source/local-repository.js';
import { makeArchive, type ReleaseArchive } from '../source/archive.js';
import { urlRef } from '../steps/deploy.js';

/** source = archive: the repository on this machine and what the ref names there. */
export interface ResolvedHere {
  repo: string;
  resolved: Resolved;
}

/** source = archive: the ref resolved on this machine, before any host is touched (a bad ref: exit 2, nothing locked). */
export async function resolveOnThisMachine(session: Session, ref?: string): Promise<ResolvedHere | undefined> {
  const { settings: s, reporter } = session;
  if (s.source !== 'archive') return undefined;
  const repo = await localRepository(s);
  const resolved = await resolveHere(s, repo, ref);
  reporter.info(
    chalk.dim(
      `  ${resolved.ref} is ${resolved.commit.slice(0, 8)} in ${repo === s.repository ? repo : `this machine's mirror of ${s.repository} (${repo})`}`,
    ),
  );
  return { repo, resolved };
}

/**
 * What the run deploys, once every host has been read: resolved here (archive), by every host's
 * mirror (git: the first host's answer, as they fetch the same repository), or by the archive's
 * sha256 that every host read (url), which must be the same everywhere.
 */
export function whatToDeploy(
  session: Session,
  here: ResolvedHere | undefined,
  hosts: { label: string; resolved?: Resolved; archiveSha256?: string }[],
  ref?: string,
): Resolved | undefined {
  const s = session.settings;
  if (s.source === 'archive') return here?.resolved;
  if (s.source === 'git') return hosts[0]?.resolved;
  const sums = new Map(hosts.map((h) => [h.label, h.archiveSha256 ?? '']));
  const distinct = [...new Set(sums.values())];
  if (distinct.length > 1)
    throw new DeployError(
      `the hosts read different sha256s for the archive: ${[...sums].map(([h, v]) => `${h} ${terminalSafe(v.slice(0, 12))}`).join(', ')}`,
      'The archive (or its .sha256 file) changed while the hosts read it, or they reach different servers: run again, or set archive_sha256.',
    );
  return distinct[0] ? { commit: distinct[0], kind: 'url', ref: urlRef(s, ref) } : undefined;
}

/** source = archive: the release's archive, made once for the run (its size and sha256 shown, and in --json). */
export async function archiveOf(session: Session, here: ResolvedHere): Promise<ReleaseArchive> {
  const { resolved, repo } = here;
  const archive = await makeArchive(repo, resolved.commit, resolved.ref);
  session.reporter.info(
    chalk.dim(
      `  archive of ${resolved.ref} (${resolved.commit.slice(0, 8)}): ${size(archive.bytes)}, sha256 ${archive.sha256}`,
    ),
  );
  session.reporter.result.archive = { sha256: archive.sha256, bytes: archive.bytes };
  return archive;
}
