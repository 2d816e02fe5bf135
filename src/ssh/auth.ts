// Which keys to offer, the way OpenSSH chooses them: identity_file alone (through the
// agent when a passphrase protects it), else the agent's keys, then the default files.
import ssh2, { type AgentAuthMethod, type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';
import { UsageError } from '../errors.js';
import { ChosenKeysAgent, agentKeys } from './agent.js';
import { NO_AGENT, defaultKeyFiles, passphraseError, readKeyFile, type KeyFile } from './keys.js';
import { fingerprint, keyType } from './known-hosts.js';

/** A key as the operator knows it, for messages. */
export interface OfferedKey {
  name: string;
  type: string;
  fingerprint: string;
  /** The key's file, when it came from one. */
  file?: string;
}

/** What was offered, for the message when the server refuses it all. */
export interface AuthTried {
  offered: OfferedKey[];
  /** Default keys left out: a passphrase protects them and there is no agent. */
  skipped: string[];
  /** Why the agent could not be asked, if it could not. */
  agentFailure?: string;
}

export interface Auth {
  /** ssh2's authHandler: tried in order. */
  methods: (AgentAuthMethod | PublicKeyAuthMethod)[];
  /** Read after the attempt: the agent's keys are known once it has been asked. */
  tried(): AuthTried;
}

type Env = NodeJS.ProcessEnv;

function describe(name: string, blob: Buffer, file?: string): OfferedKey {
  return { name, type: keyType(blob), fingerprint: fingerprint(blob), file };
}

/** Throws (before any connection) when the keys cannot be used; asks the agent when it must. */
export async function prepareAuth(
  user: string,
  identityFile: string | undefined,
  env: Env = process.env,
): Promise<Auth> {
  if (!identityFile) return defaultAuth(user, env);
  const key = readKeyFile(identityFile);
  return key.encrypted ? agentCopyAuth(user, key, env) : fileAuth(user, key);
}

/** ssh2's parse of an unencrypted private key, or why it cannot use it. */
function parsePrivate(text: string): ParsedKey | Error {
  const parsed = ssh2.utils.parseKey(text);
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (first instanceof Error) return first;
  return first?.isPrivateKey() ? first : new Error('no private key in it');
}

function fileAuth(user: string, key: KeyFile): Auth {
  const parsed = parsePrivate(key.text);
  // What ssh2 cannot read is a settings problem, found before connecting.
  if (parsed instanceof Error)
    throw new UsageError(
      `identity_file ${key.shown} is not a private key SSH can use: ${parsed.message}`,
      'Set identity_file in [DEPLOY] to your private SSH key (e.g. ~/.ssh/id_ed25519).',
    );
  const offered = [describe(key.shown, parsed.getPublicSSH(), key.shown)];
  return { methods: [{ type: 'publickey', username: user, key: parsed }], tried: () => ({ offered, skipped: [] }) };
}

/**
 * A passphrase-protected identity_file: we never ask for passphrases, so the key must be
 * in the agent. Find its public key (stored unencrypted in the file, or the .pub beside
 * it), check the agent holds it, and let the agent offer that key and no other.
 */
async function agentCopyAuth(user: string, key: KeyFile, env: Env): Promise<Auth> {
  const sock = env.SSH_AUTH_SOCK;
  if (!sock) throw passphraseError(key.shown, NO_AGENT);
  const pub = key.publicKey;
  if (!pub) {
    throw new UsageError(
      `identity_file ${key.shown} is protected by a passphrase and its public key is unknown (no ${key.shown}.pub beside it), so its copy in ssh-agent cannot be found`,
      `Write its public key beside it: ssh-keygen -y -f ${key.shown} > ${key.shown}.pub; and load it into your agent: ssh-add ${key.shown}`,
    );
  }
  let held: ParsedKey[];
  try {
    held = await agentKeys(sock);
  } catch (err) {
    throw passphraseError(key.shown, `the ssh-agent at ${sock} does not answer (${(err as Error).message})`);
  }
  if (!held.some((k) => k.getPublicSSH().equals(pub)))
    throw passphraseError(key.shown, 'the ssh-agent does not hold it');
  const agent = new ChosenKeysAgent(sock, pub);
  const offered = [describe(`${key.shown} (in ssh-agent)`, pub, key.shown)];
  return {
    methods: [{ type: 'agent', username: user, agent }],
    tried: () => ({ offered, skipped: [], agentFailure: agent.failure?.message }),
  };
}

/** No identity_file: the agent's keys, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
function defaultAuth(user: string, env: Env): Auth {
  const methods: Auth['methods'] = [];
  const agent = env.SSH_AUTH_SOCK ? new ChosenKeysAgent(env.SSH_AUTH_SOCK) : undefined;
  if (agent) methods.push({ type: 'agent', username: user, agent });
  const files: OfferedKey[] = [];
  const skipped: string[] = [];
  for (const key of defaultKeyFiles()) {
    // An encrypted default key is left to the agent (that may hold it), as OpenSSH does
    // when it has an agent; without one it would ask for the passphrase, which we do not.
    if (key.encrypted) {
      if (!agent) skipped.push(key.shown);
      continue;
    }
    const parsed = parsePrivate(key.text);
    if (parsed instanceof Error) continue; // unusable default: skipped like OpenSSH
    methods.push({ type: 'publickey', username: user, key: parsed });
    files.push(describe(key.shown, parsed.getPublicSSH(), key.shown));
  }
  if (!methods.length) {
    if (skipped.length) throw passphraseError(skipped[0], NO_AGENT, `your key ${skipped[0]}`);
    throw new UsageError(
      'no SSH key: no ssh-agent and none of ~/.ssh/id_ed25519, id_ecdsa, id_rsa',
      'Set identity_file in [DEPLOY], or start ssh-agent and add your key (ssh-add).',
    );
  }
  const fromAgent = () =>
    (agent?.offered ?? []).map((k) => describe(`ssh-agent key ${k.comment || k.type}`, k.getPublicSSH()));
  return {
    methods,
    tried: () => ({ offered: [...fromAgent(), ...files], skipped, agentFailure: agent?.failure?.message }),
  };
}
