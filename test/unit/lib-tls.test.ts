// remote/lib/tls.sh under a local bash (test/library-bash.ts), with the real openssl and certbot,
// nginx and systemctl as stubs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { runLib, stubs, tempDir } from '../library-bash.ts';

const log = (dir: string) => (existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '');
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A self-signed certificate for `names` (the first is its CN) and its key, in dir. */
function certificate(dir: string, name: string, names: string[]): { crt: string; key: string } {
  const crt = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '30',
      '-subj',
      `/CN=${names[0]}`,
      '-addext',
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
      '-keyout',
      key,
      '-out',
      crt,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return { crt, key };
}

test('deploy_tls_check: a certificate that fits passes; every problem is named at once', {
  skip: !hasOpenssl && 'openssl is not installed',
}, () => {
  const t = tempDir();
  const good = certificate(t, 'good', ['a.test', 'www.b.test']);
  const other = certificate(t, 'other', ['a.test']);
  const check = (crt: string, key: string, names: string) => runLib(`deploy_tls_check ${crt} ${key}`, { stdin: names });
  assert.deepEqual(
    [check(good.crt, good.key, 'a.test\nwww.b.test\n').code, check(good.crt, good.key, 'a.test\n').stderr],
    [0, ''],
  );
  const wrong = check(good.crt, other.key, 'a.test\nc.test\nwww.b.test\n');
  assert.equal(wrong.code, 1);
  assert.equal(
    wrong.stderr,
    `the certificate cannot be used; nothing was changed:\n  ssl_certificate ${good.crt} does not cover c.test (server_name)\n  ssl_certificate_key ${other.key} does not match the certificate ${good.crt}\n`,
  );
  const missing = check(`${t}/none.crt`, `${t}/none.key`, 'a.test\n');
  assert.equal(
    missing.stderr,
    `the certificate cannot be used; nothing was changed:\n  ssl_certificate ${t}/none.crt: no such file on this server\n  ssl_certificate_key ${t}/none.key: no such file on this server\n`,
  );
  writeFileSync(`${t}/junk`, 'not pem\n');
  assert.equal(
    check(`${t}/junk`, `${t}/junk`, 'a.test\n').stderr,
    `the certificate cannot be used; nothing was changed:\n  ssl_certificate ${t}/junk: not a PEM certificate\n  ssl_certificate_key ${t}/junk: not an unencrypted PEM private key\n`,
  );
});

test("deploy_tls_placeholder and deploy_tls_linked: a throwaway certificate behind the links until certbot's", {
  skip: !hasOpenssl && 'openssl is not installed',
}, () => {
  const links = join(tempDir(), 'deploy-tls', 'shop');
  assert.equal(runLib(`deploy_tls_linked ${links}`).code, 1);
  assert.equal(runLib(`deploy_tls_placeholder ${links} shop.test`).code, 0);
  assert.equal((statSync(links).mode & 0o777).toString(8), '700');
  assert.deepEqual(
    [readlinkSync(`${links}/fullchain.pem`), readlinkSync(`${links}/privkey.pem`)],
    ['placeholder.crt', 'placeholder.key'],
  );
  assert.match(
    spawnSync('openssl', ['x509', '-in', `${links}/fullchain.pem`, '-noout', '-subject'], { encoding: 'utf8' }).stdout,
    /CN\s*=\s*shop\.test/,
  );
  assert.equal(runLib(`deploy_tls_linked ${links}`).code, 0);
  // A placeholder is never current: certbot is asked for the real one.
  assert.equal(runLib(`if deploy_tls_current ${links} shop 2592000 shop.test; then exit 9; fi`).code, 0);
});

