// deploy and rollback plans: lock, fetch, build beside the live release, start it in the idle
// gunicorn slot, health-check, switch (steps/switch.ts), stop or keep the old slot, prune.
// Round trips per host: a deploy 3 (4 with several hosts), a rollback 2 (3), a no-op 2.
import { step, value, type Command, type Step, type StepResult } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, liveSlotCode, type Slot } from '../layout.js';
import { type Secret, sh, type Sh } from '../shell.js';
import * as B from './build.js';
import { gitSsh, parseResolved, resolveRef, serverClock } from './git.js';
import { acquireLock, readLock, releaseLock, type LockInfo } from './lock.js';
import {
  healthCheck,
  idleRecord,
  siteUrl,
  otherSlot,
  startSlot,
  stopSlotInBackground,
  supervisorConfig,
} from './slots.js';
import { abortPoint, repair, switchTo } from './switch.js';
import { hook } from './hooks.js';
import { archiveChecksum } from './source.js';
import { environmentState } from './environment.js';
import { changesProbe, leavingPreviousProbe } from './changes.js';
import { UsageError } from '../errors.js';
import { controlFiles, programFile, programOf, requireServices } from './manager.js';
import { restartProcesses, writeProcessPrograms } from './processes.js';
import {
  installNginxSite,
  keepReleaseFiles,
  pruneKeptFiles,
  refreshReleaseSecrets,
  syncConfigFile,
  writeReleaseFiles,
} from './release-files.js';
import { deployPageOff } from './maintenance.js';
import { configFingerprint } from './fingerprint.js';

export { configFingerprint };

/** A release's .deploy-release without its fingerprint (what may be shown and logged). */
export function releaseMeta(file: Sh): Sh {
  return sh`deploy_release_meta ${file}`;
}

export function appendDeployLog(s: Settings, entry: Record<string, unknown>): Command {
  const L = layout(s);
  return { run: sh`deploy_log ${L.deployLog} ${JSON.stringify(entry)}`, as: 'app', probe: true };
}

/** A run that turned out to have nothing to do gives the lock back. */
export function unlockStep(s: Settings, token: string, log: Record<string, unknown>): Step {
  return step('unlock', 'release the lock', [releaseLock(s, token), appendDeployLog(s, log)]);
}

/** Fails with what to do when setup has not run on this server (dir is missing). */
function requireSetUp(s: Settings, dir: string): Command {
  return { run: sh`deploy_require_setup ${dir} ${s.app}`, probe: true };
}

/**
 * Fails with what to do when an older version set up this web host: its nginx site predates the
 * switch file, or it kept the slots root's (the app user switches now).
 */
function requireThisVersion(s: Settings, web: boolean): Command[] {
  const L = layout(s);
  if (!web) return [];
  return [
    { run: sh`deploy_require_this_version ${L.liveFlag} ${L.nginxSite} ${L.slots} ${s.app}`, as: 'app', probe: true },
  ];
}

export const liveDir = B.liveDir;

/** Index (1-based) of the lock command in prepare() and inspect(): a failure after it means we hold the lock. */
export const LOCK_COMMAND = 2;

/** The live slot, what it runs, and whether its server configs are the ones `fingerprint` names (same|changed). */
function readLive(s: Settings, fingerprint: Secret, web: boolean): Command[] {
  const L = layout(s);
  return [
    { run: liveSlotCode(L), as: 'app', probe: true, name: 'live_slot' },
    {
      name: 'live_release',
      as: 'app',
      probe: true,
      run: sh`deploy_live_fingerprint ${liveDir(s, web)} ${fingerprint}`,
    },
  ];
}

