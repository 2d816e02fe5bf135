// Setup's first release when releases come as archives (source = archive or url): which release
// it is (the one the fleet serves when there is one, else the branch head or --ref's archive),
// and its files, sent from this machine (archive, made once per setup run) or downloaded by the
// host (url, in the build step: build.ts's exportRelease).
import type { Session } from '../session.js';
import type { Step, StepResult } from '../plan.js';
import { releaseName, releaseTime } from '../steps/git.js';
import { urlRef } from '../steps/deploy.js';
import { receiveRelease } from '../steps/source.js';
import { readArchiveChecksum, readClock } from '../steps/setup-release.js';
import { resolveHere, type Resolved } from '../source/local-repository.js';
import type { ReleaseArchive } from '../source/archive.js';
import { archiveOf, type ResolvedHere } from '../fleet/source.js';

/** A release as its .deploy-release names it, on the host it was read from. */
export interface FleetRelease {
  release: string;
  commit: string;
  ref: string;
  kind: string;
  from: string;
}

/** Setup's first release on a host. */
export interface FirstRelease {
  resolved: Resolved;
  release: string;
  /** It is the release the fleet's primary serves. */
  fromFleet?: FleetRelease;
  /** The archive it was made from (its metadata). */
  archive?: { sha256: string; bytes?: number };
}

/**
 * The first releases of one setup run, named once per commit: hosts set up together read their
 * clocks a second or more apart, and a first release named on each host's own clock differed
 * between them, so a later rollback to it found it on no other host.
 */
export class FirstNames {
  private readonly times = new Map<string, Date>();

  name(r: Resolved, clock: string): string {
    const key = `${r.kind} ${r.ref} ${r.commit}`;
    const own = releaseTime([clock]);
    // The shared time must still come after this host's newest release (names sort by time).
    const after = releaseTime([`0\n${clock.trim().split('\n')[1] ?? ''}`], new Date(0));
    const shared = this.times.get(key);
    const t = shared && shared >= after ? shared : own;
    if (!shared) this.times.set(key, t);
    return releaseName(r.commit, r.kind, r.ref, t);
  }
}

export class ArchiveSources {
  /** One archive per commit for the whole setup run, made when a host first needs it. */
  private readonly archives = new Map<string, Promise<ReleaseArchive>>();
  readonly names = new FirstNames();

  constructor(
    private readonly session: Session,
    /** source = archive: the repository on this machine and the branch head (or --ref) there. */
    private readonly here?: ResolvedHere,
  ) {}

  /**
   * The host's first release; `building`: it has none live, so it is built now (with archive,
   * its archive is sent and unpacked here; with url, the build step downloads it).
   */
  async first(
    run: (st: Step) => Promise<StepResult>,
    label: string,
    joins: FleetRelease | undefined,
    building: boolean,
  ): Promise<FirstRelease> {
    const s = this.session.settings;
    if (s.source === 'url') {
      const ref = joins?.kind === 'url' ? joins.ref : urlRef(s);
      const read = await run(readArchiveChecksum(s, ref));
      const sha256 = read.values.archive_sha256;
      const fromFleet = joins && joins.commit === sha256 ? joins : undefined;
      const resolved = { commit: sha256, kind: 'url', ref };
      const release = fromFleet?.release ?? this.names.name(resolved, read.values.clock ?? '');
      return { resolved, release, fromFleet, archive: { sha256 } };
    }
    const fromFleet = joins && (await this.hasCommit(joins.commit)) ? joins : undefined;
    if (joins && !fromFleet)
      this.session.reporter.warn(
        `${label}: the commit of ${joins.release} (the release ${joins.from} serves) is not in the repository: its first release is the branch head`,
      );
    const resolved = fromFleet
      ? { commit: fromFleet.commit, kind: fromFleet.kind, ref: fromFleet.ref }
      : this.here!.resolved;
    const clock = fromFleet ? '' : (await run(readClock(s))).values.clock;
    const release = fromFleet?.release ?? this.names.name(resolved, clock ?? '');
    if (!building) return { resolved, release, fromFleet };
    const archive = await this.archiveOf(resolved);
    await run(receiveRelease(s, release, archive));
    return { resolved, release, fromFleet, archive: { sha256: archive.sha256, bytes: archive.bytes } };
  }

  private async hasCommit(commit: string): Promise<boolean> {
    try {
      return (await resolveHere(this.session.settings, this.here!.repo, commit)).commit === commit;
    } catch {
      return false;
    }
  }

  private archiveOf(r: Resolved): Promise<ReleaseArchive> {
    let made = this.archives.get(r.commit);
    if (!made) {
      made = archiveOf(this.session, { repo: this.here!.repo, resolved: r });
      this.archives.set(r.commit, made);
    }
    return made;
  }

  /** The archives go: the run is over. */
  async dispose(): Promise<void> {
    for (const made of this.archives.values()) (await made.catch(() => undefined))?.dispose();
  }
}
