// Renders bench/results.json (written by `npm run bench -- --peers`) into BENCHMARKS.md and
// bench/benchmarks.png (gnuplot, bench/benchmarks.gp), with the archived 2026-11-24 run (demo
// app, gunicorn_workers = 2) as a second section. Alone: npm run bench:render [-- RESULTS.json]
// (without bench/results.json: the archived run alone).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSettings, Sample } from './peers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results.json');
/** The run before the benchmarks used the tool's defaults: kept so its figures stay comparable. */
const ARCHIVE = join(ROOT, 'bench', 'results-2026-11-24-workers2.json');
const NAMES: Record<string, string> = { deploy: 'deploy', fabric: 'Fabric 2', capistrano: 'Capistrano 3', bare: 'bare script' };
const SHORT = ['first deploy', 'no change', 'code change', 'changed requirement', 'rollback'];
const APPS: Record<string, string> = {
  demo: 'the example Django app (`examples/demo`)',
  shop: "the realistic example Django project (`examples/shop`: Django's admin, 29 models over four apps, about 240 static files)",
};

interface Noise {
  ci: boolean;
  others: number;
  checks: number;
  load: number[];
}

interface Results {
  date: string;
  runs: number;
  fleet: number;
  rate: number;
  /** Missing in the archived run: see settingsOf. */
  settings?: BenchSettings;
  noise: Noise;
  machine: Record<string, string>;
  versions: Record<string, string>;
  scenarios: string[];
  contenders: string[];
  samples: Record<string, Record<string, Sample[]>>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sec = (ms: number) => (ms / 1000).toFixed(2);
const load = (file: string): Results => JSON.parse(readFileSync(file, 'utf8'));

/** The settings a run used; the archived run predates their record: the demo app, gunicorn_workers = 2, no preload. */
function settingsOf(r: Results): BenchSettings {
  return r.settings ?? { app: 'demo', cpus: Number(r.machine.cpus), workers: 2, defaultWorkers: false, preload: false };
}

/** A contender's median time in a scenario. */
const medianMs = (r: Results, scenario: string, who: string) => median(r.samples[scenario][who].map((s) => s.ms));

/** A contender's failed and sent requests in a scenario, over all runs (null: it ran without load). */
function requests(samples: Sample[]): { failed: number; sent: number } | null {
  const loaded = samples.filter((s) => s.sent !== null);
  if (!loaded.length) return null;
  return { failed: loaded.reduce((a, s) => a + s.failed!, 0), sent: loaded.reduce((a, s) => a + s.sent!, 0) };
}

/** The results table's rows: one per scenario and contender. */
function resultRows(r: Results): string[] {
  const rows: string[] = [];
  for (const scenario of r.scenarios) {
    const by = r.samples[scenario];
    const ours = medianMs(r, scenario, 'deploy');
    for (const who of r.contenders) {
      const ms = by[who].map((s) => s.ms);
      const m = median(ms);
      const q = requests(by[who]);
      const failed = q ? `${q.failed} of ${q.sent}` : '–';
      rows.push(`| ${who === r.contenders[0] ? scenario : ''} | ${NAMES[who]} | ${sec(m)} s | ${sec(Math.min(...ms))}–${sec(Math.max(...ms))} | ${(m / ours).toFixed(2)}x | ${median(by[who].map((s) => s.conns))} | ${median(by[who].map((s) => s.cmds))} | ${failed} |`);
    }
  }
  return rows;
}

const TABLE_HEAD = `| scenario | contender | median | min–max | ratio to deploy | SSH connections | remote commands | failed requests (of sent) |
|---|---|---|---|---|---|---|---|`;

/** bench/benchmarks.dat: a row per scenario, its label then median min max per contender (seconds). */
function plotData(r: Results): string {
  return r.scenarios
    .map((scenario, i) => {
      const cols = [i < SHORT.length ? SHORT[i] : `${r.fleet} hosts`];
      for (const who of r.contenders) {
        const ms = r.samples[scenario][who].map((s) => s.ms);
        cols.push(sec(median(ms)), sec(Math.min(...ms)), sec(Math.max(...ms)));
      }
      return `${cols.join('\t')}\n`;
    })
    .join('');
}

function plot(r: Results): void {
  const dat = join(ROOT, 'bench', 'benchmarks.dat');
  writeFileSync(dat, plotData(r));
  const s = settingsOf(r);
  const vars = `dat='${dat}'; out='${join(ROOT, 'bench', 'benchmarks.png')}'; runs='${r.runs} run${r.runs === 1 ? '' : 's'}'; label='${s.app} app, ${s.workers} gunicorn workers'`;
  const gp = spawnSync('gnuplot', ['-e', vars, join(ROOT, 'bench', 'benchmarks.gp')], { encoding: 'utf8' });
  if (gp.status !== 0) throw new Error(`gnuplot failed (is gnuplot-nox installed?):\n${gp.stderr}`);
}

/** This tool's targets (issue 20): each computed from the run, met or not. */
function targetRows(r: Results): string[] {
  const [, noChange, code, req, rollback] = r.scenarios;
  const ratio = (label: string, scenario: string, max: number) => {
    const ours = medianMs(r, scenario, 'deploy');
    const bare = medianMs(r, scenario, 'bare');
    return row(`${label} ≤ ${max}× the bare script`, `${(ours / bare).toFixed(2)}× (${sec(ours)} s against ${sec(bare)} s)`, ours / bare <= max);
  };
  const live = medianMs(r, noChange, 'deploy');
  const q = r.scenarios.map((s) => requests(r.samples[s].deploy)).filter((x) => x !== null);
  const failed = q.reduce((a, x) => a + x.failed, 0);
  const sent = q.reduce((a, x) => a + x.sent, 0);
  return [
    ratio('code-change deploy', code, 0.4),
    ratio('rollback', rollback, 0.3),
    ratio('changed requirement', req, 0.4),
    row('deploy of the live commit ≤ 0.3 s', `${sec(live)} s`, live <= 300),
    row(`0 failed requests at ${r.rate} requests/s`, `${failed} of ${sent} (every timed command but the first deploy)`, failed === 0),
  ];
}

const row = (target: string, measured: string, met: boolean) => `| ${target} | ${measured} | ${met ? 'met' : '**not met**'} |`;

/** What each contender ran with, in a sentence or two. */
function settingsNote(r: Results): string {
  const s = settingsOf(r);
  const formula = s.workers === 2 * s.cpus + 1 ? `2 × CPUs + 1 = ${s.workers}` : `2 × CPUs + 1, at most 12 = ${s.workers}`;
  const ours = s.defaultWorkers
    ? `deploy at its default settings: \`gunicorn_workers\` not set, so ${formula} workers per slot (the test hosts see ${s.cpus} CPUs), and \`gunicorn_preload = ${s.preload ? 'yes' : 'no'}\``
    : `deploy with \`gunicorn_workers = ${s.workers}\` and ${s.preload ? '`gunicorn_preload = yes`' : 'no preload'}`;
  return `**Settings**: ${APPS[s.app] ?? `\`examples/${s.app}\``}; ${ours}. The peers: the same worker count (\`--workers ${s.workers}\`), no preload, and their stock restart (\`supervisorctl restart\`).`;
}

function noiseNote(n: Noise): string {
  const notes = [];
  if (n.ci) notes.push("the main repository's CI was running during (part of) it");
  if (n.others) notes.push(`other worktrees' processes (other sessions' tests) were running at ${n.others} of ${n.checks} checks (before each run and at the end)`);
  const load = `1-minute load average at those checks: ${n.load.map((l) => l.toFixed(1)).join(', ')}`;
  return notes.length ? `\n**Noise**: ${notes.join('; ')}. They shared the cores, so the times are noisier than a quiet machine's; the interleaving spreads that over all contenders. ${load}.\n` : `\nNo CI or other worktree's processes were seen running (checked before each run and at the end); ${load}.\n`;
}

/** The tools' own version lines, down to the numbers. */
function versions(r: Results): string {
  const num = (x: string) => /\d+\.\d+(\.\d+)?/.exec(x)?.[0] ?? x;
  const v = r.versions;
  return `node ${v.node}, deploy ${v.deploy}, Fabric ${v.fabric.replace(/^Fabric /, '')}, Capistrano ${num(v.capistrano)}, Ruby ${num(v.ruby)}; on the hosts (${v['test hosts']}): nginx ${num(v.nginx)}, gunicorn ${num(v.gunicorn)}, Django ${v.Django}, ${v.Python}`;
}

/** The archived run's section: its settings, machine and table. */
function earlier(a: Results): string {
  const s = settingsOf(a);
  return `
## Earlier run: ${s.app} app, gunicorn_workers = ${s.workers} (${a.date.slice(0, 10)})

The same method and scenarios (\`bench/${ARCHIVE.split('/').pop()}\`), before the benchmarks ran at the defaults: ${APPS[s.app]}, deploy with \`gunicorn_workers = ${s.workers}\` (no preload: \`gunicorn_preload\` did not exist yet), the peers with \`--workers ${s.workers}\`. ${a.runs} runs, interleaved; fleet of ${a.fleet}; ${a.rate} requests/s. Machine: ${a.machine.cpus} CPUs (${a.machine.model}), ${a.machine.ram} RAM. Versions: ${versions(a)}.
${noiseNote(a.noise)}
${TABLE_HEAD}
${resultRows(a).join('\n')}
`;
}

function page(r: Results, archive: Results | null): string {
  const s = settingsOf(r);
  return `# Benchmarks: deploy, Fabric, Capistrano and a bare script

Generated by \`npm run bench -- --peers\` (as root, on the test hosts) on ${r.date.slice(0, 10)}; do not edit by hand.

${settingsNote(r)}
${noiseNote(r.noise)}
![wall time per scenario and contender](bench/benchmarks.png)

- **Machine**: ${r.machine.cpus} CPUs (${r.machine.model}), ${r.machine.ram} RAM. All test hosts are systemd-nspawn containers on this machine: they share its cores with the contenders and the load generator.
- **Versions**: ${versions(r)}.

## Targets

This tool's targets (issue 20), from the medians below: deploy's time over the bare script's, or its own.

| target | measured | |
|---|---|---|
${targetRows(r).join('\n')}

## Method

Each contender does the same release-directory deploy of ${APPS[s.app] ?? `\`examples/${s.app}\``}, served by a git server on the test network: fetch into a mirror, export the commit into a new release, link the shared directories, a virtualenv reused while \`requirements.txt\` and the Python version are unchanged (\`--system-site-packages\`, \`pip --no-index\`), \`collectstatic\`, \`migrate\`, switch the \`current\` symlink, restart gunicorn, keep 5 releases.

- **deploy**: this tool, \`bin/deploy.js\`, its hosts set up by \`deploy ${s.app} setup\` (which already makes a first release live, so its "first deploy" reuses that virtualenv). Its gunicorn is not restarted: the new release boots in the idle slot and traffic moves once it answers. After a deploy the previous release keeps running in the other slot (\`keep_previous_slot\`, a default), so its rollback to that release starts nothing: the slot still answers its health check, then traffic moves back.
- **Fabric 2** (\`bench/peers/fabfile.py\`, one remote command per step, logged in as the deploy user), **Capistrano 3** (\`bench/peers/capistrano/\`, its git SCM and stock deploy flow plus three tasks: virtualenv, collectstatic + migrate, restart) and the **bare script** (\`bench/bare-deploy.sh\` on the stdin of one \`ssh … sudo bash -s\`): their hosts are set up by \`bench/peers/setup-host.sh\` (the same layout, one supervisor program with stock settings and deploy's worker count, an nginx site), and they restart gunicorn cold with \`supervisorctl restart\`.

Every contender has its own hosts. Each of the ${r.runs} runs boots four fresh hosts (one per contender), sets them up (not timed) and then, for each scenario in turn, times contender after contender (deploy, Fabric, Capistrano, bare): the runs are interleaved, so a slow moment of the machine hits all of them. The scenarios: (1) the first deploy after setup of a new commit; (2) a redeploy with no change; (3) a redeploy after a code change; (4) a redeploy whose \`requirements.txt\` changed (a comment: pip satisfies it offline from Debian's packages, but the virtualenv is new); (5) a rollback to the previous release; (6) a code change to ${r.fleet} hosts at once (each contender's own fleet, set up and deployed once before the runs: Fabric runs its deploy in a thread per host, as its \`ThreadingGroup\` does, Capistrano its hosts in parallel, the bare script one \`ssh\` per host at once, deploy its fleet engine).

- **Time**: wall time of the contender's command on this machine, median of ${r.runs} runs; the spread is min–max; the ratio is the median over deploy's median.
- **SSH connections**: counted on the servers, as the "Accepted publickey" lines sshd logged for the bench's users during the command (summed over the hosts).
- **Remote commands**: counted on the servers, as the exec requests the users' login shell received (\`bench/peers/count-shell.sh\` makes it a wrapper that logs its \`-c\` command, then runs bash). A script sent on the stdin of one \`bash -s\` counts as one: deploy sends each step's script to one long-lived \`sudo -n bash\` on its connection, and the bare script is one \`sudo bash -s\`, so their counts are exec requests, not the commands inside the scripts. The medians are per run, summed over the hosts.
- **Failed requests**: during every timed command except the first deploy (nothing is live before it), a steady ${r.rate} requests/s through nginx (\`test/e2e/load.ts\`, a new connection per request to \`/\`; in scenario 6 spread over the ${r.fleet} hosts); a request fails on a non-2xx status or a transport error. The column gives the failed and sent requests over all runs.

## Results

${TABLE_HEAD}
${resultRows(r).join('\n')}
${archive ? earlier(archive) : ''}`;
}

/** BENCHMARKS.md and the plot from a results file (default: bench/results.json, else the archived run). */
export function render(file = existsSync(RESULTS) ? RESULTS : ARCHIVE): void {
  const r = load(file);
  const archive = resolve(file) !== ARCHIVE && existsSync(ARCHIVE) ? load(ARCHIVE) : null;
  plot(r);
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), page(r, archive));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) render(process.argv[2]);