/** Round trip 1: lock, repair what a cut-short run left, fetch, resolve the ref, read what is live. */
export function prepare(
  s: Settings,
  lock: LockInfo,
  ref?: string,
  fingerprint = configFingerprint(s),
  web = true,
): Step {
  const L = layout(s);
  // What names the release: git resolves the ref in the server's mirror; archive, on this
  // machine (before this step); url, by the archive's sha256.
  const source: Command[] =
    s.source === 'git'
      ? [{ run: sh`deploy_fetch ${L.repo} ${gitSsh(s)}`, as: 'app', probe: true }, resolveRef(s, ref)]
      : s.source === 'url'
        ? [archiveChecksum(s, urlRef(s, ref))]
        : [];
  const cmds = [
    requireSetUp(s, s.source === 'git' ? L.repo : L.releases),
    acquireLock(s, lock),
    requireServices(s, web),
    ...requireThisVersion(s, web),
    ...repair(s),
    ...source,
    serverClock(s),
    ...readLive(s, fingerprint, web),
    // Root's, last: the app user's commands above then run in one shell (one sudo -u, not two).
    ...controlFiles(s, false),
  ] satisfies Command[];
  const title = {
    git: 'lock, fetch and resolve',
    archive: 'lock and read what is live',
    url: "lock and read the archive's sha256",
  };
  return step('prepare', title[s.source], cmds);
}

/**
 * source = url: the ref that fills archive_url's {ref}: --ref, else the branch setting. An
 * archive_url without {ref} always names the same archive: its ref is "archive".
 */
export function urlRef(s: Settings, ref?: string): string {
  const given = ref ?? s.branch;
  if (given) return given;
  if (s.archive && !s.archive.url.reveal().includes('{ref}')) return 'archive';
  throw new UsageError(
    'source = url needs the ref to put in archive_url ({ref})',
    'Say it with --ref (a tag: --ref 1.2.3), or set branch in [DEPLOY].',
  );
}

/** What prepare() found on one host. */
export function parsePrepare(res: StepResult): {
  resolved?: ReturnType<typeof parseResolved>;
  current: { commit?: string; release?: string };
  sameConfig: boolean;
  live: Slot;
  repaired: string;
  clock: string;
  /** source = url: the archive's sha256, as this host read it. */
  archiveSha256?: string;
} {
  const v = res.values;
  const [meta = '', same = ''] = (v.live_release ?? '').split('\n');
  let current = {};
  try {
    current = JSON.parse(meta || '{}');
  } catch {
    /* no readable live release (or a dry run's placeholder) */
  }
  return {
    resolved: parseResolved(v.resolved ?? ''),
    current,
    sameConfig: same.trim() === 'same',
    live: v.live_slot === 'b' ? 'b' : 'a',
    repaired: v.repaired ?? '',
    clock: v.clock ?? '',
    archiveSha256: v.archive_sha256 || undefined,
  };
}

/** Round trip 2: the new release, built beside the live one (which nothing here touches). */
export function build(s: Settings, r: B.ReleaseRef, on: B.BuildOn = { web: true, migrate: true, primary: true }): Step {
  return step('build', `build release ${r.name}`, [...releaseFiles(s, r, on), ...releaseEnvironment(s, r.name, on)]);
}

/**
 * On a fleet, the build in two steps, with the environment's state between them: what the
 * release needs is then known on every host before any runs pip (fleet/build-once.ts).
 */
export function buildFiles(s: Settings, r: B.ReleaseRef, on: B.BuildOn): Step {
  return step('build', `build release ${r.name}: its files`, [...releaseFiles(s, r, on), environmentState(s, r.name)]);
}

export function buildEnvironment(s: Settings, r: B.ReleaseRef, on: B.BuildOn): Step {
  return step('build-env', `build release ${r.name}: its environment, static files and migrations`, [
    ...releaseEnvironment(s, r.name, on),
  ]);
}

function releaseFiles(s: Settings, r: B.ReleaseRef, on: B.BuildOn): Command[] {
  return [
    // The new release starts in the idle slot: the previous one, left running there for a rollback, stops meanwhile.
    ...(on.idle ? stopSlotInBackground(s, on.idle, true) : []),
    ...B.exportRelease(s, r),
    B.writeEnvFile(s, r.name),
    ...writeReleaseFiles(s, r.name),
    refreshReleaseSecrets(s),
    ...hook(s, 'before_build', r.name, on),
  ];
}

function releaseEnvironment(s: Settings, name: string, on: B.BuildOn): Command[] {
  const env = [
    B.virtualenv(s, name),
    B.gunicorn(s, name),
    B.requirements(s, name),
    // Before migrate: which migrations will run is asked of Django while they have not.
    ...(on.changes ? [changesProbe(s, name, on)] : []),
    ...(on.reads ?? []),
  ];
  if (on.deferMigrate) return [...env, ...B.djangoBeforeMigrate(s, name, on)];
  return [...env, ...B.djangoCommands(s, name, on), ...completeRelease(s, name, on)];
}

