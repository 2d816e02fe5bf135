import type { HookName, LocalHookName, Source } from './schema.js';
import type { Secret } from '../shell.js';

/** web: gunicorn behind nginx; worker: the app's other processes only, no nginx. */
export type Role = 'web' | 'worker';

export interface HostSpec {
  /** Empty when not written: ~/.ssh/config's User, else the local user (as ssh does). */
  user: string;
  host: string;
  port: number;
  /** [user@]host[:port], as written in the settings. */
  label: string;
  /** What it runs; deploy_hosts' hosts are all web hosts. */
  roles: Role[];
  /** The port was written (else ~/.ssh/config's Port, else 22, may apply). */
  portGiven?: boolean;
}

/** Everything a run needs, validated once. Paths are absolute remote paths. */
/** A number of hosts, or a percentage of them. */
export type HostShare = { count: number } | { percent: number };

export interface Settings {
  /** The name given on the command line. */
  app: string;
  /** What loads but was likely not meant (a value an inline comment cut short): said, not refused. Secrets never appear. */
  warnings: string[];
  /** project_name: names paths, supervisor programs and the nginx site. */
  project: string;
  file: string;
  /** '' with source = url, where it is not needed. */
  repository: string;
  branch?: string;
  /** Where releases come from: git (the servers' own clones), archive (sent from this machine), url (downloaded by the servers). */
  source: Source;
  /** source = url: the archive's URL template ({ref}) and its sha256 when fixed (else read from {url}.sha256). */
  archive?: { url: Secret; sha256?: string };
  /** The hosts this run works on (--hosts selects some). */
  hosts: HostSpec[];
  /**
   * Every host of the settings, whatever --hosts selects (labels as `hosts` has them): roles
   * (who runs [PROCESSES]) and the primary are the whole fleet's. Unset: `hosts` is the fleet.
   */
  fleet?: HostSpec[];
  /** Where run-once commands (migrate on a shared database, [RUN_ONCE]) go: a label of hosts. */
  primary: string;
  /** Hosts worked on at once (parallel). */
  parallel: number;
  /** Web hosts switched at once in a rolling deploy (batch_size); undefined: all at once. */
  batchSize?: HostShare;
  /** deploy: hosts that may fail before their switch and be left out (max_failed_hosts). */
  maxFailedHosts: HostShare;
  /** deploy: web hosts that go live first and are watched (canary, canary_wait, canary_max_5xx in percent). */
  canary?: { hosts: HostShare; waitS: number; max5xxPercent: number };
  /** proxy_jump: bastions every host is reached through, in order (as OpenSSH's ProxyJump). */
  proxyJump: HostSpec[];
  identityFile?: string;
  /** Refuse hosts whose key is not known yet, even with --yes. */
  strictHostKeys: boolean;
  /** deploy_user: the SSH login without root for deploy, rollback, status, logs, run and unlock (setup creates it). */
  deployUser?: string;
  /**
   * The local public key files setup authorises for deployUser (~/ not expanded): deploy_user_keys
   * as written; unset, for setup, the default it found (the .pub beside identity_file, else the
   * first of ~/.ssh/id_ed25519.pub, id_ecdsa.pub, id_rsa.pub); otherwise empty.
   */
  deployUserKeys: string[];

  home: string;
  appUser: string;
  /** Why an app_user that could become root is accepted anyway (setup refuses it otherwise). */
  appUserRiskAccepted?: string;
  /** <home>/apps/<app>: releases, repo cache, shared files, slots. */
  appRoot: string;
  /** <home>/virtualenvs/<app>: environments, keyed by requirements hash. */
  venvsDir: string;
  configFile: string;

  python: string;
  systemSitePackages: boolean;
  /** A fleet's new virtualenv built on one host and sent to the others (fleet/build-once.ts). */
  buildOnce: boolean;
  pipIndexUrl?: string;
  pipFindLinks?: string;
  extraPackages: string[];

  gunicornBind: string;
  gunicornBindAlt: string;
  /** undefined: gunicorn.conf.py computes 2 × CPUs + 1 on the host. */
  gunicornWorkers?: number;
  gunicornThreads: number;
  gunicornTimeout: number;
  /** gunicorn's preload_app: the app imported once in the master, the workers forked from it. */
  gunicornPreload: boolean;
  /** After a deploy's switch the previous release's slot keeps running, for a rollback without a boot. */
  keepPreviousSlot: boolean;
  wsgiApp: string;
  /** server_name's names joined by single spaces, as nginx takes them ('_': the catch-all site). */
  serverName: string;
  web: WebSettings;

  keepReleases: number;
  healthPath: string;
  healthTimeout: number;
  migrate: boolean;
  collectstatic: boolean;
  testCommand?: string;

  django: {
    settingsModule?: string;
    debug: boolean;
    allowedHosts: string[];
    /** Holds the database password: a secret. */
    databaseUrl: Secret;
  };
  email: Record<string, string | Secret>;
  /** [ENV]: values are secrets (API keys, passwords). */
  env: Record<string, Secret>;
  commands: Record<string, string>;
  /** [RUN_ONCE]: commands run once per deploy on the primary host, after migrate, before any switch. */
  runOnce: Record<string, string>;
  /** [PROCESSES]: name -> command, the app's long-running processes beside gunicorn. */
  processes: Record<string, string>;
  processManager: 'supervisor' | 'systemd';
  processStop: { signal: string; timeout: number };
  /** System services setup enables and starts, and status reports. */
  services: string[];
  /** [HOOKS]: shell commands at points of a deploy or rollback; once: on the primary only. */
  hooks: Partial<Record<HookName, { command: string; once: boolean }>>;
  /** [LOCAL_HOOKS]: shell commands run on this machine around a deploy or rollback (src/local-hooks.ts). */
  localHooks: LocalHooks;
}

export interface LocalHooks {
  commands: Partial<Record<LocalHookName, string>>;
  /** pass_env: the [ENV] names (env_file's too) the hooks get, with their values. */
  passEnv: Record<string, Secret>;
  /** Seconds a hook may run before it is killed and counts as failed. */
  timeoutS: number;
}

/** The web edge: nginx's ports, HTTPS and its certificate, uploads, the maintenance page. */
export interface WebSettings {
  listenPort: number;
  sslPort: number;
  ssl: 'none' | 'letsencrypt' | 'custom';
  /** ssl = letsencrypt. */
  acme: { email?: string; server: string };
  /** ssl = custom: the certificate (with its chain) and key on the server (layout() says what nginx reads for letsencrypt). */
  certificate: string;
  certificateKey: string;
  hsts: boolean;
  clientMaxBodySize: string;
  /** maintenance = auto: `deploy --maintenance` shows the maintenance page around migrations. */
  maintenanceAuto: boolean;
  maintenanceRetryAfter: number;
}

/** What loadSettings and parseSettings are asked for. */
export interface LoadOptions {
  app: string;
  file: string;
  /** The command about to run: setup also reads the local files it needs (deploy_user's public keys). */
  command?: string;
}
