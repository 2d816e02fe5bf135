// The repository: git over the deploy key, which commit a ref names, the release's name.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { sh, type Sh } from '../shell.js';

/**
 * Git over the deploy key; the first contact with the git server records its host key. The SSH
 * connection to the git server stays open for 5 minutes after its last use (OpenSSH's
 * ControlPersist, a socket only the app user can use), so the next deploy's fetch skips the
 * handshake. Left out when the socket's path would pass the kernel's 108-byte limit.
 */
export function gitCommand(s: Settings): Sh {
  const L = layout(s);
  const socket = `${L.sshDir}/git-%C`;
  const persist = socket.length + 38 < 104 ? ` -o ControlMaster=auto -o ControlPersist=300 -o ControlPath=${socket}` : '';
  return sh`git -c core.sshCommand=${`ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -i ${L.deployKey}${persist}`}`;
}

/** Probe: prints "<commit> <tag|branch|commit> <ref>" for the ref to deploy (default: branch setting, else the remote default). */
export function resolveRef(s: Settings, ref?: string): Command {
  const L = layout(s);
  const want = ref ?? s.branch;
  const run = want
    ? sh`cd ${L.repo} && want=${want} && if c=$(git rev-parse --verify --quiet "refs/tags/$want^{commit}"); then echo "$c tag $want"; elif c=$(git rev-parse --verify --quiet "refs/heads/$want^{commit}"); then echo "$c branch $want"; elif c=$(git rev-parse --verify --quiet "$want^{commit}"); then echo "$c commit $want"; else echo "no branch, tag or commit named $want in "${s.repository} >&2; exit 1; fi`
    : sh`cd ${L.repo} && echo "$(git rev-parse --verify 'HEAD^{commit}') branch $(git symbolic-ref --short HEAD)"`;
  return { run, as: 'app', probe: true, name: 'resolved' };
}

export function parseResolved(stdout: string): { commit: string; kind: string; ref: string } | undefined {
  // A dry run's placeholder stands for whatever the server will resolve.
  if (stdout.trim() === '<resolved>') return { commit: '<commit>', kind: 'branch', ref: '<ref>' };
  const m = /^([0-9a-f]{40}) (tag|branch|commit) (\S+)$/m.exec(stdout.trim());
  return m ? { commit: m[1], kind: m[2], ref: m[3] } : undefined;
}

/** Seed 001: the version shows in the directory name: the tag, else the short commit. */
export function releaseName(commit: string, kind: string, ref: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
  const label = kind === 'tag' && /^[A-Za-z0-9._-]+$/.test(ref) ? ref : commit.slice(0, 8);
  return `${stamp}-${label}`;
}
