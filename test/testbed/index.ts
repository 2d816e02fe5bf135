// Test hosts for end-to-end tests: a thin wrapper over testbed.sh (see README.md).
//
//   import { bootHost, bootGitServer, stopAll, TESTBED_KEY } from '../testbed/index.ts';
//   const host = await bootHost('ready');           // real Debian 12, ssh root@host.ip
//   const trixie = await bootHost('ready-trixie');  // the same on Debian 13
//   after(stopAll);
//   await host.reboot({ hard: true });              // faults: reboot, link, blockSsh, smallFs
//
// Every host booted by this process is torn down when the process exits, even on a
// crash or SIGINT/SIGTERM. Hosts of a SIGKILLed process are reaped by the next
// ensureImages() call (or `testbed.sh reap` / `testbed.sh down-all`).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Absolute path of testbed.sh. */
export const TESTBED_SCRIPT: string = fileURLToPath(new URL('./testbed.sh', import.meta.url));

/** Private key (no passphrase) accepted by root@ and ubuntu@ on every host. */
export const TESTBED_KEY: string = `${process.env.DEPLOY_TESTBED_CACHE ?? '/var/cache/deploy-testbed'}/id_ed25519`;

/**
 * base: debootstrap + ssh, sudo; ready: + nginx, supervisor, Django, Flask, gunicorn, psycopg2, pip, logrotate,
 * certbot, pebble; db: ready + PostgreSQL. All Debian 12 (bookworm); `-trixie` ones the same on Debian 13.
 */
export type Image = 'base' | 'ready' | 'db' | 'base-trixie' | 'ready-trixie' | 'db-trixie';

/** The Debian release a host runs. */
export type Suite = 'bookworm' | 'trixie';

/** The image of this kind for a Debian release: imageFor('ready', 'trixie') is 'ready-trixie'. */
export function imageFor(kind: 'base' | 'ready' | 'db', suite: Suite = 'bookworm'): Image {
  return suite === 'bookworm' ? kind : `${kind}-${suite}`;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Host {
  /** Host name (also its hostname inside the container). */
  name: string;
  /** IPv4 address, 10.213.N.2; sshd on port 22. */
  ip: string;
  image: Image;
  /** The host's network namespace (`ip netns exec NETNS ...` runs a command in it). */
  netns: string;
  /** Run a shell command as root on the host; never throws on a non-zero exit. */
  exec(cmd: string): Promise<ExecResult>;
  /** Run a shell command as root on the host; returns stdout, throws (with stderr) on a non-zero exit. */
  run(cmd: string): Promise<string>;
  /** Give the host its own SSH host keys (all hosts share the image's otherwise). */
  rekey(): Promise<void>;
  /** Stop the host; all changes are discarded. Idempotent. */
  stop(): Promise<void>;
  /**
   * Restart the host on the same disk, address and network namespace; resolves once
   * ssh answers again (nginx, supervisor and ssh start by themselves). Orderly, like
   * `systemctl reboot`, or with `hard: true` a power cut: every process is killed at once.
   */
  reboot(opts?: { hard?: boolean }): Promise<void>;
  /** Cut (`false`) or restore (`true`) the host's network link; open TCP connections stall, then resume. */
  link(up: boolean): Promise<void>;
  /** Drop (`true`) or let through (`false`) TCP port 22 to and from the host; other ports keep working. */
  /** The host accepts SSH only from this address (a bastion), or again from anywhere ('off'). */
  sshOnlyFrom(ip: string | 'off'): Promise<void>;
  blockSsh(on: boolean): Promise<void>;
  /**
   * Mount a tmpfs of sizeKb KiB (rounded up to 4 KiB pages) at path on the host, mode 755,
   * owned by owner (`user` or `user:group`; default: the path's owner; the path is created
   * if missing). Writes beyond its size fail with ENOSPC. A reboot drops it.
   */
  smallFs(path: string, sizeKb: number, owner?: string): Promise<void>;
}

export interface GitServer extends Host {
  /** Create an empty bare repo /srv/git/NAME.git (branch main); returns `git@IP:/srv/git/NAME.git`. */
  createRepo(name: string): Promise<string>;
  /** Push refs of the local work tree localDir (default: main and all tags) to the repo. */
  push(repo: string, localDir: string, refs?: string[]): Promise<void>;
  /** Let the holder of this public key (one authorized_keys line) use the git server. */
  authorize(pubkey: string): Promise<void>;
}

/** Hosts this process has booted or is booting, by name. */
const live = new Set<string>();
let counter = 0;
let handlersInstalled = false;
/** Image builds asked for by this process, by the images' names ('' for the default set). */
const imagesReady = new Map<string, Promise<void>>();

function testbed(args: string[], opts: { stderrToParent?: boolean } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [TESTBED_SCRIPT, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEPLOY_TESTBED_OWNER: String(process.pid) },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      if (opts.stderrToParent) process.stderr.write(b);
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

async function testbedOk(args: string[], opts?: { stderrToParent?: boolean }): Promise<string> {
  const r = await testbed(args, opts);
  if (r.code !== 0) {
    throw new Error(`testbed.sh ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr.trim()}`);
  }
  return r.stdout;
}

function cleanupSync(): void {
  if (live.size === 0) return;
  const names = [...live];
  live.clear();
  spawnSync('bash', [TESTBED_SCRIPT, 'down', ...names], { stdio: 'ignore', timeout: 30_000 });
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', cleanupSync);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      cleanupSync();
      process.exit(code);
    });
  }
}

