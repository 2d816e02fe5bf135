// The server files the settings produce, as text: the config file, gunicorn.conf.py, the nginx
// site and the default servers, the process scripts, and where each lives in a release. Setup,
// deploy, the fingerprint and the dry-run diff all read them from here.
import { dirname } from 'node:path';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { renderTemplate } from '../templates.js';
import type { Masked } from '../shell.js';

/**
 * Each file rendered once per settings: every host of a fleet gets the same one, and one of a
 * fleet of hundreds is big (the config file's default allowed_hosts names every host).
 */
const rendered = new WeakMap<Settings, Map<string, Masked>>();

function once(s: Settings, key: string, render: () => Masked): Masked {
  let files = rendered.get(s);
  if (!files) rendered.set(s, (files = new Map()));
  let file = files.get(key);
  if (!file) files.set(key, (file = render()));
  return file;
}

/** The config file as the settings make it, for a release (its static files are its own) or, without one, the live release (`current`). */
export function configFileContent(s: Settings, release?: string): Masked {
  return once(s, `config ${release ?? ''}`, () => configFile(s, release));
}

function configFile(s: Settings, release?: string): Masked {
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

/** Where the config file's secret_key goes: the server puts it in (remote/lib/config.sh knows this placeholder too). */
export const SECRET_KEY_PLACEHOLDER = '@@SECRET_KEY@@';

/** Config file keys whose values are secrets: never versioned with a release (a rotated password must not linger or come back). */
export const CONFIG_SECRET_KEYS = ['database_url', 'email_host_password'];
/** Those keys as remote/lib/config.sh's functions take them (SECRETS: name,name). */
export const CONFIG_SECRET_NAMES = CONFIG_SECRET_KEYS.join(',');

export function gunicornConfigContent(s: Settings): Masked {
  return once(s, 'gunicorn', () => gunicornConfig(s));
}

function gunicornConfig(s: Settings): Masked {
  return renderTemplate(
    'gunicorn.conf.py',
    {
      app: s.project,
      workers: s.gunicornWorkers,
      threads: s.gunicornThreads,
      timeout: s.gunicornTimeout,
      preload: s.gunicornPreload,
      logDir: layout(s).log,
    },
    s.file,
  );
}

/** How a slot starts gunicorn (templates/gunicorn-start.py): `python -m gunicorn`, with pkg_resources imported lazily. */
export function gunicornStartContent(s: Settings): Masked {
  return once(s, 'gunicorn-start', () => renderTemplate('gunicorn-start.py', { app: s.project }, s.file));
}

export function nginxSiteContent(s: Settings): Masked {
  return once(s, 'nginx', () => nginxSite(s));
}

function nginxSite(s: Settings): Masked {
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
export function catchAll(s: Settings): boolean {
  return s.serverName.split(' ').includes('_');
}

/** The default servers a site with names needs, one per port: unknown names get no answer (templates/nginx-default.conf). */
export function defaultServers(s: Settings): { name: string; content: ReturnType<typeof renderTemplate> }[] {
  if (catchAll(s)) return [];
  const ports = [
    { port: s.web.listenPort, ssl: false },
    ...(s.web.ssl !== 'none' ? [{ port: s.web.sslPort, ssl: true }] : []),
  ];
  return ports.map((p) => ({
    name: `deploy-default-${p.port}`,
    content: renderTemplate('nginx-default.conf', p, s.file),
  }));
}

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
  return renderTemplate(
    'process.sh',
    {
      app: s.project,
      name,
      command,
      exec: !/[;&|\n]/.test(command),
      manager: s.processManager,
      appUser: s.appUser,
      current: L.current,
    },
    s.file,
  );
}

export function processScript(s: Settings, name: string, release = 'current'): string {
  return release === 'current'
    ? `${layout(s).current}/.deploy/processes/${name}`
    : `${releaseFilesDir(s, release)}/processes/${name}`;
}
