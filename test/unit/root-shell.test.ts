// The persistent shell's framing, against a local bash standing in for `sudo -n bash` over SSH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { RootShell, type ShellChannel } from '../../src/exec/root-shell.ts';

function localShell() {
  const child = spawn('bash', [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const channel = {
    on: (event: string, fn: (...a: unknown[]) => void) =>
      event === 'data' ? child.stdout.on('data', fn) : child.on(event, fn),
    stderr: child.stderr,
    write: (s: string) => child.stdin.write(s),
    end: (s: string) => child.stdin.end(s),
  } as unknown as ShellChannel;
  return { shell: new RootShell(channel), child };
}

test('steps run one after another in the same shell, each in its own subshell', async () => {
  const { shell, child } = localShell();
  const a = await shell.run(
    'set -e; x=1; echo "a $x"; echo warn >&2',
    () => {},
    () => {},
  );
  assert.deepEqual(a, { stdout: 'a 1', stderr: 'warn', code: 0 });
  const b = await shell.run(
    'echo "x is ${x:-unset}"; exit 7',
    () => {},
    () => {},
  );
  assert.deepEqual(b, { stdout: 'x is unset', stderr: '', code: 7 }, 'exit ends the step, not the shell');
  const c = await shell.run(
    'printf "no final newline"',
    () => {},
    () => {},
  );
  assert.deepEqual(c, { stdout: 'no final newline', stderr: '', code: 0 });
  const lines: string[] = [];
  await shell.run(
    "cat <<'EOF'\n) not the end\nEOF\necho after",
    (l) => lines.push(l),
    () => {},
  );
  assert.deepEqual(lines, [') not the end', 'after']);
  shell.close();
  await new Promise((r) => child.on('close', r));
  await assert.rejects(
    shell.run(
      'true',
      () => {},
      () => {},
    ),
    /ended/,
  );
});
