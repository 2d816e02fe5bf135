// Cross-key derivation: the settings whose default or check depends on other keys. Each key's
// own rule and literal default come from the key table, through the Checker; what is written
// here is what the table cannot say. Keys are read in a fixed order, which is the order of
// their problems, so the parts run in the order deriveSettings calls them.
import { HOOK_NAMES, KEYS, LOCAL_HOOK_NAMES, type HookName, type Source } from './schema.js';
import { MAX_VALUE, PATTERNS, configFileRule, list, textProblem, type Rule } from './rules.js';
import type { Checker } from './checker.js';
import { fleetHosts, hostShare, parseHost } from './hosts.js';
import { accounts, authorisedKeys } from './accounts.js';
import { envFile } from './env-file.js';
import { webSettings } from './web.js';
import type { HostSpec, LoadOptions, Settings } from './types.js';
import { Secret } from '../shell.js';

/** The chosen app's Settings. Problems are left in the Checker: the caller throws them all at once. */
export function deriveSettings(c: Checker, { app, file, command }: LoadOptions): Settings {
  const source = sourceKeys(c, app);
  const fleet = fleetKeys(c, command === 'setup');
  const paths = pathKeys(c, source.name);
  const slots = binds(c);
  const build = buildKeys(c, source.name);
  const django = djangoKeys(c, paths.home, source.name, build.serverName, fleet.hosts);
  const sections = sectionKeys(c, file, fleet.deployUser);
  return settingsOf(c, { app, file, ...source, ...fleet, ...paths, ...slots, ...build, ...django, ...sections });
}

type Parts = { app: string; file: string } & ReturnType<typeof sourceKeys> &
  ReturnType<typeof fleetKeys> &
  ReturnType<typeof pathKeys> &
  ReturnType<typeof binds> &
  ReturnType<typeof buildKeys> &
  ReturnType<typeof djangoKeys> &
  ReturnType<typeof sectionKeys>;

/** The app's name (project_name, else the name asked for), its repository and branch. */
function sourceKeys(c: Checker, app: string) {
  const name = c.value('project_name') || app;
  const repository = c.value('repository');
  // Checked only: git is the one type there is.
  c.value('repository_type');
  const branch = c.value('branch');
  const source = c.value('source') as Source;
  const url = c.value('archive_url') || undefined;
  const sha256 = c.value('archive_sha256') || undefined;
  if (source === 'url' && !c.isSet('archive_url')) c.report('source', 'source = url needs archive_url');
  for (const key of ['archive_url', 'archive_sha256'])
    if (source !== 'url' && c.isSet(key)) c.report(key, `read only with source = url (source is ${source})`);
  const archive = source === 'url' && url ? { url: new Secret(url), sha256 } : undefined;
  return { name, repository, branch, source, archive };
}

/** The hosts and the accounts on them; deploy_user's public key files are read for setup only. */
function fleetKeys(c: Checker, setup: boolean) {
  const { hosts, primary } = fleetHosts(c);
  const users = accounts(c, hosts);
  const deployUserKeys = authorisedKeys(c, users.deployUser, users.deployUserKeys, setup);
  return { hosts, primary, appUser: users.appUser, deployUser: users.deployUser, deployUserKeys };
}

function pathKeys(c: Checker, name: string) {
  const home = c.value('home');
  // Its rule (never the home, nor containing it) and its default depend on home.
  const configFile = c.check('config_file', configFileRule(home), `${home}/configs/apps/${name}.conf`);
  return { home, configFile };
}

/** gunicorn_bind_alt's default and its check that it differs depend on gunicorn_bind. */
function binds(c: Checker): { gunicornBind: string; gunicornBindAlt: string } {
  const gunicornBind = c.value('gunicorn_bind');
  const given = c.value('gunicorn_bind_alt');
  let gunicornBindAlt = given;
  if (!given && c.ok('gunicorn_bind') && !c.isSet('gunicorn_bind_alt')) {
    gunicornBindAlt = nextBind(gunicornBind) ?? '';
    if (!gunicornBindAlt)
      c.report('gunicorn_bind', 'no port left for the second slot (port + 1): set gunicorn_bind_alt');
  }
  if (gunicornBindAlt && gunicornBindAlt === gunicornBind)
    c.report('gunicorn_bind_alt', 'must differ from gunicorn_bind');
  return { gunicornBind, gunicornBindAlt };
}

/** The second gunicorn slot listens next to the first: port + 1, or <socket>-b; none after port 65535. */
function nextBind(bind: string): string | undefined {
  const tcp = PATTERNS.tcpBind.exec(bind);
  if (tcp) return Number(tcp[2]) < 65535 ? `${tcp[1]}:${Number(tcp[2]) + 1}` : undefined;
  return bind.replace(/(\.sock)?$/, '-b$1');
}

