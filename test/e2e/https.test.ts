// HTTPS end to end (issue 10, web edge): ssl = letsencrypt against a real ACME CA (pebble on a
// second test host, see acme.ts) and ssl = custom with a certificate made on the host. Every
// assertion is on what the server shows a client (handshakes verified against the issuing CA,
// certificate serials, raw HTTP answers) or on the host's files; `status` is the one place
// the tool's own output is read. The two suites run side by side (each setup costs 20-40 s).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stopAll } from '../testbed/index.ts';
import { commitVersion } from './helpers.ts';
import { startLoad } from './load.ts';
import {
  fileSerial,
  handshake,
  httpsGet,
  nginxSiteDigest,
  normSerial,
  parseHead,
  rawHttp,
  tlsDemo,
  type TlsDemo,
} from './tls-helpers.ts';

const NAMES = ['app.test', 'www.app.test'];
const ACME_WEBROOT = '/var/lib/deploy/acme';
const ARCHIVE = '/etc/letsencrypt/archive/demo';

describe('https', { concurrency: 2, timeout: 20 * 60_000 }, () => {
  after(stopAll);

  describe('ssl = letsencrypt', { concurrency: 1 }, () => {
    let d: TlsDemo;
    let ca: string;
    const ip = () => d.host.ip;
    const issued = async () => Number((await d.host.run(`ls ${ARCHIVE} | grep -c '^cert' || true`)).trim());

    before(async () => {
      d = await tlsDemo({ acme: true });
      d.settings(`server_name = app.test, www.app.test
ssl = letsencrypt
acme_server = ${d.acme!.directoryUrl}
acme_email = ops@app.test
`);
      const setup = await d.setup();
      assert.equal(setup.code, 0, setup.output);
      // Pebble signs with a root it made at start-up: trust exactly that (and its intermediate).
      ca = await d.acme!.issuerRoots();
    });
    after(() => d?.stop());

    it('setup issued a certificate from the ACME CA: a verifying client gets the app under both names, no HSTS by default', async () => {
      for (const name of NAMES) {
        const res = await httpsGet(ip(), name, '/', { ca });
        assert.equal(res.status, 200, `${name}: ${res.body.slice(0, 300)}`);
        assert.match(res.body, /demo app v1/, name);
        assert.equal(res.headers['strict-transport-security'], undefined, 'hsts is off by default');
        const hs = await handshake(ip(), name, { ca });
        assert.ok(hs.ok, `${name}: ${!hs.ok && hs.error}`);
        assert.match(hs.cert.subjectaltname ?? '', /DNS:app\.test/);
        assert.match(hs.cert.subjectaltname ?? '', /DNS:www\.app\.test/);
      }
      // The live lineage is certbot's, under --cert-name <project>, and nginx serves it.
      const res = await httpsGet(ip(), 'app.test', '/', { ca });
      assert.equal(res.serial, await fileSerial(d.host, '/etc/letsencrypt/live/demo/cert.pem'));
      assert.equal(await issued(), 1, 'one issuance');
    });

    it('HTTP answers 301 to HTTPS, except the ACME challenge path', async () => {
      for (const name of NAMES) {
        const r = parseHead(await rawHttp(ip(), name, '/some/page?x=1'));
        assert.equal(r.status, 301, name);
        assert.equal(r.headers.location, `https://${name}/some/page?x=1`);
      }
      await d.host.run(
        `mkdir -p ${ACME_WEBROOT}/.well-known/acme-challenge && printf 'token-body-42' > ${ACME_WEBROOT}/.well-known/acme-challenge/probe-token`,
      );
      const r = parseHead(await rawHttp(ip(), 'app.test', '/.well-known/acme-challenge/probe-token'));
      assert.equal(r.status, 200, JSON.stringify(r));
      assert.equal(r.body, 'token-body-42');
    });

    it('an unknown name is refused: no TLS handshake, no HTTP answer', async () => {
      // Unverified on purpose: the refusal must come from the server, not from this client
      // rejecting a certificate for the wrong name.
      const hs = await handshake(ip(), 'other.test');
      assert.equal(hs.ok, false, `the server completed a handshake for other.test (serial ${hs.ok && hs.serial})`);
      assert.equal(await rawHttp(ip(), 'other.test', '/'), '', 'port 80 closes the connection without an answer');
      assert.equal(await rawHttp(ip(), ip(), '/'), '', 'the bare IP is an unknown name too');
    });

    it('TLS 1.2 and 1.3 only: a TLS 1.1 client is refused by the server', async () => {
      // SECLEVEL=0 lets this client offer TLS 1.1 at all; the refusal then is the server's alert.
      const old = await handshake(ip(), 'app.test', {
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      assert.equal(old.ok, false, 'TLS 1.1 handshake succeeded');
      assert.doesNotMatch(
        !old.ok ? old.error : '',
        /NO_PROTOCOLS_AVAILABLE|NO_CIPHERS/,
        'the client did not even offer TLS 1.1',
      );
      const v12 = await handshake(ip(), 'app.test', { ca, maxVersion: 'TLSv1.2' });
      assert.ok(v12.ok && v12.protocol === 'TLSv1.2', JSON.stringify(v12));
      const v13 = await handshake(ip(), 'app.test', { ca, minVersion: 'TLSv1.3' });
      assert.ok(v13.ok && v13.protocol === 'TLSv1.3', JSON.stringify(v13));
    });

    it('renewal: certbot.timer is enabled; a forced renewal under HTTPS load swaps the certificate with no failed request', async () => {
      assert.equal((await d.host.exec('systemctl is-enabled certbot.timer')).stdout.trim(), 'enabled');
      const before = await issued();
      const old = (await httpsGet(ip(), 'app.test', '/', { ca })).serial;
      const load = startLoad(ip(), '/', 50, 120, { servername: 'app.test', ca });
      await new Promise((r) => setTimeout(r, 2000));
      // --no-random-sleep-on-renew: without a terminal certbot renew would first sleep up to 8 min.
      const renew = await d.host.exec('certbot renew --force-renewal --no-random-sleep-on-renew 2>&1');
      assert.equal(renew.code, 0, renew.stdout + renew.stderr);
      let now = old;
      for (let i = 0; i < 50 && now === old; i++) {
        await new Promise((r) => setTimeout(r, 200));
        now = (await httpsGet(ip(), 'app.test', '/', { ca })).serial;
      }
      await new Promise((r) => setTimeout(r, 2000));
      const stats = await load.stop();
      assert.notEqual(now, old, 'nginx still serves the old certificate after certbot renew');
      assert.equal(now, await fileSerial(d.host, '/etc/letsencrypt/live/demo/cert.pem'));
      assert.equal(await issued(), before + 1);
      assert.deepEqual(
        stats.failures,
        {},
        JSON.stringify({ ...stats, bodies: [...stats.bodies], serials: [...stats.serials!] }),
      );
      assert.ok(stats.rate >= 40, `load rate ${stats.rate.toFixed(1)}/s (${stats.held} held)`);
      assert.ok(stats.ok > 100, `only ${stats.ok} requests answered`);
      assert.deepEqual(
        new Set([...stats.serials!].map(normSerial)),
        new Set([old, now]),
        'the load saw the old certificate, then the new one',
      );
    });

    it('a deploy and a second setup keep the renewed certificate (no new issuance); hsts = yes adds the header', async () => {
      const serial = (await httpsGet(ip(), 'app.test', '/', { ca })).serial;
      const count = await issued();
      commitVersion(d.repo, 'v2');
      await d.git.push('demo', d.repo);
      const dep = await d.cli('demo', 'deploy', '--yes');
      assert.equal(dep.code, 0, dep.output);
      let res = await httpsGet(ip(), 'app.test', '/', { ca });
      assert.match(res.body, /demo app v2/);
      assert.equal(res.serial, serial, 'deploy changed the certificate');

      d.settings(`server_name = app.test, www.app.test
ssl = letsencrypt
acme_server = ${d.acme!.directoryUrl}
acme_email = ops@app.test
hsts = yes
`);
      const setup = await d.setup();
      assert.equal(setup.code, 0, setup.output);
      res = await httpsGet(ip(), 'app.test', '/', { ca });
      assert.equal(res.serial, serial, 'a second setup changed the certificate');
      assert.equal(await issued(), count, 'a second setup asked the CA for a new certificate');
      assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
      const www = await httpsGet(ip(), 'www.app.test', '/', { ca });
      assert.match(String(www.headers['strict-transport-security']), /max-age=31536000/);
    });

    it('status lists the certificate: its names, its expiry, renewal scheduled', async () => {
      const hs = await handshake(ip(), 'app.test', { ca });
      assert.ok(hs.ok);
      const expiry = new Date(hs.cert.valid_to).toISOString().slice(0, 10);
      const st = await d.cli('demo', 'status');
      assert.equal(st.code, 0, st.output);
      for (const name of NAMES) assert.match(st.stdout, new RegExp(name.replace(/\./g, '\\.')), st.stdout);
      assert.match(st.stdout, new RegExp(expiry), `expiry ${expiry} not shown:\n${st.stdout}`);
      assert.match(st.stdout, /renew/i, st.stdout);
      assert.match(st.stdout, /renewal scheduled/, st.stdout);
      const doc = JSON.parse((await d.cli('demo', 'status', '--json')).stdout);
      const cert = doc.hosts[`ubuntu@${ip()}`].status.certificate;
      assert.deepEqual(cert.names, NAMES, JSON.stringify(cert));
      assert.equal(cert.expires.slice(0, 10), expiry);
      assert.equal(normSerial(cert.serial), hs.serial, 'status reports the certificate nginx serves');
      assert.equal(cert.renewal.scheduled, true, JSON.stringify(cert));
    });
  });

  describe('ssl = custom', { concurrency: 1 }, () => {
    let d: TlsDemo;
    let ca: string;
    const CRT = '/etc/ssl/private/httpd/app.test/app.test.crt';
    const KEY = '/etc/ssl/private/httpd/app.test/app.test.key';
    const ip = () => d.host.ip;

    /** A certificate from the test's CA for `names`, installed at the default paths; returns its serial. */
    const install = async (names: string[], days: number, opts: { wrongKey?: boolean } = {}) => {
      await d.host.run(`set -e
cd /root/testca
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=${names[0]} -keyout leaf.key -out leaf.csr 2>/dev/null
echo 'subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}' > leaf.ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days ${days} -extfile leaf.ext -out leaf.crt 2>/dev/null
${opts.wrongKey ? 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out leaf.key' : ''}
install -m 644 leaf.crt ${CRT}
install -m 600 leaf.key ${KEY}`);
      return fileSerial(d.host, CRT);
    };
    const served = async () => (await httpsGet(ip(), 'app.test', '/', { ca })).serial;

    let good: string;
    before(async () => {
      d = await tlsDemo({ acme: false });
      await d.host.run(`set -e
mkdir -p /root/testca /etc/ssl/private/httpd/app.test && cd /root/testca
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj '/CN=deploy test CA' -keyout ca.key -out ca.pem 2>/dev/null`);
      ca = await d.host.run('cat /root/testca/ca.pem');
      good = await install(NAMES, 90);
      await d.host.run(
        'cp /root/testca/leaf.crt /root/testca/good.crt && cp /root/testca/leaf.key /root/testca/good.key',
      );
      d.settings('server_name = app.test, www.app.test\nssl = custom\n');
      const setup = await d.setup();
      assert.equal(setup.code, 0, setup.output);
    });
    after(() => d?.stop());
    const restoreGood = () =>
      d.host.run(`install -m 644 /root/testca/good.crt ${CRT} && install -m 600 /root/testca/good.key ${KEY}`);

    it('setup serves that certificate: a verifying client gets the app under both names', async () => {
      for (const name of NAMES) {
        const res = await httpsGet(ip(), name, '/', { ca });
        assert.equal(res.status, 200, `${name}: ${res.body.slice(0, 300)}`);
        assert.match(res.body, /demo app v1/);
        assert.equal(res.serial, good, `${name}: not the certificate at ${CRT}`);
      }
      const r = parseHead(await rawHttp(ip(), 'app.test', '/x'));
      assert.equal(r.status, 301);
      assert.equal(r.headers.location, 'https://app.test/x');
    });

    it('setup refuses a key that does not match the certificate, and touches no nginx file', async () => {
      const digest = await nginxSiteDigest(d.host);
      await install(NAMES, 90, { wrongKey: true });
      const setup = await d.setup();
      assert.equal(setup.code, 1, setup.output);
      assert.match(setup.output, /key/i);
      assert.match(setup.output, /(does not|doesn't|not) match|mismatch/i, setup.output);
      assert.equal(await nginxSiteDigest(d.host), digest, 'nginx site files changed');
      assert.equal(await served(), good, 'nginx no longer serves the good certificate');
      await restoreGood();
    });

    it('setup refuses a certificate that does not cover a server_name, naming it, and touches no nginx file', async () => {
      const digest = await nginxSiteDigest(d.host);
      await install(['app.test'], 90);
      const setup = await d.setup();
      assert.equal(setup.code, 1, setup.output);
      assert.match(setup.output, /www\.app\.test/, setup.output);
      assert.equal(await nginxSiteDigest(d.host), digest, 'nginx site files changed');
      assert.equal(await served(), good, 'nginx no longer serves the good certificate');
      await restoreGood();
    });

    it('replaced certificate files: the next setup gets nginx to serve the new certificate', async () => {
      const next = await install(NAMES, 60);
      const setup = await d.setup();
      assert.equal(setup.code, 0, setup.output);
      assert.equal(
        await served(),
        next,
        `setup left nginx serving the previous certificate (${good}); ${CRT} has ${next}`,
      );
    });

    it('a certificate expiring within 14 days: setup succeeds and says it expires soon', async () => {
      const soon = await install(NAMES, 7);
      // Judges the warning alone: if setup does not reload nginx for a replaced certificate (the
      // test above), nginx is made to load it here so the warning is about this certificate.
      if ((await served()) !== soon) await d.host.run('systemctl reload nginx && sleep 1');
      const setup = await d.setup();
      assert.equal(setup.code, 0, setup.output);
      assert.match(setup.output, /expir/i, setup.output);
      assert.match(setup.output, /soon|\b[0-7] days?\b|within/i, setup.output);
      assert.equal(await served(), soon);
    });
  });
});
