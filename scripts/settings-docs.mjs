// Rewrites docs/settings.md from the settings key table (src/settings/schema.ts).
// Run it after changing the table: test/unit/docs.test.ts fails while the file differs.
// Usage: npm run settings-docs
import { writeFileSync } from 'node:fs';
import { settingsDocs } from '../src/settings/docs.ts';

const file = new URL('../docs/settings.md', import.meta.url);
writeFileSync(file, settingsDocs());
console.log(`wrote ${file.pathname}`);
