// Setup's steps around the lock and the first release: taking the lock and reading what is live,
// building the first release (only while none is live), starting it, and what setup checks after.
// Pure: they build steps from the settings; commands/setup.ts runs them host by host.
import { onlyIf, step, type Command, type Step } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, type Slot } from '../layout.js';
import { sh } from '../shell.js';
import * as B from './build.js';
import { liveDir } from './build.js';
import type { BuildOn, ReleaseRef } from './build.js';
import { acquireLock, releaseLock, type LockInfo } from './lock.js';
import { healthCheck, replaceLink, startSlot, stopSlotInBackground } from './slots.js';
import { startProcesses, writeProcessPrograms } from './processes.js';
import { keepReleaseFiles, refreshReleaseSecrets, writeReleaseFiles } from './release-files.js';
import { configFile } from './setup.js';
import { repair, switchTo } from './switch.js';
import { releaseMeta } from './deploy.js';
import { servedCertificate } from './tls.js';
import { serverClock } from './git.js';
import { archiveChecksum } from './source.js';

/** The live release's .deploy-release (fingerprint left out), or nothing when no release is live. */
export function readLive(s: Settings, web: boolean): Command {
  return {
    run: sh`${releaseMeta(sh`${liveDir(s, web)}/.deploy-release`)} || true`,
    as: 'app',
    probe: true,
    name: 'live_release',
    unless: sh`test ! -e ${layout(s).current}`,
  };
}

/** The deploy lock, what an interrupted run left repaired, and what is live. */
export function lockAndReadLive(s: Settings, lock: LockInfo, web: boolean): Step {
  return step('lock', 'take the deploy lock', [
    { ...acquireLock(s, lock), probe: true },
    ...repair(s),
    readLive(s, web),
  ]);
}

/** The primary that --hosts leaves out: its lock and what it serves, when it is set up (else nothing). */
export function lockOutsidePrimary(s: Settings, lock: LockInfo, web: boolean): Step {
  return onlyIf(
    sh`test -d ${layout(s).root}`,
    step('lock', 'take the deploy lock (the primary, not in --hosts) and read what it serves', [
      { ...acquireLock(s, lock), probe: true },
      { run: sh`echo yes`, probe: true, name: 'set_up' },
      readLive(s, web),
    ]),
  );
}

export function unlock(s: Settings, lock: LockInfo): Step {
  return step('unlock', 'release the lock', [releaseLock(s, lock.token)]);
}

/** Only while no release is live: later versions come with `deploy`. */
function firstOnly(s: Settings, st: Step): Step {
  return onlyIf(sh`test ! -e ${layout(s).current}`, st);
}

/** The first release's files, its environment, its server files and its virtualenv. */
export function firstReleaseFiles(s: Settings, ref: ReleaseRef): Step {
  return firstOnly(
    s,
    step('virtualenv', 'virtualenv', [
      ...B.exportRelease(s, ref),
      B.writeEnvFile(s, ref.name),
      ...writeReleaseFiles(s, ref.name),
      ...keepReleaseFiles(s, ref.name),
      B.virtualenv(s, ref.name),
    ]),
  );
}

export function firstReleaseGunicorn(s: Settings, release: string): Step {
  return firstOnly(s, step('gunicorn', 'gunicorn', [B.gunicorn(s, release)]));
}

export function firstReleaseRequirements(s: Settings, release: string): Step {
  const title = 'requirements (pip install -r requirements.txt, when there is one)';
  return firstOnly(s, step('requirements', title, [B.requirements(s, release)]));
}

export function firstReleaseDjango(s: Settings, release: string, on: BuildOn): Step {
  const title = on.migrate
    ? 'Django (collectstatic and migrate, when there is a manage.py)'
    : 'Django (collectstatic, when there is a manage.py)';
  return firstOnly(s, step('django', title, [...B.djangoCommands(s, release, on), B.markBuilt(s, release)]));
}

export function firstReleaseOnly(s: Settings, st: Step): Step {
  return firstOnly(s, st);
}

/** A worker has no slots: its first release is simply made current. */
export function makeCurrent(s: Settings, release: string): Step {
  const L = layout(s);
  return firstOnly(
    s,
    step('current', `make ${release} current`, [{ run: replaceLink(L.release(release), L.current) }]),
  );
}

/** The live slot, started with `release` and proven, then traffic switched to it. */
export function startLive(s: Settings, slot: Slot, release: string): Step {
  return step('start', `start ${release} in slot ${slot} and switch traffic to it`, [
    ...startSlot(s, slot, release),
    healthCheck(s, slot),
    ...switchTo(s, slot),
  ]);
}

/** gunicorn_bind changed: the live release in the other slot, on its new address, and proven. */
export function rebindStart(s: Settings, to: Slot, release: string): Step {
  return step('rebind', `start ${release} in slot ${to} on ${layout(s).bind(to)}, health check`, [
    ...startSlot(s, to, release),
    healthCheck(s, to),
  ]);
}

/** Then, once nginx names the new address: traffic moves to it, the old slot stops. */
export function rebindSwitch(s: Settings, moved: { from: Slot; to: Slot }): Step {
  return step('rebind-switch', `switch traffic to slot ${moved.to} (the new address)`, [
    ...switchTo(s, moved.to),
    ...stopSlotInBackground(s, moved.from),
  ]);
}

export function servedCertificateStep(s: Settings): Step {
  return step('certificate-served', 'the certificate nginx serves', servedCertificate(s), false);
}

/** [PROCESSES] programs written (or removed) and those not running started; running ones are left alone. */
export function processesStep(s: Settings, on: boolean): Step {
  return step('processes', 'processes', [...writeProcessPrograms(s, on), ...startProcesses(s, on)]);
}

/** source = url: the archive's sha256 and the server's clock (which name the first release). */
export function readArchiveChecksum(s: Settings, ref: string): Step {
  return step('source', "read the archive's sha256 and the clock", [archiveChecksum(s, ref), serverClock(s)]);
}

/** The server's clock, which names a release. */
export function readClock(s: Settings): Step {
  return step('clock', "read the server's clock", [serverClock(s)]);
}

/** The config file; a rotated secret (database_url, email password) also replaces the old one in every kept release's copy. */
export function configFileAndReleaseCopies(s: Settings): Step {
  const config = configFile(s);
  return { ...config, commands: [...config.commands, refreshReleaseSecrets(s)] };
}
