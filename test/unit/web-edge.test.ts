// The web edge without SSH: settings that make HTTPS, the nginx site and default servers
// they render, and the TLS plans (the real nginx checks them in test/e2e).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSettings } from '../../src/settings/load.ts';
import * as S from '../../src/steps/setup.ts';
import * as F from '../../src/steps/server-files.ts';
import * as T from '../../src/steps/tls.ts';
import { SettingsError } from '../../src/errors.ts';

const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8');
const withKeys = (keys: string) => seed.replace(/\[DEPLOY\]\r?\n/, `[DEPLOY]\n${keys}\n`);
const parse = (keys: string) => parseSettings(withKeys(keys), { app: 'NOME_APP', file: 'settings.ini' });
const problems = (keys: string): string => {
  try {
    parse(keys);
    return '';
  } catch (e) {
    assert.ok(e instanceof SettingsError, String(e));
    return (e as Error).message;
  }
};

test('server_name: names separated by spaces or commas, given to nginx separated by spaces', () => {
  assert.equal(parse('server_name = a.test, www.a.test  b.test').serverName, 'a.test www.a.test b.test');
  assert.equal(parse('').serverName, '_');
});

test('ssl: needs real names; letsencrypt takes no wildcard; HTTP and HTTPS ports differ; values checked', () => {
  assert.match(problems('ssl = letsencrypt'), /ssl = letsencrypt needs server_name to list the site's names/);
  assert.match(problems('server_name = *.a.test\nssl = letsencrypt'), /cannot cover wildcard names/);
  assert.equal(problems('server_name = *.a.test\nssl = custom'), '');
  assert.match(
    problems('server_name = a.test\nssl = custom\nlisten_port = 8443\nssl_port = 8443'),
    /8443 is also listen_port/,
  );
  assert.match(problems('ssl = yes'), /none, letsencrypt or custom/);
  assert.match(
    problems('server_name = a.test\nssl = letsencrypt\nacme_server = http://acme.test/dir'),
    /an https:\/\/ URL/,
  );
  assert.match(problems('client_max_body_size = lots'), /a size/);
  assert.match(problems('maintenance = on'), /off or auto/);
});

test('ssl = custom: seed 003 paths by the first name unless given', () => {
  const w = parse('server_name = a.test www.a.test\nssl = custom').web;
  assert.equal(w.certificate, '/etc/ssl/private/httpd/a.test/a.test.crt');
  assert.equal(w.certificateKey, '/etc/ssl/private/httpd/a.test/a.test.key');
  assert.match(
    problems('server_name = a.test\nssl = custom\nssl_certificate = certs/a.crt'),
    /an absolute path on the server/,
  );
});

test('nginx site with HTTPS: redirect but ACME, TLS 1.2+, HSTS only when asked, ports, body size', () => {
  const le = String(
    F.nginxSiteContent(
      parse(
        'server_name = a.test www.a.test\nssl = letsencrypt\nssl_port = 8443\nlisten_port = 8080\nclient_max_body_size = 1m',
      ),
    ),
  );
  assert.match(
    le,
    /listen 8080;[\s\S]*location \^~ \/\.well-known\/acme-challenge\/ \{\s*root \/var\/lib\/deploy\/acme;[\s\S]*return 301 https:\/\/\$host:8443\$request_uri;/,
  );
  assert.match(le, /listen 8443 ssl http2;/);
  assert.match(le, /ssl_certificate \/etc\/nginx\/deploy-tls\/NOME_APP\/fullchain\.pem;/);
  assert.match(le, /ssl_protocols TLSv1\.2 TLSv1\.3;/);
  assert.match(le, /client_max_body_size 1m;/);
  assert.doesNotMatch(le, /Strict-Transport-Security/);
  const hsts = String(F.nginxSiteContent(parse('server_name = a.test\nssl = custom\nhsts = yes')));
  assert.match(hsts, /return 301 https:\/\/\$host\$request_uri;/);
  assert.doesNotMatch(hsts, /acme-challenge\/ \{/);
  // Every location with headers of its own repeats HSTS (nginx does not inherit add_header): the server, the maintenance page, static (and its fallback), media.
  assert.equal(hsts.match(/Strict-Transport-Security/g)?.length, 5);
  assert.doesNotMatch(String(F.nginxSiteContent(parse(''))), /ssl_certificate/);
});

test('nginx site: maintenance page but health and ACME paths, static cache by hashed names, media sandboxed', () => {
  const site = String(
    F.nginxSiteContent(parse('server_name = a.test\nhealth_path = /healthz?full=1\nmaintenance_retry_after = 120')),
  );
  assert.match(site, /"\/healthz" 1;/);
  assert.match(site, /acme-challenge\/" 1;/);
  assert.match(site, /if \(-f \/opt\/django\/apps\/NOME_APP\/maintenance\.html\)/);
  assert.match(site, /add_header Retry-After 120 always;/);
  assert.match(site, /"~\\\.\[0-9a-f\]\{12\}\\\.\[A-Za-z0-9\]\+\$" "public, max-age=31536000, immutable";/);
  assert.match(site, /location \/media\/ \{[^}]*Content-Security-Policy "sandbox"/);
  assert.match(site, /server_tokens off;/);
});

test('default servers: one per port for a site with names, none for the catch-all site', () => {
  assert.deepEqual(F.defaultServers(parse('')), []);
  const plain = F.defaultServers(parse('server_name = a.test'));
  assert.deepEqual(
    plain.map((d) => d.name),
    ['deploy-default-80'],
  );
  assert.match(String(plain[0].content), /listen 80 default_server;[\s\S]*return 444;/);
  const tls = F.defaultServers(parse('server_name = a.test\nssl = custom\nssl_port = 8443'));
  assert.deepEqual(
    tls.map((d) => d.name),
    ['deploy-default-80', 'deploy-default-8443'],
  );
  assert.match(
    String(tls[1].content),
    /listen 8443 ssl http2 default_server;[\s\S]*ssl_reject_handshake on;[\s\S]*ssl_protocols TLSv1\.2 TLSv1\.3;/,
  );
});

test('nginx config step: links and removals go through __link/__unlink, so a rejected config puts them back', () => {
  const text = S.nginxConfig(parse('server_name = a.test'))
    .commands.map((c) => String(c.run))
    .join('\n');
  assert.match(text, /__link \/etc\/nginx\/sites-available\/NOME_APP \/etc\/nginx\/sites-enabled\/NOME_APP/);
  assert.match(
    text,
    /__link \/etc\/nginx\/sites-available\/deploy-default-80 \/etc\/nginx\/sites-enabled\/deploy-default-80/,
  );
  assert.match(text, /__unlink \/etc\/nginx\/sites-enabled\/default/);
  assert.doesNotMatch(text, /rm -f \/etc\/nginx\/sites-enabled\/default/);
});

test('letsencrypt: certbot by webroot for every name, skipped while the certificate is current', () => {
  const s = parse(
    'server_name = a.test www.a.test\nssl = letsencrypt\nacme_email = ops@a.test\nacme_server = https://acme.test/dir',
  );
  const st = T.obtainCertificate(s);
  // certbot's own arguments: test/unit/lib-tls.test.ts.
  assert.equal(
    String(st.commands[0].run),
    'deploy_tls_obtain /etc/nginx/deploy-tls/NOME_APP NOME_APP /var/lib/deploy/acme https://acme.test/dir ops@a.test a.test www.a.test',
  );
  assert.equal(
    String(st.commands[0].unless),
    'deploy_tls_current /etc/nginx/deploy-tls/NOME_APP NOME_APP 2592000 a.test www.a.test',
  );
  assert.equal(String(st.commands[1].run), 'deploy_nginx_reload changed');
  const prep = T.prepareLetsencrypt(s)
    .commands.map((c) => String(c.run))
    .join('\n');
  assert.match(prep, /deploy_put_mkdir \/etc\/letsencrypt\/renewal-hooks\/deploy\/deploy-nginx-reload 0755 root:root/);
  assert.match(prep, /systemctl enable --quiet --now certbot\.timer/);
  assert.match(
    String(T.obtainCertificate(parse('server_name = a.test\nssl = letsencrypt')).commands[0].run),
    / https:\/\/\S+ '' a\.test$/,
  );
});

test('custom certificate check: files, key match, names, expiry, all reported at once', () => {
  // What it checks: test/unit/lib-tls.test.ts.
  const cmd = T.checkCustomCertificate(parse('server_name = a.test *.b.test\nssl = custom')).commands[0];
  assert.equal(
    String(cmd.run),
    'deploy_tls_check /etc/ssl/private/httpd/a.test/a.test.crt /etc/ssl/private/httpd/a.test/a.test.key',
  );
  assert.equal(cmd.stdin?.reveal(), 'a.test\nwww.b.test\n', 'the names, a wildcard through one of its names');
});

test('the served certificate: names, expiry, days left and renewal, read from openssl', () => {
  const text =
    'serial=0A1B\nnotAfter=Dec 24 12:00:00 2026 GMT\nX509v3 Subject Alternative Name: \n    DNS:a.test, DNS:www.a.test\n';
  const now = Date.parse('2026-12-10T12:00:00Z');
  const c = T.parseCertificate(text, 'enabled active Thu 2026-12-10 23:44:00 UTC', now)!;
  assert.deepEqual(c.names, ['a.test', 'www.a.test']);
  assert.equal(c.daysLeft, 14);
  assert.equal(c.serial, '0A1B');
  assert.deepEqual(c.renewal, { scheduled: true, next: 'Thu 2026-12-10 23:44:00 UTC', by: 'certbot' });
  assert.match(T.describeCertificate(c), /a\.test, www\.a\.test; expires 2026-12-24 \(14 days\); renewal scheduled/);
  assert.equal(T.parseCertificate('', 'custom'), null);
  assert.equal(T.parseCertificate(text, 'disabled inactive', now)!.renewal.scheduled, false);
});
