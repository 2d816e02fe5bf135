// The library's functions (remote/lib/*.sh) under a local bash, as a step's script has them: the
// markers, the variables the prelude sets, the functions the code calls (library.ts picks them),
// then the code. Programs a test must not run for real (nginx, certbot, apt-get...) are stubs
// put first on PATH.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libraryFor } from '../src/library.ts';
import { remoteFile } from '../src/remote-files.ts';

export interface LibResult {
  code: number;
  /** stdout without the markers. */
  stdout: string;
  /** stderr without the markers. */
  stderr: string;
  /** The words the code marked itself with (__mark ok, __mark changed), in order. */
  marks: string[];
}

export interface LibOptions {
  stdin?: string;
  env?: Record<string, string>;
  /** A directory of stubs (stubs()), searched before PATH. */
  stubs?: string;
  /** Run as this user (setpriv; the test runs as root). */
  user?: number;
}

export const isRoot = process.getuid?.() === 0;

const made: string[] = [];
process.on('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-lib-'));
  made.push(dir);
  return dir;
}

/**
 * A fresh directory below directories only root can write (the library's root-side helpers
 * refuse any other), or undefined when this test does not run as root.
 */
export function rootOnlyDir(): string | undefined {
  if (!isRoot) return undefined;
  const st = statSync('/run');
  if (st.uid !== 0 || st.mode & 0o022) return undefined;
  const dir = mkdtempSync('/run/deploy-lib-');
  made.push(dir);
  return dir;
}

/** Executables named after the programs they stand in for; each body is bash, with $LOG for what it records. */
export function stubs(programs: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, body] of Object.entries(programs)) {
    writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

export function runLib(code: string, opts: LibOptions = {}): LibResult {
  const script = `${remoteFile('markers.sh')}__changed_files='' __undo='' __undo_dir=''\n${libraryFor(code)}${code}\n`;
  const env = { ...process.env, ...(opts.stubs ? { PATH: `${opts.stubs}:${process.env.PATH}` } : {}), ...opts.env };
  const argv =
    opts.user === undefined
      ? ['bash', '-c', script]
      : ['setpriv', `--reuid=${opts.user}`, `--regid=${opts.user}`, '--clear-groups', 'bash', '-c', script];
  const r = spawnSync(argv[0], argv.slice(1), { input: opts.stdin ?? '', env, encoding: 'utf8', cwd: '/' });
  const marks: string[] = [];
  const clean = (text: string, onMark: (word: string) => void) =>
    text
      .split('\n')
      .filter((line) => {
        if (!line.startsWith('\x1e')) return true;
        onMark(line.slice(1).split(' ')[0]);
        return false;
      })
      .join('\n');
  return {
    code: r.status ?? -1,
    stdout: clean(r.stdout, (w) => marks.push(w)),
    stderr: clean(r.stderr, () => {}),
    marks,
  };
}
