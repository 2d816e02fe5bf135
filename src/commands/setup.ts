// `deploy <app> setup`: seed 000's SETUP sequence on every host, ending with the app
// live under supervisor behind nginx. Safe to run again: done steps report as such.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import { onlyIf, step, type Step } from '../plan.js';
import { layout } from '../layout.js';
import { sh } from '../shell.js';
import { OperatorActionError, RemoteCommandError, UsageError } from '../errors.js';
import { startSession, type GlobalOptions, type Session } from '../session.js';
import type { Executor } from '../exec/executor.js';
import * as S from '../steps/setup.js';
import * as B from '../steps/build.js';
import { parseResolved, releaseName, resolveRef } from '../steps/git.js';
import { acquireLock, releaseLock } from '../steps/lock.js';
import { healthCheck, startSlot } from '../steps/slots.js';
import { repair, switchTo } from '../steps/switch.js';
import { configFingerprint } from '../steps/deploy.js';
import { operator } from '../operator.js';
import { guardInterrupts, type InterruptGuard } from '../interrupt.js';
import { asLockError, newLock } from './fleet.js';

export interface SetupOptions extends GlobalOptions {
  app: string;
  dependencies: boolean;
}

export async function setupCommand(opts: SetupOptions): Promise<void> {
  const session = startSession(opts.app, 'setup', opts);
  const { settings: s, asker, reporter } = session;
  const hosts = s.hosts.map((h) => h.label).join(', ');
  const deps = opts.dependencies ? 'with system packages' : 'without system packages (--dependencies=no)';
  if (!(await asker.confirm(`Set up ${s.app} on ${hosts} ${deps}?`))) return reporter.info('Nothing done.');
  const guard = guardInterrupts((signal) => reporter.warn(`${signal}: stopping after the step under way (press Ctrl-C again to quit at once)`), 'setup stopped after the step under way; run it again to go on');
  try {
    for (const host of s.hosts) {
      const ex = await session.open(host);
      try {
        await setupHost(session, ex, opts.dependencies, guard);
      } finally {
        await ex.close();
      }
    }
  } finally {
    guard.dispose();
  }
  session.finish(opts.dryRun ? `dry run of setup for ${s.app} on ${hosts}` : `${s.app} is set up on ${hosts}`);
}

async function setupHost(session: Session, ex: Executor, dependencies: boolean, guard: InterruptGuard): Promise<void> {
  const { settings: s, asker, reporter } = session;
  const label = ex.host.label;
  // Between two steps a signal stops the run (a step under way always finishes).
  const run = (st: Step) => {
    guard.check();
    return ex.run(st);
  };

  await run(S.sudoCheck()).catch((err) => {
    if (err instanceof RemoteCommandError) err.hint = `${ex.host.user} needs passwordless sudo on ${ex.host.host} (a NOPASSWD line in /etc/sudoers.d).`;
    throw err;
  });
  const home = (await run(S.probeHome(s))).values.home;
  if (home.startsWith('foreign')) {
    throw new UsageError(`${label}: home ${s.home} already exists, belongs to ${home.slice(8)} and is not empty: refusing to give it to ${s.appUser}`, 'Choose another home in [DEPLOY] (nothing was changed on the server).');
  }
  if (!ex.dryRun) reporter.info(chalk.dim(`  ${label}: ${s.home} ${home === 'ours' ? 'exists: checking what is already done' : 'is missing: new server'}`));

  if (dependencies) {
    if (await asker.confirm(`Install system packages on ${label} with apt (${[...S.SYSTEM_PACKAGES, ...s.extraPackages].join(' ')})?`)) await run(S.packages(s));
  } else {
    await run(S.checkPackages(s));
  }
  await run(S.appUser(s));
  if (s.deployUser) await run(S.deployUserAccess(s, ex.dryRun ? '<public keys>\n' : readDeployUserKeys(s)));

  // From here on setup writes what deploys read: it holds the deploy lock like they do.
  const lock = newLock('setup');
  try {
    await run(step('lock', 'take the deploy lock', [{ ...acquireLock(s, lock), probe: true }, ...repair(s)]));
  } catch (err) {
    throw asLockError(err, s.app);
  }
  try {
    await setupLocked(session, ex, run);
  } finally {
    await ex.run(step('unlock', 'release the lock', [releaseLock(s, lock.token)])).catch(() => undefined);
  }
}

