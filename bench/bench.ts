// Benchmark (not a test): `deploy` against a bare bash script doing the same release
// deploy over one ssh exec, on two identical test hosts, interleaved, median of N runs.
// Also the CLI's own start-up. Run as root: npm run bench   (BENCH_RUNS=5 by default)
// At the tool's default settings (gunicorn_workers unset: 2 × CPUs + 1; gunicorn_preload: yes); the bare
// script's gunicorn gets the same worker count, without preload. BENCH_APP=demo|shop (default shop).
// `npm run bench -- --peers`: against Fabric, Capistrano and the bare script (bench/peers.ts).
// `npm run bench -- --sources`: git against archive, pip on each host against built once (bench/sources.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootHost, bootGitServer, ensureImages, stopAll, TESTBED_KEY, type Host } from '../test/testbed/index.ts';
import { BIN, ROOT, commitVersion, exampleRepo, runCli, setupThroughKeyGate, tempDir, writeSettings } from '../test/e2e/helpers.ts';
import { benchApp, defaultWorkers, runningWorkers } from './peers.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Hosts of the fleet scenario (a code-change deploy to 1 host and to this many). */
const FLEET = Number(process.env.BENCH_FLEET ?? 10);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const BARE = readFileSync(join(ROOT, 'bench', 'bare-deploy.sh'), 'utf8');
const APP = benchApp();
const BARE_COMMANDS = BARE.split('\n').filter((l) => /^\s*(\$U|ln|supervisorctl|cd|key=|commit=|rel=|cur=|prev=|\(cd)/.test(l)).length;

interface Sample {
  ms: number;
  execs: number;
  commands: number;
}

async function ours(args: string[], home: string, file: string): Promise<Sample> {
  const t = performance.now();
  const r = await runCli([...args, '--yes', '-c', file], { home });
  const ms = performance.now() - t;
  if (r.code !== 0) throw new Error(`deploy ${args.join(' ')} failed:\n${r.output}`);
  const log = readFileSync(/log: (\S+)/.exec(r.output)![1], 'utf8');
  return { ms, execs: (log.match(/\] --- /g) ?? []).length, commands: (log.match(/ \$ /g) ?? []).length };
}

function bare(host: Host, mode: 'deploy' | 'rollback'): Sample {
  const t = performance.now();
  const r = spawnSync('ssh', ['-i', TESTBED_KEY, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `ubuntu@${host.ip}`, `sudo -n env BENCH_APP=${APP} bash -s -- ${mode}`], { input: BARE });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`bare ${mode} failed: ${r.stderr}`);
  return { ms, execs: 1, commands: BARE_COMMANDS };
}

interface Timed {
  ms: number;
  /** The CLI's own CPU time, user + system (bash's `times` for its child). */
  cpuMs: number;
}

/** One CLI run, its wall time and its CPU time. */
function timed(args: string[], home: string): Timed {
  const t = performance.now();
  const r = spawnSync('bash', ['-c', 'node "$0" "$@" > /tmp/bench-timed.out 2>&1; st=$?; times; exit $st', BIN, ...args], { env: { ...process.env, HOME: home }, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`deploy ${args.join(' ')} failed:\n${readFileSync('/tmp/bench-timed.out', 'utf8')}`);
  // `times`: the shell's own user/sys, then its children's: "0m1.234s 0m0.123s".
  const seconds = (v: string) => Number(/(\d+)m([\d.]+)s/.exec(v)![1]) * 60 + Number(/(\d+)m([\d.]+)s/.exec(v)![2]);
  const [user, sys] = r.stdout.trim().split('\n').pop()!.split(/\s+/);
  return { ms, cpuMs: (seconds(user) + seconds(sys)) * 1000 };
}

/** Every host's live gunicorn runs `n` workers. */
async function expectWorkers(hosts: Host[], n: number): Promise<void> {
  for (const h of hosts) {
    const got = await runningWorkers(h, n);
    if (got !== n) throw new Error(`${h.name} runs ${got} gunicorn workers, not ${n}`);
  }
}

function startup(args: string[], home?: string): number {
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    spawnSync(process.execPath, [BIN, ...args], { stdio: 'ignore', env: home ? { ...process.env, HOME: home } : process.env });
    times.push(performance.now() - t);
  }
  return median(times);
}