function hostName(prefix?: string): string {
  const base =
    (prefix ?? `t${process.pid}`)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24) || 't';
  return `${base}-${++counter}`;
}

/**
 * Build images if they are not cached yet (minutes, once per machine): by default the Debian 12
 * ones (base, ready, db); name others to have them too, e.g. ensureImages(['ready-trixie']).
 */
export function ensureImages(images: Image[] = []): Promise<void> {
  const key = images.join(' ');
  let ready = imagesReady.get(key);
  if (!ready) {
    ready = (async () => {
      if (key) await ensureImages(); // the defaults, and the reaping
      await testbedOk(['images', ...images], { stderrToParent: true });
      if (!key) await testbedOk(['reap']); // hosts left by SIGKILLed test processes
    })();
    imagesReady.set(key, ready);
    ready.catch(() => imagesReady.delete(key));
  }
  return ready;
}

/** Boot a fresh host from an image (about 1 s once the images exist). */
export async function bootHost(image: Image = 'ready', prefix?: string): Promise<Host> {
  await ensureImages(image.includes('-') ? [image] : []);
  installHandlers();
  const name = hostName(prefix);
  live.add(name);
  let ip: string;
  try {
    ip = (await testbedOk(['up', name, image])).trim();
  } catch (e) {
    live.delete(name);
    throw e;
  }
  const exec = (cmd: string) => testbed(['ssh', name, cmd]);
  return {
    name,
    ip,
    image,
    netns: `dt-${name}`,
    exec,
    async run(cmd: string) {
      const r = await exec(cmd);
      if (r.code !== 0) {
        throw new Error(`command failed on ${name} (${ip}) with exit ${r.code}: ${cmd}\n${r.stderr.trim()}`);
      }
      return r.stdout;
    },
    async rekey() {
      await testbedOk(['rekey', name]);
    },
    async stop() {
      live.delete(name);
      await testbedOk(['down', name]);
    },
    async reboot(opts: { hard?: boolean } = {}) {
      await testbedOk(['reboot', name, ...(opts.hard ? ['--hard'] : [])]);
    },
    async link(up: boolean) {
      await testbedOk(['link', name, up ? 'up' : 'down']);
    },
    async blockSsh(on: boolean) {
      await testbedOk(['block-ssh', name, on ? 'on' : 'off']);
    },
    async sshOnlyFrom(ip: string | 'off') {
      await testbedOk(['ssh-only-from', name, ip]);
    },
    async smallFs(path: string, sizeKb: number, owner?: string) {
      await testbedOk(['smallfs', name, path, String(sizeKb), ...(owner ? [owner] : [])]);
    },
  };
}

/** Boot a ready host and make it a git server (user git, repos under /srv/git). */
export async function bootGitServer(prefix?: string): Promise<GitServer> {
  const host = await bootHost('ready', prefix);
  try {
    await testbedOk(['gitserver', host.name]);
  } catch (e) {
    await host.stop().catch(() => {});
    throw e;
  }
  return {
    ...host,
    async createRepo(name: string) {
      return (await testbedOk(['gitrepo', host.name, name])).trim();
    },
    async push(repo: string, localDir: string, refs: string[] = []) {
      await testbedOk(['gitpush', host.name, repo, localDir, ...refs]);
    },
    async authorize(pubkey: string) {
      // Many hosts authorising at once can meet sshd's MaxStartups (the connection is closed
      // before the key exchange, ssh exits 255): adding a key twice is harmless, so try again.
      for (let attempt = 1; ; attempt++) {
        const r = await testbed(['gitauth', host.name, pubkey.trim()]);
        if (r.code === 0) return;
        if (r.code !== 255 || attempt === 5)
          throw new Error(`testbed.sh gitauth ${host.name} failed (exit ${r.code}):\n${r.stderr.trim()}`);
        await new Promise((res) => setTimeout(res, 300 * attempt));
      }
    },
  };
}

/** Stop every host booted by this process. */
export async function stopAll(): Promise<void> {
  if (live.size === 0) return;
  const names = [...live];
  live.clear();
  await testbedOk(['down', ...names]);
}
