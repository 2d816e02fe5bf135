// A test ACME CA on a booted test host: Debian's pebble (the ACME server) and
// pebble-challtestsrv (its DNS), so certbot on a web host gets real certificates over
// HTTP-01 without the internet. Every name the CA is asked about resolves to the web host.
//
//   const acme = await startAcme(acmeHost, web.ip);
//   await trustCa(web, acme.listenerCaPem);          // certbot on web trusts the ACME server
//   ... acme_server = ${acme.directoryUrl}
//   const ca = await acme.issuerRoots();             // verify what nginx serves
import { request } from 'node:https';
import type { Host } from '../testbed/index.ts';

export interface Acme {
  /** The ACME directory, e.g. https://10.213.1.2:14000/dir. */
  directoryUrl: string;
  /** The CA of pebble's own HTTPS listeners (ACME API and management API). */
  listenerCaPem: string;
  /**
   * The root and intermediate pebble signs certificates with (PEM, root first). Pebble makes
   * a new root at each start, so it is read from its management API, not fixed.
   */
  issuerRoots(): Promise<string>;
}

const DIR = '/etc/pebble';

/** GET over HTTPS from this machine, trusting only `ca`. */
export function httpsGetText(url: string, ca: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Make `acme` an ACME CA whose DNS answers every A query with `webIp`. Resolves once the
 * directory answers over HTTPS verified against the listener CA.
 */
export async function startAcme(acme: Host, webIp: string): Promise<Acme> {
  // The listener's certificate must name the address clients use: the host's IP.
  await acme.run(`set -e
mkdir -p ${DIR} && cd ${DIR}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \\
  -subj '/CN=pebble listener test CA' -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \\
  -subj '/CN=${acme.ip}' -keyout key.pem -out listener.csr 2>/dev/null
printf 'subjectAltName=IP:${acme.ip}\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > listener.ext
openssl x509 -req -in listener.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \\
  -extfile listener.ext -out cert.pem 2>/dev/null
cat > config.json <<'EOF'
${JSON.stringify(
  {
    pebble: {
      listenAddress: '0.0.0.0:14000',
      managementListenAddress: '0.0.0.0:15000',
      certificate: `${DIR}/cert.pem`,
      privateKey: `${DIR}/key.pem`,
      // Where pebble's validator connects for HTTP-01 (nginx on the web host) and TLS-ALPN-01.
      httpPort: 80,
      tlsPort: 443,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
    },
  },
  null,
  2,
)}
EOF
# DNS only: every A query gets the web host; no AAAA (the validator would try ::1, this host),
# and none of the challenge listeners, which would take ports the web host's names need.
systemd-run --quiet --unit=pebble-dns /usr/bin/pebble-challtestsrv -defaultIPv4 ${webIp} -defaultIPv6 '' \\
  -dns01 :8053 -http01 '' -https01 '' -tlsalpn01 '' -management 127.0.0.1:8055
# NOSLEEP: no random validation delay; NONCEREJECT=0: no random bad-nonce errors (certbot
# retries those, but they only slow the test down).
systemd-run --quiet --unit=pebble --setenv=PEBBLE_VA_NOSLEEP=1 --setenv=PEBBLE_WFE_NONCEREJECT=0 \\
  /usr/bin/pebble -config ${DIR}/config.json -dnsserver 127.0.0.1:8053
`);
  const listenerCaPem = await acme.run(`cat ${DIR}/ca.pem`);
  const directoryUrl = `https://${acme.ip}:14000/dir`;
  const management = `https://${acme.ip}:15000`;

  let last = '';
  for (let i = 0; i < 100; i++) {
    try {
      const r = await httpsGetText(directoryUrl, listenerCaPem, 2000);
      if (r.status === 200 && r.body.includes('newOrder')) break;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (i === 99) {
      const units = await acme.exec(
        'systemctl status pebble pebble-dns --no-pager; journalctl -u pebble -u pebble-dns --no-pager | tail -20',
      );
      throw new Error(`pebble's directory ${directoryUrl} did not answer (${last}):\n${units.stdout}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    directoryUrl,
    listenerCaPem,
    async issuerRoots() {
      const parts: string[] = [];
      for (const path of ['/roots/0', '/intermediates/0']) {
        const r = await httpsGetText(management + path, listenerCaPem);
        if (r.status !== 200) throw new Error(`pebble ${path}: HTTP ${r.status} ${r.body}`);
        parts.push(r.body.trim());
      }
      return `${parts.join('\n')}\n`;
    },
  };
}

/** Add `pem` to the host's system trust store (what certbot, curl and openssl there trust). */
export async function trustCa(host: Host, pem: string, name = 'deploy-test-acme'): Promise<void> {
  await host.run(`cat > /usr/local/share/ca-certificates/${name}.crt <<'EOF'
${pem.trim()}
EOF
update-ca-certificates >/dev/null`);
}
