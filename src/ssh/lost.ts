// A connection that dies after its handshake: ssh2 reports it as an 'error' event on the client
// (unanswered keepalives, a reset) and node-ssh listens for errors only while connecting, so
// without a listener of ours the process would crash. The cause is kept, for the executor to
// fail the step under way (or the next one) with it.
import type { Client } from 'ssh2';
import { ConnectionError } from '../errors.js';

/** How often the client asks the server for a sign of life, and how many unanswered asks mean dead. */
export interface Keepalive {
  intervalMs: number;
  countMax: number;
}

/**
 * ssh2's keepalives (OpenSSH's ServerAliveInterval and ServerAliveCountMax): a host is declared
 * dead (countMax + 1) × interval after its last answer, 20 s (15-20 s after it dropped), not
 * the minute of 15 s × 3 before. sshd answers a keepalive from its main loop, even while the
 * step's commands keep the machine busy, so a live host never stays silent that long; and a
 * few seconds' stall (the reliability suite cuts SSH for 3 s) still resumes.
 */
export const DEFAULT_KEEPALIVE: Keepalive = { intervalMs: 5000, countMax: 3 };

const ended = new WeakMap<Client, string>();

type NetError = Error & { code?: string; level?: string };

function describe(err: NetError, keepalive: Keepalive): string {
  if (err.level === 'client-timeout')
    return `no answer to ${keepalive.countMax} SSH keepalives sent ${keepalive.intervalMs / 1000} s apart`;
  if (err.code === 'ECONNRESET') return 'the connection was reset (ECONNRESET)';
  if (err.code) return `the connection failed (${err.code})`;
  return err.message;
}

/** From the handshake on: every error of the connection is recorded, none is thrown. */
export function watchConnection(conn: Client, keepalive: Keepalive): void {
  conn.on('error', (err: NetError) => {
    if (!ended.has(conn)) ended.set(conn, describe(err, keepalive));
  });
  conn.on('close', () => {
    if (!ended.has(conn)) ended.set(conn, 'the server closed the connection');
  });
}

/** Why the connection ended, once it has. */
export function connectionEnded(conn: Client): string | undefined {
  return ended.get(conn);
}

/** The host's SSH connection is gone: what ran there last, and how it ended, are unknown. */
export class ConnectionLostError extends ConnectionError {
  constructor(
    readonly host: string,
    /** The step under way, or about to start, when it was found gone. */
    readonly step: string | undefined,
    readonly reason: string,
  ) {
    super(
      `${host}: connection lost${step ? ` during "${step}"` : ''}: ${reason}`,
      `The host is down, or the network between here and there dropped the connection: check that it is up and that this machine reaches it (ssh ${host}), then run the command again.`,
    );
  }
}
