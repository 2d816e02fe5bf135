// `npm run fleet-real -- --hosts N [--batch 25%] [--rate 2] [--parallel P] [--group 8]` (root, test
// hosts; not a test, not part of CI): the Flask example on N real Debian 12 test hosts, timed phase
// by phase as an operator would run it from one machine:
//   setup     `setup --yes` on all N (no load: nothing serves yet);
//   deploy    `deploy --yes` of a new commit, every host switching at once, under load;
//   rolling   `deploy --yes` of the next commit with batch_size (--batch), under load;
//   rollback  `rollback --yes`, back to the deploy's release, under load.
// Each phase is timed from the CLI process itself: /usr/bin/time's wall time, CPU (user + sys,
// with the children it waited for: git archive) and max RSS; without /usr/bin/time, a preloaded
// hook writes the process's own resource usage when it exits. The load is startLoad
// (test/e2e/load.ts) on every host's nginx, path '/', --rate requests/s per host (default 2),
// at most 60/s over the fleet. After each phase every host is asked for its page through nginx
// and must serve the expected version: a figure from a broken run is never printed.
// source = archive from a local work tree: no git server, no deploy keys, no key gate.
// Prints one JSON line per phase and a summary line; the hosts are always stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootHost, ensureImages, stopAll, TESTBED_KEY, type Host } from '../test/testbed/index.ts';
import { BIN, commitVersion, exampleRepo, tempDir } from '../test/e2e/helpers.ts';
import { startLoad, type LoadStats } from '../test/e2e/load.ts';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '3' },
    batch: { type: 'string', default: '25%' },
    rate: { type: 'string', default: '2' },
    parallel: { type: 'string' },
    group: { type: 'string', default: '8' },
  },
});
const HOSTS = Number(args.hosts);
const GROUP = Number(args.group);
/** Per host, so that the whole fleet's load stays modest: 60/s is a lot for a 2-core machine that also runs every host. */
const RATE = Math.min(Number(args.rate), 60 / HOSTS);
if (!(Number.isInteger(HOSTS) && HOSTS >= 1 && HOSTS <= 250)) throw new Error('--hosts: 1..250');
if (!(Number.isInteger(GROUP) && GROUP >= 1)) throw new Error('--group: a positive number of hosts');
if (!(RATE > 0)) throw new Error('--rate: requests per second per host, > 0');

const APP = 'flask';
const TIME = '/usr/bin/time';

interface Usage {
  wall_s: number;
  cpu_s: number;
  rss_mb: number;
}

interface Phase extends Usage {
  hosts: number;
  phase: string;
  requests: number;
  failed_requests: number;
  [more: string]: unknown;
}

/** The CLI run now (its process group), ended on Ctrl-C so it does not go on against hosts being stopped. */
let running: ChildProcess | undefined;

/** Boot the fleet GROUP hosts at a time: thirty nspawn boots at once swamp a 2-core machine. */
async function bootFleet(): Promise<Host[]> {
  const hosts: Host[] = [];
  while (hosts.length < HOSTS) {
    const n = Math.min(GROUP, HOSTS - hosts.length);
    hosts.push(...(await Promise.all(Array.from({ length: n }, () => bootHost('ready', `fr${process.pid}`)))));
    process.stderr.write(`booted ${hosts.length} of ${HOSTS} hosts\n`);
  }
  return hosts;
}

/** settings.ini for the Flask app (as test/e2e/flask.test.ts has it), one gunicorn worker per slot; `extra` adds [DEPLOY] lines. */
function settings(dir: string, name: string, repo: string, hosts: Host[], extra = ''): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `[DEPLOY]
project_name = ${APP}
source = archive
repository = ${repo}
deploy_hosts = ${hosts.map((h) => `ubuntu@${h.ip}`).join(', ')}
identity_file = ${TESTBED_KEY}
gunicorn_bind = "127.0.0.1:8040"
gunicorn_workers = 1
wsgi_app = app:app
system_site_packages = yes
extra_packages = python3-flask
health_path = /health
# No PyPI here: pip may look only in a directory without wheels (there is nothing to install).
pip_find_links = /tmp
${args.parallel ? `parallel = ${args.parallel}\n` : ''}${extra}`,
  );
  return file;
}

