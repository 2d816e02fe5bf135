// npm runs this (the "prepare" script) when the package is packed, or installed from git.
// `npm install -g <git url>` prepares the clone with npm's global settings, so its
// devDependencies are installed elsewhere and the build cannot find esbuild: install them
// here, in this directory, then bundle (scripts/bundle.mjs).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  await import('esbuild');
} catch {
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--global=false', `--prefix=${root}`, '--include=dev', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
}
await import('./bundle.mjs');
