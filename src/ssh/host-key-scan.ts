// Reading a host's key without logging in: the SSH key exchange runs (the key offered is the
// one connect() would be shown: the types known_hosts holds for the host are asked for first,
// and the host proves it holds the key by signing the exchange), then the connection is
// closed before authentication. Nothing is offered to the host, nothing runs on it.
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { HostSpec } from '../settings/types.js';
import { connectionFailure } from './failures.js';
import { knownKeyTypes, preferredHostKeyAlgorithms } from './known-hosts.js';

export interface ReadHostKeyOptions {
  host: HostSpec;
  /** known_hosts files: the types they know for this host are asked for first, as connect() does. */
  files: string[];
  timeoutMs?: number;
  /** A stream to the host through a bastion (Connector.tunnel), instead of a TCP connection. */
  sock?: Duplex;
}

const NOTHING_OFFERED = { offered: [], skipped: [] };

/** The host key blob (as known_hosts stores it, base64-decoded); a ConnectionError naming the cause otherwise. */
export function readHostKey(opts: ReadHostKeyOptions): Promise<Buffer> {
  const { host } = opts;
  const timeoutMs = opts.timeoutMs ?? 20000;
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    let key: Buffer | undefined;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      if (err || !key) reject(connectionFailure(host, err ?? new Error('no host key'), NOTHING_OFFERED, timeoutMs));
      else resolve(key);
    };
    // The exchange is complete (the key's signature checked): close before ssh2 asks for ssh-userauth's first method.
    client.on('handshake', () => settle());
    client.on('error', (err) => settle(err));
    // node-ssh's words for a connection closed before SSH was ready, which connectionFailure knows.
    client.on('close', () => settle(new Error('No response from server')));
    try {
      client.connect({
        host: host.host,
        port: host.port,
        ...(opts.sock ? { sock: opts.sock } : {}),
        // Never sent: authentication does not start.
        username: host.user || 'nobody',
        readyTimeout: timeoutMs,
        algorithms: {
          serverHostKey: preferredHostKeyAlgorithms(
            knownKeyTypes(opts.files, host.host, host.port),
          ) as ssh2.ServerHostKeyAlgorithm[],
        },
        hostVerifier: (blob: Buffer) => {
          key = Buffer.from(blob);
          return true;
        },
        // Should ssh2 get as far as authentication all the same, it tries no method.
        authHandler: ((_methods: unknown, _partial: unknown, next: (m: false) => void) =>
          next(false)) as unknown as ssh2.AuthHandlerMiddleware,
      });
    } catch (err) {
      settle(err as Error);
    }
  });
}
