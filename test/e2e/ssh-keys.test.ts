// How `deploy` finds and uses SSH keys and checks host keys, against a real test host:
// a passphrase-protected identity_file through a real ssh-agent, identity_file mistakes
// found before connecting, connection and authentication errors with the right advice,
// and a host that stops offering the key type known_hosts holds for it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TESTBED_KEY, bootHost, stopAll, type Host } from '../testbed/index.ts';
import { cleanup, runCli, tempDir, writeSettings, type CliResult } from './helpers.ts';

const PASSPHRASE = 'correct horse battery staple';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real ssh-agent on its own socket, stopped by stop(). */
async function startAgent(dir: string): Promise<{ sock: string; stop: () => void }> {
  const sock = join(dir, `agent-${Math.random().toString(36).slice(2)}.sock`);
  const child: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  for (let i = 0; !existsSync(sock); i++) {
    if (i > 100) throw new Error('ssh-agent did not create its socket');
    await sleep(50);
  }
  return { sock, stop: () => child.kill() };
}

/** ssh-add, answering the passphrase prompt through SSH_ASKPASS (no terminal here). */
function sshAdd(sock: string, key: string, dir: string): void {
  const askpass = join(dir, 'askpass.sh');
  writeFileSync(askpass, `#!/bin/sh\necho '${PASSPHRASE}'\n`, { mode: 0o700 });
  execFileSync('ssh-add', [key], {
    env: {
      PATH: process.env.PATH,
      SSH_AUTH_SOCK: sock,
      SSH_ASKPASS: askpass,
      SSH_ASKPASS_REQUIRE: 'force',
      DISPLAY: ':0',
    },
    stdio: 'pipe',
  });
}

function newKey(dir: string, name: string, passphrase = ''): string {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file]);
  return file;
}

function fingerprintOf(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-l', '-f', pubFile], { encoding: 'utf8' }).split(' ')[1];
}

/** Restart the host's sshd (after a config change) and wait until it answers again. */
async function restartSshd(host: Host): Promise<void> {
  await host.run('systemctl restart ssh');
  for (let i = 0; (await host.exec('true')).code !== 0; i++) {
    if (i > 50) throw new Error('sshd did not come back');
    await sleep(200);
  }
}

/**
 * The run got past SSH: its status step ran on the host. (What status finds on a host
 * where nothing is set up is not this test's business.)
 */
function connected(r: CliResult): void {
  assert.match(r.output, /[✓✗] ubuntu@\S+ +status /, r.output);
  assert.doesNotMatch(r.stderr, /cannot connect|host key|identity_file|refused/, r.output);
}

