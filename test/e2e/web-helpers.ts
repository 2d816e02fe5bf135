// Shared by the web edge tests (issue 10): certificates from a CA of the test's own, requests that
// say exactly what went on the wire (HTTPS with a chosen SNI name, raw paths nginx must judge
// itself, bodies nginx must refuse), and setup through the deploy-key gate for an app with its
// own home. (The HTTPS load is load.ts's; handshakes are tls-helpers.ts'.)
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { GitServer, Host } from '../testbed/index.ts';
import { runCli, type CliResult } from './helpers.ts';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface Req {
  port?: number;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** HTTPS: the CA to trust and the SNI name (also the Host header). Without it, plain HTTP. */
  tls?: { ca: string; servername: string };
}

/**
 * One request on a fresh connection, the path sent as given (no client-side normalisation of
 * `..`, which fetch would do). Resolves with whatever status came back, even when the server
 * answers before the body was sent (413) and then closes; rejects only when nothing came back.
 */
export function send(ip: string, req: Req = {}): Promise<Reply> {
  const { tls, body } = req;
  const opts = {
    host: ip,
    port: req.port ?? (tls ? 443 : 80),
    path: req.path ?? '/',
    method: req.method ?? 'GET',
    agent: false as const,
    timeout: 20000,
    headers: { connection: 'close', ...(tls ? { host: tls.servername } : {}), ...req.headers },
    ...(tls ? { ca: tls.ca, servername: tls.servername } : {}),
  };
  return new Promise((resolve, reject) => {
    let answered = false;
    const r = (tls ? httpsRequest : httpRequest)(opts, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const done = () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text: buf.toString('utf8') });
      };
      res.on('end', done);
      res.on('error', done);
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    // A write error after the answer arrived (nginx closing on an oversized body) is not a failure.
    r.on('error', (e) => (answered ? undefined : reject(e)));
    if (body) r.write(body);
    r.end();
  });
}

/** The demo page's version ("demo app X"), or what came back instead. */
export function pageVersion(reply: Reply): string {
  return /demo app (\S+)<\/h1>/.exec(reply.text)?.[1] ?? `HTTP ${reply.status}`;
}

/**
 * A CA made on the host with openssl (test-only, in /root/test-ca) and, for each name, a key and
 * a certificate signed by it at the spec's default paths
 * /etc/ssl/private/httpd/<name>/<name>.{crt,key}. Returns the CA certificate (PEM) to trust.
 */
export async function makeCertificates(host: Host, names: string[]): Promise<string> {
  const lines = [
    'set -e; mkdir -p /root/test-ca; cd /root/test-ca',
    "[ -f ca.crt ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj '/CN=deploy test CA' 2>/dev/null",
  ];
  for (const n of names) {
    const dir = `/etc/ssl/private/httpd/${n}`;
    lines.push(
      `mkdir -p ${dir}`,
      `openssl req -newkey rsa:2048 -nodes -keyout ${dir}/${n}.key -out ${n}.csr -subj '/CN=${n}' 2>/dev/null`,
      // Clients check the subjectAltName, not the CN.
      `printf 'subjectAltName=DNS:${n}\\n' > ${n}.ext`,
      `openssl x509 -req -in ${n}.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile ${n}.ext -out ${dir}/${n}.crt 2>/dev/null`,
      `chmod 600 ${dir}/${n}.key`,
    );
  }
  await host.run(lines.join('\n'));
  return host.run('cat /root/test-ca/ca.crt');
}

/**
 * `setup` for an app whose app user's home is `home`: its deploy key is there. Stops at the key
 * gate (exit 3) the first time; the key is granted on the git server and setup runs again.
 */
export async function setupApp(
  git: GitServer,
  host: Host,
  cliHome: string,
  file: string,
  app: string,
  home: string,
): Promise<CliResult> {
  const args = [app, 'setup', '--dependencies=no', '--yes', '-c', file];
  const first = await runCli(args, { home: cliHome });
  if (first.code !== 3) return first;
  await git.authorize((await host.run(`cat ${home}/.ssh/id_ed25519.pub`)).trim());
  return runCli(args, { home: cliHome });
}
