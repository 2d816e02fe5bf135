// The settings' fingerprint: a digest of every server file and setting a running release
// depends on. A live release with the same commit and fingerprint needs no deploy; a slot kept
// running with the same one can be switched back to as it is.
import { createHash } from 'node:crypto';
import type { Settings } from '../settings/types.js';
import { Secret } from '../shell.js';
import * as B from './build.js';
import { slotProgramContent } from './manager.js';
import { configFileContent, gunicornConfigContent, gunicornStartContent, nginxSiteContent } from './server-files.js';

/** What the server configs would be; a live release with the same commit and fingerprint needs no deploy. */
export function configFingerprint(s: Settings): Secret {
  const h = createHash('sha256');
  for (const part of [
    configFileContent(s),
    gunicornConfigContent(s),
    gunicornStartContent(s),
    slotProgramContent(s, 'a'),
    slotProgramContent(s, 'b'),
    nginxSiteContent(s),
    B.envFileContent(s),
  ])
    h.update(part.reveal());
  h.update(
    JSON.stringify([
      s.wsgiApp,
      s.systemSitePackages,
      s.pipIndexUrl,
      s.pipFindLinks,
      s.python,
      s.migrate,
      s.collectstatic,
      s.testCommand,
      s.processes,
      s.processManager,
      s.processStop,
      s.hooks,
    ]),
  );
  return new Secret(h.digest('hex').slice(0, 16));
}
