// Every plan the CLI's commands run on a server, built from settings as the commands build them
// (release names are placeholders: NEW for the one a deploy builds, OLD for one it rolls back to).
// The trust-boundary checks read it: the unit test (no root command names a path the app can
// write) and the attack suite (every such path, attacked on a real host).
import { receiveEnvironment, sendEnvironment } from '../src/steps/environment.ts';
import { readFileSync } from 'node:fs';
import type { Command, Step } from '../src/plan.ts';

import { step } from '../src/plan.ts';
import * as S from '../src/steps/setup.ts';
import * as T from '../src/steps/tls.ts';
import * as B from '../src/steps/build.ts';
import * as D from '../src/steps/deploy.ts';
import { canaryWatch } from '../src/steps/canary.ts';
import * as SW from '../src/steps/switch.ts';
import * as O from '../src/steps/ops.ts';
import * as M from '../src/steps/maintenance.ts';
import * as P from '../src/steps/processes.ts';
import { removeLock, readLock, acquireLock, releaseLock } from '../src/steps/lock.ts';
import { keepReleaseFiles, refreshReleaseSecrets, writeReleaseFiles } from '../src/steps/release-files.ts';
import { healthCheck, startSlot } from '../src/steps/slots.ts';
import { controlStep } from '../src/steps/control.ts';
import type { HostSpec, Settings } from '../src/settings/types.ts';
import { checkAsApp, checkAsLogin, checkAsRoot } from '../src/steps/check.ts';
import { leavingProbe } from '../src/steps/changes.ts';
import { serverFiles } from '../src/fleet/preview.ts';

/** Seed 000's settings, and the variants the trust checks render every plan for. */
export const SEED = readFileSync(new URL('./fixtures/seed000.ini', import.meta.url), 'utf8');
export const TRUST_VARIANTS = {
  plain: SEED,
  'deploy_user, processes, hooks': SEED.replace(
    '[APP]',
    'deploy_user = deployer\nmaintenance = auto\n[PROCESSES]\nworker = python worker.py\n[HOOKS]\nafter_switch = echo hi\n[APP]',
  ),
  'letsencrypt, systemd': SEED.replace(
    '[APP]',
    'server_name = example.com\nssl = letsencrypt\nprocess_manager = systemd\n[PROCESSES]\nworker = python worker.py\n[APP]',
  ),
};

export const NEW = 'NEW';
export const OLD = 'OLD';

export type CommandName =
  | 'check'
  | 'setup'
  | 'deploy'
  | 'rollback'
  | 'maintenance on'
  | 'maintenance off'
  | 'start'
  | 'stop'
  | 'restart'
  | 'status'
  | 'logs'
  | 'unlock';