/** What the build needs: the Python app, its packages, the names it serves and its health check. */
function buildKeys(c: Checker, name: string) {
  const settingsModule = c.value('settings_file') || undefined;
  // The default names the app's package: the settings module's first part.
  const wsgiApp = c.value('wsgi_app', `${(settingsModule ?? name).split('.')[0]}.wsgi:application`);
  const serverNames = c.items('server_name');
  return {
    settingsModule,
    wsgiApp,
    serverNames,
    serverName: serverNames.join(' ') || '_',
    python: c.value('python'),
    pipIndexUrl: c.value('pip_index_url') || undefined,
    pipFindLinks: c.value('pip_find_links') || undefined,
    extraPackages: c.items('extra_packages'),
    healthPath: c.value('health_path'),
  };
}

/** The config file's values whose defaults come from other keys, and [EMAIL]. */
function djangoKeys(c: Checker, home: string, name: string, serverName: string, hosts: HostSpec[]) {
  const appRoot = `${home}/apps/${name}`;
  const defaultHosts = [
    ...serverName.split(' ').filter((s) => s !== '_'),
    ...hosts.map((h) => h.host),
    'localhost',
    '127.0.0.1',
  ];
  // The default comes from server_name and the hosts, checked above: only a value given is checked.
  const allowedHosts = c.items('allowed_hosts', [...new Set(defaultHosts)].join(','));
  // The default lives in the app's directory, which depends on home and project_name.
  const databaseUrl = new Secret(c.value('database_url', `sqlite:///${appRoot}/shared/data/db.sqlite3`));
  return { appRoot, allowedHosts, databaseUrl, email: emailSettings(c) };
}

/** [EMAIL] goes into the config file as written: each value passed textProblem (one line) and its table rule. */
function emailSettings(c: Checker): Record<string, string | Secret> {
  const email: Record<string, string | Secret> = {};
  for (const def of KEYS.filter((k) => k.section === 'EMAIL')) {
    const v = c.value(def.key);
    email[def.key] = def.secret ? new Secret(v) : v;
  }
  return email;
}

const commandRule: Rule = (v) => (v.trim() ? textProblem(v, MAX_VALUE, true) : 'empty command');
const COMMAND_NAME = 'not a valid command name (a-z, digits, - and _, starting with a letter)';

/** The free sections ([ENV] with env_file, [RUN_ONCE], [PROCESSES], [COMMANDS]), [HOOKS] and the process manager. */
function sectionKeys(c: Checker, file: string, deployUser: string | undefined) {
  const env = c.free(
    'ENV',
    PATTERNS.envKey,
    'not a valid variable name (letters, digits and _, not starting with a digit, at most 128)',
    (v) =>
      // Passed literally, never run: $, backticks, quotes are fine. The value is never shown.
      textProblem(v, MAX_VALUE, false)
        ?.replace(/^contains/, 'value contains')
        .replace(/^too long/, 'value too long'),
  );
  const runOnce = c.free('RUN_ONCE', PATTERNS.commandName, COMMAND_NAME, commandRule);
  const processes = c.free(
    'PROCESSES',
    PATTERNS.commandName,
    'not a valid process name (a-z, digits, - and _, starting with a letter)',
    commandRule,
  );
  // The gunicorn slots are programs <app>-a and <app>-b; the boot unit is deploy-<app>-boot.
  for (const n of Object.keys(processes).filter((n) => n === 'a' || n === 'b'))
    c.problems.push(`${c.where('PROCESSES', n)}: "a" and "b" name the gunicorn slots: choose another process name`);
  const hooks = hookSettings(c);
  Object.assign(env, envFile(c, file));
  const processManager = c.value('process_manager') as Settings['processManager'];
  if (processManager === 'systemd' && deployUser)
    c.report(
      'process_manager',
      'systemd does not work with deploy_user yet (deploy_user controls supervisor through its socket): use supervisor, or no deploy_user',
    );
  const commands = c.free('COMMANDS', PATTERNS.commandName, COMMAND_NAME, commandRule);
  return { env, runOnce, processes, hooks, localHooks: localHookSettings(c, env), processManager, commands };
}

/** [HOOKS]: each hook's command, and whether it runs on the primary only (run_once). */
function hookSettings(c: Checker): Settings['hooks'] {
  const once = new Set(c.items('run_once'));
  const hooks: Settings['hooks'] = {};
  for (const name of HOOK_NAMES) {
    const command = c.value(name);
    if (command.trim()) hooks[name] = { command, once: once.has(name) };
    else if (c.isSet(name)) c.report(name, 'empty command');
  }
  for (const name of once)
    if (HOOK_NAMES.includes(name as HookName) && !hooks[name as HookName])
      c.report('run_once', `${name} is not set in [HOOKS]`);
  return hooks;
}

