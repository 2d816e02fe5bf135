// How a host is reached: the way `ssh HOST` would. ~/.ssh/config's Host blocks give the real
// HostName, User, Port, IdentityFile and ProxyJump (parsed by the ssh-config package);
// proxy_jump in the settings, like `ssh -J`, takes the place of a ProxyJump there.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { HostSpec } from '../settings/types.js';
import { DEFAULT_KEEPALIVE, type Keepalive } from './lost.js';

export interface Hop {
  /** Where to connect (HostName, Port, User resolved); label: as written. */
  spec: HostSpec;
  /** The key for it: identity_file, else the config's IdentityFile. */
  identityFile?: string;
  /** The config's ConnectTimeout, in ms (default: the connector's). */
  timeoutMs?: number;
  /** The config's ServerAliveInterval and ServerAliveCountMax (default: the connector's). */
  keepalive?: Keepalive;
}

export interface Route extends Hop {
  /** Bastions, in order: the first is reached directly, each next one through the one before. */
  jumps: Hop[];
}

export function userSshConfig(): string {
  return join(homedir(), '.ssh', 'config');
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

type Computed = Record<string, string | string[]>;
const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** `user@host:port` (every part optional but the host), as ProxyJump writes a hop. */
function parseHop(text: string): { user?: string; host: string; port?: number } {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text.trim());
  if (!m) return { host: text.trim() };
  return { user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined };
}

function expand(path: string, host: string, user: string): string {
  return path
    .replace(/^~(?=\/)/, homedir())
    .replace(/%d/g, homedir())
    .replace(/%h/g, host)
    .replace(/%u/g, localUser())
    .replace(/%r/g, user);
}

/**
 * ServerAliveInterval and ServerAliveCountMax, each defaulting to DEFAULT_KEEPALIVE's. An
 * interval of 0 (OpenSSH: no keepalives) is not followed: a run must find out that a host is gone.
 */
function keepalive(c: Computed): Keepalive | undefined {
  const interval = Number(first(c.serveraliveinterval));
  const count = Number(first(c.serveralivecountmax));
  const given = {
    ...(interval > 0 ? { intervalMs: interval * 1000 } : {}),
    ...(Number.isInteger(count) && count > 0 ? { countMax: count } : {}),
  };
  return Object.keys(given).length ? { ...DEFAULT_KEEPALIVE, ...given } : undefined;
}

export class SshConfig {
  private readonly config?: ReturnType<typeof SSHConfig.parse>;

  constructor(file = userSshConfig()) {
    if (existsSync(file)) this.config = SSHConfig.parse(readFileSync(file, 'utf8'));
  }

  private compute(host: string): Computed {
    return (this.config?.compute(host, { ignoreCase: true }) as Computed | undefined) ?? {};
  }

  /** One hop: what was written wins over the config (as on ssh's command line), then the defaults. */
  hop(written: { user?: string; host: string; port?: number; label: string }, identityFile?: string): Hop {
    const c = this.compute(written.host);
    const host = (first(c.hostname) ?? written.host).replace(/%h/g, written.host);
    const user = written.user || first(c.user) || localUser();
    const port = written.port ?? (first(c.port) ? Number(first(c.port)) : 22);
    const fromConfig = first(c.identityfile);
    const timeout = Number(first(c.connecttimeout));
    return {
      spec: { user, host, port, label: written.label, roles: [] },
      identityFile: identityFile ?? (fromConfig ? expand(fromConfig, host, user) : undefined),
      timeoutMs: timeout > 0 ? timeout * 1000 : undefined,
      keepalive: keepalive(c),
    };
  }

  /** The route to a settings host: its hop, and the bastions (proxy_jump, else the config's ProxyJump). */
  route(h: HostSpec, opts: { identityFile?: string; proxyJump: HostSpec[] }): Route {
    const target = this.hop(
      { user: h.user, host: h.host, port: h.portGiven ? h.port : undefined, label: h.label },
      opts.identityFile,
    );
    target.spec.roles = h.roles;
    const configured = first(this.compute(h.host).proxyjump);
    const jumps = opts.proxyJump.length
      ? opts.proxyJump.map((j) =>
          this.hop(
            { user: j.user, host: j.host, port: j.portGiven ? j.port : undefined, label: j.label },
            opts.identityFile,
          ),
        )
      : configured && configured !== 'none'
        ? configured.split(',').map((text) => this.hop({ ...parseHop(text), label: text.trim() }, opts.identityFile))
        : [];
    return { ...target, jumps };
  }
}
