#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (npm run build). When the command is done
// the process ends at once (output is written synchronously; sockets need not finish closing).
import('../dist/cli/cli.js').then(async (m) => {
  await m.main(process.argv);
  process.exit();
});