/** The last of a build: after_build, then the release may be switched to (now, or by a rollback). */
function completeRelease(s: Settings, name: string, on: B.BuildOn): Command[] {
  return [...hook(s, 'after_build', name, on), B.markBuilt(s, name)];
}

/**
 * A build whose migrate waited for the operator's yes (BuildOn.deferMigrate): migrate, and the
 * release is complete. Said no, it stays unmarked, and no rollback can switch to it.
 */
export function finishBuild(s: Settings, name: string, on: B.BuildOn): Step {
  return step('migrate', `migrate and complete release ${name}`, [
    ...B.djangoMigrate(s, name, on),
    ...completeRelease(s, name, on),
  ]);
}

/**
 * Deletes releases beyond keep_releases (never the live slot's, never the other slot's), then
 * environments no release uses. Each is first renamed to .deleting-* (atomic), so a run killed
 * halfway never leaves a half-deleted release that looks complete.
 */
export function prune(s: Settings, alsoKeep = ''): Command {
  const L = layout(s);
  return {
    run: sh`deploy_prune ${s.keepReleases} ${[L.releases, L.current, L.slots, s.venvsDir, ...(alsoKeep ? [alsoKeep] : [])]}`,
    as: 'app',
    probe: true,
  };
}

export interface GoLive {
  release: string;
  slot: Slot;
  token: string;
  log: Record<string, unknown>;
  prune: boolean;
  /** What makes the release live: its hooks differ (before_switch/after_switch, or after_rollback). */
  kind: 'deploy' | 'rollback' | 'restart';
  /** This host runs [PROCESSES] and restarts them after the switch. */
  processes: boolean;
  /** This host runs [PROCESSES]: their programs stay (default: processes). A `restart web` keeps them without restarting them. */
  programs?: boolean;
  /** This host is the primary (run-once hooks). */
  primary: boolean;
  /** deploy --maintenance: this run's page comes down once the release is live here. */
  page?: boolean;
  /** A rollback whose release still runs in the idle slot (keep_previous_slot): it is used as it is. */
  warm?: boolean;
}

/** After the switch on one host: config_file follows, processes restart in the new release, then after_switch/after_rollback. */
function afterSwitch(s: Settings, g: GoLive): Command[] {
  const on = { primary: g.primary };
  return [
    syncConfigFile(s, g.release),
    ...writeProcessPrograms(s, g.programs ?? g.processes),
    ...restartProcesses(s, g.processes),
    ...(g.kind === 'deploy'
      ? hook(s, 'after_switch', g.release, on)
      : g.kind === 'rollback'
        ? hook(s, 'after_rollback', g.release, on)
        : []),
  ];
}

/** Start the release in the idle slot and prove it answers; no traffic reaches it yet. Then before_switch (a deploy's). */
export function startNew(
  s: Settings,
  release: string,
  slot: Slot,
  hooks: { kind: GoLive['kind']; primary: boolean; warm?: boolean } = { kind: 'deploy', primary: true },
): Step {
  const unit = programFile(s, slot);
  return step('start', `start ${release} in slot ${slot}, health check`, [
    // Root writes the program; a deploy user (no root) can only check it is what the settings say.
    { run: sh`deploy_program_file ${unit}`, stdin: supervisorConfig(s, slot), reportsChange: true },
    ...startSlot(s, slot, release, hooks.kind === 'rollback' && hooks.warm),
    // Root's copies of the new release's files, while its slot boots: the health check waits for the boot anyway.
    ...(hooks.kind === 'deploy' ? keepReleaseFiles(s, release) : []),
    healthCheck(s, slot),
    // The release's site once its slot answers: a site that names other ports (gunicorn_bind
    // changed) then has the started slot as the live one's backup, until the switch.
    ...installNginxSite(s, release, hooks.kind === 'deploy'),
    ...(hooks.kind === 'deploy' ? hook(s, 'before_switch', release, hooks) : []),
  ]);
}

