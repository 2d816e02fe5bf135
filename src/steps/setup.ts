// setup, seed 000's sequence: each function returns one step's commands and runs nothing.
import { dirname } from 'node:path';
import { step, value, type Command, type Step } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { DEPLOY_CTL, layout, type Slot } from '../layout.js';
import { raw, sh } from '../shell.js';
import { renderTemplate } from '../templates.js';
import { nginxErrorLog, nginxReload } from './nginx.js';
import { gitCommand, resolveRef, serverClock } from './git.js';
import { siteUrl, supervisorPrograms } from './slots.js';
import { controlFiles, programOf, programStates } from './manager.js';
import { tlsPackages } from './tls.js';
import {
  catchAll,
  CONFIG_SECRET_NAMES,
  configFileContent,
  defaultServers,
  gunicornConfigContent,
  nginxSiteContent,
} from './server-files.js';

export const SYSTEM_PACKAGES = [
  'nginx',
  'supervisor',
  'git',
  'python3-venv',
  'python3-pip',
  'python3-dev',
  'build-essential',
  'curl',
  'ca-certificates',
  'openssh-client',
  'logrotate',
];

export function sudoCheck(): Step {
  // Every script starts in / (remote/prelude.sh): sudo never complains about the login's directory.
  return step('sudo', 'sudo works', [{ run: raw('sudo -n true'), probe: true }], false);
}

/**
 * Prints "missing", "ours" (the app user owns it: an older version's; or root does and the app
 * user its apps/), "empty", or "foreign OWNER" (someone else's, not empty).
 */
export function probeHome(s: Settings): Step {
  // What useradd and setup put in the home: a setup interrupted once the home became root's,
  // before its apps directory was made, left only these (with the app user's home there).
  const inHome = (p: string) => (p.startsWith(`${s.home}/`) ? [p.slice(s.home.length + 1).split('/')[0]] : []);
  const ownNames = [...layout(s).appDirs, s.configFile].flatMap(inHome);
  return step('home', `app user's home ${s.home}`, [
    { name: 'home', run: sh`deploy_home_state ${s.home} ${s.appUser} ${ownNames}`, probe: true },
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
    value('app_user_risks', sh`deploy_app_user_risks ${u} ${PRIVILEGED_GROUPS}`),
  ]);
}

/** What a host needs: nginx only on web hosts; the PostgreSQL driver when the database is PostgreSQL. */
export function systemPackages(s: Settings, web = true): string[] {
  const postgres = /^postgres(ql)?:/i.test(s.django.databaseUrl.reveal()) ? ['python3-psycopg2'] : [];
  return [
    ...new Set([
      ...SYSTEM_PACKAGES.filter(
        (p) =>
          (web || p !== 'nginx') &&
          (s.processManager !== 'systemd' || p !== 'supervisor') &&
          // Only git-sourced releases need git (and the ssh client that reaches the git host) on the servers.
          (s.source === 'git' || (p !== 'git' && p !== 'openssh-client')),
      ),
      ...postgres,
      ...(web ? tlsPackages(s) : []),
      ...s.extraPackages,
    ]),
  ];
}

export function packages(s: Settings, web = true): Step {
  const pkgs = systemPackages(s, web);
  return step('packages', 'system packages', [
    {
      run: sh`deploy_apt_install ${pkgs}`,
      unless: sh`deploy_packages_installed ${pkgs}`,
    },
  ]);
}

/** With --dependencies=no: fail early, naming what is missing, instead of halfway through. */
export function checkPackages(s: Settings, web = true): Step {
  const commands = [
    ...(web ? ['nginx', ...tlsPackages(s)] : []),
    ...(s.processManager === 'systemd' ? [] : ['supervisorctl']),
    ...(s.source === 'git' ? ['git'] : []),
    'curl',
    s.python,
  ];
  const psycopg = systemPackages(s, web).includes('python3-psycopg2') ? 'yes' : 'no';
  return step('packages', 'system packages present', [
    { run: sh`deploy_packages_present ${s.python} ${psycopg} ${commands}`, probe: true },
  ]);
}