/** [LOCAL_HOOKS]: each hook's command, and pass_env's names, which must be [ENV]'s (or env_file's). */
function localHookSettings(c: Checker, env: Record<string, string>): Settings['localHooks'] {
  const commands: Settings['localHooks']['commands'] = {};
  for (const name of LOCAL_HOOK_NAMES) {
    const command = c.value(`local_${name}`);
    if (command.trim()) commands[name] = command;
    else if (c.isSet(`local_${name}`)) c.report(`local_${name}`, 'empty command');
  }
  const passEnv: Settings['localHooks']['passEnv'] = {};
  for (const name of c.items('local_pass_env')) {
    if (Object.hasOwn(env, name)) passEnv[name] = new Secret(env[name]);
    else if (PATTERNS.envKey.test(name)) c.report('local_pass_env', `${name} is not set in [ENV] (nor in env_file)`);
  }
  return { commands, passEnv, timeoutS: c.int('local_timeout') };
}

/** The Settings, in their declared order. The keys read here come last, in this order, after every part's. */
function settingsOf(c: Checker, p: Parts): Settings {
  return {
    app: p.app,
    warnings: c.warnings,
    project: p.name,
    file: p.file,
    repository: p.repository,
    branch: p.branch || undefined,
    source: p.source,
    archive: p.archive,
    hosts: p.hosts,
    primary: p.primary,
    parallel: c.int('parallel'),
    batchSize: hostShare(c, 'batch_size'),
    maxFailedHosts: hostShare(c, 'max_failed_hosts') ?? { count: 0 },
    canary: canaryOf(c),
    proxyJump: list(c.get('proxy_jump')).flatMap((label) => parseHost(c, 'proxy_jump', label, []) ?? []),
    identityFile: c.value('identity_file') || undefined,
    strictHostKeys: c.bool('strict_host_keys'),
    appUserRiskAccepted: c.value('app_user_risk_accepted') || undefined,
    deployUser: p.deployUser,
    deployUserKeys: p.deployUserKeys,
    home: p.home,
    appUser: p.appUser,
    appRoot: p.appRoot,
    venvsDir: `${p.home}/virtualenvs/${p.name}`,
    configFile: p.configFile,
    python: p.python,
    systemSitePackages: c.bool('system_site_packages'),
    buildOnce: c.bool('build_once'),
    pipIndexUrl: p.pipIndexUrl,
    pipFindLinks: p.pipFindLinks,
    extraPackages: p.extraPackages,
    gunicornBind: p.gunicornBind,
    gunicornBindAlt: p.gunicornBindAlt,
    gunicornWorkers: c.isSet('gunicorn_workers') ? c.int('gunicorn_workers') : undefined,
    gunicornThreads: c.int('gunicorn_threads'),
    gunicornTimeout: c.int('gunicorn_timeout'),
    gunicornPreload: c.bool('gunicorn_preload'),
    keepPreviousSlot: c.bool('keep_previous_slot'),
    wsgiApp: p.wsgiApp,
    serverName: p.serverName,
    web: webSettings(c, p.serverNames, p.home),
    keepReleases: c.int('keep_releases'),
    healthPath: p.healthPath,
    healthTimeout: c.int('health_timeout'),
    migrate: c.bool('migrate'),
    collectstatic: c.bool('collectstatic'),
    testCommand: c.value('test_command') || undefined,
    django: {
      settingsModule: p.settingsModule,
      debug: c.bool('debug'),
      allowedHosts: p.allowedHosts,
      databaseUrl: p.databaseUrl,
    },
    email: p.email,
    env: Object.fromEntries(Object.entries(p.env).map(([k, v]) => [k, new Secret(v)])),
    commands: p.commands,
    runOnce: p.runOnce,
    processes: p.processes,
    processManager: p.processManager,
    processStop: { signal: c.value('process_stop_signal'), timeout: c.int('process_stop_timeout') },
    services: c.items('services'),
    hooks: p.hooks,
    localHooks: p.localHooks,
  };
}

/** canary and how it is watched; undefined without canary. */
function canaryOf(c: Checker): Settings['canary'] {
  const hosts = hostShare(c, 'canary');
  if (!hosts) return undefined;
  const max = c.value('canary_max_5xx');
  return { hosts, waitS: c.int('canary_wait'), max5xxPercent: c.ok('canary_max_5xx') ? Number(max.slice(0, -1)) : 1 };
}
