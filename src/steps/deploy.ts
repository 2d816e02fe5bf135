// deploy and rollback plans: lock, fetch, build beside the live release, start it in the idle
// gunicorn slot, health-check, switch (steps/switch.ts), stop the old slot, prune.
// Round trips per host: a deploy 3 (4 with several hosts), a rollback 2 (3), a no-op 2.
import { createHash } from 'node:crypto';
import { step, type Command, type Step, type StepResult } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, liveSlotCode, type Slot } from '../layout.js';
import { raw, Secret, sh, type Sh } from '../shell.js';
import * as B from './build.js';
import { gitCommand, parseResolved, resolveRef, serverClock } from './git.js';
import { acquireLock, readLock, releaseLock, type LockInfo } from './lock.js';
import { healthCheck, siteUrl, otherSlot, replaceLink, startSlot, stopSlotInBackground, supervisorConfig } from './slots.js';
import { abortPoint, DELETE, repair, switchTo } from './switch.js';
import { configFileContent, gunicornConfigContent, nginxSiteContent } from './setup.js';
import { hook } from './hooks.js';
import { controlFiles, programFile, requiredServices, stopProgram } from './manager.js';
import { restartProcesses, writeProcessPrograms } from './processes.js';
import { installNginxSite, keepReleaseFiles, pruneKeptFiles, refreshReleaseSecrets, syncConfigFile, writeReleaseFiles } from './release-files.js';
import { deployPageOff } from './maintenance.js';

/** What the server configs would be; a live release with the same commit and fingerprint needs no deploy. */
export function configFingerprint(s: Settings): Secret {
  const h = createHash('sha256');
  for (const part of [configFileContent(s), gunicornConfigContent(s), supervisorConfig(s, 'a'), supervisorConfig(s, 'b'), nginxSiteContent(s), B.envFileContent(s)]) h.update(part.reveal());
  h.update(JSON.stringify([s.wsgiApp, s.systemSitePackages, s.pipIndexUrl, s.pipFindLinks, s.python, s.migrate, s.collectstatic, s.testCommand, s.processes, s.processManager, s.processStop, s.hooks]));
  return new Secret(h.digest('hex').slice(0, 16));
}

/** A release's .deploy-release without its fingerprint (what may be shown and logged). */
export function releaseMeta(file: Sh): Sh {
  return sh`head -n 1 ${file} 2>/dev/null | sed 's/,"fingerprint":"[^"]*"//'`;
}

export function appendDeployLog(s: Settings, entry: Record<string, unknown>): Command {
  const L = layout(s);
  return { run: sh`printf '%s\\n' ${JSON.stringify(entry)} >> ${L.deployLog} || true`, as: 'app', probe: true };
}

/** A run that turned out to have nothing to do gives the lock back. */
export function unlockStep(s: Settings, token: string, log: Record<string, unknown>): Step {
  return step('unlock', 'release the lock', [releaseLock(s, token), appendDeployLog(s, log)]);
}

/** Fails with what to do when setup has not run on this server (dir is missing). */
function requireSetUp(s: Settings, dir: string): Command {
  return { run: sh`test -d ${dir} || { echo "${s.app} is not set up on this server: run \\\`deploy ${s.app} setup\\\` first" >&2; exit 1; }`, probe: true };
}

/** Fails, saying so, when a service the app needs is not running: a deploy would report a site live that nobody serves. */
function requireServices(s: Settings, web: boolean): Command {
  const services = requiredServices(s, { roles: web ? ['web'] : [] });
  return {
    // (The words are this file's own, spliced as code: a quoted value inside the double quotes would close them.)
    run: sh`for u in ${services}; do if ! systemctl is-active --quiet "$u"; then echo "$u is not running on this server ($(systemctl is-active "$u" 2>/dev/null || true)): ${raw(web ? 'the site is down' : 'the processes of the app are down')}; start it (sudo systemctl start $u), then run this again" >&2; exit 1; fi; done`,
    probe: true,
  };
}

/**
 * Fails with what to do when an older version set up this web host: its nginx site predates the
 * switch file, or it kept the slots root's (the app user switches now).
 */
