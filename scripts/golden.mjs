// npm run golden: writes test/golden/ from the plans (test/golden.ts says what they are).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GOLDEN, goldens } from '../test/golden.ts';

for (const d of ['one-host', 'fleet', 'deploy-user']) rmSync(join(GOLDEN, d), { recursive: true, force: true });
for (const g of goldens()) {
  mkdirSync(dirname(join(GOLDEN, g.path)), { recursive: true });
  writeFileSync(join(GOLDEN, g.path), g.text);
}
console.log(`wrote ${goldens().length} golden scripts in test/golden/`);
