// The accounts on the servers: app_user, deploy_user, and the public keys setup authorises
// for deploy_user (read from local files).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { list } from './rules.js';
import type { Checker } from './checker.js';
import type { HostSpec } from './types.js';
import { printable } from '../printable.js';

/**
 * app_user runs the app; deploy_user is the SSH login without root for everyday commands.
 * The table's rules make each a user of its own; what depends on other keys is here: neither
 * may be a deploy_hosts user (they have sudo), nor the same as the other.
 */
export function accounts(
  c: Checker,
  hosts: HostSpec[],
): { appUser: string; deployUser?: string; deployUserKeys: string[] } {
  const sudoers = new Set(hosts.map((h) => h.user));
  const account = (key: string): string => {
    const v = c.value(key);
    // Only a value given (and not refused already): the default is ours.
    if (c.get(key) && sudoers.has(v))
      c.report(key, `${printable(v)} is a deploy_hosts user, who has sudo: ${key} must be a user without it`);
    return v;
  };
  const appUser = account('app_user');
  const deployUser = account('deploy_user') || undefined;
  if (deployUser && deployUser === appUser)
    c.report('deploy_user', 'must differ from app_user (the app must not be able to change its own code)');
  // Whether the keys do anything depends on deploy_user; that problem comes before those of each file.
  const deployUserKeys = list(c.get('deploy_user_keys'));
  if (deployUserKeys.length && !deployUser && c.ok('deploy_user'))
    c.report('deploy_user_keys', 'has no effect without deploy_user');
  c.checkEach('deploy_user_keys', deployUserKeys);
  return { appUser, deployUser, deployUserKeys };
}

/**
 * The public key files setup authorises for deploy_user, read now, so that a missing or unusable
 * one stops setup before it touches a host. Only for setup: no other command reads them, and a
 * CI job may hold only its private key. Unset, the .pub beside identity_file; without
 * identity_file, the first of ssh's default keys' .pub that exists.
 */
export function authorisedKeys(c: Checker, deployUser: string | undefined, given: string[], setup: boolean): string[] {
  if (!deployUser || !setup || !c.ok('deploy_user_keys')) return given;
  const instead = 'set deploy_user_keys to the public key files of the keys that will log in as it';
  if (given.length) {
    for (const problem of given.map(publicKeyProblem)) if (problem) c.report('deploy_user_keys', problem);
    return given;
  }
  const identity = c.value('identity_file');
  const found = identity
    ? `${identity}.pub`
    : SSH_DEFAULT_KEYS.map((k) => join(homedir(), '.ssh', `${k}.pub`)).find((f) => existsSync(f));
  if (!found) {
    c.report(
      'deploy_user',
      `no public key to authorise for it: deploy_user_keys is not set, there is no identity_file, and none of ${SSH_DEFAULT_KEYS.map((k) => `~/.ssh/${k}.pub`).join(', ')} exists; ${instead}`,
    );
    return [];
  }
  const problem = publicKeyProblem(found);
  if (problem)
    c.report(
      'deploy_user',
      `deploy_user_keys is not set and its default${identity ? ', the .pub beside identity_file,' : ''} is not usable: ${problem}; ${instead}`,
    );
  return [found];
}

/** ssh's own default keys, in the order it tries them (as identity_file's default). */
const SSH_DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Why a local file cannot be authorised as a public key (its content is never shown). */
function publicKeyProblem(file: string): string | undefined {
  try {
    const key = readFileSync(file.replace(/^~(?=\/)/, homedir()), 'utf8').trim();
    return /^(ssh-|ecdsa-|sk-)\S+ \S+/.test(key) ? undefined : `${printable(file)} is not an OpenSSH public key`;
  } catch (e) {
    return `cannot read ${printable(file)}: ${(e as NodeJS.ErrnoException).code ?? e}`;
  }
}