export function appUser(s: Settings): Step {
  const L = layout(s);
  const u = s.appUser;
  // Below its own directories the app user makes and owns everything itself: root never writes there.
  const mine = (path: string, mode = '755'): Command => ({
    run: sh`deploy_own_dir ${`00${mode}`} ${path}`,
    as: 'app',
    unless: sh`[ "$(stat -c '%a %U' ${path})" = ${`${mode} ${u}`} ]`,
  });
  const cmds: Command[] = [
    {
      run: sh`useradd --system --user-group --home-dir ${s.home} --create-home --shell /usr/sbin/nologin ${u}`,
      unless: sh`id -u ${u}`,
    },
    // The home is root's: the app writes only inside its own directories there, so it can move
    // nothing root reads or writes (the config file's directory). An older version gave it the home.
    { run: sh`deploy_home_to_root ${s.home}`, unless: sh`deploy_home_is_roots ${s.home}` },
    ...L.appDirs.map(
      (d): Command => ({
        run: sh`__app_dir_in_root_dir ${d.endsWith('/.ssh') || d.endsWith('/.cache') ? '0700' : '0755'} ${u} ${d}`,
        reportsChange: true,
      }),
    ),
    // A disk mounted for the releases leaves root's parents (the app's own directory) behind it.
    { run: sh`__give_to_app --dir ${u} ${L.root}`, reportsChange: true },
    mine(L.root),
    // An older version kept the slots (and a lock it left) root's: they become the app user's, who switches now.
    { run: sh`__give_to_app ${u} ${L.slots} ${L.lock}`, reportsChange: true },
    // A disk the operator mounted for the releases (or the shared files) is root's until it is the app user's.
    ...[L.releases, L.shared, ...L.sharedDirs, s.venvsDir].map(
      (d): Command => ({ run: sh`__give_to_app --dir ${u} ${d}`, reportsChange: true }),
    ),
    ...[L.releases, L.slots, L.shared, ...L.sharedDirs.filter((d) => !/\/(data|log)$/.test(d))].map((d) => mine(d)),
    ...L.sharedDirs.filter((d) => /\/(data|log)$/.test(d)).map((d) => mine(d, '750')),
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
  return step('deploy-user', `deploy user ${d} (no root)`, [
    { run: sh`useradd --create-home --shell /bin/bash ${d}`, unless: sh`id -u ${d}` },
    { run: sh`usermod -aG ${u} ${d}`, unless: sh`id -nG ${d} | tr ' ' '\n' | grep -qx ${u}` },
    {
      run: sh`deploy_leave_groups ${d} ${LEGACY_GROUPS}`,
      unless: sh`! id -nG ${d} | tr ' ' '\n' | grep -qxE ${LEGACY_GROUPS.join('|')}`,
    },
    // Written as the deploy user, in its own home: root never writes where another user can.
    {
      run: sh`deploy_authorized_keys ${d}`,
      stdin: { toString: () => authorizedKeys, reveal: () => authorizedKeys },
      reportsChange: true,
    },
    {
      run: sh`deploy_sudoers ${sudoers} ${d}`,
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
  return step('control', "deploy-ctl (start, stop and logs of the app's programs)", [
    ...controlFiles(s, true),
    { run: sh`rm -f ${drop}`, unless: sh`! grep -qs 'Written by .deploy' ${drop}` },
    { run: sh`deploy_socket_to_root ${socket}`, unless: sh`deploy_socket_is_roots ${socket} ${drop}` },
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
  if (dir.startsWith(`${s.home}/`))
    return { run: sh`__root_dir 0750 ${`root:${s.appUser}`} ${dir}`, reportsChange: true };
  return { run: sh`deploy_config_dir ${`root:${s.appUser}`} ${dir}`, reportsChange: true };
}

/** Seed: a key pair for the app user, created once; its public key goes to the git host. */
export function deployKey(s: Settings): Step {
  const key = layout(s).deployKey;
  return step('deploy-key', 'deploy key', [
    {
      run: sh`ssh-keygen -q -t ed25519 -N '' -C ${`${s.appUser}@${s.project}-deploy`} -f ${key}`,
      as: 'app',
      unless: sh`test -f ${key}`,
    },
    value('public_key', sh`cat ${`${key}.pub`}`, { as: 'app' }),
  ]);
}

/** Can the deploy key read the repository? */
export function repoAccess(s: Settings): Step {
  return step('repo-access', 'repository access', [
    { run: sh`${gitCommand(s)} ls-remote --symref ${s.repository} HEAD`, as: 'app', probe: true },
  ]);
}

export function virtualenvsDir(s: Settings): Step {
  return step('virtualenvs', 'virtualenvs directory', [
    { run: sh`mkdir -p ${s.venvsDir}`, as: 'app', unless: sh`test -d ${s.venvsDir}` },
  ]);
}

/** Seed's git clone: a mirror that every later deploy fetches into. */
export function clone(s: Settings): Step {
  const L = layout(s);
  return step('clone', 'git clone (repository cache)', [
    {
      run: sh`${gitCommand(s)} clone --quiet --mirror ${s.repository} ${L.repo}`,
      as: 'app',
      unless: sh`test -d ${L.repo}`,
    },
  ]);
}

/**
 * The config file. SECRET_KEY is made on the server (64 characters from /dev/urandom)
 * the first time and read back from the existing file on every later run, so it never
 * changes and never crosses the wire. The file and every directory above it are root's only.
 */
export function configFile(s: Settings): Step {
  const f = s.configFile;
  return step('config', `config file ${f}`, [
    {
      run: sh`deploy_config_file ${f} ${s.appUser} ${CONFIG_SECRET_NAMES}`,
      stdin: configFileContent(s),
      reportsChange: true,
    },
  ]);
}

/** The shared gunicorn.conf.py (releases from before .deploy/ read it): the app user's, in its directory. */
export function gunicornConfig(s: Settings): Step {
  const f = layout(s).gunicornConf;
  return step('gunicorn-config', 'gunicorn config', [
    { run: sh`deploy_own_file ${f} 0644`, stdin: gunicornConfigContent(s), as: 'app', reportsChange: true },
  ]);
}

export function supervisorConfigStep(s: Settings): Step {
  // Both slots' programs: a deploy user cannot write them later (it only checks they match).
  return step('supervisor-config', 'supervisor config', supervisorPrograms(s));
}

/**
 * Where this app already runs on the host, if it does: its slot program's working directory (the
 * slots of its app root). A changed `home` would otherwise make a second install beside it.
 */
export function installedRoot(s: Settings): Step {
  return step('installed', `where ${s.project} runs on this host`, [
    value('installed', sh`deploy_installed_root ${s.project}`),
  ]);
}

/**
 * Before anything is written, on a web host: no other site takes the default server on this app's
 * port where this app needs it (server_name _ is the default server; a site with names brings the
 * shared default server deploy-default-<port>), which nginx -t would only reject halfway.
 */
export function defaultServerFree(s: Settings): Step {
  const port = s.web.listenPort;
  return step('default-server', `nginx's default server on port ${port}`, [
    {
      run: sh`deploy_nginx_default_free ${port} ${catchAll(s) ? 'catch-all' : 'names'} ${s.project} ${s.app}`,
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
  return step('ports', 'gunicorn ports free of other apps', [
    { run: sh`deploy_binds_free ${s.project} ${L.bind('a')} ${L.bind('b')}`, probe: true },
  ]);
}

export function nginxConfig(s: Settings): Step {
  const L = layout(s);
  const oldUpstream = `${L.nginxSite}.upstream`;
  // A run cut short between writing the files and reloading leaves nginx on the old config while
  // the files look done: a marker, set before and cleared after, makes the next run reload.
  const pending = `${L.nginxSite}.reload-pending`;
  const cmds: Command[] = [
    { run: sh`deploy_nginx_pending ${pending}`, probe: true },
    // Servers set up by an earlier version kept the live slot in slots/live and an upstream file.
    {
      run: sh`deploy_live_from_legacy ${`${L.slots}/live`} ${L.liveFlag}`,
      unless: sh`test ! -e ${L.slots}/live`,
      as: 'app',
    },
    { run: sh`__put ${L.nginxSite} 0644 root:root`, stdin: nginxSiteContent(s), reportsChange: true },
    { run: sh`__link ${L.nginxSite} ${L.nginxEnabled}`, reportsChange: true },
  ];
  for (const d of defaultServers(s)) {
    cmds.push({
      run: sh`__put ${`/etc/nginx/sites-available/${d.name}`} 0644 root:root`,
      stdin: d.content,
      reportsChange: true,
    });
    cmds.push({
      run: sh`__link ${`/etc/nginx/sites-available/${d.name}`} ${`/etc/nginx/sites-enabled/${d.name}`}`,
      reportsChange: true,
    });
  }
  // Debian's stock default site claims the default server on port 80, as ours do (or as the
  // catch-all site does). Removed with __unlink: a config nginx -t rejects puts it back too.
  if (s.web.listenPort === 80)
    cmds.push({ run: raw('__unlink /etc/nginx/sites-enabled/default'), reportsChange: true });
  const logs = [`/var/log/nginx/${s.project}.access.log`, nginxErrorLog(s)];
  cmds.push({
    run: sh`deploy_nginx_logs ${logs}`,
    unless: sh`[ "$(stat -c '%a %U:%G' ${logs} 2>/dev/null | sort -u)" = '640 www-data:adm' ]`,
  });
  cmds.push({ run: nginxReload('pending'), probe: true });
  cmds.push({ run: sh`rm -f ${pending}`, probe: true });
  cmds.push({ run: sh`rm -f ${oldUpstream} ${oldUpstream}.deploy-prev`, unless: sh`test ! -e ${oldUpstream}` });
  return step('nginx-config', 'nginx config', cmds);
}

/** The live slot and its release, and the slots' states: whether setup must start the live slot. */
export function liveProgram(s: Settings): Step {
  const L = layout(s);
  return step('live', 'live slot', [
    value('live', sh`deploy_live_slot_release ${L.liveFlag} ${L.slots}`, { as: 'app' }),
    value('states', programStates(s, ['a', 'b'])),
  ]);
}

export function parseLiveProgram(
  s: Settings,
  values: Record<string, string>,
): { slot: Slot; state: string; release: string } {
  const [slot, release = ''] = (values.live ?? '').trim().split(/\s+/);
  const live: Slot = slot === 'b' ? 'b' : 'a';
  const state =
    (values.states ?? '')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find(([name]) => name === programOf(s, live))?.[1] ?? 'none';
  return { slot: live, state, release: release === '.' ? '' : release };
}

/** Prints "yes" when nothing listens on the live slot's address as the settings now give it (gunicorn_bind changed). */
export function liveBindMoved(s: Settings, slot: Slot): Step {
  return step('bind', "the live slot's address", [value('moved', sh`deploy_bind_moved ${layout(s).bind(slot)}`)]);
}

/** The end of setup: the site answers through nginx on this server. */
export function verifySite(s: Settings): Step {
  // The health path: the maintenance page never hides it.
  const { curlArgs, url } = siteUrl(s);
  return step('verify', 'site answers through nginx', [
    { run: sh`deploy_nginx_verify ${s.project} ${nginxErrorLog(s)} ${url} ${curlArgs}`, probe: true },
  ]);
}

/** logrotate for the app's log directory (templates/logrotate.conf). */
export function logrotate(s: Settings): Step {
  const L = layout(s);
  const content = renderTemplate(
    'logrotate.conf',
    { app: s.project, logDir: L.log, programLogs: L.programLogs, appUser: s.appUser },
    s.file,
  );
  return step('logrotate', 'log rotation', [
    {
      run: sh`deploy_put_mkdir ${`/etc/logrotate.d/deploy-${s.project}`} 0644 root:root`,
      stdin: content,
      reportsChange: true,
    },
  ]);
}

/** The system services the app needs (services): enabled and started. */
export function services(s: Settings): Step {
  return step('services', `services ${s.services.join(', ')}`, [
    { run: sh`systemctl enable --quiet --now ${s.services}`, unless: sh`deploy_services_on ${s.services}` },
  ]);
}

/** The clone step also says which commit the first release will be (`ref`: the fleet's, else the branch head). */
export function cloneAndResolve(s: Settings, ref?: string): Step {
  const st = clone(s);
  return { ...st, commands: [...st.commands, resolveRef(s, ref), serverClock(s)] };
}
