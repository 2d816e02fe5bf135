// remote/lib/nginx.sh under a local bash (test/library-bash.ts), with nginx, systemctl and curl as
// stubs: when a reload happens, a rejected config put back, the checks around the site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { rootOnlyDir, runLib, stubs, tempDir } from '../library-bash.ts';

const log = (dir: string) => (existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '');

/** nginx (-t as $NGINX_T says), systemctl and journalctl that record what they are asked. */
function fakeNginx(): string {
  return stubs({
    nginx:
      'echo "nginx $*" >> "$(dirname "$0")/log"; if [ "$1" = -t ] && [ "${NGINX_T:-0}" != 0 ]; then echo "nginx: [emerg] unknown directive" >&2; exit 1; fi',
    systemctl: 'echo "systemctl $*" >> "$(dirname "$0")/log"; exit "${RESTART_RC:-0}"',
    journalctl: 'echo "bind() to 0.0.0.0:80 failed (98: Address already in use)"',
  });
}

// Which way nginx is (re)started depends on whether it runs on this machine: either is a reload.
const running = spawnSync('bash', ['-c', 'kill -0 "$(cat /run/nginx.pid 2>/dev/null)" 2>/dev/null']).status === 0;
const reloaded = running ? 'nginx -t\nnginx -s reload\n' : 'nginx -t\nsystemctl restart nginx\n';

test('deploy_nginx_reload: only when this step changed something, a reload is owed, or the file changed', () => {
  const cases: [string, string][] = [
    ['__step_changed=0; deploy_nginx_reload changed', ''],
    ['__step_changed=1; deploy_nginx_reload changed', reloaded],
    ['__reload_pending=1; deploy_nginx_reload changed', ''],
    ['__reload_pending=1; deploy_nginx_reload pending', reloaded],
    ['__step_changed=1; deploy_nginx_reload pending', reloaded],
    ['deploy_nginx_reload pending', ''],
    ['__changed_files=" /etc/nginx/sites-available/a"; deploy_nginx_reload file /etc/nginx/sites-available/b', ''],
    [
      '__changed_files=" /etc/nginx/sites-available/a"; deploy_nginx_reload file /etc/nginx/sites-available/a',
      reloaded,
    ],
  ];
  for (const [code, want] of cases) {
    const dir = fakeNginx();
    const r = runLib(code, { stubs: dir });
    assert.equal(r.code, 0, `${code}: ${r.stderr}`);
    assert.equal(log(dir), want, code);
  }
  assert.equal(runLib('deploy_nginx_reload always', { stubs: fakeNginx() }).code, 2);
});

test("deploy_nginx_reload: a config nginx -t rejects is put back, and nginx's words shown", () => {
  const t = tempDir();
  writeFileSync(`${t}/site`, 'new\n');
  writeFileSync(`${t}/site.deploy-prev`, 'old\n');
  const dir = fakeNginx();
  const r = runLib(`__changed_files=" ${t}/site"; deploy_nginx_reload file ${t}/site`, {
    stubs: dir,
    env: { NGINX_T: '1' },
  });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'nginx -t rejected the new config; the previous one was put back:\nnginx: [emerg] unknown directive\n',
  );
  assert.equal(readFileSync(`${t}/site`, 'utf8'), 'old\n');
  assert.equal(log(dir), 'nginx -t\n', 'no reload');
});

test('deploy_nginx_reload: nginx that does not start says why', (t) => {
  if (running) return t.skip('nginx runs on this machine: it is reloaded, not started');
  const r = runLib('__step_changed=1; deploy_nginx_reload changed', { stubs: fakeNginx(), env: { RESTART_RC: '1' } });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'nginx does not start; its log ends with:\nbind() to 0.0.0.0:80 failed (98: Address already in use)\n',
  );
});

test('deploy_nginx_pending: a marker left by a cut run makes the step owe a reload; the marker stays', () => {
  const t = tempDir();
  const marker = `${t}/site.reload-pending`;
  assert.equal(runLib(`deploy_nginx_pending ${marker}; echo "owed=\${__reload_pending:-}"`).stdout, 'owed=\n');
  assert.ok(existsSync(marker));
  assert.equal(runLib(`deploy_nginx_pending ${marker}; echo "owed=\${__reload_pending:-}"`).stdout, 'owed=1\n');
});

test("deploy_nginx_logs: the site's logs 0640 www-data:adm, only below directories only root can write", (t) => {
  const open = tempDir();
  const refused = runLib(`deploy_nginx_logs ${open}/a.access.log`);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /refusing to write in .* as root/);
  assert.equal(existsSync(`${open}/a.access.log`), false);
  const safe = rootOnlyDir();
  const ids = spawnSync('bash', ['-c', 'echo "$(id -u www-data) $(getent group adm | cut -d: -f3)"'], {
    encoding: 'utf8',
  });
  if (!safe || ids.status !== 0 || !/^\d+ \d+$/.test(ids.stdout.trim()))
    return t.skip('as root, with www-data and adm');
  const [uid, gid] = ids.stdout.trim().split(' ').map(Number);
  mkdirSync(`${safe}/nginx`);
  assert.equal(runLib(`deploy_nginx_logs ${safe}/nginx/a.access.log ${safe}/nginx/a.error.log`).code, 0);
  for (const f of ['a.access.log', 'a.error.log']) {
    const path: string = `${safe}/nginx/${f}`;
    assert.deepEqual(
      [statSync(path).uid, statSync(path).gid, (statSync(path).mode & 0o777).toString(8)],
      [uid, gid, '640'],
    );
  }
});

