// Runs every test file with node's test runner, three at a time, the longest first. On a
// two-core machine a long file that starts last leaves the run waiting on it alone, and the
// reliability files, started together at the end, loaded the machine until timeouts fired.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Measured in CI runs: these take minutes each; everything else follows in directory order. */
const LONGEST_FIRST = [
  'test/reliability/kill-points.test.ts',
  'test/reliability/trust-boundary.test.ts',
  'test/reliability/faults.test.ts',
  'test/reliability/secrets.test.ts',
  'test/reliability/network-drop.test.ts',
  'test/e2e/fleet-five.test.ts',
  'test/reliability/setup-interrupted.test.ts',
  'test/e2e/defects.test.ts',
];

const inDir = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => `${dir}/${f}`);
const all = [...inDir('test/reliability'), ...inDir('test/e2e'), ...inDir('test/unit')];
const files = [...LONGEST_FIRST.filter((f) => all.includes(f)), ...all.filter((f) => !LONGEST_FIRST.includes(f))];

const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=3', ...process.argv.slice(2), ...files],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
