// `npm run simulate -- --hosts N [--parallel P] [--time-scale F] [--fail-rate R] [--seed S] [--tty]`
// (not a test; no root, no test hosts): a deploy to a fleet of N scripted hosts, to see what the
// controller itself costs as fleets grow. The real engine runs it (deployCommand with its
// openExecutor, the lock, the clean-up, the reporter and its log files); only the hosts are
// scripted (test/support/scripted-host.ts), each step taking a time drawn from these ranges:
// connect 50-400 ms, the environment's build 5-60 s, the health check (start) 1-5 s, any other
// step 50-300 ms, every one multiplied by --time-scale. A host that fails (--fail-rate) fails its
// build. Prints one JSON line: hosts, parallel, cpu_s, rss_mb (peak), fds (peak), wall_s and
// ideal_s, the time a fleet of that many hosts, `parallel` at once, cannot beat: summed over
// the run's phases (each a barrier in the engine: every host finishes it before the next
// begins), the larger of the phase's longest host time and its total host time / parallel.
// The run's lines go to stderr (--tty: the terminal, where several hosts get the live board).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { deployCommand } from '../src/commands/deploy.ts';
import { loadSettings } from '../src/settings/load.ts';
import { currentReporter } from '../src/ui/output.ts';
import type { HostSpec } from '../src/settings/types.ts';
import { ScriptedHost, type Behaviour } from '../test/support/scripted-host.ts';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '10' },
    parallel: { type: 'string' },
    'time-scale': { type: 'string', default: '1' },
    'fail-rate': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    tty: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    phases: { type: 'boolean', default: false },
    learn: { type: 'boolean', default: false },
    'allowed-hosts': { type: 'string' },
  },
});
const HOSTS = Number(args.hosts);
const SCALE = Number(args['time-scale']);
const FAIL_RATE = Number(args['fail-rate']);
if (!(HOSTS >= 1 && HOSTS <= 65_025) || !(SCALE > 0) || !(FAIL_RATE >= 0 && FAIL_RATE <= 1))
  throw new Error('--hosts 1..65025, --time-scale > 0, --fail-rate 0..1');

/** A step's time range (ms, before --time-scale), by step id; the rest take OTHER. */
const RANGES: Record<string, [number, number]> = {
  connect: [50, 400],
  'build-env': [5_000, 60_000],
  build: [50, 300],
  start: [1_000, 5_000],
};
const OTHER: [number, number] = [50, 300];
/** What a step prints (logged, shown with -v): pip's many lines while the environment builds. */
const OUTPUT: Record<string, number> = { 'build-env': 60, build: 5, start: 3 };

/** mulberry32: the same fleet for the same --seed, whatever order the hosts ask in. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One scripted host: each step's time drawn once (its own generator), and whether it fails. */
function hostScript(index: number): { time(step: string): number; fails: boolean } {
  const rnd = random(Number(args.seed) * 1_000_003 + index);
  const fails = rnd() < FAIL_RATE;
  const drawn = new Map<string, number>();
  return {
    fails,
    time(step) {
      let ms = drawn.get(step);
      if (ms === undefined) {
        const [lo, hi] = RANGES[step] ?? OTHER;
        drawn.set(step, (ms = (lo + rnd() * (hi - lo)) * SCALE));
      }
      return ms;
    },
  };
}

/** Per phase (a step id, or connect), in the order they began: when, and each host's time in it. */
const phases = new Map<string, { began: number; times: Map<number, number> }>();
function spend(phase: string, host: number, ms: number): void {
  let p = phases.get(phase);
  if (!p) phases.set(phase, (p = { began: performance.now(), times: new Map() }));
  p.times.set(host, (p.times.get(host) ?? 0) + ms);
}

/** The bound: the longest host, or all of them `parallel` at once, whichever is longer. */
function ideal(times: number[], parallel: number): number {
  return Math.max(Math.max(...times), times.reduce((a, b) => a + b, 0) / parallel);
}

/**
 * A controller that costs nothing: the hosts in the fleet's order, each as soon as one of
 * `parallel` is free (what p-limit does), durations unknown beforehand. With ten hosts or so per
 * slot this is some 10 % over the bound, whatever the controller: the last hosts' times stick out.
 */
function greedy(times: number[], parallel: number): number {
  const free = Array.from({ length: Math.min(parallel, times.length) }, () => 0);
  for (const t of times) {
    let i = 0;
    for (let j = 1; j < free.length; j++) if (free[j] < free[i]) i = j;
    free[i] += t;
  }
  return Math.max(...free);
}

function behaviour(script: ReturnType<typeof hostScript>, host: number, step: string): Behaviour {
  const latencyMs = script.time(step);
  spend(step, host, latencyMs);
  const output = Array.from({ length: OUTPUT[step] ?? 1 }, (_, i) => `${step}: line ${i + 1} of the server's output`);
  if (step === 'build-env' && script.fails)
    return { latencyMs, output, fail: { index: 1, status: 1, stderr: 'ERROR: No matching distribution found' } };
  return { latencyMs, output };
}