/** Once a web host serves the release: stop the old slot, what follows a switch, then prune, unlock, log. */
function retireOldSlot(s: Settings, g: GoLive): Command[] {
  return [
    ...(g.page ? [deployPageOff(s, g.token)] : []),
    // After a deploy the previous release may keep running (keep_previous_slot): a rollback then needs no start.
    ...(g.kind === 'deploy' && s.keepPreviousSlot ? [] : stopSlotInBackground(s, otherSlot(g.slot))),
    ...afterSwitch(s, g),
    { run: sh`rm -f ${layout(s).decision(g.token)}`, as: 'app', probe: true },
    ...(g.prune ? [prune(s), pruneKeptFiles(s)] : []),
    releaseLock(s, g.token),
    appendDeployLog(s, { ...g.log, result: 'ok' }),
  ];
}

/** The switch (commit, current follows), then stop the old slot, prune, unlock, log. */
export function switchOver(s: Settings, g: GoLive): Step {
  return step('switch', `switch traffic to ${g.release}`, [...switchTo(s, g.slot), ...retireOldSlot(s, g)]);
}

/** The primary host, once per deploy after every host built: migrate on a shared database, then [RUN_ONCE]. */
export function runOnce(s: Settings, release: string): Step {
  return step('run-once', `run once in ${release}`, B.runOnceCommands(s, release));
}

/**
 * A worker host (no nginx, no slots) makes the release live by pointing `current` at it;
 * its processes follow it. Then prune, unlock, log.
 */
export function activateWorker(s: Settings, g: GoLive): Step {
  const L = layout(s);
  return step('activate', `make ${g.release} current`, [
    // Root's copies of a new release's files (a web host keeps them while its slot boots): config_file follows from them.
    ...(g.kind === 'deploy' ? keepReleaseFiles(s, g.release) : []),
    {
      run: sh`deploy_replace_link ${L.release(g.release)} ${L.current}`,
      unless: sh`[ "$(readlink ${L.current})" = ${L.release(g.release)} ]`,
      as: 'app',
    },
    ...afterSwitch(s, g),
    ...(g.prune ? [prune(s), pruneKeptFiles(s)] : []),
    releaseLock(s, g.token),
    appendDeployLog(s, { ...g.log, result: 'ok' }),
  ]);
}

/** The site answers through this host's nginx, from this app's site (its X-Deploy-Site header). */
export function verifyThroughNginx(s: Settings): Command {
  const { curlArgs, url } = siteUrl(s);
  return { run: sh`deploy_check_through_nginx ${s.project} ${url} ${curlArgs}`, probe: true };
}

/** Rolling deploys: a batch host switches (and is checked through its nginx); its old slot keeps running until the rollout is done. */
export function switchBatch(s: Settings, g: GoLive): Step {
  return step('switch', `switch traffic to ${g.release}, check through nginx`, [
    // The server's clock just before its switch: a canary's watch counts the answers before and
    // after it. Read after the switch, a new release's first answers in that second counted as before.
    value('switched_at', sh`date +%s`),
    ...switchTo(s, g.slot),
    verifyThroughNginx(s),
  ]);
}

/** A batch that failed goes back: traffic to the old slot (still running), `current` follows. */
export function revertBatch(s: Settings, oldSlot: Slot): Step {
  return step('revert', 'back to the previous release', switchTo(s, oldSlot));
}

/** The rollout is over: stop the old slot, prune, unlock, log (a host that switched in a batch). */
export function finishSwitch(s: Settings, g: GoLive): Step {
  return step('finish', 'stop the old slot, clean up', retireOldSlot(s, g));
}

/** One host: start, health check, the last stop point, switch — one script, one round trip. */
export function startAndSwitch(s: Settings, g: GoLive): Step {
  const a = startNew(s, g.release, g.slot, g);
  const b = switchOver(s, g);
  return {
    ...a,
    id: 'start+switch',
    title: `${a.title}, switch traffic`,
    commands: [...a.commands, abortPoint(s, g.token), ...b.commands],
  };
}

/**
 * After a failure or Ctrl-C. The commit point decides: if the slot this run started is not
 * live, it is stopped and the release marked failed (the next deploy deletes it); if the switch
 * happened after all (the error came later), it is left serving. Then the lock is released, the
 * failure logged, and the script prints what is live: "live <slot> <release>".
 * Every command tolerates failure (a full disk, a missing directory): the lock must go.
 */
