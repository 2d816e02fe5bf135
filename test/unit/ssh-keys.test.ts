// identity_file checks, passphrase detection, public keys found without the passphrase,
// and the agent offering only the chosen key (a real ssh-agent, no SSH connection).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.ts';
import {
  checkIdentityFile,
  embeddedPublicKey,
  isEncrypted,
  readKeyFile,
  unreadableReason,
} from '../../src/ssh/keys.ts';
import type { AgentAuthMethod } from 'ssh2';
import { prepareAuth, type Auth } from '../../src/ssh/auth.ts';
import { ChosenKeysAgent } from '../../src/ssh/agent.ts';

const PASSPHRASE = 'secret words';
const dir = mkdtempSync(join(tmpdir(), 'ssh-keys-'));
const hasOpenSsh = ['ssh-keygen', 'ssh-agent', 'ssh-add'].every((cmd) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
const needsOpenSsh = { skip: hasOpenSsh ? false : 'needs ssh-keygen, ssh-agent and ssh-add' };

function keygen(name: string, args: string[] = [], passphrase = ''): string {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-C', name, '-N', passphrase, '-f', file, ...args]);
  return file;
}

/** The blob of an OpenSSH .pub line. */
function pubBlob(file: string): Buffer {
  return Buffer.from(readFileSync(file, 'utf8').split(' ')[1], 'base64');
}

/** Expect a UsageError (exit 2) whose message matches. */
function usageError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, message);
    return true;
  });
}

after(() => rmSync(dir, { recursive: true, force: true }));

test('identity_file that is missing, a directory, unreadable or not a key: a UsageError naming it', () => {
  usageError(
    () => checkIdentityFile(join(dir, 'missing')),
    new RegExp(`^identity_file ${dir}/missing does not exist$`),
  );
  usageError(() => checkIdentityFile(join(dir, 'missing', 'deeper')), /does not exist/);
  usageError(() => checkIdentityFile(dir), new RegExp(`^identity_file ${dir} is a directory`));
  writeFileSync(join(dir, 'notes'), 'hello\n');
  usageError(() => checkIdentityFile(join(dir, 'notes')), /^identity_file .*notes is not a private key/);
  writeFileSync(join(dir, 'empty'), '');
  usageError(() => checkIdentityFile(join(dir, 'empty')), /is not a private key/);
  writeFileSync(
    join(dir, 'pkcs8'),
    '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n',
  );
  usageError(() => checkIdentityFile(join(dir, 'pkcs8')), /PKCS#8/);
  // Root reads anything, so the permission case is checked on the errno mapping too.
  assert.equal(
    unreadableReason(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })),
    'cannot be read: permission denied',
  );
  assert.doesNotThrow(() => checkIdentityFile(undefined));
});

test('an unreadable identity_file says permission denied', {
  skip: process.getuid?.() === 0 ? 'root reads any file' : false,
}, () => {
  writeFileSync(join(dir, 'locked'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
  chmodSync(join(dir, 'locked'), 0o000);
  usageError(() => checkIdentityFile(join(dir, 'locked')), /cannot be read: permission denied/);
});

test('a public key given as identity_file is named as such', needsOpenSsh, () => {
  const key = keygen('plain-for-pub');
  usageError(() => checkIdentityFile(`${key}.pub`), /is a public key, not a private key/);
});

test(
  'passphrases: detected in OpenSSH and PEM keys; the public key is read without the passphrase',
  needsOpenSsh,
  () => {
    const plain = keygen('plain');
    const encrypted = keygen('encrypted', [], PASSPHRASE);
    assert.equal(isEncrypted(readFileSync(plain, 'utf8')), false);
    assert.equal(isEncrypted(readFileSync(encrypted, 'utf8')), true);
    // OpenSSH's format stores the public key unencrypted: no .pub needed.
    rmSync(`${encrypted}.pub`, { force: true });
    const key = readKeyFile(encrypted);
    assert.equal(key.encrypted, true);
    const expected = execFileSync('ssh-keygen', ['-y', '-P', PASSPHRASE, '-f', encrypted], { encoding: 'utf8' }).split(
      ' ',
    )[1];
    assert.equal(key.publicKey?.toString('base64'), expected);
    assert.equal(
      embeddedPublicKey('-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----'),
      undefined,
    );

    // A PEM RSA key has no public part: the .pub beside it gives it.
    const pem = join(dir, 'pem_rsa');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASSPHRASE, '-f', pem]);
    assert.match(readFileSync(pem, 'utf8'), /Proc-Type: 4,ENCRYPTED/);
    const pemKey = readKeyFile(pem);
    assert.equal(pemKey.encrypted, true);
    assert.deepEqual(pemKey.publicKey, pubBlob(`${pem}.pub`));
    rmSync(`${pem}.pub`);
    assert.equal(readKeyFile(pem).publicKey, undefined);
  },
);

test('an encrypted identity_file without an agent fails before connecting, with the ssh-add hint', needsOpenSsh, () => {
  const encrypted = keygen('needs-agent', [], PASSPHRASE);
  assert.throws(
    () => checkIdentityFile(encrypted, {}),
    (err: unknown) =>
      err instanceof UsageError &&
      /protected by a passphrase and no ssh-agent is running/.test(err.message) &&
      new RegExp(`ssh-add ${encrypted}$`).test(err.hint ?? ''),
  );
  assert.doesNotThrow(
    () => checkIdentityFile(encrypted, { SSH_AUTH_SOCK: '/whatever' }),
    'whether the agent holds it is asked when connecting',
  );
});

