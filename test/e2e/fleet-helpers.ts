// Shared by the many-servers tests: what a host serves, and a settings.ini for the demo app.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TESTBED_KEY, type Host } from '../testbed/index.ts';
import { ANSWER_WAIT_MS } from './load.ts';

export const ROOT = '/opt/django/apps/demo';

/** The demo app's version as the host's nginx serves it, or what went wrong. */
export async function version(host: Host): Promise<string> {
  try {
    const res = await fetch(`http://${host.ip}/`, { signal: AbortSignal.timeout(ANSWER_WAIT_MS) });
    return /demo app (\S+)<\/h1>/.exec(await res.text())?.[1] ?? `HTTP ${res.status}`;
  } catch (e) {
    return `error ${(e as Error).message}`;
  }
}

/**
 * settings.ini with `deploy` lines in [DEPLOY] and `rest` in [APP] (and after); REPO stands for the repository.
 * Two workers per slot unless `deploy` says: the default (2 x CPUs + 1) boots five per host, and
 * five hosts booting Django five times each on the suite's two CPUs miss any health timeout.
 */
export function settingsFile(dir: string, deploy: string, rest = ''): string {
  const file = join(dir, 'settings.ini');
  writeFileSync(
    file,
    `[DEPLOY]\nproject_name = demo\nrepository = REPO\nidentity_file = ${TESTBED_KEY}\ngunicorn_bind = 127.0.0.1:8032\nsystem_site_packages = yes\nhealth_timeout = 30\n${/gunicorn_workers/.test(deploy) ? '' : 'gunicorn_workers = 2\n'}${deploy}\n[APP]\nsettings_file = demo.settings.prod\n${rest}`,
  );
  return file;
}
