// The server files the settings determine, written into each release's .deploy/ directory as
// it is built: gunicorn.conf.py and gunicorn-start.py, the app's config file (APP_CONFIG_FILE points at this copy),
// the nginx site and the [PROCESSES] scripts. A deploy thus applies changed settings, and a
// rollback brings the previous ones back with the previous code.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { Masked, sh } from '../shell.js';
import { nginxReload } from './nginx.js';
import {
  CONFIG_SECRET_NAMES,
  configFileContent,
  gunicornConfigContent,
  gunicornStartContent,
  nginxSiteContent,
  processScript,
  processScriptContent,
  releaseConfigFile,
  releaseFilesDir,
} from './server-files.js';

/**
 * Written by the app user during the build (umask 027). The config file's secret_key is read
 * from the one setup made (config_file, readable by the app's group) and spliced in on the
 * server: it never crosses the wire.
 */
export function writeReleaseFiles(s: Settings, release: string): Command[] {
  const dir = releaseFilesDir(s, release);
  const put = (path: string, mode = '0640') => sh`deploy_release_file ${path} ${mode}`;
  const cmds: Command[] = [
    { run: sh`deploy_release_dir ${dir}`, as: 'app' },
    { run: put(`${dir}/gunicorn.conf.py`), stdin: gunicornConfigContent(s), as: 'app' },
    { run: put(`${dir}/gunicorn-start.py`), stdin: gunicornStartContent(s), as: 'app' },
    { run: put(`${dir}/nginx.conf`), stdin: nginxSiteContent(s), as: 'app' },
    {
      run: sh`deploy_release_config ${s.configFile} ${s.app} ${releaseConfigFile(s, release)}`,
      stdin: configFileContent(s, release),
      as: 'app',
    },
  ];
  for (const name of Object.keys(s.processes))
    cmds.push({ run: put(processScript(s, name, release), '0750'), stdin: processScriptContent(s, name), as: 'app' });
  return cmds;
}

/**
 * Every kept release's copy of the config file gets the current secret values (from stdin: the
 * config as the settings make it). Other values stay the release's own, so a rollback brings
 * them back; a password rotated by setup or deploy is gone from every copy at once.
 */
export function refreshReleaseSecrets(s: Settings): Command {
  return {
    run: sh`deploy_refresh_secrets ${layout(s).releases} ${CONFIG_SECRET_NAMES}`,
    stdin: configFileContent(s),
    as: 'app',
    probe: true,
  };
}

/**
 * Root's own copy of what the settings made for the release (the nginx site, the config file with
 * its secrets redacted) and their SHA256SUMS, in a directory only root can write: what root
 * installs for this release later (its deploy, a rollback to it) comes from here, never from the
 * release's .deploy/, which the app can write. A deploy user has no root: it keeps none, and the
 * files root installs stay setup's (a rollback to such a release leaves them as they are).
 */
export function keepReleaseFiles(s: Settings, release: string): Command[] {
  const dir = layout(s).storeRelease(release);
  const keep = (name: string, text: string): Command => ({
    run: sh`deploy_keep_file ${`${dir}/${name}`}`,
    stdin: new Masked(text, text),
    reportsChange: true,
  });
  return [
    keep('nginx.conf', String(nginxSiteContent(s))),
    keep('app.conf', String(configFileContent(s, release))),
    { run: sh`deploy_keep_sums ${dir} nginx.conf app.conf`, probe: true },
  ];
}

/** Root's copies of releases that are gone (pruned, or deleted after a failed deploy) go too. */
export function pruneKeptFiles(s: Settings): Command {
  const L = layout(s);
  return { run: sh`deploy_prune_kept ${`${L.store}/releases`} ${L.releases}`, probe: true };
}

/**
 * After the switch, root makes config_file the live release's (for apps that read it by path): the
 * config root kept for it, with the secret_key of config_file itself and today's secrets (from
 * stdin: the config as the settings make it). A deploy user cannot, and APP_CONFIG_FILE (the
 * release's own copy) is what counts; nor when root kept no copy for the release.
 */
export function syncConfigFile(s: Settings, release: string): Command {
  const kept = layout(s).storeRelease(release);
  return {
    run: sh`deploy_sync_config ${kept} ${s.configFile} ${s.appUser} ${CONFIG_SECRET_NAMES}`,
    stdin: configFileContent(s),
    reportsChange: true,
  };
}

/**
 * The release's nginx site, installed before its slot starts when it differs (nginx -t, graceful
 * reload; a rejected site is put back): root's copy for the release, checked against its
 * SHA256SUMS. The site names both slots and the live flag, so a reload here moves no traffic.
 * A deploy user (no root) only checks that the site is the one the release needs: for a new
 * release, the settings' (stdin); for a kept one, root's copy when root built it.
 */
export function installNginxSite(s: Settings, release: string, fresh: boolean): Command[] {
  const L = layout(s);
  const kept = L.storeRelease(release);
  return [
    {
      run: sh`deploy_install_site ${kept} ${L.nginxSite} ${release} ${fresh ? 'yes' : 'no'}`,
      stdin: nginxSiteContent(s),
      reportsChange: true,
    },
    { run: nginxReload({ file: L.nginxSite }), probe: true },
  ];
}
