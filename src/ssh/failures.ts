// What went wrong when connecting, said so that the `next:` line points at the real
// cause: the address, the host name, the key, or the host key.
import type { HostSpec } from '../settings/types.js';
import { ConnectionError } from '../errors.js';
import { fingerprint, hostPattern, keyType, type HostKeyCheck, type KnownHostsEntry } from './known-hosts.js';
import type { AuthTried } from './auth.js';

type NetError = Error & { code?: string; level?: string };

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

/** Turns ssh2's (or the socket's) error into one line and a hint. */
export function connectionFailure(host: HostSpec, err: NetError, tried: AuthTried, timeoutMs: number): ConnectionError {
  const where = `${host.host}:${host.port}`;
  const checkAddress = `Check the address and port in deploy_hosts (${host.label}) and that sshd is running on ${host.host}.`;
  const code = err.code ?? '';
  if (DNS.has(code)) {
    const why = code === 'EAI_AGAIN' ? 'cannot be resolved now (no answer from DNS)' : 'does not resolve to an address';
    return new ConnectionError(
      `${host.label}: cannot connect: the host name ${host.host} ${why} (${code})`,
      `Check the host name in deploy_hosts (spelling, DNS, /etc/hosts).`,
    );
  }
  if (code === 'ECONNREFUSED')
    return new ConnectionError(`${host.label}: cannot connect: ${where} refused the connection`, checkAddress);
  if (UNREACHABLE.has(code))
    return new ConnectionError(
      `${host.label}: cannot connect: no route to ${host.host} (${code})`,
      `${checkAddress} Is the machine up and on a network this one reaches?`,
    );
  // node-ssh's word for a connection closed, without an error, before SSH was ready.
  if (err.message === 'No response from server')
    return new ConnectionError(
      `${host.label}: cannot connect: ${where} closed the connection before SSH was ready`,
      checkAddress,
    );
  if (code === 'ETIMEDOUT' || err.level === 'client-timeout') {
    return new ConnectionError(
      `${host.label}: cannot connect: no answer from ${where} within ${Math.round(timeoutMs / 1000)} s`,
      `${checkAddress} A firewall may drop the connection.`,
    );
  }
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message))
    return authFailure(host, tried);
  return new ConnectionError(`${host.label}: cannot connect: ${err.message}`, checkAddress);
}

/** The server refused every key: the key is not in that user's authorized_keys. */
function authFailure(host: HostSpec, { offered, skipped, agentFailure }: AuthTried): ConnectionError {
  const agent = agentFailure ? `the ssh-agent (SSH_AUTH_SOCK) did not answer: ${agentFailure}` : undefined;
  const passphrases = skipped.length
    ? `${skipped.join(', ')} skipped: protected by a passphrase and no ssh-agent is running`
    : undefined;
  if (!offered.length) {
    return new ConnectionError(
      `${host.label}: no SSH key to offer: ${agent ?? 'the ssh-agent holds no key'}, and none of ~/.ssh/id_ed25519, id_ecdsa, id_rsa is usable`,
      'Set identity_file in [DEPLOY] to your key, or load it into your agent with ssh-add.',
    );
  }
  const notes = [passphrases, agent].filter(Boolean);
  const keys = offered.map((k) => `${k.name} (${k.type} ${k.fingerprint})`).join(', ');
  const which = offered.length === 1 ? 'key' : 'keys';
  return new ConnectionError(
    `${host.label}: the server refused the ${which} offered for ${host.user}: ${keys}${notes.length ? ` (${notes.join('; ')})` : ''}`,
    `Add the public ${which === 'key' ? 'key' : 'key you mean to use'} to ~${host.user}/.ssh/authorized_keys on ${host.host} (e.g. ${copyIdCommand(host, offered)}), or set identity_file to a key that is there.`,
  );
}

/** ssh-copy-id for the one key file offered, else with a placeholder. */
function copyIdCommand(host: HostSpec, offered: AuthTried['offered']): string {
  const file = offered.length === 1 && offered[0].file ? offered[0].file : 'KEY';
  const port = host.port === 22 ? '' : ` -p ${host.port}`;
  return `ssh-copy-id -i ${file}${port} ${host.user}@${host.host}`;
}

function at(e: KnownHostsEntry): string {
  return `${e.file}:${e.line}`;
}

/** ssh-keygen -R for each file holding an offending entry. */
export function removeCommands(host: { host: string; port: number }, known: KnownHostsEntry[]): string {
  const name = hostPattern(host.host, host.port);
  const files = [...new Set(known.map((e) => e.file))];
  return files.map((f) => `ssh-keygen -R '${name}' -f ${f}`).join(' and ');
}

function removeHint(host: HostSpec, known: KnownHostsEntry[]): string {
  return `If the server was reinstalled or its host keys replaced on purpose, remove the old key with: ${removeCommands(host, known)}; then run again (--yes records the new key).`;
}

/** Why a presented host key is refused (anything but known or unknown), as a ConnectionError. */
export function hostKeyRefusal(
  host: HostSpec,
  check: Exclude<HostKeyCheck, { status: 'known' | 'unknown' }>,
  blob: Buffer,
  userFile: string,
): ConnectionError {
  const offered = `${keyType(blob)} ${fingerprint(blob)}`;
  switch (check.status) {
    case 'changed': {
      const sameType = check.known.find((e) => e.type === keyType(blob));
      if (sameType) {
        return new ConnectionError(
          `${host.label}: the host key has CHANGED: it presents ${offered}, which is not the ${sameType.type} key known for it in ${at(sameType)}; refusing to connect`,
          removeHint(host, check.known),
        );
      }
      const types = [...new Set(check.known.map((e) => e.type))].join(', ');
      return new ConnectionError(
        `${host.label}: the host key has CHANGED: its known key is of type ${types} (${at(check.known[0])}), but it no longer offers that type and presents ${offered} instead; refusing to connect`,
        removeHint(host, check.known),
      );
    }
    case 'revoked':
      return new ConnectionError(
        `${host.label}: the host key ${offered} is REVOKED (@revoked in ${at(check.entry)}); refusing to connect`,
        `The server needs a new host key; ask its administrator.`,
      );
    case 'cert-authority': {
      const port = host.port === 22 ? '' : ` -p ${host.port}`;
      return new ConnectionError(
        `${host.label}: known_hosts trusts only a certificate authority for ${host.host} (@cert-authority in ${at(check.authorities[0])}), and deploy does not support host certificates; refusing to connect`,
        `Check that ${offered} is this host's key (out of band), then record the key itself: ssh-keyscan -t ${keyType(blob)}${port} ${host.host} >> ${userFile}`,
      );
    }
  }
}
