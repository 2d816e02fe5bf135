// setup, seed 000's sequence: each function returns one step's commands and runs nothing.
import { dirname } from 'node:path';
import { step, value, type Command, type Step } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { DEPLOY_CTL, layout, liveSlotCode, type Slot } from '../layout.js';
import { raw, sh } from '../shell.js';
import { renderTemplate } from '../templates.js';
import { gitCommand } from './git.js';
import { siteUrl, supervisorPrograms } from './slots.js';
import { controlFiles, programOf, programStates } from './manager.js';
import { tlsPackages } from './tls.js';

export const SYSTEM_PACKAGES = ['nginx', 'supervisor', 'git', 'python3-venv', 'python3-pip', 'python3-dev', 'build-essential', 'curl', 'ca-certificates', 'openssh-client', 'logrotate'];

export function sudoCheck(): Step {
  return step('sudo', 'sudo works', [{ run: raw('cd / && sudo -n true'), probe: true }], false);
}

/**
 * Prints "missing", "ours" (the app user owns it: an older version's; or root does and the app
 * user its apps/), "empty", or "foreign OWNER" (someone else's, not empty).
 */
export function probeHome(s: Settings): Step {
  const h = s.home;
  const u = s.appUser;
  // What useradd and setup put in the home: a setup interrupted once the home became root's,
  // before its apps directory was made, left only these (with the app user's home there).
  const inHome = (p: string) => (p.startsWith(`${h}/`) ? [p.slice(h.length + 1).split('/')[0]] : []);
  const ownNames = [...layout(s).appDirs, s.configFile].flatMap(inHome);
  return step('home', `app user's home ${h}`, [
    {
      name: 'home',
      run: sh`if [ ! -e ${h} ]; then echo missing; elif [ ! -d ${h} ] || [ -L ${h} ]; then echo "foreign $(stat -c %U ${h}) (not a directory)"; elif [ "$(stat -c %U ${h})" = ${u} ] || { [ "$(stat -c %U ${h})" = root ] && [ "$(stat -c %U ${`${h}/apps`} 2>/dev/null)" = ${u} ]; }; then echo ours; elif [ -z "$(ls -A ${h})" ]; then echo empty; elif [ "$(stat -c %U ${h})" = root ] && [ "$(getent passwd ${u} | cut -d: -f6)" = ${h} ] && [ -z "$(ls -A ${h} | grep -vxF "$(ls -A /etc/skel; printf '%s\\n' ${ownNames})")" ]; then echo ours; else echo "foreign $(stat -c %U ${h})"; fi`,
      probe: true,
    },
  ]);
}

/** Groups that make a user root in all but name, or let it read the whole system. */
export const PRIVILEGED_GROUPS = ['sudo', 'adm', 'wheel', 'docker', 'lxd', 'disk', 'shadow', 'root'];

/**
 * An existing app_user must be a service account: the app (assume it compromised) runs as it.
 * Prints one line per reason it is not (none for a user that does not exist yet).
 */
export function appUserCheck(s: Settings): Step {
  const u = s.appUser;
  return step('app-user-check', `${u} is a service account`, [
    value(
      'app_user_risks',
      sh`if getent passwd ${u} >/dev/null; then
  shell=$(getent passwd ${u} | cut -d: -f7)
  case "$shell" in /usr/sbin/nologin|/sbin/nologin|/bin/false|/usr/bin/false) ;; *) echo "it has a login shell (\${shell:-none set, so /bin/sh})" ;; esac
  case "$(passwd -S ${u} 2>/dev/null | cut -d' ' -f2)" in P) echo "it has a password" ;; NP) echo "it has an empty password" ;; esac
  if sudo -n -l -U ${u} 2>/dev/null | grep -q 'may run the following'; then echo "it may run commands with sudo"; fi
  for g in $(id -nG ${u}); do case " ${PRIVILEGED_GROUPS.join(' ')} " in *" $g "*) echo "it is a member of $g" ;; esac; done
  if [ "$(id -u ${u})" = 0 ]; then echo "its user id is 0 (root)"; fi
fi`,
    ),
  ]);
}