const dir = mkdtempSync(join(tmpdir(), 'deploy-simulate-'));
const address = (i: number) => `10.1.${Math.floor(i / 255)}.${(i % 255) + 1}`;
const hosts = Array.from({ length: HOSTS }, (_, i) => `ubuntu@${address(i)}`);
const config = join(dir, 'settings.ini');
writeFileSync(
  config,
  [
    '[DEPLOY]',
    'project_name = sim',
    'repository = git@example.com:me/sim.git',
    `deploy_hosts = ${hosts.join(', ')}`,
    ...(args.parallel ? [`parallel = ${args.parallel}`] : []),
    // By default the config file's allowed_hosts names every host: a file that grows with the fleet.
    ...(args['allowed-hosts'] ? ['[APP]', `allowed_hosts = ${args['allowed-hosts']}`] : []),
    '',
  ].join('\n'),
);
process.env.DEPLOY_LOG_DIR = join(dir, 'logs');
// Each run's host times (src/fleet/host-times.ts) are kept here, not in this machine's own state.
process.env.XDG_STATE_HOME = dir;
const index = new Map(hosts.map((h, i) => [address(i), i]));
const { parallel } = loadSettings({ app: 'sim', file: config, command: 'deploy' });

// Peak open descriptors, sampled as the run goes (readdir's own descriptor is not counted). Reading
// /proc costs ~0.6 % of a CPU at this rate: its CPU is left out of cpu_s, which is the deploy's.
let fds = 0;
let sampling = 0;
function countFds(): void {
  const before = process.cpuUsage();
  fds = Math.max(fds, readdirSync('/proc/self/fd').length - 1);
  const spent = process.cpuUsage(before);
  sampling += spent.user + spent.system;
}
const sampler = setInterval(countFds, 100);

/** One deploy of the scripted fleet. */
const deploy = () =>
  deployCommand({
    app: 'sim',
    config,
    yes: true,
    verbose: false,
    dryRun: false,
    json: !args.tty,
    force: false,
    openExecutor: async (h: HostSpec) => {
      const i = index.get(h.host)!;
      const script = hostScript(i);
      const ms = script.time('connect');
      spend('connect', i, ms);
      await sleep(ms);
      return new ScriptedHost(h, (step) => behaviour(script, i, step), { appUser: 'django' });
    },
  });

// --learn: a deploy first, unmeasured, whose host times the measured one starts from (slowest first).
if (args.learn) {
  await deploy();
  phases.clear();
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let error: string | undefined;
try {
  await deploy();
} catch (e) {
  error = (e as Error).message.split('\n')[0];
  // On a terminal, as the CLI ends a failed run: where each host stands, then why.
  if (args.tty) {
    currentReporter?.table();
    process.stdout.write(`error: ${error}\n`);
  }
}
const wall = performance.now() - t0;
countFds();
clearInterval(sampler);
const cpu = process.cpuUsage(cpu0);

// In the fleet's order (a host's times in a phase summed: build-env after a failed fetch, say).
const inOrder = [...phases.values()].map((p) => [...p.times].sort(([a], [b]) => a - b).map(([, ms]) => ms));
const idealMs = inOrder.reduce((sum, times) => sum + ideal(times, parallel), 0);
const greedyMs = inOrder.reduce((sum, times) => sum + greedy(times, parallel), 0);
// The same controller, knowing each host's time and starting the longest first (what --learn lets the engine do).
const longestMs = inOrder.reduce((sum, times) => sum + greedy([...times].sort((a, b) => b - a), parallel), 0);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
process.stdout.write(
  `${JSON.stringify({
    hosts: HOSTS,
    parallel,
    time_scale: SCALE,
    fail_rate: FAIL_RATE,
    cpu_s: round((cpu.user + cpu.system - sampling) / 1e6),
    rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    fds,
    wall_s: round(wall / 1000),
    ideal_s: round(idealMs / 1000),
    greedy_s: round(greedyMs / 1000),
    longest_first_s: round(longestMs / 1000),
    over_ideal: `${round((wall / idealMs - 1) * 100, 1)}%`,
    ...(args.phases ? { phases: phaseTimes() } : {}),
    ...(error ? { error } : {}),
    ...(args.keep ? { dir } : {}),
  })}\n`,
);
/** --phases: each phase's bound, the overhead-free controller's time and the time it took here (until the next began). */
function phaseTimes(): Record<string, number[]> {
  const list = [...phases.entries()];
  return Object.fromEntries(
    list.map(([name, p], i) => {
      const times = inOrder[i];
      const until = list[i + 1]?.[1].began ?? t0 + wall;
      return [name, [ideal(times, parallel), greedy(times, parallel), until - p.began].map((ms) => round(ms / 1000))];
    }),
  );
}

if (!args.keep) rmSync(dir, { recursive: true, force: true });
