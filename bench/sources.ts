// `npm run bench -- --sources` (root, test hosts; not part of CI): where releases come from,
// side by side in one run, interleaved, median of BENCH_RUNS (default 3).
//   - a code-change deploy to 1 host and to 5: source = git against source = archive;
//   - a changed requirement on 5 hosts: pip on every host (build_once = no) against built once.
// Wall time; bytes the controller sent (an iptables counter on each host's port 22, in its own
// network namespace: what reached sshd from this machine); requests failed under a steady load.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootGitServer, bootHost, ensureImages, stopAll, TESTBED_KEY, type Host } from '../test/testbed/index.ts';
import { commitVersion, demoRepo, runCli, setupThroughKeyGate, tempDir, writeSettings } from '../test/e2e/helpers.ts';
import { STEADY_RATE, startLoad } from '../test/e2e/load.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FLEET = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Bytes that reached the host's sshd so far (counted by a rule of its own in the host's netns). */
function sshBytes(h: Host): number {
  const out = execFileSync('ip', ['netns', 'exec', h.netns, 'iptables', '-w', '-L', 'INPUT', '-v', '-x', '-n']).toString();
  const line = out.split('\n').find((l) => /tcp dpt:22\b/.test(l) && /deploy-bench/.test(l));
  return Number(line?.trim().split(/\s+/)[1] ?? 0);
}

function countSsh(h: Host): void {
  execFileSync('ip', [
    'netns', 'exec', h.netns, 'iptables', '-w', '-I', 'INPUT', '-p', 'tcp', '--dport', '22',
    '-m', 'comment', '--comment', 'deploy-bench',
  ]);
}

/** A wheel pip installs without an index: a changed requirement costs a real install. */
function wheel(dir: string): void {
  mkdirSync(join(dir, 'wheels'), { recursive: true });
  execFileSync('python3', [
    '-c',
    [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1], "w")',
      'z.writestr("benchpkg/__init__.py", "VALUE = 1\\n")',
      'z.writestr("benchpkg-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: benchpkg\\nVersion: 1.0\\n")',
      'z.writestr("benchpkg-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: bench\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")',
      'z.writestr("benchpkg-1.0.dist-info/RECORD", "")',
      'z.close()',
    ].join('\n'),
    join(dir, 'wheels', 'benchpkg-1.0-py3-none-any.whl'),
  ]);
}

interface Row {
  ms: number[];
  bytes: number[];
}

export async function sourcesBench(): Promise<void> {
  await ensureImages();
  const git = await bootGitServer();
  await git.authorize(readFileSync(`${TESTBED_KEY}.pub`, 'utf8'));
  const [one, ...five] = await Promise.all(Array.from({ length: FLEET + 1 }, () => bootHost('ready')));
  const url = await git.createRepo('demo');
  const repo = demoRepo('v1');
  wheel(repo);
  await git.push('demo', repo);
  // The operator's own access to the git host (archive mode reads it here); ssh reads its config
  // from the passwd home, so GIT_SSH_COMMAND names this one.
  const home = tempDir();
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(
    join(home, '.ssh', 'config'),
    `Host ${git.ip}\n  User git\n  IdentityFile ${TESTBED_KEY}\n  IdentitiesOnly yes\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n`,
  );
  const env = { GIT_SSH_COMMAND: `ssh -F ${join(home, '.ssh', 'config')}` };
  const settings = (hosts: Host[], extra: string) => writeSettings(tempDir(), { repo: url, hosts, extra: `keep_releases = 3\n${extra}` });
  const files = {
    'git, 1 host': settings([one], ''),
    'archive, 1 host': settings([one], 'source = archive\n'),
    [`git, ${FLEET} hosts`]: settings(five, ''),
    [`archive, ${FLEET} hosts`]: settings(five, 'source = archive\n'),
    [`changed requirement, ${FLEET} hosts: pip on each`]: settings(five, 'build_once = no\n'),
    [`changed requirement, ${FLEET} hosts: built once, shipped`]: settings(five, ''),
  };
  const cli = (file: string, ...args: string[]) => runCli(['-c', file, 'demo', ...args, '--yes'], { home, env });
  for (const [hosts, file] of [[[one], files['git, 1 host']], [five, files[`git, ${FLEET} hosts`]]] as const) {
    const gate = await cli(file, 'setup', '--dependencies=no');
    if (gate.code === 3) for (const h of hosts) await git.authorize((await h.run('cat /opt/django/.ssh/id_ed25519.pub')).trim());
    const done = gate.code === 3 ? await cli(file, 'setup', '--dependencies=no') : gate;
    if (done.code !== 0) throw new Error(done.output);
  }
  for (const h of [one, ...five]) countSsh(h);
  const loads = [one, ...five].map((h) => startLoad(h.ip, '/', STEADY_RATE, 7200));
  const rows: Record<string, Row> = {};
  let n = 0;
  const timed = async (name: string, hosts: Host[], change: (d: string) => void) => {
    commitVersion(repo, `b${n++}`, change);
    await git.push('demo', repo);
    const before = hosts.map(sshBytes);
    const t = performance.now();
    const r = await cli(files[name as keyof typeof files], 'deploy');
    const ms = performance.now() - t;
    if (r.code !== 0) throw new Error(`${name}: ${r.output}`);
    const bytes = hosts.reduce((sum, h, i) => sum + sshBytes(h) - before[i], 0);
    const row = (rows[name] ??= { ms: [], bytes: [] });
    row.ms.push(ms);
    row.bytes.push(bytes);
  };
  const requirement = (d: string) =>
    writeFileSync(join(d, 'requirements.txt'), `Django>=3.2\ngunicorn>=20\n./wheels/benchpkg-1.0-py3-none-any.whl\n# change ${n}\n`);
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? ['archive', 'git'] : ['git', 'archive'];
    for (const mode of order) await timed(`${mode}, 1 host`, [one], () => {});
    for (const mode of order) await timed(`${mode}, ${FLEET} hosts`, five, () => {});
    const ways = i % 2 ? ['built once, shipped', 'pip on each'] : ['pip on each', 'built once, shipped'];
    for (const way of ways) await timed(`changed requirement, ${FLEET} hosts: ${way}`, five, requirement);
    process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
  }
  const stats = await Promise.all(loads.map((l) => l.stop()));
  await stopAll();
  const failed = stats.reduce((s, x) => s + Object.values(x.failures).reduce((a, b) => a + b, 0), 0);
  const sent = stats.reduce((s, x) => s + x.sent, 0);
  const table = [['scenario', 'wall (median)', 'bytes sent by this machine (median)']];
  for (const [name, row] of Object.entries(rows))
    table.push([name, `${(median(row.ms) / 1000).toFixed(2)} s`, `${(median(row.bytes) / 1024).toFixed(0)} KiB`]);
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  console.log(`\nmedian of ${RUNS} runs, interleaved; ${sent} requests under load, ${failed} failed\n`);
  for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
}