export function abandon(
  s: Settings,
  a: { release?: string; slot?: Slot; token: string; log: Record<string, unknown>; page?: boolean },
): Step {
  const L = layout(s);
  // The old release serves again: this run's maintenance page (if it put one up) comes down.
  const cmds: Command[] = a.page ? [deployPageOff(s, a.token)] : [];
  // Root only tests whether the switch file exists (deploy_live_slot): the slot it stops is idle.
  if (a.slot)
    cmds.push({
      run: sh`deploy_stop_idle "$(${liveSlotCode(L)})" ${a.slot} ${s.project} ${programOf(s, a.slot)}`,
      probe: true,
    });
  if (a.release)
    cmds.push({
      run: sh`deploy_abandon_release ${L.release(a.release)} ${L.liveFlag} ${L.slots}`,
      as: 'app',
      probe: true,
    });
  cmds.push(
    { run: sh`rm -f ${L.decision(a.token)}`, as: 'app', probe: true },
    // Failed runs must not pile releases up past keep_releases until the next success: this one
    // stays (marked failed, to look into), older failed ones go.
    prune(s, a.release ?? ''),
    pruneKeptFiles(s),
    releaseLock(s, a.token),
    appendDeployLog(s, a.log),
    { run: sh`deploy_live_now ${L.liveFlag} ${L.slots}`, as: 'app', probe: true, name: 'live' },
  );
  return step('abandon', 'clean up', cmds);
}

export function parseAbandon(res: StepResult): { slot: Slot; release: string } | undefined {
  const m = /^live ([ab]) (\S*)$/m.exec(res.values.live ?? '');
  return m ? { slot: m[1] as Slot, release: m[2] } : undefined;
}

/** One line per release: name, state (built|failed|incomplete), the .deploy-release JSON. Plus current, live slot, lock. */
export function inspect(
  s: Settings,
  lock?: LockInfo,
  web = true,
  rollback: { leaving?: boolean } | undefined = undefined,
): Step {
  const L = layout(s);
  const cmds: Command[] = [requireSetUp(s, L.releases)];
  if (lock) cmds.push(acquireLock(s, lock), requireServices(s, web), ...requireThisVersion(s, web), ...repair(s));
  cmds.push(
    { run: sh`deploy_releases ${L.releases}`, as: 'app', probe: true, name: 'releases' },
    // A live slot whose link is gone (removed, or a run cut off) still runs current's release.
    { run: sh`deploy_live_name ${liveDir(s, web)} ${L.current}`, as: 'app', probe: true, name: 'live_release' },
    { run: liveSlotCode(L), as: 'app', probe: true, name: 'live_slot' },
    readLock(s),
  );
  // A rollback's reads: what going back to the release before the live one leaves (no target
  // named), without a round trip of its own; what the idle slot still runs (a deploy left the
  // previous release running there): a rollback to it starts nothing.
  if (rollback?.leaving) cmds.push(leavingPreviousProbe(s, web));
  if (rollback && web) cmds.push(idleRecord(s, 'idle_record'));
  return step(lock ? 'inspect' : 'releases', lock ? 'lock and read releases' : 'read releases', cmds);
}

/** What inspect() found on one host. */
export function parseInspect(res: StepResult): {
  releases: ReleaseInfo[];
  current: string;
  live: Slot;
  lock: string;
  /** What the idle slot still runs (slots.ts slotRecord), when it runs. */
  idleRecord: string;
  /** What going back to the release before the live one leaves (steps/changes.ts leavingPreviousProbe), when asked. */
  leavingPrevious: string;
} {
  const v = res.values;
  return {
    releases: parseReleases(v.releases ?? ''),
    current: v.live_release ?? '',
    live: v.live_slot === 'b' ? 'b' : 'a',
    lock: v.lock ?? '',
    idleRecord: (v.idle_record ?? '').trim(),
    leavingPrevious: v.leaving_previous ?? '',
  };
}

export interface ReleaseInfo {
  name: string;
  state: 'built' | 'failed' | 'incomplete';
  ref?: string;
  commit?: string;
  time?: string;
  by?: string;
  /** Where its files came from (settings `source`); releases made before it was recorded came from git. */
  source?: string;
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
      return {
        name,
        state: state as ReleaseInfo['state'],
        ref: meta.ref,
        commit: meta.commit,
        time: meta.time,
        by: meta.by,
        source: meta.source ?? (json ? 'git' : undefined),
      };
    })
    .sort((a, b) => (a.name < b.name ? 1 : -1));
}
