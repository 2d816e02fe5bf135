// Runs functions of remote/lib/ under a local bash, as a step's script runs them: the markers
// first (set -euo pipefail, __mark, __warn), then the library functions the code calls, then the
// code. System commands (systemctl, supervisorctl, curl...) are stand-ins in a temporary bin/
// that record each call; library functions can be replaced by shell given after the library.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libraryFor } from '../src/library.ts';
import { remoteFile } from '../src/remote-files.ts';

export interface LibraryRun {
  status: number;
  /** stdout without marker lines. */
  stdout: string;
  /** stderr without marker lines. */
  stderr: string;
  /** Marker words in order (changed, ok, warn <text>...), from both streams. */
  marks: string[];
  /** Each stand-in's call: "<command> <args>". */
  calls: string[];
  /** A directory of its own for the test's files. */
  dir: string;
}

export interface LibraryOptions {
  /** Stand-in commands: name → bash run after the call is recorded ("$@" are its arguments). */
  commands?: Record<string, string>;
  /** Shell defined after the library: stand-ins for library functions (__put, __ctl...). */
  functions?: string;
  stdin?: string;
  /** Files to create first (paths relative to the run's directory, which $D names). */
  files?: Record<string, string>;
}

const MARK = '\x1e';

/** Runs `code` (with $D set to a fresh directory) and reports what it did. */
export function runLibrary(code: string, opts: LibraryOptions = {}): LibraryRun {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-lib-'));
  const bin = mkdtempSync(join(tmpdir(), 'deploy-lib-bin-'));
  const calls = join(bin, 'calls');
  writeFileSync(calls, '');
  for (const [name, body] of Object.entries(opts.commands ?? {})) {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/bash\nprintf '%s\\n' "${name} $*" >>${JSON.stringify(calls)}\n${body}\n`);
    chmodSync(path, 0o755);
  }
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text);
  const script = `${remoteFile('markers.sh')}${libraryFor(code)}${opts.functions ?? ''}\nD=${JSON.stringify(dir)}\n${code}\n`;
  const r = spawnSync('bash', ['-c', script], {
    input: opts.stdin ?? '',
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:/usr/bin:/bin:/usr/sbin:/sbin` },
  });
  const split = (text: string) => text.split('\n').filter((l, i, all) => l || i < all.length - 1);
  const marks = [...split(r.stdout), ...split(r.stderr)]
    .filter((l) => l.startsWith(MARK))
    .map((l) => l.slice(1).replace(/ \d+$/, ''));
  const clean = (text: string) =>
    split(text)
      .filter((l) => !l.startsWith(MARK))
      .join('\n');
  return {
    status: r.status ?? -1,
    stdout: clean(r.stdout),
    stderr: clean(r.stderr),
    marks,
    calls: split(readFileSync(calls, 'utf8')),
    dir,
  };
}
