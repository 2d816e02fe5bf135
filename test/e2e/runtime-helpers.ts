// The app's runtime under test: the demo app plus a worker process (worker.py) that reports its
// release and environment, deployed with [PROCESSES], [HOOKS] and env_file. The tests judge by
// what the server shows: the worker's working directory and environment (/proc), the program
// states, the files the hooks wrote, the page through nginx.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootGitServer, bootHost, ensureImages, type GitServer, type Host } from '../testbed/index.ts';
import { ANSWER_WAIT_MS } from './load.ts';
import {
  commitVersion,
  demoRepo,
  runCli,
  setupThroughKeyGate,
  tempDir,
  writeSettings,
  type CliResult,
} from './helpers.ts';

export const APP_ROOT = '/opt/django/apps/demo';

/**
 * worker.py, the [PROCESSES] worker of the runtime tests and of debian13's: says its release
 * (VERSION, read from its working directory) and GREETING when it starts, and says it stopped
 * gracefully on SIGTERM.
 */
export const WORKER = `import os, signal, sys, time
version = open("VERSION").read().strip()
print(f"worker {version} started, greeting={os.environ.get('GREETING', 'unset')}", flush=True)
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
while not stop:
    time.sleep(0.05)
print(f"worker {version} stopped gracefully", flush=True)
`;

export interface Runtime {
  git: GitServer;
  host: Host;
  repo: string;
  home: string;
  file: string;
  cli: (...args: string[]) => Promise<CliResult>;
  push: (version: string) => Promise<void>;
  /** Rewrite settings.ini with these [DEPLOY] lines and sections after the defaults. */
  settings: (extra: string) => void;
  /** The worker's release VERSION, read through its working directory in /proc; '' when not running. */
  workerVersion: () => Promise<string>;
  workerPid: () => Promise<string>;
  page: () => Promise<string | undefined>;
}

export const BASE_EXTRA = (manager: string) => `process_manager = ${manager}
gunicorn_workers = 2
env_file = app.env
[PROCESSES]
worker = python -u worker.py
[HOOKS]
after_switch = echo "after_switch $(cat VERSION) $GREETING" >> /opt/django/apps/demo/shared/hooks.log
after_rollback = echo "after_rollback $(cat VERSION)" >> /opt/django/apps/demo/shared/hooks.log
before_build = test -f worker.py
`;

export async function runtimeDemo(manager: 'supervisor' | 'systemd'): Promise<Runtime> {
  await ensureImages();
  const [git, host] = await Promise.all([bootGitServer(), bootHost('ready')]);
  const url = await git.createRepo('demo');
  const repo = demoRepo('v1');
  commitVersion(repo, 'v1', (dir) => writeFileSync(join(dir, 'worker.py'), WORKER));
  await git.push('demo', repo);
  const home = tempDir();
  writeFileSync(join(home, 'app.env'), '# secrets kept out of settings.ini\nGREETING=hello-from-env-file\n');
  let file = writeSettings(home, { repo: url, hosts: [host], extra: BASE_EXTRA(manager) });
  const settings = (extra: string) => {
    file = writeSettings(home, { repo: url, hosts: [host], extra });
  };
  const { second } = await setupThroughKeyGate(
    git,
    host,
    ['demo', 'setup', '--dependencies=no', '--yes', '-c', file],
    home,
  );
  if (second.code !== 0) throw new Error(`setup failed:\n${second.output}`);
  const workerPid = async () => {
    const cmd =
      manager === 'systemd' ? 'systemctl show -p MainPID --value demo-worker.service' : 'supervisorctl pid demo-worker';
    const pid = (await host.exec(cmd)).stdout.trim();
    return /^[1-9]\d*$/.test(pid) ? pid : '';
  };
  return {
    git,
    host,
    repo,
    home,
    get file() {
      return file;
    },
    cli: (...args: string[]) => runCli([...args, '-c', file, '--yes'], { home }),
    push: async (version: string) => {
      commitVersion(repo, version);
      await git.push('demo', repo);
    },
    settings,
    workerPid,
    workerVersion: async () => {
      const pid = await workerPid();
      if (!pid) return '';
      return (await host.exec(`cat /proc/${pid}/cwd/VERSION`)).stdout.trim();
    },
    page: async () => {
      const res = await fetch(`http://${host.ip}/`, { signal: AbortSignal.timeout(ANSWER_WAIT_MS) });
      return (await res.text()).match(/demo app (v\w+)/)?.[1];
    },
  } as Runtime;
}

/** Wait until check() is true (a process restarting, a slot stopping), at most `ms`. */
export async function until(check: () => Promise<boolean>, ms = 10000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}