test('deploy_tls_obtain: certbot for every name by webroot, then the links move to its files', () => {
  const links = tempDir();
  writeFileSync(`${links}/placeholder.crt`, '');
  writeFileSync(`${links}/placeholder.key`, '');
  const dir = stubs({
    certbot: 'echo "$*" >> "$(dirname "$0")/log"; printf "%b" "${CERTBOT_SAYS:-}"; exit "${CERTBOT_RC:-0}"',
  });
  const r = runLib(
    `deploy_tls_obtain ${links} shop /var/lib/deploy/acme https://acme.test/dir ops@shop.test shop.test www.shop.test`,
    { stubs: dir },
  );
  assert.deepEqual([r.code, r.stderr], [0, '']);
  assert.equal(
    log(dir),
    'certonly --non-interactive --agree-tos --webroot -w /var/lib/deploy/acme --cert-name shop -d shop.test -d www.shop.test --server https://acme.test/dir --email ops@shop.test --keep-until-expiring\n',
  );
  assert.deepEqual(
    [readlinkSync(`${links}/fullchain.pem`), readlinkSync(`${links}/privkey.pem`)],
    ['/etc/letsencrypt/live/shop/fullchain.pem', '/etc/letsencrypt/live/shop/privkey.pem'],
  );
  assert.deepEqual(readdirSync(links).sort(), ['fullchain.pem', 'privkey.pem']);
  const anonymous = stubs({ certbot: 'echo "$*" >> "$(dirname "$0")/log"' });
  runLib(`deploy_tls_obtain ${tempDir()} shop /acme https://acme.test/dir '' shop.test`, { stubs: anonymous });
  assert.match(
    log(anonymous),
    / --server https:\/\/acme\.test\/dir --register-unsafely-without-email --keep-until-expiring\n$/,
  );
});

test('deploy_tls_obtain: what certbot said when it failed, its last lines, and the links as they were', () => {
  const links = tempDir();
  const said = Array.from({ length: 14 }, (_, i) => `line ${i + 1}\\n\\n  \\n`).join('');
  const dir = stubs({ certbot: 'printf "%b" "$CERTBOT_SAYS"; exit 1' });
  const r = runLib(`deploy_tls_obtain ${links} shop /acme https://acme.test/dir '' shop.test www.shop.test`, {
    stubs: dir,
    env: { CERTBOT_SAYS: said },
  });
  assert.equal(r.code, 1);
  const last = Array.from({ length: 12 }, (_, i) => `line ${i + 3}`).join('\n');
  assert.equal(
    r.stderr,
    `certbot could not get a certificate for shop.test www.shop.test from https://acme.test/dir:\n${last}\n`,
  );
  assert.deepEqual(readdirSync(links), []);
});

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

test('deploy_tls_served and deploy_tls_reload_if_new: what nginx presents; a reload when it is not the file', {
  skip: !hasOpenssl && 'openssl is not installed',
}, async () => {
  const t = tempDir();
  const served = certificate(t, 'served', ['shop.test']);
  const file = certificate(t, 'file', ['shop.test']);
  const port = await freePort();
  const nginx = () =>
    stubs({
      nginx: 'echo "nginx $*" >> "$(dirname "$0")/log"',
      systemctl: 'echo "systemctl $*" >> "$(dirname "$0")/log"',
    });
  // Nothing answers: nothing is presented, and nginx must load the file.
  assert.deepEqual(runLib(`deploy_tls_served ${port} shop.test -serial`).stdout, '');
  const absent = nginx();
  assert.equal(runLib(`deploy_tls_reload_if_new ${port} shop.test ${served.crt}`, { stubs: absent }).code, 0);
  assert.match(log(absent), /^nginx -t\n/);
  const server = spawn(
    'openssl',
    ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', served.crt, '-key', served.key, '-quiet', '-naccept', '10'],
    { stdio: 'ignore' },
  );
  try {
    const serial = spawnSync('openssl', ['x509', '-in', served.crt, '-noout', '-serial'], { encoding: 'utf8' }).stdout;
    let presented = '';
    for (let i = 0; i < 50 && !presented; i++) {
      await new Promise((r) => setTimeout(r, 100));
      presented = runLib(`deploy_tls_served ${port} shop.test -serial`).stdout;
    }
    assert.equal(presented, serial);
    const same = nginx();
    assert.equal(runLib(`deploy_tls_reload_if_new ${port} shop.test ${served.crt}`, { stubs: same }).code, 0);
    assert.equal(log(same), '', 'the certificate in the file is the one served');
    const replaced = nginx();
    assert.equal(runLib(`deploy_tls_reload_if_new ${port} shop.test ${file.crt}`, { stubs: replaced }).code, 0);
    assert.match(log(replaced), /^nginx -t\n/);
  } finally {
    server.kill();
  }
});

test("deploy_tls_renewal: whether certbot's timer is on, and when it runs next", () => {
  const on = stubs({
    systemctl:
      'case "$1" in is-enabled) echo enabled ;; is-active) echo active ;; show) echo "Mon 2026-12-07 03:12:00 UTC" ;; esac',
  });
  assert.equal(runLib('deploy_tls_renewal', { stubs: on }).stdout, 'enabled active Mon 2026-12-07 03:12:00 UTC\n');
  const none = stubs({ systemctl: 'exit 1' });
  assert.equal(runLib('deploy_tls_renewal', { stubs: none }).stdout, '  \n');
});
