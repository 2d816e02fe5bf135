// ssh-agent through ssh2's own client, restricted to the keys we mean to offer.
import ssh2, { type IdentityCallback, type KnownPublicKeys, type ParsedKey } from 'ssh2';

/**
 * The agent at `socketPath`, offering only the key `only` when given (like OpenSSH's
 * IdentitiesOnly with -i: the agent's other keys would count against the server's
 * MaxAuthTries, and are not what identity_file asked for). Remembers what it offered,
 * for the message when the server refuses them.
 */
export class ChosenKeysAgent extends ssh2.OpenSSHAgent {
  offered: ParsedKey[] = [];
  /** Why the agent could not be asked, if it could not. */
  failure?: Error;

  constructor(
    socketPath: string,
    private readonly only?: Buffer,
  ) {
    super(socketPath);
  }

  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    super.getIdentities((err, keys) => {
      if (err) {
        // A stale SSH_AUTH_SOCK must not fail the connection (ssh2 would raise it as
        // the connection's error): OpenSSH goes on without the agent, and so do we.
        this.failure = err;
        return cb(undefined, []);
      }
      this.offered = parsedKeys(keys).filter((k) => !this.only || k.getPublicSSH().equals(this.only));
      cb(undefined, this.offered);
    });
  }
}

/** The public keys the agent holds; rejects when it does not answer. */
export function agentKeys(socketPath: string): Promise<ParsedKey[]> {
  return new Promise((resolve, reject) => {
    new ssh2.OpenSSHAgent(socketPath).getIdentities((err, keys) => (err ? reject(err) : resolve(parsedKeys(keys))));
  });
}

/** OpenSSH's agent answers with parsed keys; the types allow other shapes, so parse those. */
function parsedKeys(keys: KnownPublicKeys<ParsedKey> | undefined): ParsedKey[] {
  return (keys ?? []).flatMap((k) => {
    const parsed = 'pubKey' in k ? ssh2.utils.parseKey(k.pubKey as ParsedKey | Buffer) : k;
    return parsed instanceof Error ? [] : [parsed];
  });
}
