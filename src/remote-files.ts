// The shell files in remote/ (real files, checked by shellcheck), read once where they are
// sent: the markers and prelude every step script starts with, the library of remote/lib/, and
// deploy-ctl.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** remote/, or a directory in it (one level up from src/, two from the bundle in dist/cli/). */
export function remoteDir(sub = ''): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, '..', 'remote', sub), join(here, '..', '..', 'remote', sub)].find((f) => existsSync(f)) as string;
}

/** A file of remote/ (a path inside it: `markers.sh`, `lib/files.sh`). */
export function remoteFile(name: string): string {
  return readFileSync(join(remoteDir(), name), 'utf8');
}