describe('through a real ssh-agent', { skip: needsOpenSsh.skip }, () => {
  let agent: ChildProcess;
  const sock = join(dir, 'agent.sock');
  let encrypted: string;
  let decoy: string;

  before(async () => {
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; !existsSync(sock); i++) {
      if (i > 100) throw new Error('ssh-agent did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    decoy = keygen('decoy');
    encrypted = keygen('in-agent', [], PASSPHRASE);
    for (const key of [decoy, `${encrypted}`]) {
      const askpass = join(dir, 'askpass');
      writeFileSync(askpass, `#!/bin/sh\necho '${PASSPHRASE}'\n`, { mode: 0o700 });
      execFileSync('ssh-add', [key], {
        env: { PATH: process.env.PATH, SSH_AUTH_SOCK: sock, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force' },
        stdio: 'ignore',
      });
    }
  });
  after(() => agent?.kill());

  /** The agent an auth method offers keys through. */
  const agentOf = (method: Auth['methods'][number]): ChosenKeysAgent => {
    assert.equal(method.type, 'agent');
    return (method as AgentAuthMethod).agent as ChosenKeysAgent;
  };
  const identities = (a: ChosenKeysAgent) =>
    new Promise<Buffer[]>((resolve, reject) =>
      a.getIdentities((err, keys) =>
        err
          ? reject(err)
          : resolve((keys ?? []).map((k) => ('getPublicSSH' in k ? k.getPublicSSH() : Buffer.alloc(0)))),
      ),
    );

  test('an encrypted identity_file held by the agent: the agent offers that key only', async () => {
    const auth = await prepareAuth('ubuntu', encrypted, { SSH_AUTH_SOCK: sock });
    assert.equal(auth.methods.length, 1);
    const offered = await identities(agentOf(auth.methods[0]));
    assert.deepEqual(offered, [pubBlob(`${encrypted}.pub`)]);
    assert.match(auth.tried().offered[0].name, /in-agent \(in ssh-agent\)/);
  });

  test('an encrypted identity_file the agent does not hold, or an agent that does not answer: the ssh-add hint', async () => {
    const other = keygen('not-in-agent', [], PASSPHRASE);
    await assert.rejects(
      prepareAuth('ubuntu', other, { SSH_AUTH_SOCK: sock }),
      (err: UsageError) =>
        /does not hold it/.test(err.message) && err.hint!.includes(`ssh-add ${other}`) && err.exitCode === 2,
    );
    await assert.rejects(
      prepareAuth('ubuntu', other, { SSH_AUTH_SOCK: join(dir, 'no-agent.sock') }),
      /protected by a passphrase and the ssh-agent at .* does not answer/,
    );
    await assert.rejects(prepareAuth('ubuntu', other, {}), /no ssh-agent is running/);
  });

  test('a plain identity_file is used directly, not through the agent', async () => {
    const auth = await prepareAuth('ubuntu', decoy, { SSH_AUTH_SOCK: sock });
    assert.deepEqual(
      auth.methods.map((m) => m.type),
      ['publickey'],
    );
    assert.equal(
      auth.tried().offered[0].fingerprint,
      execFileSync('ssh-keygen', ['-l', '-f', `${decoy}.pub`], { encoding: 'utf8' }).split(' ')[1],
    );
  });

  test('without identity_file: the whole agent, then default keys; encrypted defaults skipped, or named when nothing else is there', async () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-f', join(home, '.ssh', 'id_ed25519')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', join(home, '.ssh', 'id_ecdsa')]);
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      let auth = await prepareAuth('ubuntu', undefined, { SSH_AUTH_SOCK: sock });
      assert.deepEqual(
        auth.methods.map((m) => m.type),
        ['agent', 'publickey'],
        'the encrypted id_ed25519 is left to the agent',
      );
      assert.deepEqual(auth.tried().skipped, []);
      assert.equal((await identities(agentOf(auth.methods[0]))).length, 2, 'every agent key');

      auth = await prepareAuth('ubuntu', undefined, {});
      assert.deepEqual(
        auth.methods.map((m) => m.type),
        ['publickey'],
      );
      assert.deepEqual(auth.tried().skipped, ['~/.ssh/id_ed25519']);

      rmSync(join(home, '.ssh', 'id_ecdsa'));
      await assert.rejects(
        prepareAuth('ubuntu', undefined, {}),
        (err: UsageError) =>
          err instanceof UsageError &&
          /~\/\.ssh\/id_ed25519 is protected by a passphrase/.test(err.message) &&
          /ssh-add ~\/\.ssh\/id_ed25519/.test(err.hint!),
      );
      rmSync(join(home, '.ssh', 'id_ed25519'));
      await assert.rejects(prepareAuth('ubuntu', undefined, {}), /no SSH key/);
    } finally {
      process.env.HOME = savedHome;
    }
  });

  test('a stale SSH_AUTH_SOCK does not fail the connection: the agent offers nothing and says why', async () => {
    const stale = new ChosenKeysAgent(join(dir, 'gone.sock'));
    assert.deepEqual(await identities(stale), []);
    assert.ok(stale.failure);
  });
});
