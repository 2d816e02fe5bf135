// Connections along routes (src/ssh/route.ts): a bastion is connected to once and shared by
// every host behind it (SSH channels multiplex), each hop host-key checked like any host, and
// closed when the last host using it is.
import type { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { ConnectionError } from '../errors.js';
import type { HostSpec } from '../settings/types.js';
import { connect, type ConnectOptions } from './connect.js';
import type { Hop, Route } from './route.js';

type Common = Omit<ConnectOptions, 'host' | 'identityFile' | 'sock'>;

/** A stream to host:port, opened by the bastion `via`. */
function forward(via: NodeSSH, through: Hop, to: HostSpec): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    via.connection!.forwardOut('127.0.0.1', 0, to.host, to.port, (err, stream) => {
      if (!err) return resolve(stream);
      reject(
        new ConnectionError(
          `${to.label}: the bastion ${through.spec.label} cannot reach ${to.host}:${to.port} (${err.message})`,
          `Check that ${through.spec.host} reaches ${to.host} on port ${to.port} (and AllowTcpForwarding is on there).`,
        ),
      );
    });
  });
}

export class Connector {
  private readonly jumps = new Map<string, { conn: Promise<NodeSSH>; users: number }>();

  constructor(private readonly common: Common) {}

  /** Connects to the route's host, through its bastions; release() when done with it. */
  async open(route: Route): Promise<NodeSSH> {
    return connect({
      ...this.common,
      host: route.spec,
      identityFile: route.identityFile,
      timeoutMs: route.timeoutMs ?? this.common.timeoutMs,
      keepalive: route.keepalive ?? this.common.keepalive,
      sock: await this.tunnel(route),
    });
  }

  /**
   * A stream to the route's host through its bastions (each connected to once and shared, as
   * open() does), or undefined when it has none: nothing is sent to the host itself. release() when done.
   */
  async tunnel(route: Route): Promise<ClientChannel | undefined> {
    let via: { conn: NodeSSH; hop: Hop } | undefined;
    for (const [i, hop] of route.jumps.entries()) {
      const key = this.key(route, i);
      let entry = this.jumps.get(key);
      if (!entry) {
        const prev = via;
        const conn = (async () =>
          connect({
            ...this.common,
            host: hop.spec,
            identityFile: hop.identityFile,
            timeoutMs: hop.timeoutMs ?? this.common.timeoutMs,
            keepalive: hop.keepalive ?? this.common.keepalive,
            sock: prev ? await forward(prev.conn, prev.hop, hop.spec) : undefined,
          }))();
        entry = { conn, users: 0 };
        this.jumps.set(key, entry);
      }
      entry.users++;
      via = { conn: await entry.conn, hop };
    }
    return via ? forward(via.conn, via.hop, route.spec) : undefined;
  }

  /** The route's host is done: bastions nobody else uses are closed. */
  async release(route: Route): Promise<void> {
    for (let i = route.jumps.length - 1; i >= 0; i--) {
      const key = this.key(route, i);
      const entry = this.jumps.get(key);
      if (!entry || --entry.users > 0) continue;
      this.jumps.delete(key);
      (await entry.conn.catch(() => undefined))?.dispose();
    }
  }

  private key(route: Route, upTo: number): string {
    return route.jumps
      .slice(0, upTo + 1)
      .map((j) => `${j.spec.user}@${j.spec.host}:${j.spec.port}`)
      .join(' > ');
  }
}