/** What a host needs: nginx only on web hosts; the PostgreSQL driver when the database is PostgreSQL. */
export function systemPackages(s: Settings, web = true): string[] {
  const postgres = /^postgres(ql)?:/i.test(s.django.databaseUrl.reveal()) ? ['python3-psycopg2'] : [];
  return [...new Set([...SYSTEM_PACKAGES.filter((p) => (web || p !== 'nginx') && (s.processManager !== 'systemd' || p !== 'supervisor')), ...postgres, ...(web ? tlsPackages(s) : []), ...s.extraPackages])];
}

export function packages(s: Settings, web = true): Step {
  const pkgs = systemPackages(s, web);
  return step('packages', 'system packages', [
    {
      run: sh`apt-get update -qq && apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold ${pkgs}`,
      unless: sh`[ "$(dpkg-query -W -f='\${db:Status-Abbrev}\\n' ${pkgs} 2>/dev/null | grep -c '^ii')" = ${pkgs.length} ]`,
    },
  ]);
}

/** With --dependencies=no: fail early, naming what is missing, instead of halfway through. */
export function checkPackages(s: Settings, web = true): Step {
  const commands = [...(web ? ['nginx', ...tlsPackages(s)] : []), ...(s.processManager === 'systemd' ? [] : ['supervisorctl']), 'git', 'curl', s.python];
  const postgres = systemPackages(s, web).includes('python3-psycopg2') ? sh`${s.python} -c 'import psycopg2' 2>/dev/null || missing="$missing python3-psycopg2";` : sh``;
  return step('packages', 'system packages present', [
    {
      run: sh`missing=''; for c in ${commands}; do command -v "$c" >/dev/null || missing="$missing $c"; done; ${s.python} -c 'import ensurepip, venv' 2>/dev/null || missing="$missing python3-venv"; ${postgres} if [ -n "$missing" ]; then echo "missing on this server:$missing (run setup with --dependencies=yes)" >&2; exit 1; fi`,
      probe: true,
    },
  ]);
}

export function appUser(s: Settings): Step {
  const L = layout(s);
  const u = s.appUser;
  // Below its own directories the app user makes and owns everything itself: root never writes there.
  const mine = (path: string): Command => ({ run: sh`mkdir -p ${path} && chmod 00755 ${path}`, as: 'app', unless: sh`[ "$(stat -c '%a %U' ${path})" = ${`755 ${u}`} ]` });
  const cmds: Command[] = [
    { run: sh`useradd --system --user-group --home-dir ${s.home} --create-home --shell /usr/sbin/nologin ${u}`, unless: sh`id -u ${u}` },
    // The home is root's: the app writes only inside its own directories there, so it can move
    // nothing root reads or writes (the config file's directory). An older version gave it the home.
    { run: sh`__root_only_dir "$(dirname ${s.home})" && chown -h root:root ${s.home} && chmod 0755 ${s.home}`, unless: sh`[ "$(stat -c '%a %U:%G' ${s.home})" = '755 root:root' ] && [ ! -L ${s.home} ]` },
    ...L.appDirs.map((d): Command => ({ run: sh`__app_dir_in_root_dir ${d.endsWith('/.ssh') || d.endsWith('/.cache') ? '0700' : '0755'} ${u} ${d}`, reportsChange: true })),
    // A disk mounted for the releases leaves root's parents (the app's own directory) behind it.
    { run: sh`__give_to_app ${L.root} ${u} dir`, reportsChange: true },
    mine(L.root),
    // An older version kept the slots (and a lock it left) root's: they become the app user's, who switches now.
    { run: sh`__give_to_app ${L.slots} ${u} && __give_to_app ${L.lock} ${u}`, reportsChange: true },
    // A disk the operator mounted for the releases (or the shared files) is root's until it is the app user's.
    ...[L.releases, L.shared, ...L.sharedDirs, s.venvsDir].map((d): Command => ({ run: sh`__give_to_app ${d} ${u} dir`, reportsChange: true })),
    ...[L.releases, L.slots, L.shared, ...L.sharedDirs.filter((d) => !/\/(data|log)$/.test(d))].map(mine),
    ...L.sharedDirs.filter((d) => /\/(data|log)$/.test(d)).map((d): Command => ({ run: sh`mkdir -p ${d} && chmod 00750 ${d}`, as: 'app', unless: sh`[ "$(stat -c '%a %U' ${d})" = ${`750 ${u}`} ]` })),
    mine(s.venvsDir),
    // Root's own places for the app: the config file's directory, supervisor's logs of its
    // programs (readable by the app's group), the server files it keeps per release.
    configDirectory(s),
    { run: sh`__root_dir 0750 ${`root:${u}`} ${L.programLogs}`, reportsChange: true },
    { run: sh`__root_dir 0755 root:root ${`${L.store}/releases`}`, reportsChange: true },
  ];
  return step('user', `app user ${u} and its directories`, cmds);
}

