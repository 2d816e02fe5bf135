import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { quote, sh, Secret } from '../../src/shell.ts';

test('quote() round-trips through bash for hostile strings', () => {
  const values = [
    'plain',
    'a b',
    "it's",
    '$(reboot)',
    'x; touch /tmp/pwned',
    '`id`',
    'a\nb',
    '',
    '*',
    '~/x',
    '\'"$\\',
    '-n',
    'ünïcode',
    '{a,b}',
    '!event',
  ];
  for (const v of values) {
    const out = execFileSync('bash', ['-c', `printf %s ${quote(v)}`]).toString();
    assert.equal(out, v, `quote(${JSON.stringify(v)}) = ${quote(v)}`);
  }
});

test('sh quotes interpolated values, splices Sh, and keeps secrets out of toString', () => {
  const pw = new Secret("p'w $x");
  const cmd = sh`echo ${'a b'} ${['c', 'd e']} ${pw} ${sh`| cat`}`;
  assert.equal(String(cmd), "echo 'a b' c 'd e' [redacted] | cat");
  assert.equal(execFileSync('bash', ['-c', cmd.reveal()]).toString(), "a b c d e p'w $x\n");
});
