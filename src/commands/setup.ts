// `deploy <app> setup`: seed 000's SETUP sequence on every host, ending with the app
// live under supervisor behind nginx. Safe to run again: done steps report as such.
import chalk from 'chalk';
import { onlyIf, step, type Step } from '../plan.js';
import { layout } from '../layout.js';
import { sh } from '../shell.js';
import { OperatorActionError, RemoteCommandError } from '../errors.js';
import { startSession, type GlobalOptions, type Session } from '../session.js';
import type { Executor } from '../exec/executor.js';
import * as S from '../steps/setup.js';
import * as R from '../steps/release.js';
import { configFingerprint } from '../steps/deploy.js';
import { operator } from '../operator.js';

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
  for (const host of s.hosts) {
    const ex = await session.open(host);
    try {
      await setupHost(session, ex, opts.dependencies);
    } finally {
      await ex.close();
    }
  }
  session.finish(opts.dryRun ? `dry run of setup for ${s.app} on ${hosts}` : `${s.app} is set up on ${hosts}`);
}

async function setupHost(session: Session, ex: Executor, dependencies: boolean): Promise<void> {
  const { settings: s, asker, reporter } = session;
  const L = layout(s);
  const label = ex.host.label;

  await ex.run(S.sudoCheck()).catch((err) => {
    if (err instanceof RemoteCommandError) err.hint = `${ex.host.user} needs passwordless sudo on ${ex.host.host} (a NOPASSWD line in /etc/sudoers.d).`;
    throw err;
  });
  const home = await ex.run(S.probeHome(s));
  if (!ex.dryRun) reporter.info(chalk.dim(`  ${label}: ${s.home} ${home.stdout.trim() === 'exists' ? 'exists: checking what is already done' : 'is missing: new server'}`));

  if (dependencies) {
    if (await asker.confirm(`Install system packages on ${label} with apt (${[...S.SYSTEM_PACKAGES, ...s.extraPackages].join(' ')})?`)) await ex.run(S.packages(s));
  } else {
    await ex.run(S.checkPackages(s));
  }
  await ex.run(S.appUser(s));
  const key = await ex.run(S.deployKey(s));
  await checkRepoAccess(session, ex, key.stdout.trim());
  await ex.run(S.virtualenvsDir(s));

  const cloned = await ex.run(withResolve(s, S.clone(s)));
  const resolved = R.parseResolved(cloned.stdout) ?? { commit: '<commit>', kind: 'branch', ref: s.branch ?? '<default branch>' };
  const release = ex.dryRun ? '<release>' : R.releaseName(resolved.commit, resolved.kind, resolved.ref);

  await ex.run(S.configFile(s));
  // The first release: built only while no release is live; later versions come with `deploy`.
  const firstRelease = (st: Step) => onlyIf(sh`test ! -e ${L.current}`, st);
  await ex.run(firstRelease(step('virtualenv', 'virtualenv', [...R.exportRelease(s, { name: release, ...resolved, fingerprint: configFingerprint(s), by: operator() }), R.virtualenv(s, release)])));
  await ex.run(firstRelease(step('gunicorn', 'gunicorn', [R.gunicorn(s, release)])));
  await ex.run(S.gunicornConfig(s));
  await ex.run(S.supervisorConfigStep(s));
  await ex.run(S.nginxConfig(s, R.upstreamConfig(s, 'a')));
  await ex.run(firstRelease(step('requirements', 'pip install -r requirements.txt', [R.requirements(s, release)])));
  await ex.run(firstRelease(step('django', 'collectstatic and migrate', [...R.djangoCommands(s, release), R.markBuilt(s, release)])));
  if (!(await asker.confirm(`Start ${s.app} on ${label} and send it traffic?`))) return reporter.info(`${label}: stopped before starting the app.`);
  const start = await ex.run(firstRelease(step('start', `start ${release} and switch traffic to it`, [...R.startSlot(s, 'a', release), R.healthCheck(s, 'a'), ...R.switchTo(s, 'a', release)])));
  if (!ex.dryRun && start.status === 'ok') reporter.info(chalk.dim(`  ${label}: a release is already live; new versions go out with \`deploy ${s.app} deploy\``));
  await ex.run(S.verifySite(s));
}

/** The clone step also says which commit the first release will be. */
function withResolve(s: Parameters<typeof S.clone>[0], st: Step): Step {
  return { ...st, commands: [...st.commands, R.resolveRef(s)] };
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