function requireThisVersion(s: Settings, web: boolean): Command[] {
  const L = layout(s);
  if (!web) return [];
  return [
    {
      run: sh`{ grep -qF ${L.liveFlag} ${L.nginxSite} 2>/dev/null && test -w ${L.slots}; } || { echo "${s.app} was set up by an older version of deploy: run \\\`deploy ${s.app} setup\\\` again first" >&2; exit 1; }`,
      as: 'app',
      probe: true,
    },
  ];
}

export const liveDir = B.liveDir;

/** Index (1-based) of the lock command in prepare() and inspect(): a failure after it means we hold the lock. */
export const LOCK_COMMAND = 2;

/** The live slot, what it runs, and whether its server configs are the ones `fingerprint` names (same|changed). */
function readLive(s: Settings, fingerprint: Secret, web: boolean): Command[] {
  const L = layout(s);
  const meta = sh`${liveDir(s, web)}/.deploy-release`;
  return [
    { run: liveSlotCode(L), as: 'app', probe: true, name: 'live_slot' },
    { name: 'live_release', as: 'app', probe: true, run: sh`${releaseMeta(meta)} || true; if grep -qF ${sh`${'"fingerprint":"'}${fingerprint}${'"'}`} ${meta} 2>/dev/null; then echo same; else echo changed; fi` },
  ];
}

/** Round trip 1: lock, repair what a cut-short run left, fetch, resolve the ref, read what is live. */
export function prepare(s: Settings, lock: LockInfo, ref?: string, fingerprint = configFingerprint(s), web = true): Step {
  const L = layout(s);
  const cmds = [
    requireSetUp(s, L.repo),
    acquireLock(s, lock),
    requireServices(s, web),
    ...requireThisVersion(s, web),
    ...controlFiles(s, false),
    ...repair(s),
    { run: sh`cd ${L.repo} && ${gitCommand(s)} fetch --prune --quiet origin`, as: 'app', probe: true },
    resolveRef(s, ref),
    serverClock(s),
    ...readLive(s, fingerprint, web),
  ] satisfies Command[];
  return step('prepare', 'lock, fetch and resolve', cmds);
}

/** What prepare() found on one host. */
export function parsePrepare(res: StepResult): { resolved?: ReturnType<typeof parseResolved>; current: { commit?: string; release?: string }; sameConfig: boolean; live: Slot; repaired: string; clock: string } {
  const v = res.values;
  const [meta = '', same = ''] = (v.live_release ?? '').split('\n');
  let current = {};
  try {
    current = JSON.parse(meta || '{}');
  } catch {
    /* no readable live release (or a dry run's placeholder) */
  }
  return { resolved: parseResolved(v.resolved ?? ''), current, sameConfig: same.trim() === 'same', live: v.live_slot === 'b' ? 'b' : 'a', repaired: v.repaired ?? '', clock: v.clock ?? '' };
}