/**
 * The preloaded hook of the fallback: the CLI's own resource usage when it exits (bin/deploy.js
 * ends with process.exit(), which runs 'exit' listeners).
 */
function rusageHook(dir: string): string {
  const hook = join(dir, 'rusage.mjs');
  writeFileSync(
    hook,
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.FLEET_REAL_RUSAGE, JSON.stringify(process.resourceUsage())));\n",
  );
  return hook;
}

/** Run the CLI (`deploy -c file APP ...args`), its output to a file; its exit code and usage. */
async function timedCli(dir: string, file: string, phase: string, cliArgs: string[]) {
  const out = join(dir, `${phase}.out`);
  const usageFile = join(dir, `${phase}.usage`);
  const cli = [BIN, '-c', file, APP, ...cliArgs];
  const viaTime = existsSync(TIME);
  const [cmd, argv] = viaTime
    ? [TIME, ['-f', '%e %U %S %M', '-o', usageFile, process.execPath, ...cli]]
    : [process.execPath, ['--import', rusageHook(dir), ...cli]];
  const env = { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', FLEET_REAL_RUSAGE: usageFile };
  const t0 = performance.now();
  // A process group of its own: a signal must reach the CLI itself, not only /usr/bin/time (which a
  // SIGTERM ends, leaving the CLI running against hosts being stopped).
  const child = spawn(cmd, argv, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running = child;
  let output = '';
  child.stdout.on('data', (b) => (output += b));
  child.stderr.on('data', (b) => (output += b));
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  const wall = (performance.now() - t0) / 1000;
  running = undefined;
  writeFileSync(out, output);
  if (code !== 0)
    throw new Error(
      `${phase}: deploy ${cliArgs.join(' ')} exited ${code}; its output (${out}) ends:\n${output.slice(-3000)}`,
    );
  return { output, usage: viaTime ? timeUsage(usageFile) : hookUsage(usageFile, wall) };
}

/** GNU time's `%e %U %S %M` (the last line: a killed child's note comes first). */
function timeUsage(file: string): Usage {
  const [e, u, s, m] = readFileSync(file, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wall_s: e, cpu_s: round(u + s), rss_mb: round(m / 1024) };
}

/** process.resourceUsage() of the CLI (µs, KB), and the wall time seen from here. */
function hookUsage(file: string, wall: number): Usage {
  const r = JSON.parse(readFileSync(file, 'utf8')) as NodeJS.ResourceUsage;
  return { wall_s: round(wall), cpu_s: round((r.userCPUTime + r.systemCPUTime) / 1e6), rss_mb: round(r.maxRSS / 1024) };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** What the host's nginx serves at '/': the Flask app's version, or what went wrong. */
async function served(host: Host): Promise<string> {
  try {
    const res = await fetch(`http://${host.ip}/`, { signal: AbortSignal.timeout(15000) });
    const body = await res.text();
    return res.status === 200
      ? (/flask app (\S+)<\/h1>/.exec(body)?.[1] ?? `an unknown page: ${body.slice(0, 60)}`)
      : `HTTP ${res.status}`;
  } catch (e) {
    return `error ${(e as Error).message}`;
  }
}

/** Every host must serve `want` through nginx, or the phase's figure is from a broken run. */
async function checkServes(hosts: Host[], want: string, phase: string): Promise<void> {
  const got = await Promise.all(hosts.map(served));
  const wrong = hosts.map((h, i) => [h.ip, got[i]]).filter(([, v]) => v !== want);
  if (wrong.length)
    throw new Error(
      `after ${phase}, ${wrong.length} of ${hosts.length} hosts do not serve ${want}: ${wrong.map(([ip, v]) => `${ip}: ${v}`).join('; ')}`,
    );
}

/** Loads on every host for the length of a phase. */
function loadAll(hosts: Host[]): () => Promise<LoadStats[]> {
  // maxS: a load that outlives a stuck phase ends by itself (3 h is far past any phase here).
  const loads = hosts.map((h) => startLoad(h.ip, '/', RATE, 3 * 3600));
  return () => Promise.all(loads.map((l) => l.stop()));
}

/** One phase: the CLI under load (or not), then what every host serves; prints its JSON line. */
async function phase(
  dir: string,
  hosts: Host[],
  name: string,
  file: string,
  cliArgs: string[],
  want: string,
  underLoad: boolean,
): Promise<Phase> {
  const stopLoad = underLoad ? loadAll(hosts) : async () => [];
  let ran: Awaited<ReturnType<typeof timedCli>>;
  let stats: LoadStats[];
  try {
    ran = await timedCli(dir, file, name, cliArgs);
  } finally {
    stats = await stopLoad();
  }
  await checkServes(hosts, want, name);
  const failures: Record<string, number> = {};
  for (const s of stats) for (const [why, n] of Object.entries(s.failures)) failures[why] = (failures[why] ?? 0) + n;
  const row: Phase = {
    hosts: hosts.length,
    phase: name,
    ...ran.usage,
    requests: stats.reduce((n, s) => n + s.sent, 0),
    failed_requests: Object.values(failures).reduce((a, b) => a + b, 0),
  };
  // Only what says something: why requests failed, how many the load held back (a starved machine).
  if (row.failed_requests) row.failures = failures;
  const held = stats.reduce((n, s) => n + s.held, 0);
  if (held) row.held_requests = held;
  const batches = /batch \d+ of (\d+)/.exec(ran.output)?.[1];
  if (batches) row.batches = Number(batches);
  console.log(JSON.stringify(row));
  return row;
}

async function run(hosts: Host[], dir: string): Promise<Phase[]> {
  // examples/flask as a git work tree (VERSION v1, on main): the repository archive mode reads here.
  const repo = exampleRepo('flask', 'v1');
  const file = settings(dir, 'settings.ini', repo, hosts);
  const rolling = settings(dir, 'rolling.ini', repo, hosts, `batch_size = ${args.batch}\n`);
  const next = (v: string) => commitVersion(repo, v);
  const rows: Phase[] = [];
  // --dependencies=no: the 'ready' image has the packages; apt would time the Debian mirror.
  rows.push(await phase(dir, hosts, 'setup', file, ['setup', '--yes', '--dependencies=no'], 'v1', false));
  next('v2');
  rows.push(await phase(dir, hosts, 'deploy', file, ['deploy', '--yes'], 'v2', true));
  next('v3');
  const roll = await phase(dir, hosts, 'rolling', rolling, ['deploy', '--yes'], 'v3', true);
  if (hosts.length > 1 && !roll.batches) throw new Error('rolling: the deploy named no batch: was batch_size read?');
  rows.push(roll);
  rows.push(await phase(dir, hosts, 'rollback', file, ['rollback', '--yes'], 'v2', true));
  return rows;
}

function summary(rows: Phase[], bootS: number): Phase {
  const sum = (k: 'wall_s' | 'cpu_s' | 'requests' | 'failed_requests') => round(rows.reduce((n, r) => n + r[k], 0));
  return {
    hosts: HOSTS,
    phase: 'summary',
    wall_s: sum('wall_s'),
    cpu_s: sum('cpu_s'),
    rss_mb: Math.max(...rows.map((r) => r.rss_mb)),
    requests: sum('requests'),
    failed_requests: sum('failed_requests'),
    boot_s: round(bootS),
    rate_per_host: round(RATE),
    batch_size: args.batch,
    parallel: args.parallel ? Number(args.parallel) : 10,
    timed_by: existsSync(TIME) ? TIME : 'process.resourceUsage',
  };
}

/**
 * Ctrl-C or a kill: end the CLI run first. The testbed's own handler (installed by the first
 * bootHost, so after this one) then stops every host and exits; before any host exists, exit here.
 */
function onSignals(): void {
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)
    process.once(sig, () => {
      try {
        if (running?.pid) process.kill(-running.pid, 'SIGTERM');
      } catch {
        // already ended
      }
      if (process.listenerCount(sig) === 0) process.exit(code);
    });
}

async function main(): Promise<void> {
  onSignals();
  await ensureImages();
  const dir = tempDir('deploy-fleet-real-');
  process.stderr.write(`fleet-real: ${HOSTS} hosts; the CLI's output and logs in ${dir}\n`);
  try {
    const t0 = performance.now();
    const hosts = await bootFleet();
    const bootS = (performance.now() - t0) / 1000;
    const rows = await run(hosts, dir);
    console.log(JSON.stringify(summary(rows, bootS)));
  } finally {
    await stopAll();
  }
}

// The load's timers and any CLI left would keep the process alive after a failure: exit explicitly.
main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`fleet-real failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
