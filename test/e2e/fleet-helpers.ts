// Shared by the many-servers tests: the app's root on a host, and a settings.ini for the demo app.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TESTBED_KEY } from '../testbed/index.ts';

export const ROOT = '/opt/django/apps/demo';

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
