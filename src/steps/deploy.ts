// deploy and rollback: lock, fetch, build beside the live release, start it in the idle
// gunicorn slot, health-check, switch nginx atomically, stop the old slot, prune.
// Round trips per host: a deploy 3 (4 with several hosts), a rollback 2 (3), a no-op 2.
import { createHash } from 'node:crypto';
import { step, type Command, type Step, type StepResult } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, type Slot } from '../layout.js';
import { sh } from '../shell.js';
import * as R from './release.js';
import { configFileContent, gunicornConfigContent, nginxSiteContent } from './setup.js';

/** Exit status of the lock command when another run holds the lock. */
export const LOCKED_STATUS = 75;
/** Exit status of a script that stopped because the operator pressed Ctrl-C. */
export const INTERRUPTED_STATUS = 130;

/** Ctrl-C while a script runs: tell it, over a second channel of the same connection. */
export function requestAbort(s: Settings, token: string): Step {
  return { ...step('abort', 'ask the running step to stop before the switch', [{ run: sh`printf '%s\\n' ${token} > ${layout(s).abortFlag}`, probe: true }]), aside: true };
}

/** The last point where Ctrl-C still stops a run: right before traffic moves. */
export function abortPoint(s: Settings, token: string): Command {
  return { run: sh`if grep -qsF ${token} ${layout(s).abortFlag}; then echo "interrupted: stopped before switching traffic" >&2; exit ${INTERRUPTED_STATUS}; fi`, probe: true };
}

export interface LockInfo {
  by: string;
  pid: number;
  since: string;
  what: string;
  token: string;
}

/** What the server configs would be; a live release with the same commit and fingerprint needs no deploy. */
export function configFingerprint(s: Settings): string {
  const h = createHash('sha256');
  for (const part of [configFileContent(s), gunicornConfigContent(s), R.supervisorConfig(s, 'a'), R.supervisorConfig(s, 'b'), nginxSiteContent(s)]) h.update(String(part));
  h.update(JSON.stringify([s.wsgiApp, s.systemSitePackages, s.pipIndexUrl, s.pipFindLinks, s.python, s.migrate, s.collectstatic, s.testCommand]));
  return h.digest('hex').slice(0, 16);
}

export function acquireLock(s: Settings, info: LockInfo): Command {
  const lock = layout(s).lock;
  return {
    run: sh`if mkdir ${lock} 2>/dev/null; then printf '%s\\n' ${JSON.stringify(info)} > ${lock}/info; else echo "locked: $(cat ${lock}/info 2>/dev/null || echo '{}')" >&2; exit ${LOCKED_STATUS}; fi`,
  };
}

/** Only the run that took the lock releases it. */
export function releaseLock(s: Settings, token: string): Command {
  const lock = layout(s).lock;
  return { run: sh`if grep -qF ${token} ${lock}/info 2>/dev/null; then rm -rf ${lock}; fi`, probe: true };
}

/** A run that turned out to have nothing to do gives the lock back. */
export function unlockStep(s: Settings, token: string, log: Record<string, unknown>): Step {
  return step('unlock', 'release the lock', [releaseLock(s, token), appendDeployLog(s, log)]);
}

export function appendDeployLog(s: Settings, entry: Record<string, unknown>): Command {
  const L = layout(s);
  return { run: sh`printf '%s\\n' ${JSON.stringify(entry)} >> ${L.deployLog}`, probe: true };
}

/** Fails with what to do when setup has not run on this server (dir is missing). */
function requireSetUp(s: Settings, dir: string): Command {
  return { run: sh`test -d ${dir} || { echo "${s.app} is not set up on this server: run \\\`deploy ${s.app} setup\\\` first" >&2; exit 1; }`, probe: true };
}

/** Round trip 1: lock, fetch into the repository cache, resolve the ref, read what is live. */
export function prepare(s: Settings, lock: LockInfo, ref?: string): Step {
  const L = layout(s);
  return step('prepare', 'lock, fetch and resolve', [
    requireSetUp(s, L.repo),
    acquireLock(s, lock),
    { run: sh`cd ${L.repo} && ${R.gitCommand(s)} fetch --prune --quiet origin`, as: 'app', probe: true },
    R.resolveRef(s, ref),
    { run: sh`cat ${L.current}/.deploy-release 2>/dev/null || true`, probe: true },
    { run: sh`cat ${L.liveSlot} 2>/dev/null || echo a`, probe: true },
  ]);
}

/** What prepare() found on one host. */
export function parsePrepare(res: StepResult): { resolved?: ReturnType<typeof R.parseResolved>; current: { commit?: string; fingerprint?: string }; live: Slot } {
  const out = (i: number) => res.commands[i]?.stdout ?? '';
  let current = {};
  try {
    current = JSON.parse(out(4) || '{}');
  } catch {
    /* no readable current release */
  }
  return { resolved: R.parseResolved(out(3)), current, live: (out(5).trim() || 'a') as Slot };
}

/** Round trip 2: the new release, built beside the live one (which nothing here touches). */
export function build(s: Settings, r: R.ReleaseRef): Step {
  return step('build', `build release ${r.name}`, [
    ...R.exportRelease(s, r),
    R.virtualenv(s, r.name),
    R.gunicorn(s, r.name),
    R.requirements(s, r.name),
    ...R.djangoCommands(s, r.name),
    R.markBuilt(s, r.name),
  ]);
}