/** Each command's steps, on a web host that also runs the processes. */
export function catalog(s: Settings): Record<CommandName, Step[]> {
  const lock = { by: 'me@here', pid: 1, since: 'now', what: 'x', token: 'TOKEN' };
  const on = { web: true, migrate: true, primary: true };
  const ref = {
    name: NEW,
    commit: 'c'.repeat(40),
    ref: 'main',
    time: '2026-12-04T10:00:00.000Z',
    by: 'operator@laptop',
  };
  const go = (release: string, kind: 'deploy' | 'rollback' | 'restart') => ({
    release,
    slot: 'b' as const,
    token: 'TOKEN',
    log: {},
    prune: kind === 'deploy',
    kind,
    processes: true,
    primary: true,
  });
  const host = { roles: ['web'], label: 'h' } as unknown as HostSpec;
  const control = (action: 'start' | 'stop' | 'restart') => [
    D.inspect(s, lock),
    controlStep(s, host, { action, what: 'every process', web: true, procs: Object.keys(s.processes), lock, log: {} }),
  ];
  const first = (id: string, cmds: Command[]) => step(id, id, cmds);
  const tls =
    s.web.ssl === 'letsencrypt'
      ? [T.prepareLetsencrypt(s), T.obtainCertificate(s)]
      : s.web.ssl === 'custom'
        ? [T.checkCustomCertificate(s), T.reloadForNewCertificate(s)]
        : [];
  // What a deploy's build also reads: its change, and the server files when their fingerprint changed.
  const changes = { ...on, changes: true, reads: serverFiles(s, s.hosts[0]).step.commands };
  return {
    check: [checkAsLogin(s, true), checkAsRoot(s, true), ...(checkAsApp(s) ? [checkAsApp(s)!] : [])],
    setup: [
      S.sudoCheck(),
      S.probeHome(s),
      S.bindsFree(s),
      S.appUserCheck(s),
      S.checkPackages(s),
      S.appUser(s),
      ...(s.deployUser ? [S.deployUserAccess(s, 'ssh-ed25519 AAAA test\n')] : []),
      S.control(s),
      step('lock', 'lock', [acquireLock(s, lock), ...SW.repair(s)]),
      S.deployKey(s),
      S.repoAccess(s),
      S.virtualenvsDir(s),
      S.clone(s),
      { ...S.configFile(s), commands: [...S.configFile(s).commands, refreshReleaseSecrets(s)] },
      S.logrotate(s),
      first('virtualenv', [
        ...B.exportRelease(s, ref),
        B.writeEnvFile(s, NEW),
        ...writeReleaseFiles(s, NEW),
        ...keepReleaseFiles(s, NEW),
        B.virtualenv(s, NEW),
      ]),
      first('gunicorn', [B.gunicorn(s, NEW)]),
      S.gunicornConfig(s),
      S.supervisorConfigStep(s),
      ...tls,
      S.nginxConfig(s),
      first('django', [...B.djangoCommands(s, NEW, on), B.markBuilt(s, NEW)]),
      S.liveProgram(s),
      first('start', [...startSlot(s, 'a', NEW), healthCheck(s, 'a'), ...SW.switchTo(s, 'a')]),
      S.verifySite(s),
      first('processes', [...P.writeProcessPrograms(s, true), ...P.startProcesses(s, true)]),
      step('unlock', 'unlock', [releaseLock(s, 'TOKEN')]),
    ],
    deploy: [
      D.prepare(s, lock, 'main'),
      D.build(s, ref, changes),
      // On a terminal: migrate waits for the operator's yes to the switch, then finishBuild.
      { ...D.build(s, ref, { ...changes, deferMigrate: true }), id: 'build-asking' },
      D.finishBuild(s, NEW, on),
      // On a fleet, the build in two steps, and an environment built once sent to the others.
      D.buildFiles(s, ref, changes),
      D.buildEnvironment(s, ref, changes),
      sendEnvironment(`${s.venvsDir}/0123456789abcdef`, '/tmp/deploy-environment-x/environment-0.tar.gz'),
      receiveEnvironment(
        `${s.venvsDir}/0123456789abcdef`,
        { file: '/tmp/deploy-environment-x/environment-0.tar.gz', bytes: 123456, sha256: 'e'.repeat(64) },
        'ubuntu@primary',
      ),
      D.runOnce(s, NEW),
      D.startAndSwitch(s, go(NEW, 'deploy')),
      D.startNew(s, NEW, 'b'),
      SW.abortRequest(s, 'TOKEN'),
      D.switchOver(s, go(NEW, 'deploy')),
      D.switchBatch(s, go(NEW, 'deploy')),
      canaryWatch(s, 60, '1796439600'),
      D.revertBatch(s, 'a'),
      D.finishSwitch(s, go(NEW, 'deploy')),
      D.abandon(s, { release: NEW, slot: 'b', token: 'TOKEN', log: {}, page: true }),
      D.unlockStep(s, 'TOKEN', {}),
    ],
    rollback: [
      D.inspect(s, lock, true, { leaving: true }),
      step('leaving', 'read what going back to OLD leaves', [leavingProbe(s, OLD, true)]),
      D.startAndSwitch(s, go(OLD, 'rollback')),
      // The previous release still running in the idle slot (keep_previous_slot): nothing stopped first.
      D.startAndSwitch(s, { ...go(OLD, 'rollback'), warm: true }),
      D.abandon(s, { release: OLD, slot: 'b', token: 'TOKEN', log: {} }),
    ],
    'maintenance on': [M.maintenance(s, M.maintenancePage(s, { since: 'now', message: 'm', by: 'me' }))],
    'maintenance off': [M.maintenance(s, undefined)],
    start: control('start'),
    stop: control('stop'),
    restart: [D.inspect(s, lock), D.startAndSwitch(s, go(OLD, 'restart'))],
    status: [O.status(s)],
    logs: [O.logs(s, 10, false), O.logs(s, 10, true)],
    unlock: [step('lock-info', 'read the lock', [readLock(s)]), removeLock(s, 'TOKEN')],
  };
}

/** Who runs a command of a step: root (privileged, or the deploy user in its place), the app user, or the login user. */
export function runsAs(cmd: Command, st: Step): 'root' | 'app' | 'login' {
  return cmd.as ?? (st.privileged ? 'root' : 'login');
}

/** The shell text of a command as root's shell reads it: its check, the command, and its step's guard. */
export function rootText(cmd: Command, st: Step): string {
  return [st.onlyIf, cmd.unless, cmd.run].filter(Boolean).map(String).join('\n');
}

/** The trees the app user (or a deploy user, who may become it) can write: root takes nothing from them. */
export function appTrees(s: Settings): string[] {
  return [
    `${s.home}/apps`,
    `${s.home}/virtualenvs`,
    `${s.home}/.ssh`,
    `${s.home}/.cache`,
    ...(s.deployUser ? [`/home/${s.deployUser}`] : []),
  ];
}

/** Every path inside those trees that the text names (the placeholders kept; a glob cut at its first *). */
export function appPaths(s: Settings, text: string): string[] {
  const found = new Set<string>();
  for (const tree of appTrees(s)) {
    const re = new RegExp(`${tree.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:/[^\\s'"\`;|&()<>$*\\\\]*)?`, 'g');
    for (const m of text.matchAll(re)) found.add(m[0].replace(/\/+$/, ''));
  }
  return [...found];
}