/**
 * deploy_user (seed 002): a login without root for deploy, rollback, status, logs, run and
 * unlock. Its sudoers rule (checked by visudo) lets it become the app user, and run deploy-ctl
 * for this app only: start, stop, status and logs of this app's programs. It joins the app's
 * group (the programs' logs). Nothing host-wide: an older version put it in adm (every site's
 * nginx logs) and supervisor (every app's programs): it leaves them.
 */
export function deployUserAccess(s: Settings, authorizedKeys: string): Step {
  const d = s.deployUser!;
  const u = s.appUser;
  const sudoers = `/etc/sudoers.d/deploy-${s.project}-${d}`;
  const rule = `# Written by \`deploy ${s.project} setup\`: ${d} deploys ${s.project} without root.
# It may become ${u}, and run deploy-ctl for ${s.project} only (its programs: start, stop, status, logs).
${d} ALL=(${u}) NOPASSWD: ALL
${d} ALL=(root) NOPASSWD: ${DEPLOY_CTL} ${s.project} *
`;
  // Written as the deploy user, in its own home: root never writes where another user can.
  const keys = 'umask 077 && mkdir -p "$HOME/.ssh" && t=$(mktemp "$HOME/.ssh/authorized_keys.XXXXXX") && cat > "$t" && if cmp -s "$t" "$HOME/.ssh/authorized_keys"; then rm -f "$t"; echo same; else mv -f "$t" "$HOME/.ssh/authorized_keys"; echo changed; fi';
  return step('deploy-user', `deploy user ${d} (no root)`, [
    { run: sh`useradd --create-home --shell /bin/bash ${d}`, unless: sh`id -u ${d}` },
    { run: sh`usermod -aG ${u} ${d}`, unless: sh`id -nG ${d} | tr ' ' '\n' | grep -qx ${u}` },
    { run: sh`for g in ${LEGACY_GROUPS}; do if id -nG ${d} | tr ' ' '\n' | grep -qx "$g"; then gpasswd -d ${d} "$g" >/dev/null; fi; done`, unless: sh`! id -nG ${d} | tr ' ' '\n' | grep -qxE ${LEGACY_GROUPS.join('|')}` },
    { run: sh`if [ "$(sudo -n -H -u ${d} bash -c ${keys})" = same ]; then __mark ok; else __mark changed; fi`, stdin: { toString: () => authorizedKeys, reveal: () => authorizedKeys }, reportsChange: true },
    // visudo checks the rule before it is put in place: a broken sudoers file locks everyone out.
    {
      run: sh`tmp=$(mktemp) && cat > "$tmp" && chmod 0440 "$tmp" && if ! visudo -cqf "$tmp"; then rm -f "$tmp"; echo "visudo rejected the rule for ${d}" >&2; exit 1; fi && if cmp -s "$tmp" ${sudoers}; then rm -f "$tmp"; __mark ok; else mv -f "$tmp" ${sudoers}; __mark changed; fi`,
      stdin: { toString: () => rule, reveal: () => rule },
      reportsChange: true,
    },
  ]);
}

