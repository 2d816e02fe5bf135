// `deploy <app> deploy [--ref REF] [--force]`: build a new release beside the live one on
// every host and switch to it only when it is proven good (README "Releases").
import chalk from 'chalk';
import { startSession, type GlobalOptions } from '../session.js';
import { layout } from '../layout.js';
import { operator } from '../operator.js';
import * as D from '../steps/deploy.js';
import { releaseName } from '../steps/git.js';
import { DeployError } from '../errors.js';
import { checkRef } from '../refs.js';
import { closeAll, goLive, newLock, nothingToDo, onEvery, openAll, runLocking, withCleanup } from './fleet.js';

export interface DeployOptions extends GlobalOptions {
  app: string;
  ref?: string;
  force: boolean;
}

export async function deployCommand(opts: DeployOptions): Promise<void> {
  if (opts.ref !== undefined) checkRef(opts.ref);
  const session = startSession(opts.app, 'deploy', opts);
  const { settings: s, asker, reporter } = session;
  const hosts = s.hosts.map((h) => h.label).join(', ');
  const what = opts.ref ?? s.branch ?? "the repository's default branch";
  if (!(await asker.confirm(`Deploy ${what} of ${s.app} to ${hosts}?`))) return reporter.info('Nothing done.');

  const lock = newLock(`deploy ${opts.ref ?? s.branch ?? 'HEAD'}`);
  const fingerprint = D.configFingerprint(s);
  const runs = await openAll(session);
  const log: Record<string, unknown> = { time: new Date().toISOString(), operator: lock.by, command: 'deploy', ref: opts.ref ?? s.branch ?? 'HEAD', hosts: s.hosts.map((h) => h.label) };
  try {
    await withCleanup(session, runs, lock, log, async (state) => {
      // 1. lock, repair what a cut-short run left, fetch, resolve, read what is live
      const prepared = await onEvery(runs, (run) => runLocking(run, async () => D.parsePrepare(await run.ex.run(D.prepare(s, lock, opts.ref, fingerprint)))));
      prepared.forEach((p, i) => p.repaired && reporter.info(chalk.yellow(`${runs[i].ex.host.label}: repaired what an interrupted run left: ${p.repaired}`)));
      const resolved = prepared[0].resolved;
      if (!resolved) throw new DeployError(`could not resolve ${what} in the repository`);
      log.commit = resolved.commit;
      log.ref = resolved.ref;

      const live = prepared.every((p) => p.current.commit === resolved.commit && p.sameConfig);
      if (live && !opts.force) {
        return nothingToDo(session, runs, lock, log, chalk.green(`${resolved.ref} (${resolved.commit.slice(0, 8)}) is already live on ${hosts}: nothing to do.`) + chalk.dim(' Use --force to redeploy it.'));
      }
      state.guard.check();

      // 2. build beside the live release
      const name = releaseName(resolved.commit, resolved.kind, resolved.ref);
      log.release = name;
      reporter.result.release = name;
      const ref = { name, ...resolved, fingerprint, by: operator() };
      await onEvery(runs, async (run) => {
        run.release = name;
        await run.ex.run(D.build(s, ref));
      });
      state.guard.check();

      // 3. start it in the idle slot and prove it answers; 4. switch, stop the old slot, prune, unlock, log
      await goLive(session, runs, { release: name, liveSlots: prepared.map((p) => p.live), lock, log, prune: true, state });
      reporter.info(chalk.green(`${name} is live on ${hosts}`) + chalk.dim(` (${resolved.ref} ${resolved.commit.slice(0, 8)}, slot ${runs[0].started}; ${layout(s).current})`));
    });
  } finally {
    await closeAll(runs);
  }
  session.finish(opts.dryRun ? `dry run of deploy for ${s.app}` : `deploy of ${s.app} done`);
}
