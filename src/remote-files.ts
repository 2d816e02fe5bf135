// The shell files in remote/ (real files, checked by shellcheck), read once where they are
// sent: the helper library every step script starts with, and deploy-ctl.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file of remote/ (one level up from src/, two from the bundle in dist/cli/). */
export function remoteFile(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return readFileSync([join(here, '..', 'remote', name), join(here, '..', '..', 'remote', name)].find((f) => existsSync(f)) as string, 'utf8');
}
