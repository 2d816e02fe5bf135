// The repository: git over the deploy key, which commit a ref names, the release's name.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { sh, type Sh } from '../shell.js';
import { RemoteCommandError, UsageError } from '../errors.js';

/**
 * deploy_git's first two arguments (remote/lib/git.sh): the deploy key, and where the SSH
 * connection to the git server stays open between deploys, '' when the socket's path would pass
 * the kernel's 108-byte limit.
 */
export function gitSsh(s: Settings): string[] {
  const L = layout(s);
  const socket = `${L.sshDir}/git-%C`;
  return [L.deployKey, socket.length + 38 < 104 ? socket : ''];
}

/** Git over the deploy key (deploy_git): the words before git's own arguments. */
export function gitCommand(s: Settings): Sh {
  return sh`deploy_git ${gitSsh(s)}`;
}

/** resolveRef's exit status when the name does not exist, or names both a branch and a tag (deploy_resolve_ref, remote/lib/git.sh). */
export const NO_REF_STATUS = 66;

/**
 * Probe: prints "<commit> <tag|branch|commit> <name>" for the ref to deploy: --ref, else the
 * branch setting (a branch: refs/heads/<branch>), else the repository's default branch.
 *
 * A name that is both a branch and a tag is refused (exit NO_REF_STATUS), naming both: git
 * itself picks the tag with only a warning, and deploying the wrong one of two is silent.
 * refs/heads/NAME and refs/tags/NAME pick one. A name that does not exist: NO_REF_STATUS too.
 */
export function resolveRef(s: Settings, ref?: string): Command {
  const L = layout(s);
  const want = ref ?? (s.branch ? `refs/heads/${s.branch}` : '');
  return { run: sh`deploy_resolve_ref ${L.repo} ${want} ${s.repository}`, as: 'app', probe: true, name: 'resolved' };
}

/** resolveRef's refusal (a name that does not exist, or that names both a branch and a tag) is bad usage: exit 2. */
export function refError(err: unknown): unknown {
  if (!(err instanceof RemoteCommandError) || err.status !== NO_REF_STATUS) return err;
  const said = err.stderr.trim().split('\n').at(-1) ?? '';
  const both = /^(\S+) is both a branch /.exec(said)?.[1];
  return new UsageError(
    `${err.host}: ${said}`,
    both
      ? `Say which: --ref refs/heads/${both} for the branch, --ref refs/tags/${both} for the tag. Nothing was deployed.`
      : 'Name a branch, a tag or a commit of the repository (`git ls-remote` lists them). Nothing was deployed.',
  );
}

export function parseResolved(stdout: string): { commit: string; kind: string; ref: string } | undefined {
  // A dry run's placeholder stands for whatever the server will resolve.
  if (stdout.trim() === '<resolved>') return { commit: '<commit>', kind: 'branch', ref: '<ref>' };
  const m = /^([0-9a-f]{40}) (tag|branch|commit) (\S+)$/m.exec(stdout.trim());
  return m ? { commit: m[1], kind: m[2], ref: m[3] } : undefined;
}

/**
 * The server's clock and its newest release (names start with their UTC time): a release is named
 * by the servers' time, never the operator's, and after every release they keep, so the order of
 * the names is the order of the deploys whatever the clocks say.
 */
export function serverClock(s: Settings): Command {
  return { run: sh`deploy_clock ${layout(s).releases}`, as: 'app', probe: true, name: 'clock' };
}

/** When the new release is, from each host's serverClock(): the latest clock, and after the newest release any host keeps. */
export function releaseTime(clocks: string[], fallback = new Date()): Date {
  let t = 0;
  for (const c of clocks) {
    const [now = '', newest = ''] = c.trim().split('\n');
    if (/^\d+$/.test(now)) t = Math.max(t, Number(now) * 1000);
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})-/.exec(newest);
    if (m) t = Math.max(t, Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + 1000);
  }
  return t ? new Date(t) : fallback;
}

/** Seed 001: the version shows in the directory name: the tag, else the short commit. */
export function releaseName(commit: string, kind: string, ref: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  // source = url: the ref named the archive (its "commit" is the archive's sha256).
  const label = (kind === 'tag' || kind === 'url') && /^[A-Za-z0-9._-]+$/.test(ref) ? ref : commit.slice(0, 8);
  return `${stamp}-${label}`;
}
