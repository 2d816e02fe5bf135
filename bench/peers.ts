// `npm run bench -- --peers` (root, test hosts; not part of CI): this tool side by side with
// Fabric 2, Capistrano 3 and the bare script (bench/peers/), each on its own fresh hosts, the
// same six scenarios, runs interleaved (every contender's run 1, then every contender's run 2...).
// SSH connections and remote commands are counted on the servers (bench/peers/count-shell.sh and
// sshd's log); failed requests under a steady load through nginx. Writes bench/results.json,
// then bench/render.ts makes BENCHMARKS.md and bench/benchmarks.png from it.
// This tool runs at its default settings (no gunicorn_workers: 2 × CPUs + 1, gunicorn_preload on);
// the peers' gunicorn gets the same worker count. BENCH_APP=demo|shop (default shop) picks the app.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootHost, bootGitServer, ensureImages, TESTBED_KEY, type GitServer, type Host } from '../test/testbed/index.ts';
import { ROOT, commitVersion, exampleRepo, runCli, tempDir, writeSettings } from '../test/e2e/helpers.ts';
import { startLoad } from '../test/e2e/load.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FLEET = Number(process.env.BENCH_FLEET ?? 10);
/** Requests per second through nginx during every timed deploy and rollback (spread over a fleet). */
const RATE = 40;
const PEERS = join(ROOT, 'bench', 'peers');
export const CONTENDERS = ['deploy', 'fabric', 'capistrano', 'bare'] as const;
type Contender = (typeof CONTENDERS)[number];
export const SCENARIOS = ['first deploy after setup', 'redeploy, no change', 'redeploy, code change', 'redeploy, changed requirement', 'rollback', `code change to ${FLEET} hosts`] as const;

/** The example app the benchmarks deploy: BENCH_APP, shop by default (the realistic one). */
export function benchApp(): 'demo' | 'shop' {
  const app = process.env.BENCH_APP ?? 'shop';
  if (app !== 'demo' && app !== 'shop') throw new Error(`BENCH_APP must be demo or shop, not ${app}`);
  return app;
}
const APP = benchApp();

/** The settings every contender runs with, as results.json records them. */
export interface BenchSettings {
  app: string;
  /** The test hosts' CPUs, as gunicorn's config counts them. */
  cpus: number;
  /** gunicorn workers per slot: this tool's default for these CPUs, and the peers' --workers. */
  workers: number;
  /** Whether gunicorn_workers was left at the tool's default (not written in settings.ini). */
  defaultWorkers: boolean;
  /** This tool's gunicorn_preload (its default: yes); the peers never preload. */
  preload: boolean;
}

/** The worker count this tool uses when gunicorn_workers is unset: templates/gunicorn.conf.py's
 * formula, run by the host's own Python (a test host sees this machine's CPUs). */
export async function defaultWorkers(h: Host): Promise<{ cpus: number; workers: number }> {
  const out = await h.run(`python3 -c 'import multiprocessing as m; n = m.cpu_count(); print(n, min(2 * n + 1, 12))'`);
  const [cpus, workers] = out.trim().split(' ').map(Number);
  return { cpus, workers };
}

/** gunicorn workers running on a host (gunicorn processes whose parent is gunicorn), waiting up to
 * 10 s for them to reach `want`: a peer's restart returns before all its workers have forked. */