/** Deletes releases beyond keep_releases (never current, never a slot's), then environments no release uses. */
export function prune(s: Settings): Command {
  const L = layout(s);
  return {
    run: sh`cd ${L.releases} && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n ${s.keepReleases} | tr '\\n' ' ') $(basename "$(readlink ${L.current})") $(basename "$(readlink ${L.slot('a')})") $(basename "$(readlink ${L.slot('b')})") "; for d in */; do d=\${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) rm -rf -- "$d"; echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\\n' ' ') "; for v in ${s.venvsDir}/*/; do v=\${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) rm -rf -- "$v"; echo "removed environment $(basename "$v")";; esac; done`,
    probe: true,
  };
}

export interface GoLive {
  release: string;
  slot: Slot;
  token: string;
  log: Record<string, unknown>;
  prune: boolean;
}

export const otherSlot = (slot: Slot): Slot => (slot === 'a' ? 'b' : 'a');

/** Start the release in the idle slot and prove it answers; no traffic reaches it yet. */
export function startNew(s: Settings, release: string, slot: Slot): Step {
  const L = layout(s);
  return step('start', `start ${release} in slot ${slot}, health check`, [
    { run: sh`__put ${L.supervisorConf(slot)} 0644 root:root`, stdin: R.supervisorConfig(s, slot), reportsChange: true },
    ...R.startSlot(s, slot, release),
    R.healthCheck(s, slot),
  ]);
}

/** Atomic switch (current symlink by rename, nginx upstream by graceful reload), then stop the old slot, prune, unlock, log. */
export function switchOver(s: Settings, g: GoLive): Step {
  const L = layout(s);
  return step('switch', `switch traffic to ${g.release}`, [
    ...R.switchTo(s, g.slot, g.release),
    R.stopSlotInBackground(s, otherSlot(g.slot)),
    { run: sh`rm -f ${L.abortFlag}`, probe: true },
    ...(g.prune ? [prune(s)] : []),
    releaseLock(s, g.token),
    appendDeployLog(s, { ...g.log, result: 'ok' }),
  ]);
}

/**
 * After a failure or Ctrl-C before the switch: the live release keeps serving; the new
 * release's slot is stopped, the release is marked failed (pruned by the next deploy),
 * the lock is released and the failure logged.
 */
export function abandon(s: Settings, a: { release?: string; slot?: Slot; token: string; log: Record<string, unknown> }): Step {
  const L = layout(s);
  const cmds: Command[] = [];
  if (a.slot) cmds.push({ run: sh`if [ "$(cat ${L.liveSlot} 2>/dev/null)" != ${a.slot} ]; then supervisorctl stop ${L.program(a.slot)} >/dev/null 2>&1 || true; fi`, probe: true });
  if (a.release) {
    const dir = L.release(a.release);
    cmds.push({ run: sh`if [ -d ${dir} ] && [ "$(readlink ${L.current})" != ${dir} ]; then rm -f ${dir}/.deploy-built; echo failed > ${dir}/.deploy-failed; fi`, probe: true });
  }
  cmds.push({ run: sh`rm -f ${L.abortFlag}`, probe: true }, releaseLock(s, a.token), appendDeployLog(s, a.log));
  return step('abandon', 'clean up: the live release keeps serving', cmds);
}

/** One line per release: name, state (built|failed|incomplete), the .deploy-release JSON. Plus current and live slot. */
export function inspect(s: Settings, lock?: LockInfo): Step {
  const L = layout(s);
  const cmds: Command[] = [requireSetUp(s, L.releases)];
  if (lock) cmds.push(acquireLock(s, lock));
  cmds.push(
    {
      run: sh`cd ${L.releases} && for d in */; do d=\${d%/}; [ -d "$d" ] || continue; if [ -f "$d/.deploy-built" ]; then st=built; elif [ -f "$d/.deploy-failed" ]; then st=failed; else st=incomplete; fi; printf '%s\\t%s\\t%s\\n' "$d" "$st" "$(head -n 1 "$d/.deploy-release" 2>/dev/null)"; done`,
      probe: true,
    },
    { run: sh`basename "$(readlink ${L.current})" 2>/dev/null || true`, probe: true },
    { run: sh`cat ${L.liveSlot} 2>/dev/null || echo a`, probe: true },
    { run: sh`cat ${L.lock}/info 2>/dev/null || true`, probe: true },
  );
  return step(lock ? 'inspect' : 'releases', lock ? 'lock and read releases' : 'read releases', cmds);
}

/** What inspect() found on one host (its command order: check, [lock], list, current, live, lock info). */
export function parseInspect(res: StepResult, locked: boolean): { releases: ReleaseInfo[]; current: string; live: Slot; lock: string } {
  const out = (i: number) => res.commands[i + (locked ? 1 : 0)]?.stdout ?? '';
  return { releases: parseReleases(out(1)), current: out(2).trim(), live: (out(3).trim() || 'a') as Slot, lock: out(4).trim() };
}

export interface ReleaseInfo {
  name: string;
  state: 'built' | 'failed' | 'incomplete';
  ref?: string;
  commit?: string;
  time?: string;
  by?: string;
  fingerprint?: string;
}

export function parseReleases(stdout: string): ReleaseInfo[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, state, json] = line.split('\t');
      let meta: Partial<ReleaseInfo> = {};
      try {
        meta = JSON.parse(json || '{}');
      } catch {
        /* an unreadable .deploy-release leaves the fields empty */
      }
      return { name, state: state as ReleaseInfo['state'], ref: meta.ref, commit: meta.commit, time: meta.time, by: meta.by, fingerprint: meta.fingerprint };
    })
    .sort((a, b) => (a.name < b.name ? 1 : -1));
}
