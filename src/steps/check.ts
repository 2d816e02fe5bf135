// What `deploy <app> check` (and setup, first) reads on each server: only reads. The login
// user's step needs nothing but a shell; root's, which names the programs on the web ports and
// asks the git host as the app user, runs only where sudo allows it (src/check.ts judges).
import { layout } from '../layout.js';
import { onlyIf, step, value, type Step } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { sh } from '../shell.js';
import { systemPackages } from './setup.js';

/** The git host and port the servers reach for source = git, from the repository's URL. */
export function gitEndpoint(repository: string): { host: string; port: number } | undefined {
  const url = /^(ssh|https?|git):\/\/(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\//.exec(repository);
  if (url) {
    const port = url[3] ? Number(url[3]) : { ssh: 22, https: 443, http: 80, git: 9418 }[url[1] as 'ssh'];
    return { host: url[2].replace(/^\[|\]$/g, ''), port };
  }
  const scp = /^(?:[^@/]+@)?([^:/]+):/.exec(repository);
  return scp ? { host: scp[1], port: 22 } : undefined;
}

/** The ports nginx will listen on for this app. */
export function webPorts(s: Settings): number[] {
  return s.web.ssl === 'none' ? [s.web.listenPort] : [s.web.listenPort, s.web.sslPort];
}

/** As the login user: OS, sudo, disk, clock, addresses, Python, missing packages. */
export function checkAsLogin(s: Settings, web: boolean): Step {
  return step(
    'check',
    'read what setup and deploy need',
    [
      value('os', sh`deploy_check_os`),
      value('sudo', sh`deploy_check_sudo`),
      value('disk', sh`deploy_check_disk ${s.home}`),
      value('clock', sh`deploy_check_clock`),
      value('addresses', sh`deploy_check_addresses`),
      value('python', sh`deploy_check_python ${s.python}`),
      value('missing', sh`deploy_check_packages ${systemPackages(s, web)}`),
    ],
    false,
  );
}

/** As root (where sudo allows): which programs listen on the web ports; the git host reached. */
export function checkAsRoot(s: Settings, web: boolean): Step {
  const git = s.source === 'git' ? gitEndpoint(s.repository) : undefined;
  return step('check-root', 'read the ports and reach the git host', [
    ...(web ? [value('listening', sh`deploy_check_listening ${webPorts(s).map(String)}`)] : []),
    ...(git ? [value('reach', sh`deploy_check_reach ${git.host} ${String(git.port)}`)] : []),
  ]);
}

/** As the app user, once setup made it (source = git): is the deploy key accepted? */
export function checkAsApp(s: Settings): Step | undefined {
  if (s.source !== 'git') return undefined;
  return onlyIf(
    sh`id -u ${s.appUser}`,
    step('check-app', 'ask the repository with the deploy key', [
      value('deploy_key', sh`deploy_check_deploy_key ${layout(s).deployKey} ${s.repository}`, { as: 'app' }),
    ]),
  );
}
