// Benchmark (not a test): how long a gunicorn slot takes from its start to its first answer,
// and to every worker having imported the app, and what its processes cost in memory, for 1,
// 2, 5 and 9 workers, with gunicorn_preload = no and yes (the example apps demo and shop, on a
// test host, as deploy's template starts them). Median of BENCH_RUNS (default 5), interleaved.
// Run as root: npm run -s slot-boot
import { spawnSync } from 'node:child_process';
import { bootHost, ensureImages, stopAll, TESTBED_KEY } from '../test/testbed/index.ts';
import { ROOT } from '../test/e2e/helpers.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WORKERS = [1, 2, 5, 9];
const APPS = ['demo', 'shop'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await ensureImages(['ready']);
const host = await bootHost('ready', 'slotboot');
try {
  // The example apps and the script, as they are in this checkout.
  const ssh = `ssh -i ${TESTBED_KEY} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR root@${host.ip}`;
  const put = spawnSync(
    'bash',
    ['-c', `set -e; tar -C examples -c ${APPS.join(' ')} | ${ssh} 'mkdir -p /srv/bench && tar -C /srv/bench -x'; ${ssh} 'cat > /srv/bench/slot-boot.sh' < bench/slot-boot.sh`],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (put.status !== 0) throw new Error(`copying the apps failed: ${put.stderr}`);
  await host.run(`python3 -m venv --system-site-packages /srv/bench/venv
printf '[django]\\nsecret_key = bench\\ndebug = false\\nallowed_hosts = *\\nstatic_root = /srv/bench/static\\nmedia_root = /srv/bench/media\\ndatabase_url = sqlite:////srv/bench/db.sqlite3\\n' > /srv/bench/app.ini`);
  const rows: { app: string; workers: number; preload: boolean; first: number; all: number; rss: number; pss: number }[] = [];
  const samples = new Map<string, number[][]>();
  for (let run = 0; run < RUNS; run++)
    for (const app of APPS)
      for (const workers of WORKERS)
        for (const preload of [false, true]) {
          const out = await host.run(`bash /srv/bench/slot-boot.sh ${app} ${workers} ${preload ? 'True' : 'False'} 8100`);
          const key = `${app} ${workers} ${preload}`;
          samples.set(key, [...(samples.get(key) ?? []), out.trim().split(/\s+/).map(Number)]);
        }
  for (const app of APPS)
    for (const workers of WORKERS)
      for (const preload of [false, true]) {
        const s = samples.get(`${app} ${workers} ${preload}`)!;
        const col = (i: number) => median(s.map((x) => x[i]));
        rows.push({ app, workers, preload, first: col(0), all: col(1), rss: col(2), pss: col(3) });
      }
  const mb = (kb: number) => (kb / 1024).toFixed(0);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  process.stdout.write(
    `slot boot, median of ${RUNS} (${host.image} test host, ${spawnSync('nproc').stdout.toString().trim()} CPUs)\n\n` +
      '| app | workers | first answer, preload no → yes | all workers up, no → yes | RSS MB, no → yes | PSS MB, no → yes |\n|---|---:|---:|---:|---:|---:|\n',
  );
  for (const app of APPS)
    for (const workers of WORKERS) {
      const [no, yes] = [false, true].map((p) => rows.find((r) => r.app === app && r.workers === workers && r.preload === p)!);
      process.stdout.write(
        `| ${app} | ${workers} | ${s(no.first)} → ${s(yes.first)} s | ${s(no.all)} → ${s(yes.all)} s | ${mb(no.rss)} → ${mb(yes.rss)} | ${mb(no.pss)} → ${mb(yes.pss)} |\n`,
      );
    }
  process.stdout.write(`${JSON.stringify({ runs: RUNS, rows })}\n`);
} finally {
  await stopAll();
}
