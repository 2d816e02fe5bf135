// Rewrites settings.example.ini from the settings key table (src/settings/schema.ts).
// Run it after changing the table: test/unit/docs.test.ts fails while the file differs.
// Usage: npm run settings-example
import { writeFileSync } from 'node:fs';
import { exampleSettings } from '../src/settings/example.ts';

const file = new URL('../settings.example.ini', import.meta.url);
writeFileSync(file, exampleSettings());
console.log(`wrote ${file.pathname}`);
