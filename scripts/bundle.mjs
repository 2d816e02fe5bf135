// Bundles src/ into dist/cli/ (one file plus lazily loaded chunks): Node then resolves and
// parses a handful of files instead of a few hundred, which halves the CLI's start-up.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Loaded only when a run connects or asks: they stay in node_modules (ssh2 finds its files by __dirname).
  external: ['node-ssh', 'ssh2', '@inquirer/prompts'],
  // CommonJS dependencies (ssh2, ejs) call require(): give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