/** Host-wide groups an older version gave the deploy user. */
const LEGACY_GROUPS = ['adm', 'supervisor'];

/**
 * deploy-ctl and what it trusts (every setup). An older version opened supervisor's socket to a
 * group for deploy users: any of them could stop every app on the host. It is root's again.
 */
export function control(s: Settings): Step {
  const drop = '/etc/supervisor/conf.d/00-deploy-socket.conf';
  const socket = '/var/run/supervisor.sock';
  return step('control', 'deploy-ctl (start, stop and logs of the app\'s programs)', [
    ...controlFiles(s, true),
    { run: sh`rm -f ${drop}`, unless: sh`! grep -qs 'Written by .deploy' ${drop}` },
    { run: sh`chown root:root ${socket} && chmod 0700 ${socket}`, unless: sh`[ ! -S ${socket} ] || [ -e ${drop} ] || [ "$(stat -L -c '%a %U:%G' ${socket})" = '700 root:root' ]` },
  ]);
}

/**
 * The config directory: root-owned, readable by the app's group only, reached only through
 * directories only root can write. One outside home that exists already (/etc, say) is the
 * system's: its owner and mode stay.
 */
function configDirectory(s: Settings): Command {
  const dir = dirname(s.configFile);
  if (dir === s.home) return { run: sh`__root_only_dir ${dir}`, probe: true };
  if (dir.startsWith(`${s.home}/`)) return { run: sh`__root_dir 0750 ${`root:${s.appUser}`} ${dir}`, reportsChange: true };
  return { run: sh`if [ -d ${dir} ] && [ ! -L ${dir} ]; then __root_only_dir ${dir}; else __root_dir 0750 ${`root:${s.appUser}`} ${dir}; fi`, reportsChange: true };
}

/** Seed: a key pair for the app user, created once; its public key goes to the git host. */
export function deployKey(s: Settings): Step {
  const key = layout(s).deployKey;
  return step('deploy-key', 'deploy key', [
    { run: sh`ssh-keygen -q -t ed25519 -N '' -C ${`${s.appUser}@${s.project}-deploy`} -f ${key}`, as: 'app', unless: sh`test -f ${key}` },
    value('public_key', sh`cat ${`${key}.pub`}`, { as: 'app' }),
  ]);
}

/** Can the deploy key read the repository? */
export function repoAccess(s: Settings): Step {
  return step('repo-access', 'repository access', [{ run: sh`${gitCommand(s)} ls-remote --symref ${s.repository} HEAD`, as: 'app', probe: true }]);
}

export function virtualenvsDir(s: Settings): Step {
  return step('virtualenvs', 'virtualenvs directory', [{ run: sh`mkdir -p ${s.venvsDir}`, as: 'app', unless: sh`test -d ${s.venvsDir}` }]);
}

/** Seed's git clone: a mirror that every later deploy fetches into. */
export function clone(s: Settings): Step {
  const L = layout(s);
  return step('clone', 'git clone (repository cache)', [
    { run: sh`${gitCommand(s)} clone --quiet --mirror ${s.repository} ${L.repo}`, as: 'app', unless: sh`test -d ${L.repo}` },
  ]);
}

/** The config file as the settings make it, for a release (its static files are its own) or, without one, the live release (`current`). */
export function configFileContent(s: Settings, release?: string) {
  const L = layout(s);
  return renderTemplate(
    'config_template.conf',
    {
      app: s.project,
      appUser: s.appUser,
      secretKey: SECRET_KEY_PLACEHOLDER,
      debug: s.django.debug,
      allowedHosts: s.django.allowedHosts,
      staticRoot: L.staticRoot(release ? L.release(release) : L.current),
      mediaRoot: `${L.shared}/media`,
      databaseUrl: s.django.databaseUrl,
      email: s.email,
    },
    s.file,
  );
}

export const SECRET_KEY_PLACEHOLDER = '@@SECRET_KEY@@';

