// The CLI's standard streams through real pipes (issue 23): --json read by a JSON parser at the
// other end of a pipe gets the whole document, however long (item 12); `run` without a terminal
// passes its piped stdin to the command on the server (item 17).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { stopAll } from '../testbed/index.ts';
import { BIN, liveDemo, type LiveDemo } from './helpers.ts';

// One of the app's own logs (shared/log), which `logs` shows by its name.
const LOG = '/opt/django/apps/demo/shared/log/pipe-test.log';

/** A JSON parser reading a pipe: it starts late (the writer meets a full pipe) and prints what the test asks of the document. */
const PARSER = `
import json, sys, time
time.sleep(1)
doc = json.load(sys.stdin)
print(json.dumps(eval(sys.argv[1], {"doc": doc})))
`;

interface Piped {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** bash: `[input |] deploy ARGS [| python3 PARSER EXPR]`, each `|` a real pipe; pipefail, so any stage failing fails it. */
function pipeline(demo: LiveDemo, args: string[], opts: { input?: Buffer; parse?: string }): Promise<Piped> {
  const deploy = '"$DEPLOY_NODE" "$DEPLOY_BIN" "$@"';
  const script = `set -o pipefail; ${opts.input ? 'cat "$INPUT_FILE" | ' : ''}${deploy}${opts.parse ? ' | python3 -c "$PARSER" "$EXPR"' : ''}`;
  const input = opts.input ? `${demo.home}/stdin-${process.hrtime.bigint()}` : '';
  if (opts.input) writeFileSync(input, opts.input);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script, 'bash', '-c', demo.file, ...args], {
      cwd: demo.home,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: demo.home,
        NO_COLOR: '1',
        DEPLOY_NODE: process.execPath,
        DEPLOY_BIN: BIN,
        INPUT_FILE: input,
        PARSER,
        EXPR: opts.parse ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('standard streams through pipes', { timeout: 10 * 60_000 }, () => {
  let demo: LiveDemo;
  let label: string;
  before(async () => {
    demo = await liveDemo();
    label = `ubuntu@${demo.host.ip}`;
  });
  after(stopAll);

  it('run --json into a pipe: the parser gets the whole document (the command printed ~230 KB)', async () => {
    const truth = (await demo.host.run('seq 1 40000 | sha256sum')).split(' ')[0];
    const r = await pipeline(demo, ['demo', 'run', '--json', '--', 'seq', '1', '40000'], {
      parse: `doc["hosts"]["${label}"]["run"]["stdout"]`,
    });
    assert.equal(r.code, 0, `the pipeline failed (a JSON document cut short?):\n${r.stderr.slice(-2000)}`);
    const stdout = JSON.parse(r.stdout) as string;
    assert.ok(stdout.length > 65536, `${stdout.length} bytes`);
    assert.equal(
      createHash('sha256').update(stdout).digest('hex'),
      truth,
      'the document holds what the command printed on the server',
    );
  });

  it('logs --json --lines 3000 into a pipe: the parser gets every line the server has', async () => {
    await demo.host.run(`seq -f 'pipe test line %g: ${'x'.repeat(40)}' 1 3000 >> ${LOG} && chown django: ${LOG}`);
    const truth = (await demo.host.run(`tail -n 3000 ${LOG}`)).split('\n').filter(Boolean);
    const r = await pipeline(demo, ['demo', 'logs', '--json', '--lines', '3000'], {
      parse: `[l["line"] for l in doc["hosts"]["${label}"]["logs"] if l["file"].endswith("/pipe-test.log")]`,
    });
    assert.equal(r.code, 0, `the pipeline failed (a JSON document cut short?):\n${r.stderr.slice(-2000)}`);
    const lines = JSON.parse(r.stdout) as string[];
    assert.equal(lines.length, 3000);
    assert.deepEqual(lines, truth, 'the document holds the log lines the server has');
  });

  it('run without a terminal passes piped stdin: python manage.py shell runs what it is given', async () => {
    const r = await pipeline(demo, ['demo', 'run', '--', 'python', 'manage.py', 'shell'], {
      input: Buffer.from('print(6*7)\n'),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^42$/m, `the shell ran the piped code:\n${r.stdout}\n${r.stderr}`);
  });

  it('run without a terminal: every byte of a large stdin reaches the command, then end of file', async () => {
    const input = Buffer.from(randomBytes(300_000).toString('base64'));
    const file = `/tmp/deploy-stdin-${process.pid}`;
    const r = await pipeline(demo, ['demo', 'run', '--', 'bash', '-c', `cat > ${file}`], { input });
    assert.equal(r.code, 0, r.stderr);
    const onServer = (await demo.host.run(`sha256sum ${file}`)).split(' ')[0];
    assert.equal(
      onServer,
      createHash('sha256').update(input).digest('hex'),
      'the file the command wrote on the server is the input',
    );
  });

  it('run --json without a terminal passes piped stdin too (its output captured in the document)', async () => {
    const r = await pipeline(demo, ['demo', 'run', '--json', '--', 'wc', '-c'], {
      input: Buffer.from('x'.repeat(100_000)),
      parse: `doc["hosts"]["${label}"]["run"]["stdout"]`,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).trim(), '100000');
  });
});
