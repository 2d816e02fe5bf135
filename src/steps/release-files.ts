// The server files the settings determine, written into each release's .deploy/ directory as
// it is built: gunicorn.conf.py, the app's config file (APP_CONFIG_FILE points at this copy),
// the nginx site and the [PROCESSES] scripts. A deploy thus applies changed settings, and a
// rollback brings the previous ones back with the previous code.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { Masked, raw, sh } from '../shell.js';
import { nginxReloadIf } from './nginx.js';
import { renderTemplate } from '../templates.js';
import { CONFIG_SECRET_KEYS, CONFIG_SECRET_LINES, configFileContent, gunicornConfigContent, nginxSiteContent, processScript, processScriptContent, releaseConfigFile, releaseFilesDir, SECRET_KEY_PLACEHOLDER } from './server-files.js';

/**
 * Written by the app user during the build (umask 027). The config file's secret_key is read
 * from the one setup made (config_file, readable by the app's group) and spliced in on the
 * server: it never crosses the wire.
 */
export function writeReleaseFiles(s: Settings, release: string): Command[] {
  const dir = releaseFilesDir(s, release);
  const put = (path: string, mode = '0640') => sh`(umask 027 && cat > ${`${path}.tmp`} && chmod ${mode} ${`${path}.tmp`} && mv -f ${`${path}.tmp`} ${path})`;
  const cmds: Command[] = [
    { run: sh`mkdir -p ${`${dir}/processes`} && chmod 0750 ${dir}`, as: 'app' },
    { run: put(`${dir}/gunicorn.conf.py`), stdin: gunicornConfigContent(s), as: 'app' },
    { run: put(`${dir}/nginx.conf`), stdin: nginxSiteContent(s), as: 'app' },
    {
      run: sh`key=$(sed -n 's/^secret_key[[:space:]]*=[[:space:]]*//p' ${s.configFile} 2>/dev/null | head -n 1); if [ -z "$key" ]; then echo ${`${s.configFile} has no secret_key the app user can read: run \`deploy ${s.app} setup\``} >&2; exit 1; fi; KEY="$key" awk -v p=${SECRET_KEY_PLACEHOLDER} '{ i = index($0, p); if (i) $0 = substr($0, 1, i - 1) ENVIRON["KEY"] substr($0, i + length(p)) } 1' | ${put(releaseConfigFile(s, release))}`,
      stdin: configFileContent(s, release),
      as: 'app',
    },
  ];
  for (const name of Object.keys(s.processes)) cmds.push({ run: put(processScript(s, name, release), '0750'), stdin: processScriptContent(s, name), as: 'app' });
  return cmds;
}

/**
 * Every kept release's copy of the config file gets the current secret values (from stdin: the
 * config as the settings make it). Other values stay the release's own, so a rollback brings
 * them back; a password rotated by setup or deploy is gone from every copy at once.
 */
export function refreshReleaseSecrets(s: Settings): Command {
  const keys = CONFIG_SECRET_KEYS.join('|');
  return {
    run: sh`src=$(cat) && for f in ${layout(s).releases}/*/.deploy/app.conf; do [ -f "$f" ] || continue; SRC="$src" awk -v keys=${`^(${keys})[ \\t]*=`} 'BEGIN { n = split(ENVIRON["SRC"], lines, "\\n"); for (i = 1; i <= n; i++) if (lines[i] ~ keys) { k = lines[i]; sub(/[ \\t]*=.*/, "", k); v[k] = lines[i] } } { k = $0; sub(/[ \\t]*=.*/, "", k); if ($0 ~ keys && (k in v)) print v[k]; else print }' "$f" > "$f.tmp" && chmod 0640 "$f.tmp" && mv -f "$f.tmp" "$f"; done`,
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
  const keep = (name: string, text: string): Command => ({ run: sh`if [ "$EUID" = 0 ]; then install -d -m 0755 ${dir} && __put ${`${dir}/${name}`} 0644 root:root; fi`, stdin: new Masked(text, text), reportsChange: true });
  return [
    keep('nginx.conf', String(nginxSiteContent(s))),
    keep('app.conf', String(configFileContent(s, release))),
    { run: sh`if [ "$EUID" = 0 ]; then (cd ${dir} && sha256sum nginx.conf app.conf > SHA256SUMS.tmp && mv -f SHA256SUMS.tmp SHA256SUMS); fi`, probe: true },
  ];
}

/** Root's copies of releases that are gone (pruned, or deleted after a failed deploy) go too. */
export function pruneKeptFiles(s: Settings): Command {
  const L = layout(s);
  return { run: sh`if [ "$EUID" = 0 ]; then for d in ${`${L.store}/releases`}/*/; do d=\${d%/}; [ -d "$d" ] || continue; if [ ! -d ${L.releases}/"$(basename "$d")" ]; then rm -rf -- "$d"; fi; done; fi`, probe: true };
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
    run: sh`if [ "$EUID" = 0 ] && [ -f ${`${kept}/SHA256SUMS`} ]; then __store_verify ${kept} && __root_only_dir "$(dirname ${s.configFile})" && content=$(__config ${raw(`'${CONFIG_SECRET_LINES}'`)} ${`${kept}/app.conf`} ${s.configFile}) && __put ${s.configFile} 0640 ${`root:${s.appUser}`} <<<"$content"; fi`,
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
  const wanted = fresh ? sh`-` : sh`${`${kept}/nginx.conf`}`;
  const check = fresh ? sh`true` : sh`[ -f ${`${kept}/SHA256SUMS`} ]`;
  return [
    {
      run: sh`if [ "$EUID" = 0 ]; then if [ -f ${`${kept}/SHA256SUMS`} ]; then __store_verify ${kept} && if ! cmp -s ${`${kept}/nginx.conf`} ${L.nginxSite}; then __put ${L.nginxSite} 0644 root:root < ${`${kept}/nginx.conf`}; fi; else echo ${`root kept no server files for release ${release} (built by a deploy user, or by an older version): the nginx site stays as it is`}; fi; elif ${check} && ! cmp -s ${wanted} ${L.nginxSite}; then echo ${`the nginx site differs from release ${release}'s: run setup to apply the change (deploy_user cannot)`} >&2; exit 1; fi`,
      stdin: nginxSiteContent(s),
      reportsChange: true,
    },
    { run: nginxReloadIf(String(sh`__was_changed ${L.nginxSite}`)), probe: true },
  ];
}