/**
 * The config file. SECRET_KEY is made on the server (64 characters from /dev/urandom)
 * the first time and read back from the existing file on every later run, so it never
 * changes and never crosses the wire. The file and every directory above it are root's only.
 */
export function configFile(s: Settings): Step {
  const f = s.configFile;
  return step('config', `config file ${f}`, [
    {
      run: sh`__root_only_dir "$(dirname ${f})"; if [ -e ${f} ] && ! { [ -f ${f} ] && grep -q '^secret_key[[:space:]]*=' ${f}; }; then echo ${`${f} exists and is not a config file with a secret_key: refusing to overwrite it (check config_file)`} >&2; exit 1; fi; content=$(__config ${raw(`'${CONFIG_SECRET_LINES}'`)} - ${f}); __put ${f} 0640 ${`root:${s.appUser}`} <<<"$content"`,
      stdin: configFileContent(s),
      reportsChange: true,
    },
  ]);
}

/** Config file keys whose values are secrets: never versioned with a release (a rotated password must not linger or come back). */
export const CONFIG_SECRET_KEYS = ['database_url', 'email_host_password'];
/** The lines of those keys (an awk regex). */
export const CONFIG_SECRET_LINES = `^(${CONFIG_SECRET_KEYS.join('|')})[[:space:]]*=`;

export function gunicornConfigContent(s: Settings) {
  return renderTemplate('gunicorn.conf.py', { app: s.project, workers: s.gunicornWorkers, threads: s.gunicornThreads, timeout: s.gunicornTimeout, logDir: layout(s).log }, s.file);
}

/** The shared gunicorn.conf.py (releases from before .deploy/ read it): the app user's, in its directory. */
export function gunicornConfig(s: Settings): Step {
  const f = layout(s).gunicornConf;
  return step('gunicorn-config', 'gunicorn config', [
    { run: sh`t=$(mktemp ${`${f}.XXXXXX`}) && cat > "$t" && if cmp -s "$t" ${f}; then rm -f "$t"; __mark ok; else chmod 0644 "$t" && mv -f "$t" ${f} && __mark changed; fi`, stdin: gunicornConfigContent(s), as: 'app', reportsChange: true },
  ]);
}

export function supervisorConfigStep(s: Settings): Step {
  // Both slots' programs: a deploy user cannot write them later (it only checks they match).
  return step('supervisor-config', 'supervisor config', supervisorPrograms(s));
}

export function nginxSiteContent(s: Settings) {
  const L = layout(s);
  const W = s.web;
  return renderTemplate(
    'nginx.conf',
    {
      app: s.project,
      v: `deploy_${s.project.replace(/-/g, '_')}`,
      upstream: { a: L.upstreamName('a'), b: L.upstreamName('b') },
      bind: { a: L.bind('a'), b: L.bind('b') },
      liveFlag: L.liveFlag,
      defaultServer: catchAll(s),
      serverName: s.serverName,
      listenPort: W.listenPort,
      sslPort: W.sslPort,
      ssl: W.ssl !== 'none',
      certificate: L.certificate,
      certificateKey: L.certificateKey,
      acmeRoot: W.ssl === 'letsencrypt' ? L.acmeRoot : '',
      hsts: W.hsts,
      maxBody: W.clientMaxBodySize,
      healthPath: s.healthPath.split('?')[0],
      maintenancePage: L.maintenancePage,
      retryAfter: W.maintenanceRetryAfter,
      // nginx's root for /static/ (the URI keeps its /static/ part): each slot's release's .deploy-www.
      staticRoot: { a: dirname(L.staticRoot(L.slot('a'))), b: dirname(L.staticRoot(L.slot('b'))) },
      mediaRoot: `${L.shared}/media`,
      timeout: s.gunicornTimeout,
    },
    s.file,
  );
}

/** server_name _: the site is nginx's default one on its port (plain HTTP only). */
function catchAll(s: Settings): boolean {
  return s.serverName.split(' ').includes('_');
}

