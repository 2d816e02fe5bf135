// Issue 10, the nginx site: what it serves and how (static caching, gzip, media kept away from the
// app, body size, headers), listen_port, and nginx -t guarding setup (a rejected config leaves
// the previous files, Debian's default site link, and a serving nginx). One host, plain HTTP, the
// site on listen_port = 8080; judged by the HTTP answers and the files on the host.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { bootGitServer, bootHost, ensureImages, stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { demoRepo, setupThroughKeyGate, tempDir, writeSettings, type CliResult } from './helpers.ts';
import { makeCertificates, pageVersion, send, type Reply } from './web-helpers.ts';

const SHARED = '/opt/django/apps/demo/shared';
/** The live release's collected static files (nginx serves the live slot's). */
const STATIC = '/opt/django/apps/demo/current/.deploy-www/static';
const PORT = 8080;
const BASE = 'client_max_body_size = 1m\n';

/** A site nginx accepts alone but not beside ours: a second default server on `port`. */
const conflict = (port: number) =>
  `cat > /etc/nginx/sites-enabled/zz-conflict <<'EOF'\nserver { listen ${port} default_server; return 200 "conflict\\n"; }\nEOF\nnginx -t && nginx -s reload && sleep 0.5`;
const noConflict = 'rm -f /etc/nginx/sites-enabled/zz-conflict && nginx -s reload && sleep 0.5';

