import type { Secret } from '../shell.js';

export interface HostSpec {
  user: string;
  host: string;
  port: number;
  /** user@host[:port], as written in deploy_hosts. */
  label: string;
}

/** Everything a run needs, validated once. Paths are absolute remote paths. */
export interface Settings {
  /** The name given on the command line. */
  app: string;
  /** project_name: names paths, supervisor programs and the nginx site. */
  project: string;
  file: string;
  repository: string;
  branch?: string;
  hosts: HostSpec[];
  identityFile?: string;
  /** Refuse hosts whose key is not known yet, even with --yes. */
  strictHostKeys: boolean;
  /** deploy_user: the SSH login without root for deploy, rollback, status, logs, run and unlock (setup creates it). */
  deployUser?: string;
  /** deploy_user_keys: local public key files for deployUser, as written (~/ not expanded); empty when not set. */
  deployUserKeys: string[];

  home: string;
  appUser: string;
  /** <home>/apps/<app>: releases, repo cache, shared files, slots. */
  appRoot: string;
  /** <home>/virtualenvs/<app>: environments, keyed by requirements hash. */
  venvsDir: string;
  configFile: string;

  python: string;
  systemSitePackages: boolean;
  pipIndexUrl?: string;
  pipFindLinks?: string;
  extraPackages: string[];

  gunicornBind: string;
  gunicornBindAlt: string;
  gunicornWorkers: number;
  gunicornTimeout: number;
  wsgiApp: string;
  serverName: string;

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
}
