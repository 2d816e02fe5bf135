// The server files the settings determine, written into each release's .deploy/ directory as
// it is built: gunicorn.conf.py, the app's config file (APP_CONFIG_FILE points at this copy),
// the nginx site and the [PROCESSES] scripts. A deploy thus applies changed settings, and a
// rollback brings the previous ones back with the previous code.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { sh } from '../shell.js';
import { renderTemplate } from '../templates.js';
import { configFileContent, gunicornConfigContent, nginxSiteContent, nginxReloadIf, SECRET_KEY_PLACEHOLDER } from './setup.js';

export function releaseFilesDir(s: Settings, release: string): string {
  return `${layout(s).release(release)}/.deploy`;
}

/** The release's copy of the config file: what its processes read through APP_CONFIG_FILE. */
export function releaseConfigFile(s: Settings, release: string): string {
  return `${releaseFilesDir(s, release)}/app.conf`;
}

export function processScriptContent(s: Settings, name: string) {
  const command = s.processes[name];
  const L = layout(s);
  // exec hands the process supervisor's or systemd's signals directly; a compound command
  // (a && b, a; b, a | b) keeps its shell, and the stop signal goes to the whole group.
  return renderTemplate('process.sh', { app: s.project, name, command, exec: !/[;&|\n]/.test(command), manager: s.processManager, appUser: s.appUser, current: L.current }, s.file);
}

export function processScript(s: Settings, name: string, release = 'current'): string {
  return release === 'current' ? `${layout(s).current}/.deploy/processes/${name}` : `${releaseFilesDir(s, release)}/processes/${name}`;
}

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
      stdin: configFileContent(s),
      as: 'app',
    },
  ];
  for (const name of Object.keys(s.processes)) cmds.push({ run: put(processScript(s, name, release), '0750'), stdin: processScriptContent(s, name), as: 'app' });
  return cmds;
}

/** Config file keys whose values are secrets: never versioned with a release (a rotated password must not linger or come back). */
export const CONFIG_SECRET_KEYS = ['database_url', 'email_host_password'];

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
 * Root keeps config_file equal to the live release's copy (for apps that read it by path);
 * a deploy user without root cannot, and the release's copy (APP_CONFIG_FILE) is what counts.
 */
export function syncConfigFile(s: Settings, release: string): Command {
  const copy = releaseConfigFile(s, release);
  return { run: sh`if [ "$(id -u)" = 0 ] && [ -f ${copy} ]; then __put ${s.configFile} 0640 ${`root:${s.appUser}`} < ${copy}; fi`, probe: true };
}

/**
 * The release's nginx site, installed before its slot starts when it differs (nginx -t, graceful
 * reload; a rejected site is put back). The site names both slots and the live flag, so a reload
 * at this point moves no traffic.
 */
export function installNginxSite(s: Settings, release: string): Command[] {
  const L = layout(s);
  const f = `${releaseFilesDir(s, release)}/nginx.conf`;
  return [
    {
      run: sh`if [ -f ${f} ] && ! cmp -s ${f} ${L.nginxSite}; then if [ "$(id -u)" = 0 ]; then __put ${L.nginxSite} 0644 root:root < ${f}; else echo ${`the nginx site differs from release ${release}'s: run setup to apply the change (deploy_user cannot)`} >&2; exit 1; fi; fi`,
      reportsChange: true,
    },
    { run: nginxReloadIf(String(sh`__was_changed ${L.nginxSite}`)), probe: true },
  ];
}