/** The default servers a site with names needs, one per port: unknown names get no answer (templates/nginx-default.conf). */
export function defaultServers(s: Settings): { name: string; content: ReturnType<typeof renderTemplate> }[] {
  if (catchAll(s)) return [];
  const ports = [{ port: s.web.listenPort, ssl: false }, ...(s.web.ssl !== 'none' ? [{ port: s.web.sslPort, ssl: true }] : [])];
  return ports.map((p) => ({ name: `deploy-default-${p.port}`, content: renderTemplate('nginx-default.conf', p, s.file) }));
}

/**
 * Where this app already runs on the host, if it does: its slot program's working directory (the
 * slots of its app root). A changed `home` would otherwise make a second install beside it.
 */
export function installedRoot(s: Settings): Step {
  const files = ['a', 'b'].flatMap((slot) => [`/etc/supervisor/conf.d/${s.project}-${slot}.conf`, `/etc/systemd/system/${s.project}-${slot}.service`]);
  return step('installed', `where ${s.project} runs on this host`, [
    value('installed', sh`r=''; for f in ${files}; do if [ -z "$r" ] && [ -f "$f" ]; then r=$(sed -n -E 's/^(directory|WorkingDirectory)=//p' "$f"); fi; done; printf '%s\n' "\${r%/slots/[ab]}"`),
  ]);
}

/**
 * Before anything is written, on a web host: no other site takes the default server on this app's
 * port where this app needs it (server_name _ is the default server; a site with names brings the
 * shared default server deploy-default-<port>), which nginx -t would only reject halfway.
 */
export function defaultServerFree(s: Settings): Step {
  const port = s.web.listenPort;
  const mine = catchAll(s) ? [s.project] : [s.project, `deploy-default-${port}`];
  const want = catchAll(s) ? 'the default server (server_name _)' : `its names, with the shared default server deploy-default-${port}`;
  return step('default-server', `nginx's default server on port ${port}`, [
    {
      run: sh`for f in /etc/nginx/sites-enabled/*; do [ -e "$f" ] || continue; n=$(basename "$f"); case " ${mine.join(' ')} default " in *" $n "*) continue ;; esac; if grep -qE ${raw(`'^[[:space:]]*listen[[:space:]]+(\\[::\\]:|0\\.0\\.0\\.0:)?${port}[[:space:]]+([^;]*[[:space:]])?default_server'`)} "$f"; then ${catchAll(s) ? sh`echo "port ${port} already has a default server: the site $n (/etc/nginx/sites-enabled/$n)."` : sh`case "$n" in deploy-default-*) continue ;; esac; echo "port ${port} already has a default server: the site $n (/etc/nginx/sites-enabled/$n), which takes every name no site claims."`} ${`${s.app} needs ${want} there. Nothing was changed.`} >&2; exit 1; fi; done`,
      probe: true,
    },
  ]);
}

/**
 * Before anything is written: no other app on this host has a slot on one of this app's
 * gunicorn ports (every app's slot programs carry their --bind; ours, either manager's, are skipped).
 */
export function bindsFree(s: Settings): Step {
  const L = layout(s);
  const mine = [L.bind('a'), L.bind('b')];
  const ours = ['a', 'b'].flatMap((slot) => [`/etc/supervisor/conf.d/${s.project}-${slot}.conf`, `/etc/systemd/system/${s.project}-${slot}.service`]);
  return step('ports', 'gunicorn ports free of other apps', [
    {
      run: sh`for f in /etc/supervisor/conf.d/*.conf /etc/systemd/system/*.service; do
  [ -f "$f" ] || continue
  case ${` ${ours.join(' ')} `} in *" $f "*) continue ;; esac
  for b in $(grep -oE -- '--bind [^ ]+' "$f" 2>/dev/null | cut -d' ' -f2); do
    for m in ${mine}; do
      if [ "$b" = "$m" ] || { [ "\${b#unix:}" = "$b" ] && [ "\${m#unix:}" = "$m" ] && [ "\${b##*:}" = "\${m##*:}" ]; }; then
        other=$(basename "$f"); other=\${other%-[ab].conf}; other=\${other%-[ab].service}
        echo "gunicorn_bind: $m is already used by app $other on this server (--bind $b in $f); give each app its own ports (gunicorn_bind, gunicorn_bind_alt). Nothing was changed." >&2; exit 1
      fi
    done
  done
done`,
      probe: true,
    },
  ]);
}