test('deploy_nginx_default_free: another site that is the default server where this one needs it stops setup', () => {
  const t = tempDir();
  const sites = (names: string[]) => `__nginx_sites() { printf '%s\\n' ${names.map((n) => `${t}/${n}`).join(' ')}; }\n`;
  writeFileSync(`${t}/shop`, 'server {\n    listen 80 default_server;\n}\n');
  writeFileSync(`${t}/default`, 'server {\n    listen 80 default_server;\n}\n');
  writeFileSync(`${t}/deploy-default-80`, 'server {\n    listen 80 default_server;\n}\n');
  writeFileSync(`${t}/blog`, 'server {\n    listen 8080 default_server;\n    listen 80;\n}\n');
  // Ours, Debian's stock site and the shared default server are no conflict; nor another port.
  const free = runLib(
    `${sites(['shop', 'default', 'deploy-default-80', 'blog', 'none'])}deploy_nginx_default_free 80 names shop shop`,
  );
  assert.deepEqual([free.code, free.stderr], [0, '']);
  writeFileSync(`${t}/news`, 'server {\n\tlisten [::]:80 ssl default_server;\n}\n');
  const names = runLib(`${sites(['blog', 'news'])}deploy_nginx_default_free 80 names shop shop-app`);
  assert.equal(names.code, 1);
  assert.equal(
    names.stderr,
    `port 80 already has a default server: the site news (${t}/news), which takes every name no site claims. shop-app needs its names, with the shared default server deploy-default-80 there. Nothing was changed.\n`,
  );
  const catchAll = runLib(`${sites(['deploy-default-80'])}deploy_nginx_default_free 80 catch-all shop shop`);
  assert.equal(catchAll.code, 1);
  assert.equal(
    catchAll.stderr,
    `port 80 already has a default server: the site deploy-default-80 (${t}/deploy-default-80). shop needs the default server (server_name _) there. Nothing was changed.\n`,
  );
  writeFileSync(`${t}/deploy-default-8080`, 'server {\n    listen 0.0.0.0:80 default_server;\n}\n');
  assert.equal(
    runLib(`${sites(['deploy-default-8080'])}deploy_nginx_default_free 80 names shop shop`).code,
    0,
    "another app's shared default server is shared",
  );
});

test('deploy_nginx_verify: the status when the site answers (2xx, 3xx, through its own site); else why not', () => {
  const t = tempDir();
  writeFileSync(`${t}/error.log`, ['1', '2', '3', '4', '5', '6'].map((n) => `line ${n}\n`).join(''));
  const dir = stubs({ curl: 'echo "$*" >> "$(dirname "$0")/log"; printf "%b" "$HEADERS"; exit "${CURL_RC:-0}"' });
  const verify = (headers: string, rc = '0') =>
    runLib(`deploy_nginx_verify shop ${t}/error.log http://127.0.0.1:80/health -H 'Host: shop.test'`, {
      stubs: dir,
      env: { HEADERS: headers, CURL_RC: rc },
    });
  const ok = verify('HTTP/1.1 200 OK\\r\\nX-Deploy-Site: shop\\r\\n\\r\\n');
  assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, '200\n', '']);
  assert.equal(log(dir), '-s -o /dev/null -D - --max-time 10 -H Host: shop.test http://127.0.0.1:80/health\n');
  assert.equal(verify('HTTP/1.1 302 Found\\r\\nx-deploy-site: shop\\r\\n').code, 0);
  const bad = verify('HTTP/1.1 502 Bad Gateway\\r\\nX-Deploy-Site: shop\\r\\n');
  assert.deepEqual(
    [bad.code, bad.stdout, bad.stderr],
    [1, '502\n', 'nginx answered 502 on http://127.0.0.1:80/health\nline 2\nline 3\nline 4\nline 5\nline 6\n'],
  );
  const none = verify('', '7');
  assert.deepEqual(
    [none.code, none.stdout, none.stderr.split('\n')[0]],
    [1, '\n', 'nginx answered nothing on http://127.0.0.1:80/health'],
  );
  const other = verify('HTTP/1.1 200 OK\\r\\nX-Deploy-Site: blog\\r\\n');
  assert.deepEqual(
    [other.code, other.stderr],
    [1, 'nginx answered, but not through the shop site (is another site the default, or was nginx not reloaded?)\n'],
  );
});