export async function runningWorkers(h: Host, want: number): Promise<number> {
  // [g]: the pattern does not match the shell running it; any title (setproctitle's too) names gunicorn.
  const count = "ps -eo pid=,ppid=,args= | awk '/[g]unicorn/ { p[$1] = $2 } END { n = 0; for (k in p) if (p[k] in p) n++; print n }'";
  let n = 0;
  for (let i = 0; i < 20; i++) {
    n = Number((await h.run(count)).trim());
    if (n === want) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return n;
}

export interface Sample {
  ms: number;
  /** SSH logins the servers accepted, and exec requests their login shell got (all hosts). */
  conns: number;
  cmds: number;
  /** Requests sent and failed through nginx while it ran (null: no load, nothing was live yet). */
  sent: number | null;
  failed: number | null;
}

interface Target {
  who: Contender;
  hosts: Host[];
  /** Settings and HOME of this tool's runs. */
  file?: string;
  home?: string;
}

/** A child process to completion; throws with its output when it fails. */
function exec(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.stdin.end(opts.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${out.slice(-3000)}`))));
  });
}

const SSH = ['-i', TESTBED_KEY, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];
const BARE = readFileSync(join(ROOT, 'bench', 'bare-deploy.sh'), 'utf8');
// The peers' own HOME: no known_hosts or ssh config of this machine's root gets in the way.
let peerHome = '';

/** One deploy or rollback by a contender, on all its hosts at once. */
async function act(t: Target, action: 'deploy' | 'rollback'): Promise<void> {
  const env = { HOME: peerHome, BENCH_APP: APP };
  if (t.who === 'deploy') {
    const r = await runCli([APP, action, '--yes', '-c', t.file!], { home: t.home! });
    if (r.code !== 0) throw new Error(`deploy ${action} failed:\n${r.output}`);
  } else if (t.who === 'fabric') {
    const task = t.hosts.length > 1 ? ['fleet', `--targets=${t.hosts.map((h) => `django@${h.ip}`).join(',')}`] : ['-H', `django@${t.hosts[0].ip}`, action];
    await exec('fab', ['-r', PEERS, '-i', TESTBED_KEY, ...task], { env });
  } else if (t.who === 'capistrano') {
    await exec('cap', ['bench', action === 'deploy' ? 'deploy' : 'deploy:rollback'], { cwd: join(PEERS, 'capistrano'), env: { ...env, BENCH_HOSTS: t.hosts.map((h) => h.ip).join(','), BENCH_KEY: TESTBED_KEY, BENCH_REPO: repoUrl } });
  } else {
    // One ssh per host, all at once: the script on stdin of one `sudo bash -s`.
    await Promise.all(t.hosts.map((h) => exec('ssh', [...SSH, `ubuntu@${h.ip}`, `sudo -n env BENCH_APP=${APP} bash -s -- ${action}`], { input: BARE })));
  }
}

/** Logins sshd accepted for the bench's users so far, and exec requests logged since the last read. */
async function counts(h: Host): Promise<[number, number]> {
  const out = await h.run(
    "journalctl -q -o cat SYSLOG_IDENTIFIER=sshd | grep -cE '^Accepted publickey for (ubuntu|django) ' || true; wc -l < /var/log/bench-shell.log; : > /var/log/bench-shell.log",
  );
  const [conns, cmds] = out.trim().split('\n').map(Number);
  return [conns, cmds];
}
const accepted = new Map<Host, number>();

/** Time one action, count its SSH connections and commands on the servers, and its failed requests. */
async function measure(t: Target, action: 'deploy' | 'rollback', load: boolean): Promise<Sample> {
  const loads = load ? t.hosts.map((h) => startLoad(h.ip, '/', RATE / t.hosts.length)) : [];
  const start = performance.now();
  await act(t, action);
  const ms = performance.now() - start;
  const stats = await Promise.all(loads.map((l) => l.stop()));
  let conns = 0;
  let cmds = 0;
  for (const [h, [c, n]] of await Promise.all(t.hosts.map(async (h) => [h, await counts(h)] as const))) {
    conns += c - (accepted.get(h) ?? 0);
    accepted.set(h, c);
    cmds += n;
  }
  const sum = (f: (s: (typeof stats)[number]) => number) => (load ? stats.reduce((a, s) => a + f(s), 0) : null);
  return { ms, conns, cmds, sent: sum((s) => s.sent), failed: sum((s) => Object.values(s.failures).reduce((a, b) => a + b, 0)) };
}

let repoUrl = '';
/** gunicorn workers per slot, found on the first test host before any contender is set up. */
let workers = 0;

/** Set up a contender's hosts (not timed), the way each is meant to be set up. */
async function prepare(git: GitServer, who: Contender, hosts: Host[]): Promise<Target> {
  const t: Target = { who, hosts };
  if (who === 'deploy') {
    t.home = tempDir();
    // Its defaults: no gunicorn_workers line (2 × CPUs + 1), gunicorn_preload unset (yes).
    t.file = writeSettings(t.home, { repo: repoUrl, hosts, app: APP, workers: 'default' });
    const setup = () => runCli([APP, 'setup', '--dependencies=no', '--yes', '-c', t.file!], { home: t.home! });
    let r = await setup();
    if (r.code === 3) {
      for (const h of hosts) await git.authorize((await h.run('cat /opt/django/.ssh/id_ed25519.pub')).trim());
      r = await setup();
    }
    if (r.code !== 0) throw new Error(`deploy setup failed:\n${r.output}`);
  } else {
    const script = readFileSync(join(PEERS, 'setup-host.sh'), 'utf8');
    await Promise.all(
      hosts.map(async (h) => {
        const setup = () => h.exec(`bash -s ${repoUrl} ${APP} ${workers} <<'SETUP'\n${script}\nSETUP`);
        let r = await setup();
        if (r.code === 3) (await git.authorize(r.stdout.trim()), (r = await setup()));
        if (r.code !== 0) throw new Error(`peer setup on ${h.name} failed:\n${r.stderr}`);
      }),
    );
  }
  const shell = readFileSync(join(PEERS, 'count-shell.sh'), 'utf8');
  await Promise.all(hosts.map(async (h) => (await h.run(`bash -s ubuntu ${who === 'deploy' ? '' : 'django'} <<'COUNT'\n${shell}\nCOUNT`), accepted.set(h, (await counts(h))[0]))));
  return t;
}

/** The contenders' and the plot's tools, from Debian, on a machine that lacks them. */
function ensureTools(): void {
  const missing = [['fab', 'fabric'], ['cap', 'capistrano'], ['gnuplot', 'gnuplot-nox']].filter(([cmd]) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0).map(([, pkg]) => pkg);
  if (!missing.length) return;
  const r = spawnSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`could not install ${missing.join(' ')} with apt-get`);
}

export async function peers(): Promise<string> {
  ensureTools();
  await ensureImages();
  peerHome = tempDir('bench-peers-home-');
  const git = await bootGitServer();
  const found = await defaultWorkers(git);
  workers = found.workers;
  const settings: BenchSettings = { app: APP, cpus: found.cpus, workers, defaultWorkers: true, preload: true };
  process.stderr.write(`app ${APP}; ${found.cpus} CPUs on the test hosts: ${workers} gunicorn workers for every contender\n`);
  repoUrl = await git.createRepo(APP);
  const repo = exampleRepo(APP, 'v1');
  const push = async (version: string, extra?: (dir: string) => void) => (commitVersion(repo, version, extra), await git.push(APP, repo));
  await git.push(APP, repo);
  const requirements = readFileSync(join(repo, 'requirements.txt'), 'utf8').replace(/\n*$/, '\n');
  const samples: Record<string, Record<string, Sample[]>> = {};
  const add = (scenario: string, who: Contender, s: Sample) => ((samples[scenario] ??= {})[who] ??= []).push(s);

  // The fleets: FLEET hosts per contender, set up and deployed once (not timed), kept for all runs.
  const fleets = await Promise.all(CONTENDERS.map(async (who) => prepare(git, who, await Promise.all(Array.from({ length: FLEET }, () => bootHost('ready'))))));
  for (const t of fleets) if (t.who !== 'deploy') await act(t, 'deploy');
  for (const t of fleets) await Promise.all(t.hosts.map((h) => counts(h).then(([c]) => accepted.set(h, c))));
  await checkWorkers(fleets);
  process.stderr.write(`fleets ready (${FLEET} hosts each)\n`);

  for (let i = 0; i < RUNS; i++) {
    checkCi();
    // Fresh hosts every run: each contender's first deploy really is its first.
    const singles = await Promise.all(CONTENDERS.map(async (who) => prepare(git, who, [await bootHost('ready')])));
    const each = async (scenario: string, action: 'deploy' | 'rollback', load = true) => {
      for (const t of singles) add(scenario, t.who, await measure(t, action, load));
    };
    await push(`first${i}`);
    // No load: before its first deploy a peer serves nothing yet.
    await each(SCENARIOS[0], 'deploy', false);
    await each(SCENARIOS[1], 'deploy');
    await push(`code${i}`);
    await each(SCENARIOS[2], 'deploy');
    // The app's own requirements, which pip satisfies offline (from Debian's packages): only their hash changes.
    await push(`req${i}`, (d) => writeFileSync(join(d, 'requirements.txt'), `${requirements}# change ${i}\n`));
    await each(SCENARIOS[3], 'deploy');
    await each(SCENARIOS[4], 'rollback');
    await push(`fleet${i}`);
    for (const t of fleets) add(SCENARIOS[5], t.who, await measure(t, 'deploy', true));
    await Promise.all(singles.flatMap((t) => t.hosts.map((h) => h.stop())));
    process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
  }

  checkCi();
  const versions = await collectVersions(fleets[0].hosts[0]);
  const file = join(ROOT, 'bench', 'results.json');
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), runs: RUNS, fleet: FLEET, rate: RATE, settings, noise, machine: machine(), versions, scenarios: SCENARIOS, contenders: CONTENDERS, samples }, null, 1) + '\n');
  return file;
}