/**
 * nginx -t guards every reload: a rejected config is put back and the error shown.
 * After the graceful reload, wait (up to 10 s) until the workers of the old configuration
 * have finished their requests and exited.
 */
export function nginxReloadIf(condition: string) {
  return raw(
    [
      `if ${condition}; then`,
      '  if ! out=$(nginx -t 2>&1); then __restore; echo "nginx -t rejected the new config; the previous one was put back:" >&2; echo "$out" >&2; exit 1; fi',
      '  pid=$(cat /run/nginx.pid 2>/dev/null || true); old_workers=""',
      '  if [ -n "$pid" ]; then old_workers=$(pgrep -P "$pid" | tr "\\n" " " || true); fi',
      // nginx not running (stopped, or a port it needs taken): its own words say why it cannot start.
      '  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then nginx -s reload; elif ! systemctl restart nginx 2>/dev/null; then echo "nginx does not start; its log ends with:" >&2; journalctl -u nginx -n 8 --no-pager -o cat >&2 || true; exit 1; fi',
      '  for _ in $(seq 500); do alive=""; for p in $old_workers; do if kill -0 "$p" 2>/dev/null; then alive=1; fi; done; [ -n "$alive" ] || break; sleep 0.02; done',
      'fi',
    ].join('\n'),
  );
}

export const NGINX_RELOAD = nginxReloadIf('[ "$__step_changed" = 1 ] || [ "${__reload_pending:-}" = 1 ]');

export function nginxConfig(s: Settings): Step {
  const L = layout(s);
  const oldUpstream = `${L.nginxSite}.upstream`;
  // A run cut short between writing the files and reloading leaves nginx on the old config while
  // the files look done: a marker, set before and cleared after, makes the next run reload.
  const pending = `${L.nginxSite}.reload-pending`;
  const cmds: Command[] = [
    { run: sh`if [ -e ${pending} ]; then __reload_pending=1; fi; touch ${pending}`, probe: true },
    // Servers set up by an earlier version kept the live slot in slots/live and an upstream file.
    { run: sh`if [ "$(cat ${L.slots}/live 2>/dev/null)" = b ]; then touch ${L.liveFlag}; fi; rm -f ${L.slots}/live`, unless: sh`test ! -e ${L.slots}/live`, as: 'app' },
    { run: sh`__put ${L.nginxSite} 0644 root:root`, stdin: nginxSiteContent(s), reportsChange: true },
    { run: sh`__link ${L.nginxSite} ${L.nginxEnabled}`, reportsChange: true },
  ];
  for (const d of defaultServers(s)) {
    cmds.push({ run: sh`__put ${`/etc/nginx/sites-available/${d.name}`} 0644 root:root`, stdin: d.content, reportsChange: true });
    cmds.push({ run: sh`__link ${`/etc/nginx/sites-available/${d.name}`} ${`/etc/nginx/sites-enabled/${d.name}`}`, reportsChange: true });
  }
  // Debian's stock default site claims the default server on port 80, as ours do (or as the
  // catch-all site does). Removed with __unlink: a config nginx -t rejects puts it back too.
  if (s.web.listenPort === 80) cmds.push({ run: raw('__unlink /etc/nginx/sites-enabled/default'), reportsChange: true });
  // nginx creates a log it opens 0644 (anyone on the host reads it) until Debian's logrotate first
  // makes it 0640 www-data:adm: the site's logs are made that way from the start.
  const logs = [`/var/log/nginx/${s.project}.access.log`, `/var/log/nginx/${s.project}.error.log`];
  cmds.push({ run: sh`__root_only_dir /var/log/nginx && for f in ${logs}; do touch "$f" && chown www-data:adm "$f" && chmod 0640 "$f"; done`, unless: sh`[ "$(stat -c '%a %U:%G' ${logs} 2>/dev/null | sort -u)" = '640 www-data:adm' ]` });
  cmds.push({ run: NGINX_RELOAD, probe: true });
  cmds.push({ run: sh`rm -f ${pending}`, probe: true });
  cmds.push({ run: sh`rm -f ${oldUpstream} ${oldUpstream}.deploy-prev`, unless: sh`test ! -e ${oldUpstream}` });
  return step('nginx-config', 'nginx config', cmds);
}