describe('SSH keys and host keys', { timeout: 5 * 60_000 }, () => {
  let host: Host;
  let home: string;
  /** The testbed key (authorised as root and ubuntu), re-encrypted with a passphrase; no .pub beside it. */
  let encrypted: string;

  /** settings.ini for `demo` in home, with this identity_file and these hosts. */
  function settings(identityFile: string, hosts = `ubuntu@${host.ip}`): string {
    const file = writeSettings(home, { repo: 'git@10.213.0.1:/srv/git/demo.git', hosts: [host] });
    const text = readFileSync(file, 'utf8')
      .replace(/^deploy_hosts = .*$/m, `deploy_hosts = ${hosts}`)
      .replace(/^identity_file = .*$/m, `identity_file = ${identityFile}`);
    writeFileSync(file, text);
    return file;
  }
  const status = (file: string, env: Record<string, string> = {}, ...flags: string[]): Promise<CliResult> =>
    runCli(['demo', 'status', '-c', file, ...flags], { home, env });

  before(async () => {
    host = await bootHost('ready', 'sshkeys');
    await host.rekey(); // its own host keys: nothing another test recorded can match them
    home = tempDir();
    encrypted = join(home, 'keys', 'encrypted_key');
    mkdirSync(join(home, 'keys'), { mode: 0o700 });
    copyFileSync(TESTBED_KEY, encrypted);
    chmodSync(encrypted, 0o600);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', encrypted]);
  });
  after(async () => {
    await stopAll();
    cleanup(home);
  });

  it('a passphrase-protected identity_file connects through the ssh-agent that holds it', async () => {
    const agent = await startAgent(home);
    try {
      // Another key first: only the identity_file's key may be offered.
      sshAdd(agent.sock, newKey(home, 'decoy'), home);
      sshAdd(agent.sock, encrypted, home);
      connected(await status(settings(encrypted), { SSH_AUTH_SOCK: agent.sock }, '--yes'));
    } finally {
      agent.stop();
    }
  });

  it('a passphrase-protected identity_file the agent does not hold, or without an agent: the ssh-add hint, exit 2', async () => {
    const file = settings(encrypted);
    let r = await status(file, {}, '--yes');
    assert.equal(r.code, 2, r.output);
    assert.match(r.stderr, /identity_file .*encrypted_key is protected by a passphrase/);
    assert.match(r.stderr, /ssh-add .*encrypted_key/);
    assert.doesNotMatch(r.stderr, /authorized_keys|address and port/);

    const agent = await startAgent(home);
    try {
      sshAdd(agent.sock, newKey(home, 'other'), home);
      r = await status(file, { SSH_AUTH_SOCK: agent.sock }, '--yes');
      assert.equal(r.code, 2, r.output);
      assert.match(r.stderr, /protected by a passphrase.*ssh-agent does not hold it/);
      assert.match(r.stderr, /ssh-add .*encrypted_key/);
    } finally {
      agent.stop();
    }
  });

  it('a missing, directory or non-key identity_file: exit 2 naming identity_file and the path, before any connection', async () => {
    // The first host does not exist: an attempt to connect would fail differently (exit 1).
    const hosts = `ubuntu@10.213.254.2, ubuntu@${host.ip}`;
    const notKey = join(home, 'notes.txt');
    writeFileSync(notKey, 'not a key\n');
    for (const [path, said] of [
      [join(home, 'nope', 'id_ed25519'), /does not exist/],
      [join(home, 'keys'), /is a directory/],
      [notKey, /is not a private key/],
    ] as const) {
      const r = await status(settings(path, hosts), {}, '--yes');
      assert.equal(r.code, 2, `${path}\n${r.output}`);
      assert.match(r.stderr, new RegExp(`identity_file ${path.replace(/[.]/g, '\\.')}`));
      assert.match(r.stderr, said);
      assert.doesNotMatch(r.stderr, /address and port|authorized_keys|cannot connect/);
    }
  });

  it('a key the server refuses: names the key, its fingerprint and authorized_keys', async () => {
    const stranger = newKey(home, 'stranger');
    const r = await status(settings(stranger), {}, '--yes');
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /stranger/);
    assert.match(r.stderr, new RegExp(fingerprintOf(`${stranger}.pub`).replace(/[+]/g, '\\+')));
    assert.match(r.stderr, /~ubuntu\/\.ssh\/authorized_keys/);
    assert.doesNotMatch(r.stderr, /address and port/);
  });

  it('connection refused and an unknown host name get advice about the address or the name', async () => {
    let r = await status(settings(TESTBED_KEY, `ubuntu@${host.ip}:2222`), {}, '--yes');
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /refused/);
    assert.match(r.stderr, /address and port .*sshd/);
    r = await status(settings(TESTBED_KEY, 'ubuntu@no-such-host.invalid'), {}, '--yes');
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /no-such-host\.invalid/);
    assert.match(r.stderr, /host name/);
    assert.doesNotMatch(r.stderr, /authorized_keys/);
  });

  it('host keys: the known key type is preferred; a host that no longer offers it is refused', async () => {
    const knownHosts = join(home, '.ssh', 'known_hosts');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    const [type, key] = (await host.run('cat /etc/ssh/ssh_host_ecdsa_key.pub')).trim().split(/\s+/);
    assert.equal(type, 'ecdsa-sha2-nistp256');
    writeFileSync(knownHosts, `${host.ip} ${type} ${key}\n`);
    const file = settings(TESTBED_KEY);

    // The host offers ed25519 first, but its known ecdsa key is asked for and verified: no question, no new entry.
    connected(await status(file));
    assert.equal(readFileSync(knownHosts, 'utf8'), `${host.ip} ${type} ${key}\n`);

    // Now it offers only ed25519: that is not "a new host", even with --yes.
    await host.run(`printf 'HostKey /etc/ssh/ssh_host_ed25519_key\\n' > /etc/ssh/sshd_config.d/only-ed25519.conf`);
    await restartSshd(host);
    let r = await status(file, {}, '--yes');
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /CHANGED/);
    assert.match(r.stderr, /ecdsa-sha2-nistp256/);
    assert.match(r.stderr, /ssh-ed25519/);
    assert.match(r.stderr, new RegExp(`ssh-keygen -R '?${host.ip.replace(/[.]/g, '\\.')}`));
    assert.equal(readFileSync(knownHosts, 'utf8'), `${host.ip} ${type} ${key}\n`, 'nothing recorded');

    // Its ed25519 key recorded, then replaced by rekey: same type, another key, refused.
    writeFileSync(knownHosts, `${host.ip} ${(await host.run('cat /etc/ssh/ssh_host_ed25519_key.pub')).trim()}\n`);
    connected(await status(file));
    await host.rekey();
    r = await status(file, {}, '--yes');
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /CHANGED/);
    assert.match(r.stderr, /ssh-keygen -R/);
  });
});