async function setupLocked(session: Session, ex: Executor, run: (st: Step) => Promise<Awaited<ReturnType<Executor['run']>>>): Promise<void> {
  const { settings: s, asker, reporter } = session;
  const L = layout(s);
  const label = ex.host.label;
  const key = await run(S.deployKey(s));
  await checkRepoAccess(session, ex, key.values.public_key);
  await run(S.virtualenvsDir(s));

  const cloned = await run(withResolve(s, S.clone(s)));
  const resolved = parseResolved(cloned.values.resolved) ?? { commit: '<commit>', kind: 'branch', ref: '<ref>' };
  const release = releaseName(resolved.commit, resolved.kind, resolved.ref);

  await run(S.configFile(s));
  // The first release: built only while no release is live; later versions come with `deploy`.
  const firstRelease = (st: Step) => onlyIf(sh`test ! -e ${L.current}`, st);
  const ref = { name: release, ...resolved, fingerprint: configFingerprint(s), by: operator() };
  await run(firstRelease(step('virtualenv', 'virtualenv', [...B.exportRelease(s, ref), B.writeEnvFile(s, release), B.virtualenv(s, release)])));
  await run(firstRelease(step('gunicorn', 'gunicorn', [B.gunicorn(s, release)])));
  await run(S.gunicornConfig(s));
  await run(S.supervisorConfigStep(s));
  await run(S.nginxConfig(s));
  await run(firstRelease(step('requirements', 'pip install -r requirements.txt', [B.requirements(s, release)])));
  await run(firstRelease(step('django', 'collectstatic and migrate', [...B.djangoCommands(s, release), B.markBuilt(s, release)])));
  if (!(await asker.confirm(`Start ${s.app} on ${label} and send it traffic?`))) return reporter.info(`${label}: stopped before starting the app.`);
  // Start the live slot unless it runs: the first release on a new server, or the live slot's
  // release when an earlier setup was cut short between linking the slot and starting it.
  const live = S.parseLiveProgram((await run(S.liveProgram(s))).values.live);
  if (live.state === 'RUNNING') {
    if (!ex.dryRun) reporter.info(chalk.dim(`  ${label}: a release is already live; new versions go out with \`deploy ${s.app} deploy\``));
  } else {
    const target = live.release || release;
    await run(step('start', `start ${target} in slot ${live.slot} and switch traffic to it`, [...startSlot(s, live.slot, target), healthCheck(s, live.slot), ...switchTo(s, live.slot)]));
  }
  await run(S.verifySite(s));
}

/** The public keys deploy_user accepts (deploy_user_keys, else the .pub beside identity_file). */
function readDeployUserKeys(s: Session['settings']): string {
  const files = s.deployUserKeys.length ? s.deployUserKeys : s.identityFile ? [`${s.identityFile}.pub`] : [];
  if (!files.length) throw new UsageError('deploy_user needs deploy_user_keys (public key files to authorise): there is no identity_file whose .pub could be used');
  return files
    .map((f) => {
      const path = f.startsWith('~/') ? join(homedir(), f.slice(2)) : f;
      try {
        const key = readFileSync(path, 'utf8').trim();
        if (!/^(ssh-|ecdsa-|sk-)\S+ \S+/.test(key)) throw new Error('not an OpenSSH public key');
        return `${key}\n`;
      } catch (e) {
        throw new UsageError(`[DEPLOY] deploy_user_keys: cannot use ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    })
    .join('');
}

/** The clone step also says which commit the first release will be. */
function withResolve(s: Parameters<typeof S.clone>[0], st: Step): Step {
  return { ...st, commands: [...st.commands, resolveRef(s)] };
}

/**
 * The deploy-key gate (seed 000): show the public key, let the operator add it to the
 * git host, check with git ls-remote. Unattended runs stop with exit 3 and the key.
 */
async function checkRepoAccess(session: Session, ex: Executor, publicKey: string): Promise<void> {
  const { settings: s, asker, reporter } = session;
  if (ex.dryRun) {
    await ex.run(S.repoAccess(s));
    return;
  }
  reporter.info(`${ex.host.label}: deploy key of ${s.appUser} (give it read access to ${s.repository}):\n  ${chalk.cyan(publicKey)}`);
  if (asker.interactive) await asker.confirm(`Does this key have read access to ${s.repository}?`);
  for (;;) {
    try {
      await ex.run(S.repoAccess(s));
      return;
    } catch (err) {
      if (!(err instanceof RemoteCommandError)) throw err;
      const why = err.stderr.trim().split('\n').slice(-2).join(' ');
      if (!asker.interactive) {
        throw new OperatorActionError(
          `${ex.host.label}: the deploy key cannot read ${s.repository} (${why})`,
          `Add this public key as a read-only deploy key of the repository, then run setup again:\n  ${publicKey}`,
        );
      }
      reporter.warn(`The key cannot read the repository yet: ${why}`);
      if (!(await asker.confirm('Added the key? Check again?'))) {
        throw new OperatorActionError(`${ex.host.label}: the deploy key cannot read ${s.repository}`, `Add the key, then run setup again:\n  ${publicKey}`);
      }
    }
  }
}