/** The live slot and its release, and the slots' states: whether setup must start the live slot. */
export function liveProgram(s: Settings): Step {
  const L = layout(s);
  return step('live', 'live slot', [
    value('live', sh`slot=$(${liveSlotCode(L)}); echo "$slot $(basename "$(readlink ${L.slots}/"$slot" 2>/dev/null)" 2>/dev/null || true)"`, { as: 'app' }),
    value('states', programStates(s, ['a', 'b'])),
  ]);
}

export function parseLiveProgram(s: Settings, values: Record<string, string>): { slot: Slot; state: string; release: string } {
  const [slot, release = ''] = (values.live ?? '').trim().split(/\s+/);
  const live: Slot = slot === 'b' ? 'b' : 'a';
  const state = (values.states ?? '').split('\n').map((l) => l.trim().split(/\s+/)).find(([name]) => name === programOf(s, live))?.[1] ?? 'none';
  return { slot: live, state, release: release === '.' ? '' : release };
}

/** Prints "yes" when nothing listens on the live slot's address as the settings now give it (gunicorn_bind changed). */
export function liveBindMoved(s: Settings, slot: Slot): Step {
  return step('bind', 'the live slot\'s address', [value('moved', sh`if __addr_in_use ${layout(s).bind(slot)}; then echo no; else echo yes; fi`)]);
}

/** The end of setup: the site answers through nginx on this server. */
export function verifySite(s: Settings): Step {
  // The health path: the maintenance page never hides it.
  const { curlArgs, url } = siteUrl(s);
  return step('verify', 'site answers through nginx', [
    {
      run: sh`headers=$(curl -s -o /dev/null -D - --max-time 10 ${curlArgs} ${url}) || true; code=$(printf '%s\n' "$headers" | awk 'NR == 1 { print $2 }'); echo "$code"; [ -n "$code" ] && [ "$code" -ge 200 ] && [ "$code" -lt 400 ] || { echo "nginx answered \${code:-nothing} on "${url} >&2; tail -n 5 ${`/var/log/nginx/${s.project}.error.log`} >&2; exit 1; }; printf '%s\n' "$headers" | tr -d '\r' | grep -qix ${`x-deploy-site: ${s.project}`} || { echo ${`nginx answered, but not through the ${s.project} site (is another site the default, or was nginx not reloaded?)`} >&2; exit 1; }`,
      probe: true,
    },
  ]);
}

/** logrotate for the app's log directory (templates/logrotate.conf). */
export function logrotate(s: Settings): Step {
  const L = layout(s);
  const content = renderTemplate('logrotate.conf', { app: s.project, logDir: L.log, programLogs: L.programLogs, appUser: s.appUser }, s.file);
  return step('logrotate', 'log rotation', [{ run: sh`mkdir -p /etc/logrotate.d && __put ${`/etc/logrotate.d/deploy-${s.project}`} 0644 root:root`, stdin: content, reportsChange: true }]);
}

/** The system services the app needs (services): enabled and started. */
export function services(s: Settings): Step {
  return step('services', `services ${s.services.join(', ')}`, [
    { run: sh`systemctl enable --quiet --now ${s.services}`, unless: sh`(for u in ${s.services}; do systemctl is-enabled --quiet "$u" && systemctl is-active --quiet "$u" || exit 1; done)` },
  ]);
}
