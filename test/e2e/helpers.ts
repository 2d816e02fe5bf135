// Shared by the end-to-end tests: the CLI as a child process, a throwaway HOME
// (so ~/.ssh/known_hosts and logs are the test's own), the example app as a git repo.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANSWER_WAIT_MS } from './load.ts';
import { TESTBED_KEY, bootGitServer, bootHost, ensureImages, type Host, type GitServer } from '../testbed/index.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'deploy.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
}

export function tempDir(prefix = 'deploy-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function runCli(
  args: string[],
  opts: { home: string; cwd?: string; env?: Record<string, string> },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? opts.home,
      env: { PATH: process.env.PATH ?? '', HOME: opts.home, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (b) => ((stdout += b), (output += b)));
    child.stderr.on('data', (b) => ((stderr += b), (output += b)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, output }));
  });
}

/** git in `dir`, as a test author (no identity is configured on a fresh machine). */
function gitIn(dir: string): (...args: string[]) => Buffer {
  return (...a) =>
    execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...a], {
      cwd: dir,
      stdio: 'pipe',
    });
}

/** examples/<app> as a git work tree (without Python's caches), its VERSION set, committed on main. */
export function exampleRepo(app: 'demo' | 'flask' | 'shop', version = 'v1'): string {
  const dir = tempDir(`deploy-${app}-repo-`);
  cpSync(join(ROOT, 'examples', app), dir, { recursive: true, filter: (src) => !/__pycache__|\.pyc$/.test(src) });
  writeFileSync(join(dir, 'VERSION'), `${version}\n`);
  const git = gitIn(dir);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', `${app} ${version}`);
  return dir;
}

/** The example app (examples/demo) as a git work tree, its VERSION set, committed on main. */
export function demoRepo(version = 'v1'): string {
  return exampleRepo('demo', version);
}

export function commitVersion(dir: string, version: string, extra?: (dir: string) => void): void {
  writeFileSync(join(dir, 'VERSION'), `${version}\n`);
  extra?.(dir);
  const git = gitIn(dir);
  git('add', '-A');
  git('commit', '-qm', `demo ${version}`);
}

export interface DemoSettings {
  repo: string;
  hosts: Host[];
  extra?: string;
  /** Which example app: demo (the default) or shop (its settings module and its /health). */
  app?: 'demo' | 'shop';
  /** gunicorn_workers: a count, or 'default' for no line at all (the tool's own default, 2 × CPUs + 1).
   * Unset: 2, unless `extra` sets it. */
  workers?: number | 'default';
}

/** The gunicorn_workers line (with its reason), or none. */
function workersLine(workers: DemoSettings['workers'], extra: string): string {
  if (workers === 'default') return '';
  if (workers !== undefined) return `gunicorn_workers = ${workers}\n`;
  if (/gunicorn_workers/.test(extra)) return '';
  return '# Two per slot (the default, 2 × CPUs + 1, would boot five): the suite runs many hosts on few cores.\ngunicorn_workers = 2\n';
}

/** A settings.ini for an example app (the demo unless `app` says) in a fresh directory; returns its path. */
export function writeSettings(dir: string, { repo, hosts, extra = '', app = 'demo', workers }: DemoSettings): string {
  const file = join(dir, 'settings.ini');
  writeFileSync(
    file,
    `[DEPLOY]
project_name = ${app}
repositorio = ${repo}
deploy_hosts = ${hosts.map((h) => `ubuntu@${h.ip}`).join(', ')}
identity_file = ${TESTBED_KEY}
gunicorn_bind = "127.0.0.1:8032"  # ip e porta
system_site_packages = yes
${app === 'shop' ? 'health_path = /health\n' : ''}${workersLine(workers, extra)}${extra}
[APP]
settings_file = ${app}.settings.prod
debug = False

[EMAIL]
default_from_email = demo@example.com
email_host_password = hunter2-not-for-logs
`,
  );
  return file;
}

/** HTTP GET from this machine to a test host (through its nginx). */
export async function httpGet(
  host: Host,
  path = '/',
): Promise<{ status: number; body: string; server: string | null }> {
  const res = await fetch(`http://${host.ip}${path}`, { signal: AbortSignal.timeout(ANSWER_WAIT_MS) });
  return { status: res.status, body: await res.text(), server: res.headers.get('server') };
}

/** The demo app's version its page shows through the host's nginx (an answer but 200: `HTTP <status>`), or what went wrong. */
export async function served(host: Host): Promise<string> {
  try {
    const res = await fetch(`http://${host.ip}/`, { signal: AbortSignal.timeout(ANSWER_WAIT_MS) });
    const body = await res.text();
    return res.status === 200
      ? (/demo app (\S+)<\/h1>/.exec(body)?.[1] ?? `200 without a version`)
      : `HTTP ${res.status}`;
  } catch (e) {
    // fetch's own message ("fetch failed") hides why: refused, reset, timed out.
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return `error ${(e as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
  }
}

/** Run setup, expect the deploy-key gate (exit 3), grant every host's key, run again. */
export async function setupThroughKeyGate(
  git: GitServer,
  hosts: Host | Host[],
  args: string[],
  home: string,
): Promise<{ first: CliResult; second: CliResult }> {
  const first = await runCli(args, { home });
  if (first.code !== 3) return { first, second: first };
  for (const host of [hosts].flat())
    await git.authorize((await host.run('cat /opt/django/.ssh/id_ed25519.pub')).trim());
  const second = await runCli(args, { home });
  return { first, second };
}

export function readLog(result: CliResult): string {
  const m = /log: (\S+)/.exec(result.output);
  return m ? readFileSync(m[1], 'utf8') : '';
}

export function cleanup(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

export interface LiveDemo {
  git: GitServer;
  host: Host;
  /** The local work tree pushed to the git server's demo repository. */
  repo: string;
  home: string;
  file: string;
}

/** A git server with the demo app (v1) and a ready host where `setup` has made it live. */
export async function liveDemo(extra = ''): Promise<LiveDemo> {
  await ensureImages();
  const [git, host] = await Promise.all([bootGitServer(), bootHost('ready')]);
  const url = await git.createRepo('demo');
  const repo = demoRepo('v1');
  await git.push('demo', repo);
  const home = tempDir();
  const file = writeSettings(home, { repo: url, hosts: [host], extra });
  const { second } = await setupThroughKeyGate(
    git,
    host,
    ['demo', 'setup', '--dependencies=no', '--yes', '-c', file],
    home,
  );
  if (second.code !== 0) throw new Error(`setup failed:\n${second.output}`);
  return { git, host, repo, home, file };
}