describe('the nginx site', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let url: string;
  let home: string;
  let file: string;
  const get = (path: string, headers: Record<string, string> = {}, port = PORT) =>
    send(host.ip, { port, path, headers });
  const setup = async (extra: string): Promise<CliResult> => {
    file = writeSettings(home, { repo: url, hosts: [host], extra: BASE + extra });
    return (await setupThroughKeyGate(git, host, ['demo', 'setup', '--dependencies=no', '--yes', '-c', file], home))
      .second;
  };
  const put = (path: string, content: string) =>
    host.run(`install -D -m 644 /dev/stdin ${path} <<'EOF'\n${content}\nEOF`);

  before(async () => {
    await ensureImages();
    [git, host] = await Promise.all([bootGitServer(), bootHost('ready')]);
    url = await git.createRepo('demo');
    await git.push('demo', demoRepo('v1'));
    home = tempDir();
  });
  after(stopAll);

  it('a first setup whose site nginx rejects fails, says so, and leaves nginx as it was', async () => {
    // An HTTPS site on a real name comes with the catch-all default server on 443 (it refuses
    // unknown names) and takes port 80 from Debian's default site. An operator's site that is
    // already the default on 443 makes nginx -t reject that: both say default_server.
    const ca = await makeCertificates(host, ['x.test']);
    await host.run(`cat > /etc/nginx/sites-enabled/zz-conflict <<'EOF'
server {
    listen 443 ssl default_server;
    ssl_certificate /etc/ssl/private/httpd/x.test/x.test.crt;
    ssl_certificate_key /etc/ssl/private/httpd/x.test/x.test.key;
    return 200 "conflict\\n";
}
EOF
nginx -t && nginx -s reload && sleep 0.5`);
    // (Setup's own marker `<site>.reload-pending`, which makes the next run reload, is not nginx's:
    // nginx reads sites-enabled only.)
    const enabled =
      "find /etc/nginx/sites-enabled /etc/nginx/sites-available -mindepth 1 -not -name '*.reload-pending' -printf '%p -> %l\\n' | sort";
    const before = await host.run(enabled);
    const r = await setup('server_name = x.test\nssl = custom\n');
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /nginx -t/, 'the message says nginx rejected the config');
    assert.match(r.output, /duplicate default server/, "nginx's own words are shown");
    // Every link and file as it was: Debian's default site enabled again, none of ours left.
    assert.equal(await host.run(enabled), before);
    assert.equal((await host.exec('nginx -t')).code, 0);
    assert.match((await get('/', {}, 80)).text, /Welcome to nginx/, 'nginx still serves what it served on 80');
    assert.match((await send(host.ip, { tls: { ca, servername: 'x.test' } })).text, /^conflict/, 'and on 443');
    await host.run('rm /etc/nginx/sites-enabled/zz-conflict && nginx -s reload && sleep 0.5');
  });

  it('listen_port = 8080: the site answers on 8080, not on 80', async () => {
    const r = await setup(`listen_port = ${PORT}\n`);
    assert.equal(r.code, 0, r.output);
    assert.equal(pageVersion(await get('/')), 'v1');
    const on80 = await get('/', {}, 80).catch((e: Error) => e);
    assert.ok(on80 instanceof Error || !/demo app/.test(on80.text), 'the app is still on port 80');
  });

  it('static: hashed names are immutable for a year, others cached a week; text is gzipped', async () => {
    await put(`${STATIC}/app.0123456789ab.css`, 'body { color: red }');
    await put(`${STATIC}/plain.css`, 'body { color: blue }');
    // 11 hex digits is not Django's hash: not immutable.
    await put(`${STATIC}/app.0123456789a.css`, 'body { color: green }');
    const big = Array.from({ length: 1500 }, (_, i) => `.rule-${i} { margin: ${i}px; padding: 0 }`).join('\n');
    await put(`${STATIC}/big.css`, big);

    const hashed = await get('/static/app.0123456789ab.css');
    assert.equal(hashed.status, 200);
    assert.match(String(hashed.headers['cache-control']), /immutable/);
    assert.match(String(hashed.headers['cache-control']), /max-age=31536000\b/);
    for (const path of ['/static/plain.css', '/static/app.0123456789a.css']) {
      const plain = await get(path);
      assert.equal(plain.status, 200, path);
      const cc = String(plain.headers['cache-control']);
      assert.doesNotMatch(cc, /immutable/, path);
      const maxAge = Number(/max-age=(\d+)/.exec(cc)?.[1]);
      assert.ok(maxAge >= 86400 && maxAge < 31536000, `${path}: Cache-Control ${cc}`);
    }

    const zipped = await get('/static/big.css', { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.body).toString().trim(), big);
    const unzipped = await get('/static/big.css');
    assert.equal(unzipped.headers['content-encoding'], undefined, 'gzip only when the client asks');
  });

  it('client_max_body_size = 1m: a 2 MB body gets 413 from nginx, a small one reaches the app', async () => {
    const post = (bytes: number) =>
      send(host.ip, {
        port: PORT,
        method: 'POST',
        path: '/',
        body: Buffer.alloc(bytes, 'x'),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes) },
      });
    assert.equal((await post(2 * 1024 * 1024)).status, 413);
    // Django answers it (its CSRF check: 403), not nginx's size limit.
    assert.notEqual((await post(1024)).status, 413);
  });

  it('media: files are served as their bytes, sandboxed, never run nor passed to the app', async () => {
    const files: Record<string, string> = {
      'evil.php': '<?php echo "php ran"; ?>',
      'evil.py': 'print("python ran")',
      'evil.html': '<html><script>document.title = "script ran"</script></html>',
    };
    for (const [name, content] of Object.entries(files)) await put(`${SHARED}/media/uploads/${name}`, content);
    for (const [name, content] of Object.entries(files)) {
      const r = await get(`/media/uploads/${name}`);
      assert.equal(r.status, 200, name);
      assert.equal(r.text.trim(), content, `${name} is served as its bytes`);
      assert.match(String(r.headers['content-security-policy']), /\bsandbox\b/, name);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', name);
      if (!name.endsWith('.html')) assert.equal(r.headers['content-type'], 'application/octet-stream', name);
    }
    // A missing media file is nginx's 404, not a request to the app.
    const missing = await get('/media/uploads/missing.php');
    assert.equal(missing.status, 404);
    const logs = await host.exec(`cat ${SHARED}/log/gunicorn-*.log`);
    assert.doesNotMatch(logs.stdout, /evil\.|missing\.php/, "the app's log saw a media request");
  });

  it('nothing outside shared/media (or shared/static) is served, whatever the path says', async () => {
    const token = `canary-${Date.now()}`;
    await put(`${SHARED}/canary.txt`, token);
    const paths = [
      '/media/../canary.txt',
      '/media../canary.txt',
      '/static../canary.txt',
      '/media/..%2fcanary.txt',
      '/media/%2e%2e/canary.txt',
      '/media/%2e%2e%2fcanary.txt',
      '/media/uploads/../../canary.txt',
      '/media../../../../configs/apps/demo.conf',
      '/media/../../../../configs/apps/demo.conf',
      '/static/..%2f..%2f..%2f..%2fconfigs/apps/demo.conf',
    ];
    for (const path of paths) {
      const r = await get(path).catch((e: Error) => e);
      if (r instanceof Error) continue; // refused outright: not served either
      assert.doesNotMatch(
        r.text,
        new RegExp(`${token}|secret_key`),
        `${path} served a file outside media (HTTP ${r.status})`,
      );
    }
  });

  it('headers: no nginx version; nosniff and a referrer policy on every answer, never twice', async () => {
    const answers: [string, Reply][] = [
      ['app page', await get('/')],
      ['static file', await get('/static/plain.css')],
      ["nginx's 404", await get('/static/none.css')],
    ];
    for (const [what, r] of answers) {
      assert.equal(r.headers.server, 'nginx', `${what}: Server ${r.headers.server}`);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
      const policy = String(r.headers['referrer-policy'] ?? '');
      assert.match(policy, /^[a-z-]+$/, `${what}: one Referrer-Policy, got "${policy}"`);
    }
    // Where the app set none, nginx's.
    assert.equal(answers[1][1].headers['referrer-policy'], 'strict-origin-when-cross-origin');
  });

  it('a later setup whose site nginx rejects puts the previous site back, and it keeps serving', async () => {
    const before = await host.run('sha256sum /etc/nginx/sites-available/demo; readlink /etc/nginx/sites-enabled/demo');
    await host.run(conflict(8081));
    try {
      const r = await setup('listen_port = 8081\n');
      assert.notEqual(r.code, 0, r.output);
      assert.match(r.output, /nginx -t/);
      assert.equal(
        await host.run('sha256sum /etc/nginx/sites-available/demo; readlink /etc/nginx/sites-enabled/demo'),
        before,
      );
      assert.equal((await host.exec('nginx -t')).code, 0);
      assert.equal(pageVersion(await get('/')), 'v1', 'the site still answers on its port');
    } finally {
      await host.run(noConflict);
    }
  });
});