async function main() {
  // --peers: this tool against Fabric, Capistrano and the bare script (bench/peers.ts), then BENCHMARKS.md.
  if (process.argv.includes('--peers')) {
    const [{ peers }, { render }] = await Promise.all([import('./peers.ts'), import('./render.ts')]);
    await peers();
    await stopAll();
    render();
    return;
  }
  // --sources: git against archive, pip on each host against built once (bench/sources.ts).
  if (process.argv.includes('--sources')) {
    await (await import('./sources.ts')).sourcesBench();
    return;
  }
  await ensureImages();
  const git = await bootGitServer();
  const { cpus, workers } = await defaultWorkers(git);
  const [a, b] = await Promise.all([bootHost('ready'), bootHost('ready')]);
  const url = await git.createRepo(APP);
  const repo = exampleRepo(APP, 'v1');
  await git.push(APP, repo);
  const requirements = readFileSync(join(repo, 'requirements.txt'), 'utf8').replace(/\n*$/, '\n');
  const home = tempDir();
  // No gunicorn_workers line: the tool's default.
  const file = writeSettings(home, { repo: url, hosts: [a], app: APP, workers: 'default', extra: 'keep_releases = 50\n' });
  // The bare script's releases have no .deploy/: their gunicorn reads the shared gunicorn.conf.py
  // setup writes from these settings (the same workers, no preload, as a hand-written setup has it).
  const fileB = writeSettings(tempDir(), { repo: url, hosts: [b], app: APP, workers: 'default', extra: 'gunicorn_preload = no\n' });
  for (const [h, f] of [[a, file], [b, fileB]] as const) {
    const { second } = await setupThroughKeyGate(git, h, [APP, 'setup', '--dependencies=no', '--yes', '-c', f], home);
    if (second.code !== 0) throw new Error(second.output);
  }
  // The fleet: FLEET more hosts, set up in one run (every deploy key at once), deployed to together.
  const fleet = await Promise.all(Array.from({ length: FLEET }, () => bootHost('ready')));
  const fleetHome = tempDir();
  const fleetFile = writeSettings(fleetHome, { repo: url, hosts: fleet, app: APP, workers: 'default' });
  const gate = await runCli([APP, 'setup', '--dependencies=no', '--yes', '-c', fleetFile], { home: fleetHome });
  if (gate.code === 3) for (const h of fleet) await git.authorize((await h.run('cat /opt/django/.ssh/id_ed25519.pub')).trim());
  const fleetSetup = gate.code === 3 ? await runCli([APP, 'setup', '--dependencies=no', '--yes', '-c', fleetFile], { home: fleetHome }) : gate;
  if (fleetSetup.code !== 0) throw new Error(fleetSetup.output);
  await expectWorkers([a, b, fleet[0]], workers);
  const fleetResults: { one: Timed[]; many: Timed[] } = { one: [], many: [] };
  // The bare host runs a stock supervisor program (startsecs left at its default, 1 s), as a hand-written setup would.
  await b.run(`sed -i '/^startsecs=0$/d' /etc/supervisor/conf.d/${APP}-a.conf && supervisorctl update ${APP}-a >/dev/null`);
  const results: Record<string, { ours: Sample[]; bare: Sample[] }> = {};
  const add = (k: string, o: Sample, br: Sample) => ((results[k] ??= { ours: [], bare: [] }).ours.push(o), results[k].bare.push(br));
  for (let i = 0; i < RUNS; i++) {
    commitVersion(repo, `c${i}`);
    await git.push(APP, repo);
    add('redeploy after a code change', await ours([APP, 'deploy'], home, file), bare(b, 'deploy'));
    // The app's own requirements and a comment: pip satisfies them offline, only their hash changes.
    commitVersion(repo, `r${i}`, (d) => writeFileSync(join(d, 'requirements.txt'), `${requirements}# change ${i}\n`));
    await git.push(APP, repo);
    add('redeploy with a changed requirement', await ours([APP, 'deploy'], home, file), bare(b, 'deploy'));
    add('deploy of the live commit', await ours([APP, 'deploy'], home, file), bare(b, 'deploy'));
    add('rollback', await ours([APP, 'rollback'], home, file), bare(b, 'rollback'));
    commitVersion(repo, `f${i}`);
    await git.push(APP, repo);
    fleetResults.one.push(timed([APP, 'deploy', '--yes', '-c', file], home));
    fleetResults.many.push(timed([APP, 'deploy', '--yes', '-c', fleetFile], fleetHome));
    process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
  }
  // The dry run reads the host's files for their diff (one connection, one read-only step): measured while the hosts are up.
  const dryRun = startup([APP, 'deploy', '--dry-run', '-c', file], home);
  // The bare script's own restarts kept the count.
  await expectWorkers([b], workers);
  await stopAll();

  const rows = [['scenario', 'deploy', 'bare script', 'ratio', 'deploy: ssh conns / round trips / commands', 'bare: conns / round trips / commands']];
  for (const [k, v] of Object.entries(results)) {
    const o = median(v.ours.map((s) => s.ms));
    const br = median(v.bare.map((s) => s.ms));
    rows.push([k, fmt(o), fmt(br), `${(o / br).toFixed(2)}x`, `1 / ${median(v.ours.map((s) => s.execs))} / ${median(v.ours.map((s) => s.commands))}`, `1 / 1 / ${BARE_COMMANDS}`]);
  }
  const one = median(fleetResults.one.map((r) => r.ms));
  const many = median(fleetResults.many.map((r) => r.ms));
  rows.push([`code-change deploy: ${FLEET} hosts vs 1`, fmt(many), fmt(one), `${(many / one).toFixed(2)}x`, `${FLEET} connections, at most ${FLEET} at once`, '(1 host, same tool)']);
  // What the target is about: the controller's own work. The test hosts share this
  // machine's cores, so their CPU (gunicorn and Django booting on 10 hosts) is in the wall time too.
  const cpuOne = median(fleetResults.one.map((r) => r.cpuMs));
  const cpuMany = median(fleetResults.many.map((r) => r.cpuMs));
  rows.push([`  controller CPU (user+sys): ${FLEET} hosts vs 1`, fmt(cpuMany), fmt(cpuOne), `${(cpuMany / cpuOne).toFixed(2)}x`, `${fmt((cpuMany - cpuOne) / (FLEET - 1))} per extra host`, '']);
  rows.push(['deploy --help (start-up)', fmt(startup(['--help'])), '', '', '', '']);
  rows.push([`deploy ${APP} deploy --dry-run`, fmt(dryRun), '', '', '', '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nmedian of ${RUNS} runs, interleaved, this machine's test hosts (ready image); app ${APP}`);
  console.log(`deploy at its defaults: gunicorn_workers unset = ${workers} (2 × CPUs + 1, at most 12; ${cpus} CPUs), gunicorn_preload = yes; bare script: ${workers} workers, no preload\n`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
}

main().catch(async (e) => {
  console.error(e);
  await stopAll();
  process.exit(1);
});
