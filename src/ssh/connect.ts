// One SSH connection per host, authenticated like OpenSSH would (identity_file,
// else agent, else the default key files) and host-key checked against known_hosts.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NodeSSH } from 'node-ssh';
import type { HostSpec } from '../settings/types.js';
import { checkHostKey, fingerprint, keyType, recordHostKey } from './known-hosts.js';
import { ConnectionError } from '../errors.js';

export interface ConnectOptions {
  host: HostSpec;
  identityFile?: string;
  /** Asked when the host key is not in known_hosts; true records it. */
  acceptNewHostKey: (host: HostSpec, type: string, fingerprint: string) => Promise<boolean>;
  knownHostsFile?: string;
  timeoutMs?: number;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function expandHome(p: string): string {
  return p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

type AuthMethod = { type: 'agent'; username: string; agent: string } | { type: 'publickey'; username: string; key: Buffer };

function authMethods(user: string, identityFile?: string): AuthMethod[] {
  if (identityFile) {
    const path = expandHome(identityFile);
    if (!existsSync(path)) throw new ConnectionError(`identity_file ${identityFile} does not exist`);
    return [{ type: 'publickey', username: user, key: readFileSync(path) }];
  }
  const methods: AuthMethod[] = [];
  if (process.env.SSH_AUTH_SOCK) methods.push({ type: 'agent', username: user, agent: process.env.SSH_AUTH_SOCK });
  for (const name of DEFAULT_KEYS) {
    const path = join(homedir(), '.ssh', name);
    if (existsSync(path)) methods.push({ type: 'publickey', username: user, key: readFileSync(path) });
  }
  if (!methods.length) throw new ConnectionError('no SSH key: no ssh-agent and none of ~/.ssh/id_ed25519, id_ecdsa, id_rsa', 'Set identity_file in [DEPLOY] or start ssh-agent.');
  return methods;
}

export async function connect(opts: ConnectOptions): Promise<NodeSSH> {
  const { host } = opts;
  const knownHosts = opts.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');
  let hostKeyProblem: ConnectionError | undefined;
  const ssh = new NodeSSH();
  try {
    await ssh.connect({
      host: host.host,
      port: host.port,
      username: host.user,
      readyTimeout: opts.timeoutMs ?? 20000,
      keepaliveInterval: 15000,
      authHandler: authMethods(host.user, opts.identityFile),
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        const status = checkHostKey(knownHosts, host.host, host.port, key);
        if (status === 'known') return verify(true);
        const fp = fingerprint(key);
        if (status === 'changed') {
          hostKeyProblem = new ConnectionError(
            `${host.label}: the host key has CHANGED (${keyType(key)} ${fp}) and does not match ${knownHosts}; refusing to connect`,
            `If the server was reinstalled, remove the old key with: ssh-keygen -R '${host.port === 22 ? host.host : `[${host.host}]:${host.port}`}' -f ${knownHosts}`,
          );
          return verify(false);
        }
        opts.acceptNewHostKey(host, keyType(key), fp).then(
          (ok) => {
            if (ok) recordHostKey(knownHosts, host.host, host.port, key);
            else hostKeyProblem = new ConnectionError(`${host.label}: host key ${fp} not accepted`);
            verify(ok);
          },
          (err) => {
            hostKeyProblem = err;
            verify(false);
          },
        );
      },
    } as Parameters<NodeSSH['connect']>[0]);
  } catch (err) {
    if (hostKeyProblem) throw hostKeyProblem;
    const msg = (err as Error).message;
    const hint = /authentication methods failed/i.test(msg)
      ? `Check that your key is in ~${host.user}/.ssh/authorized_keys on ${host.host} (or set identity_file).`
      : 'Check the address and port in deploy_hosts and that sshd is running.';
    throw new ConnectionError(`${host.label}: cannot connect: ${msg}`, hint);
  }
  return ssh;
}
