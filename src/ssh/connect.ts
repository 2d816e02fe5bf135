// One SSH connection per host, authenticated like OpenSSH would (identity_file, else
// agent, else the default key files) and host-key checked against known_hosts.
import { NodeSSH } from 'node-ssh';
import type { HostSpec } from '../settings/types.js';
import {
  SYSTEM_KNOWN_HOSTS,
  checkHostKey,
  fingerprint,
  keyType,
  knownKeyTypes,
  preferredHostKeyAlgorithms,
  recordHostKey,
  userKnownHosts,
} from './known-hosts.js';
import { prepareAuth } from './auth.js';
import { connectionFailure, hostKeyRefusal } from './failures.js';
import { ConnectionError } from '../errors.js';
import { DEFAULT_KEEPALIVE, watchConnection, type Keepalive } from './lost.js';

export interface ConnectOptions {
  host: HostSpec;
  identityFile?: string;
  /** Asked when the host key is not in known_hosts; true records it. */
  acceptNewHostKey: (host: HostSpec, type: string, fingerprint: string) => Promise<boolean>;
  /** The user's known_hosts (default ~/.ssh/known_hosts): read, and where new keys are recorded. */
  knownHostsFile?: string;
  /** false: a new key accepted is trusted for this connection only, not recorded (`hosts trust` records keys itself, after its one confirmation). */
  recordNewHostKeys?: boolean;
  /** Read too, never written (default /etc/ssh/ssh_known_hosts). */
  systemKnownHostsFile?: string;
  timeoutMs?: number;
  /** When an established connection is declared dead (default DEFAULT_KEEPALIVE). */
  keepalive?: Keepalive;
  /** Where SSH_AUTH_SOCK comes from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** A stream to the host through a bastion (ProxyJump), instead of a TCP connection. */
  sock?: NodeJS.ReadableStream & NodeJS.WritableStream;
}

/**
 * Connects, or throws: a UsageError for a local key problem (before any connection),
 * a ConnectionError naming the cause (address, host name, key, host key) otherwise.
 */
export async function connect(opts: ConnectOptions): Promise<NodeSSH> {
  const { host } = opts;
  const timeoutMs = opts.timeoutMs ?? 20000;
  const keepalive = opts.keepalive ?? DEFAULT_KEEPALIVE;
  const auth = await prepareAuth(host.user, opts.identityFile, opts.env);
  const userFile = opts.knownHostsFile ?? userKnownHosts();
  const files = [userFile, opts.systemKnownHostsFile ?? SYSTEM_KNOWN_HOSTS];
  const hostKeys = hostKeyVerifier(opts, files, userFile);
  const ssh = new NodeSSH();
  try {
    await ssh.connect({
      host: host.host,
      port: host.port,
      ...(opts.sock ? { sock: opts.sock } : {}),
      username: host.user,
      readyTimeout: timeoutMs,
      keepaliveInterval: keepalive.intervalMs,
      keepaliveCountMax: keepalive.countMax,
      authHandler: auth.methods,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(knownKeyTypes(files, host.host, host.port)) },
      hostVerifier: hostKeys.verify,
    } as Parameters<NodeSSH['connect']>[0]);
  } catch (err) {
    throw hostKeys.problem() ?? connectionFailure(host, err as Error, auth.tried(), timeoutMs);
  }
  watchConnection(ssh.connection!, keepalive);
  return ssh;
}

/**
 * ssh2's hostVerifier: known keys pass, unknown ones are asked about (and recorded in the
 * user's file), anything else is refused. The refusal is kept to be thrown instead of
 * ssh2's bare "Host denied".
 */
function hostKeyVerifier(opts: ConnectOptions, files: string[], userFile: string) {
  const { host } = opts;
  let problem: Error | undefined;
  const verify = (key: Buffer, done: (ok: boolean) => void): void => {
    const check = checkHostKey(files, host.host, host.port, key);
    if (check.status === 'known') return done(true);
    if (check.status !== 'unknown') {
      problem = hostKeyRefusal(host, check, key, userFile);
      return done(false);
    }
    void askAndRecord(key).then(done);
  };
  /** The operator's answer (or --yes); a prompt that fails, or a file we cannot write, refuses. */
  const askAndRecord = async (key: Buffer): Promise<boolean> => {
    const fp = fingerprint(key);
    try {
      if (!(await opts.acceptNewHostKey(host, keyType(key), fp))) {
        problem = new ConnectionError(`${host.label}: host key ${fp} not accepted`);
        return false;
      }
      if (opts.recordNewHostKeys !== false) recordHostKey(userFile, host.host, host.port, key);
      return true;
    } catch (err) {
      problem = err as Error;
      return false;
    }
  };
  return { verify, problem: () => problem };
}
