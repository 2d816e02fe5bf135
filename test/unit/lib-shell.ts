// Runs functions of the shell library (remote/lib/) under a local bash, as a step's script gets
// them: the markers first (set -euo pipefail, __warn), then the functions the code calls.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libraryFor } from '../../src/library.ts';
import { remoteFile } from '../../src/remote-files.ts';

export interface Ran {
  status: number | null;
  /** Output without the markers' lines. */
  stdout: string;
  stderr: string;
  /** The __warn lines, without their marker. */
  warnings: string[];
}

const MARK = '\x1e';

/** `code` (which calls library functions) in bash; `input` is its standard input. */
export function bash(code: string, opts: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Ran {
  const script = `${remoteFile('markers.sh')}${libraryFor(code)}${code}\n`;
  const r = spawnSync('bash', ['-c', script], {
    input: opts.input ?? '',
    encoding: 'utf8',
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
  });
  const plain = (text: string) =>
    text
      .split('\n')
      .filter((l) => !l.startsWith(MARK))
      .join('\n');
  const warnings = r.stderr
    .split('\n')
    .filter((l) => l.startsWith(`${MARK}warn `))
    .map((l) => l.slice(6));
  return { status: r.status, stdout: plain(r.stdout), stderr: plain(r.stderr), warnings };
}

/** A fresh directory for one test. */
export function scratch(name: string): string {
  return mkdtempSync(join(tmpdir(), `deploy-${name}-`));
}
