// Where everything lives on a server (README "Server layout"). One place, so
// setup, deploy, rollback and status agree.
import type { Settings } from './settings/types.js';
import { dirname } from 'node:path';
import { sh, type Sh } from './shell.js';

export type Slot = 'a' | 'b';
export const SLOTS: Slot[] = ['a', 'b'];

export function layout(s: Settings) {
  const root = s.appRoot;
  const tlsLinks = `/etc/nginx/deploy-tls/${s.project}`;
  return {
    root,
    repo: `${root}/repo`,
    releases: `${root}/releases`,
    release: (name: string) => `${root}/releases/${name}`,
    current: `${root}/current`,
    shared: `${root}/shared`,
    sharedDirs: ['media', 'static', 'data', 'log'].map((d) => `${root}/shared/${d}`),
    /** The app's own logs (it writes there itself); logrotate rotates them as the app user. */
    log: `${root}/shared/log`,
    /** Where supervisor (root) writes the programs' output: a directory only root can write, root:<app_user> 0750. */
    programLogs: `/var/log/deploy/${s.project}`,
    /**
     * Root's own copy of what the settings made for each release (the nginx site, the config file
     * without secrets) and deploy-ctl's list of the app's programs: outside every tree the app or a
     * deploy user can write, so root installs only what root wrote (docs/threat-model.md).
     */
    store: `/var/lib/deploy/apps/${s.project}`,
    storeRelease: (name: string) => `/var/lib/deploy/apps/${s.project}/releases/${name}`,
    ctlConf: `/var/lib/deploy/apps/${s.project}/ctl.conf`,
    slot: (slot: Slot) => `${root}/slots/${slot}`,
    /**
     * A release's own static files, collected into it (STATIC_ROOT is its static/): nginx serves
     * the live slot's, so they switch with the code and go back with a rollback.
     */
    staticRoot: (dir: string) => `${dir}/.deploy-www/static`,
    slots: `${root}/slots`,
    /**
     * The one truth about which slot gets traffic: nginx checks this file on every request
     * (present: slot b, absent: slot a). Creating or removing it is the switch's commit point.
     */
    liveFlag: `${root}/slots/live-b`,
    lock: `${root}/deploy.lock`,
    /** Who decided first for run TOKEN: "switch" (its script passed the last stop point) or "abort" (Ctrl-C). */
    decision: (token: string) => `${root}/deploy.decision-${token}`,
    deployLog: `${root}/deploy.log.jsonl`,
    gunicornConf: `${root}/gunicorn.conf.py`,
    /** The app's environment ([ENV] and the settings module), per release: 0600, the app user's. */
    envFile: (release: string) => `${root}/releases/${release}/.deploy-env`,
    program: (slot: Slot) => `${s.project}-${slot}`,
    bind: (slot: Slot) => (slot === 'a' ? s.gunicornBind : s.gunicornBindAlt),
    nginxSite: `/etc/nginx/sites-available/${s.project}`,
    nginxEnabled: `/etc/nginx/sites-enabled/${s.project}`,
    upstreamName: (slot: Slot) => `deploy_${s.project}_${slot}`,
    /** Maintenance mode: while this page exists, nginx answers 503 with it (deploy <app> maintenance on). */
    maintenancePage: `${root}/maintenance.html`,
    /** ACME HTTP-01 challenges (every app's certbot webroot): nginx serves it on port 80. */
    acmeRoot: '/var/lib/deploy/acme',
    /** letsencrypt: the links nginx reads the certificate and key through (to certbot's, or a placeholder before the first one). */
    tlsLinks,
    /** The certificate (with its chain) and key nginx reads: letsencrypt's links, or ssl = custom's files. */
    certificate: s.web.ssl === 'letsencrypt' ? `${tlsLinks}/fullchain.pem` : s.web.certificate,
    certificateKey: s.web.ssl === 'letsencrypt' ? `${tlsLinks}/privkey.pem` : s.web.certificateKey,
    sshDir: `${s.home}/.ssh`,
    /** The app user's directories directly in its (root-owned) home: the app writes only below them. */
    appDirs: [`${s.home}/.ssh`, `${s.home}/.cache`, `${s.home}/apps`, dirname(s.venvsDir)],
    deployKey: `${s.home}/.ssh/id_ed25519`,
  };
}

export type Layout = ReturnType<typeof layout>;

/** deploy-ctl (remote/deploy-ctl.sh) on every server: the one root program a deploy user may run. */
export const DEPLOY_CTL = '/usr/local/sbin/deploy-ctl';

/** Shell code printing the live slot (a or b) as nginx decides it. */
export function liveSlotCode(L: Layout): Sh {
  return sh`deploy_live_slot ${L.liveFlag}`;
}

/**
 * The live release as remote/lib/status.sh's readers take it (DIR FLAG): the live slot's link in
 * slots/ as the switch file decides (a web host), or current (a worker: FLAG empty).
 */
export function liveRelease(L: Layout, web: boolean): string[] {
  return web ? [L.slots, L.liveFlag] : [L.current, ''];
}