/** Every contender's live gunicorn runs the same number of workers (one host of each fleet). */
async function checkWorkers(fleets: Target[]): Promise<void> {
  for (const t of fleets) {
    const n = await runningWorkers(t.hosts[0], workers);
    if (n !== workers) throw new Error(`${t.who} runs ${n} gunicorn workers on ${t.hosts[0].name}, not ${workers}`);
  }
}

async function collectVersions(h: Host): Promise<Record<string, string>> {
  const local = (cmd: string) => new Promise<string>((resolve) => {
    const c = spawn('bash', ['-c', cmd]);
    let out = '';
    c.stdout.on('data', (b) => (out += b));
    c.stderr.on('data', (b) => (out += b));
    c.on('close', () => resolve(out.trim()));
  });
  const remote = async (cmd: string) => (await h.exec(cmd)).stdout.trim() || (await h.exec(cmd)).stderr.trim();
  return {
    node: process.version,
    deploy: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    fabric: (await local('fab --version')).split('\n').join(', '),
    capistrano: await local('cap --version'),
    ruby: await local('ruby -v'),
    'test hosts': await remote('. /etc/os-release && echo "$PRETTY_NAME"'),
    nginx: await remote('nginx -v 2>&1'),
    gunicorn: await remote('python3 -m gunicorn --version 2>&1'),
    Django: await remote('python3 -c "import django; print(django.get_version())"'),
    Python: await remote('python3 --version'),
  };
}

function machine(): Record<string, string> {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8');
  const mem = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
  return { cpus: String((cpu.match(/^processor\s*:/gm) ?? []).length), model: /model name\s*:\s*(.*)/.exec(cpu)?.[1] ?? '?', ram: `${(mem / 1024 / 1024).toFixed(1)} GiB` };
}

/** Whether the main repository's CI, or another worktree's processes (tests of other sessions),
 * ran while we measured: they share the cores. Checked before every run and at the end. */
const noise = { ci: false, others: 0, checks: 0, load: [] as number[] };
function checkCi(): void {
  noise.checks++;
  noise.ci ||= spawnSync('pgrep', ['-f', '.ci/run'], { stdio: 'ignore' }).status === 0;
  const procs = spawnSync('pgrep', ['-af', '/work/'], { encoding: 'utf8' }).stdout.split('\n');
  if (procs.some((l) => /\/work\/(main|wt-)/.test(l) && !l.includes('/work/wt-bench'))) noise.others++;
  noise.load.push(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
}