/** Round trip 2: the new release, built beside the live one (which nothing here touches). */
export function build(s: Settings, r: B.ReleaseRef, on: B.BuildOn = { web: true, migrate: true, primary: true }): Step {
  return step('build', `build release ${r.name}`, [
    ...B.exportRelease(s, r),
    B.writeEnvFile(s, r.name),
    ...writeReleaseFiles(s, r.name),
    ...keepReleaseFiles(s, r.name),
    refreshReleaseSecrets(s),
    ...hook(s, 'before_build', r.name, on),
    B.virtualenv(s, r.name),
    B.gunicorn(s, r.name),
    B.requirements(s, r.name),
    ...B.djangoCommands(s, r.name, on),
    ...hook(s, 'after_build', r.name, on),
    B.markBuilt(s, r.name),
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
    run: sh`${DELETE} && cd ${L.releases} && keep=" $(ls -1d */.deploy-built 2>/dev/null | cut -d/ -f1 | sort -r | head -n ${s.keepReleases} | tr '\\n' ' ') ${alsoKeep} $(basename "$(readlink ${L.current})") $(basename "$(readlink ${L.slot('a')})") $(basename "$(readlink ${L.slot('b')})") "; for d in */; do d=\${d%/}; [ -d "$d" ] || continue; case "$keep" in *" $d "*) ;; *) mv -T -- "$d" ".deleting-$d" && __delete ".deleting-$d" && echo "removed release $d";; esac; done; used=" $(for d in */; do readlink -f "$d.venv" 2>/dev/null || true; done | tr '\\n' ' ') "; for v in ${s.venvsDir}/*/; do v=\${v%/}; [ -d "$v" ] || continue; case "$used" in *" $v "*) ;; *) mv -T -- "$v" "$(dirname "$v")/.deleting-$(basename "$v")" && __delete "$(dirname "$v")/.deleting-$(basename "$v")" && echo "removed environment $(basename "$v")";; esac; done`,
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
}

/** After the switch on one host: config_file follows, processes restart in the new release, then after_switch/after_rollback. */
function afterSwitch(s: Settings, g: GoLive): Command[] {
  const on = { primary: g.primary };
  return [
    syncConfigFile(s, g.release),
    ...writeProcessPrograms(s, g.programs ?? g.processes),
    ...restartProcesses(s, g.processes),
    ...(g.kind === 'deploy' ? hook(s, 'after_switch', g.release, on) : g.kind === 'rollback' ? hook(s, 'after_rollback', g.release, on) : []),
  ];
}

/** Start the release in the idle slot and prove it answers; no traffic reaches it yet. Then before_switch (a deploy's). */
export function startNew(s: Settings, release: string, slot: Slot, hooks: { kind: GoLive['kind']; primary: boolean } = { kind: 'deploy', primary: true }): Step {
  const unit = programFile(s, slot);
  return step('start', `start ${release} in slot ${slot}, health check`, [
    // Root writes the program; a deploy user (no root) can only check it is what the settings say.
    {
      run: sh`if [ "$(id -u)" = 0 ]; then __put ${unit} 0644 root:root; elif ! cmp -s - ${unit}; then echo ${`${unit} differs from what the settings make: run setup to apply the change (deploy_user cannot)`} >&2; exit 1; fi`,
      stdin: supervisorConfig(s, slot),
      reportsChange: true,
    },
    ...startSlot(s, slot, release),
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
    ...stopSlotInBackground(s, otherSlot(g.slot)),
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
    { run: replaceLink(L.release(g.release), L.current), unless: sh`[ "$(readlink ${L.current})" = ${L.release(g.release)} ]`, as: 'app' },
    ...afterSwitch(s, g),
    ...(g.prune ? [prune(s), pruneKeptFiles(s)] : []),
    releaseLock(s, g.token),
    appendDeployLog(s, { ...g.log, result: 'ok' }),
  ]);
}

/** The site answers through this host's nginx, from this app's site (its X-Deploy-Site header). */
export function verifyThroughNginx(s: Settings): Command {
  const { curlArgs, url } = siteUrl(s);
  return {
    run: sh`headers=$(curl -s -o /dev/null -D - --max-time 10 ${curlArgs} ${url}) || true; code=$(printf '%s\n' "$headers" | awk 'NR == 1 { print $2 }'); if [ -z "$code" ] || [ "$code" -lt 200 ] || [ "$code" -ge 400 ] || ! printf '%s\n' "$headers" | tr -d '\r' | grep -qix ${`x-deploy-site: ${s.project}`}; then echo "through nginx, ${url} answered \${code:-nothing}" >&2; exit 1; fi; echo "$code"`,
    probe: true,
  };
}

/** Rolling deploys: a batch host switches (and is checked through its nginx); its old slot keeps running until the rollout is done. */
export function switchBatch(s: Settings, g: GoLive): Step {
  return step('switch', `switch traffic to ${g.release}, check through nginx`, [...switchTo(s, g.slot), verifyThroughNginx(s)]);
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
  return { ...a, id: 'start+switch', title: `${a.title}, switch traffic`, commands: [...a.commands, abortPoint(s, g.token), ...b.commands] };
}

/**
 * After a failure or Ctrl-C. The commit point decides: if the slot this run started is not
 * live, it is stopped and the release marked failed (the next deploy deletes it); if the switch
 * happened after all (the error came later), it is left serving. Then the lock is released, the
 * failure logged, and the script prints what is live: "live <slot> <release>".
 * Every command tolerates failure (a full disk, a missing directory): the lock must go.
 */
export function abandon(s: Settings, a: { release?: string; slot?: Slot; token: string; log: Record<string, unknown>; page?: boolean }): Step {
  const L = layout(s);
  // The old release serves again: this run's maintenance page (if it put one up) comes down.
  const cmds: Command[] = a.page ? [deployPageOff(s, a.token)] : [];
  if (a.slot) cmds.push({ run: sh`if [ "$(${liveSlotCode(L)})" != ${a.slot} ]; then ${stopProgram(s, a.slot)}; fi`, probe: true });
  if (a.release) {
    const dir = L.release(a.release);
    cmds.push({
      run: sh`if [ -d ${dir} ] && [ "$(readlink ${L.slots}/"$(${liveSlotCode(L)})")" != ${dir} ]; then rm -f ${dir}/.deploy-built; echo failed > ${dir}/.deploy-failed 2>/dev/null || { mv -T ${dir} ${L.release(`.deleting-${a.release}`)} && rm -rf ${L.release(`.deleting-${a.release}`)}; } || true; fi`,
      as: 'app',
      probe: true,
    });
  }
  cmds.push(
    { run: sh`rm -f ${L.decision(a.token)}`, as: 'app', probe: true },
    // Failed runs must not pile releases up past keep_releases until the next success: this one
    // stays (marked failed, to look into), older failed ones go.
    prune(s, a.release ?? ''),
    pruneKeptFiles(s),
    releaseLock(s, a.token),
    appendDeployLog(s, a.log),
    { run: sh`slot=$(${liveSlotCode(L)}); echo "live $slot $(basename "$(readlink ${L.slots}/"$slot")")"`, as: 'app', probe: true, name: 'live' },
  );
  return step('abandon', 'clean up', cmds);
}

export function parseAbandon(res: StepResult): { slot: Slot; release: string } | undefined {
  const m = /^live ([ab]) (\S*)$/m.exec(res.values.live ?? '');
  return m ? { slot: m[1] as Slot, release: m[2] } : undefined;
}

/** One line per release: name, state (built|failed|incomplete), the .deploy-release JSON. Plus current, live slot, lock. */
export function inspect(s: Settings, lock?: LockInfo, web = true): Step {
  const L = layout(s);
  const cmds: Command[] = [requireSetUp(s, L.releases)];
  if (lock) cmds.push(acquireLock(s, lock), requireServices(s, web), ...requireThisVersion(s, web), ...repair(s));
  cmds.push(
    {
      name: 'releases',
      run: sh`cd ${L.releases} && for d in */; do d=\${d%/}; [ -d "$d" ] || continue; if [ -f "$d/.deploy-built" ]; then st=built; elif [ -f "$d/.deploy-failed" ]; then st=failed; else st=incomplete; fi; printf '%s\\t%s\\t%s\\n' "$d" "$st" "$(${releaseMeta(raw('"$d/.deploy-release"'))})"; done`,
      as: 'app',
      probe: true,
    },
    // A live slot whose link is gone (removed, or a run cut off) still runs current's release.
    { run: sh`basename "$(readlink ${liveDir(s, web)} || readlink ${L.current})" 2>/dev/null || true`, as: 'app', probe: true, name: 'live_release' },
    { run: liveSlotCode(L), as: 'app', probe: true, name: 'live_slot' },
    readLock(s),
  );
  return step(lock ? 'inspect' : 'releases', lock ? 'lock and read releases' : 'read releases', cmds);
}

/** What inspect() found on one host. */
export function parseInspect(res: StepResult): { releases: ReleaseInfo[]; current: string; live: Slot; lock: string } {
  const v = res.values;
  return { releases: parseReleases(v.releases ?? ''), current: v.live_release ?? '', live: v.live_slot === 'b' ? 'b' : 'a', lock: v.lock ?? '' };
}

export interface ReleaseInfo {
  name: string;
  state: 'built' | 'failed' | 'incomplete';
  ref?: string;
  commit?: string;
  time?: string;
  by?: string;
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
      return { name, state: state as ReleaseInfo['state'], ref: meta.ref, commit: meta.commit, time: meta.time, by: meta.by };
    })
    .sort((a, b) => (a.name < b.name ? 1 : -1));
}
