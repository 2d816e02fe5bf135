// Shared by the HTTPS tests: clients that report what a server really presents (handshake,
// certificate, protocol, raw HTTP answer), and the demo app on a host whose settings are
// written before setup (TLS settings need the ACME server's address, or a certificate made
// on the host first).
import { connect, type ConnectionOptions, type PeerCertificate, type SecureVersion, type TLSSocket } from 'node:tls';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { bootGitServer, bootHost, ensureImages, type GitServer, type Host } from '../testbed/index.ts';
import { startAcme, trustCa, type Acme } from './acme.ts';
import { demoRepo, runCli, setupThroughKeyGate, tempDir, writeSettings, type CliResult } from './helpers.ts';

export interface TlsOptions {
  /** PEM to verify against; without it the certificate is not verified (to see refusals by the server). */
  ca?: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  /** e.g. 'DEFAULT@SECLEVEL=0' so this client may offer TLS 1.1 at all. */
  ciphers?: string;
  port?: number;
}

function tlsOptions(ip: string, servername: string, o: TlsOptions): ConnectionOptions {
  return {
    host: ip,
    port: o.port ?? 443,
    servername,
    ca: o.ca,
    rejectUnauthorized: o.ca !== undefined,
    minVersion: o.minVersion,
    maxVersion: o.maxVersion,
    ciphers: o.ciphers,
  };
}

/** A serial number as hex without leading zeros, so node's and openssl's spellings compare. */
export function normSerial(s: string): string {
  return s
    .replace(/^serial=/, '')
    .trim()
    .toUpperCase()
    .replace(/^0+/, '');
}

export type Handshake =
  | { ok: true; protocol: string; serial: string; cert: PeerCertificate }
  | { ok: false; error: string };

/** A TLS handshake only: what the server presented, or why the handshake failed. */
export function handshake(ip: string, servername: string, o: TlsOptions = {}): Promise<Handshake> {
  return new Promise((resolve) => {
    const s = connect(tlsOptions(ip, servername, o), () => {
      const cert = s.getPeerCertificate();
      resolve({ ok: true, protocol: s.getProtocol() ?? '', serial: normSerial(cert.serialNumber), cert });
      s.end();
    });
    s.setTimeout(10000, () => s.destroy(new Error('timeout')));
    s.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, error: `${e.code ?? ''} ${e.message}` }));
  });
}

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  serial: string;
}

/** GET https://servername/path sent to ip (SNI and Host = servername), verified against o.ca. */
export function httpsGet(ip: string, servername: string, path: string, o: TlsOptions): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { ...tlsOptions(ip, servername, o), path, agent: false, headers: { host: servername }, timeout: 15000 },
      (res) => {
        const serial = normSerial((res.socket as TLSSocket).getPeerCertificate().serialNumber);
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, serial }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A plain HTTP/1.1 request with this Host header, as bytes on a socket: returns exactly what
 * the server sent before closing ('' when it closed without answering, nginx's 444).
 */
export function rawHttp(ip: string, hostHeader: string, path = '/', port = 80): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    let got = '';
    s.setTimeout(10000, () => s.destroy(new Error(`no answer and no close within 10 s (got ${JSON.stringify(got)})`)));
    s.on('data', (b) => (got += b.toString('latin1')));
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(got) : reject(e)));
    s.on('close', () => resolve(got));
    s.connect(port, ip, () => s.write(`GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: close\r\n\r\n`));
  });
}

/** Status and headers (lower-case names) of a raw HTTP answer. */
export function parseHead(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(lines[0])?.[1] ?? 0), headers, body: rest.join('\r\n\r\n') };
}

/** The serial of a certificate file on a host, normalised. */
export async function fileSerial(host: Host, path: string): Promise<string> {
  return normSerial(await host.run(`openssl x509 -noout -serial -in ${path}`));
}

/**
 * A digest of the nginx site files (names, link targets, contents): equal before and after
 * a refused setup means it touched none of them.
 */
export async function nginxSiteDigest(host: Host): Promise<string> {
  return (
    await host.run(
      `cd /etc/nginx && { find sites-available sites-enabled deploy-tls -printf '%p -> %l\\n' 2>/dev/null | sort; cat sites-available/*; } | sha256sum`,
    )
  ).trim();
}

export interface TlsDemo {
  git: GitServer;
  host: Host;
  /** With `acme`: the test CA's host and handle; the web host trusts its listener. */
  acmeHost?: Host;
  acme?: Acme;
  /** The local work tree pushed to the git server's demo repository. */
  repo: string;
  home: string;
  file: string;
  /** Rewrite settings.ini with these [DEPLOY] lines (as writeSettings' extra). */
  settings(extra: string): void;
  /** `setup --yes` (through the deploy-key gate the first time). */
  setup(): Promise<CliResult>;
  cli(...args: string[]): Promise<CliResult>;
  /** Stop this demo's hosts (not every host of the process: suites run side by side). */
  stop(): Promise<void>;
}

/** A git server with the demo app (v1) and a web host (and an ACME CA host), nothing set up yet. */
export async function tlsDemo(opts: { acme: boolean }): Promise<TlsDemo> {
  await ensureImages();
  const [git, host, acmeHost] = await Promise.all([
    bootGitServer('tls-git'),
    bootHost('ready', 'tls-web'),
    opts.acme ? bootHost('ready', 'tls-acme') : undefined,
  ]);
  const url = await git.createRepo('demo');
  const repo = demoRepo('v1');
  await git.push('demo', repo);
  let acme: Acme | undefined;
  if (acmeHost) {
    acme = await startAcme(acmeHost, host.ip);
    await trustCa(host, acme.listenerCaPem);
  }
  const home = tempDir();
  let file = writeSettings(home, { repo: url, hosts: [host] });
  const cli = (...args: string[]) => runCli([...args, '-c', file], { home });
  return {
    git,
    host,
    acmeHost,
    acme,
    repo,
    home,
    get file() {
      return file;
    },
    settings(extra: string) {
      file = writeSettings(home, { repo: url, hosts: [host], extra });
    },
    async setup() {
      return (await setupThroughKeyGate(git, host, ['demo', 'setup', '--dependencies=no', '--yes', '-c', file], home))
        .second;
    },
    cli,
    async stop() {
      await Promise.all([git, host, acmeHost].map((h) => h?.stop()));
    },
  };
}
