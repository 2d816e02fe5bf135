// Where everything lives on a server (README "Server layout"). One place, so
// setup, deploy, rollback and status agree.
import type { Settings } from './settings/types.js';

export type Slot = 'a' | 'b';
export const SLOTS: Slot[] = ['a', 'b'];

export function layout(s: Settings) {
  const root = s.appRoot;
  return {
    root,
    repo: `${root}/repo`,
    releases: `${root}/releases`,
    release: (name: string) => `${root}/releases/${name}`,
    current: `${root}/current`,
    shared: `${root}/shared`,
    sharedDirs: ['media', 'static', 'data', 'log'].map((d) => `${root}/shared/${d}`),
    log: `${root}/shared/log`,
    slot: (slot: Slot) => `${root}/slots/${slot}`,
    slots: `${root}/slots`,
    /** Which slot nginx sends traffic to: a or b. */
    liveSlot: `${root}/slots/live`,
    lock: `${root}/deploy.lock`,
    /** Written (with the run's lock token) when the operator presses Ctrl-C while a step runs. */
    abortFlag: `${root}/deploy.abort`,
    deployLog: `${root}/deploy.log.jsonl`,
    gunicornConf: `${root}/gunicorn.conf.py`,
    program: (slot: Slot) => `${s.project}-${slot}`,
    supervisorConf: (slot: Slot) => `/etc/supervisor/conf.d/${s.project}-${slot}.conf`,
    bind: (slot: Slot) => (slot === 'a' ? s.gunicornBind : s.gunicornBindAlt),
    nginxSite: `/etc/nginx/sites-available/${s.project}`,
    nginxEnabled: `/etc/nginx/sites-enabled/${s.project}`,
    nginxUpstream: `/etc/nginx/sites-available/${s.project}.upstream`,
    upstreamName: `deploy_${s.project}`,
    sshDir: `${s.home}/.ssh`,
    deployKey: `${s.home}/.ssh/id_ed25519`,
  };
}

export type Layout = ReturnType<typeof layout>;
