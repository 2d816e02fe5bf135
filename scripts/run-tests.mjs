// Runs every test file, three at a time, the longest first: node's own runner sorts the files it
// is given by name, which started the long reliability files last and together, loading a
// two-core machine until health checks timed out, and left the run waiting on them alone.
// Each file runs in its own `node --test`; its output is printed whole when it ends, and the
// failures again at the very end, where a log cut to its tail (as CI shows it) still has them.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

/** Measured in CI runs: these take minutes each; everything else follows in directory order. */
const LONGEST_FIRST = [
  'test/reliability/kill-points.test.ts',
  'test/reliability/setup-interrupted.test.ts',
  'test/reliability/trust-boundary.test.ts',
  'test/e2e/sources.test.ts',
  'test/e2e/debian13.test.ts',
  'test/reliability/network-drop.test.ts',
  'test/e2e/fleet-five.test.ts',
  'test/reliability/secrets.test.ts',
  'test/reliability/faults.test.ts',
  'test/e2e/defects.test.ts',
  'test/e2e/setup.test.ts',
  'test/e2e/fleet-roles.test.ts',
  'test/e2e/fleet-subsets.test.ts',
];
const CONCURRENCY = Number(process.env.DEPLOY_TEST_CONCURRENCY ?? 3);

const inDir = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => `${dir}/${f}`);
const all = [...inDir('test/reliability'), ...inDir('test/e2e'), ...inDir('test/unit')];
const only = process.argv.slice(2);
const files = only.length
  ? only
  : [...LONGEST_FIRST.filter((f) => all.includes(f)), ...all.filter((f) => !LONGEST_FIRST.includes(f))];

const failed = [];
const failures = [];
const started = Date.now();
const seconds = (ms) => `${Math.round(ms / 1000)} s`;

function runFile(file) {
  return new Promise((resolve) => {
    const t = Date.now();
    // What the tool keeps between runs (logs, each host's times: src/fleet/host-times.ts) stays
    // the file's own: never this machine's, never another file's.
    const state = mkdtempSync(join(tmpdir(), 'deploy-test-state-'));
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XDG_STATE_HOME: state },
    });
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    child.on('close', (code, signal) => {
      rmSync(state, { recursive: true, force: true });
      process.stdout.write(`\n### ${file}\n${Buffer.concat(out).toString()}`);
      const ok = code === 0;
      if (!ok) {
        failed.push(file);
        failures.push(`### ${file}\n${failingBlocks(Buffer.concat(out).toString())}`);
      }
      process.stdout.write(
        `### ${ok ? 'ok' : `FAILED (${signal ?? `exit ${code}`})`} ${file} in ${seconds(Date.now() - t)}\n`,
      );
      resolve();
    });
  });
}

/**
 * The `not ok` lines of a TAP log with the start of the YAML block under each (its error and
 * where), a few short lines each: CI shows only the log's tail, and one long error (an assertion
 * quoting a whole command's output) pushed the other failures out of it. A suite's own line
 * ("1 subtest failed") says nothing its failing subtest does not.
 */
function failingBlocks(tap) {
  const lines = tap.split('\n');
  const kept = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*not ok /.test(lines[i])) continue;
    const block = [lines[i]];
    for (let j = i + 1; j < lines.length && block.length < 14; j++) {
      if (/^\s*\.\.\.$/.test(lines[j])) break;
      if (/^\s*(---|duration_ms:|type:|code:)/.test(lines[j])) continue;
      block.push(lines[j]);
    }
    if (block.some((l) => /failureType: 'subtestsFailed'/.test(l))) continue;
    kept.push(block.map((l) => (l.length > 240 ? `${l.slice(0, 240)}…` : l)).join('\n'));
  }
  return kept.length ? kept.join('\n') : lines.slice(-20).join('\n');
}

const queue = [...files];
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let f = queue.shift(); f; f = queue.shift()) await runFile(f);
  }),
);
if (failures.length) process.stdout.write(`\n### What failed, again\n${failures.join('\n')}\n`);
process.stdout.write(
  `\n### ${files.length - failed.length} of ${files.length} test files passed in ${seconds(Date.now() - started)}${failed.length ? `; failed:\n${failed.map((f) => `###   ${f}`).join('\n')}` : ''}\n`,
);
process.exit(failed.length ? 1 : 0);
