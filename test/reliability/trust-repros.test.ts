// The attacks the trust-boundary issue found, each as it was reproduced on a booted host
// (docs/threat-model.md). Each failed before root stopped taking content from the app's trees;
// each must pass now. The server judges: what root created, what the config file holds, what
// another app's deploy user can do, what the operator's terminal receives.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll } from '../testbed/index.ts';
import { runCli, served, tempDir } from '../e2e/helpers.ts';
import { setupApp } from '../e2e/web-helpers.ts';
import { bench, type Bench } from './helpers.ts';

const APP = '/opt/django/apps/demo';
const CONFIG = '/opt/django/configs/apps/demo.conf';
const asApp = (cmd: string) => `sudo -u django sh -c '${cmd.replace(/'/g, `'\\''`)}'`;

/** The release before the live one on the host. */
async function older(b: Bench): Promise<{ live: string; old: string }> {
  const live = (await b.host.run(`basename "$(readlink ${APP}/current)"`)).trim();
  const all = (await b.host.run(`ls -1 ${APP}/releases | sort`)).split('\n').filter(Boolean);
  return { live, old: all.filter((r) => r < live).at(-1)! };
}

describe("trust boundary: the issue's repros", { timeout: 20 * 60_000 }, () => {
  let b: Bench;
  /** The same app with a deploy user (set up in test 3): every command but setup logs in as it. */
  let withDeployer: string;
  const asDeployer = (...args: string[]) => runCli(['-c', withDeployer, ...args], { home: b.home });
  before(async () => {
    // Root runs the deploys here, as in the repros: root is what must not be fooled.
    b = await bench();
    // good-a is live; good-b on top: a release to go back from.
    const d = await b.cli('demo', 'deploy', '--yes', '--ref', 'good-b');
    assert.equal(d.code, 0, d.output);
    withDeployer = join(b.home, 'with-deployer.ini');
    writeFileSync(
      withDeployer,
      readFileSync(b.file, 'utf8').replace('[DEPLOY]\n', '[DEPLOY]\ndeploy_user = deployer\n'),
    );
  });
  after(stopAll);

  it("1. an old release's nginx site cannot make root write a file: rollback installs root's own copy", async () => {
    const { old } = await older(b);
    const site = `${APP}/releases/${old}/.deploy/nginx.conf`;
    await b.host.run(
      asApp(
        `sed -i '1i log_format p "touch /tmp/ROOTPWN; #";' ${site} && sed -i 's|^    access_log /var/log/nginx/demo.access.log;|    access_log /etc/profile.d/zz.sh p;|' ${site}`,
      ),
    );
    assert.match(
      await b.host.run(`cat ${site}`),
      /access_log \/etc\/profile.d\/zz.sh p;/,
      'the app user planted its site',
    );
    const rb = await b.cli('demo', 'rollback', old, '--yes');
    assert.equal(rb.code, 0, rb.output);
    assert.equal(await served(b.host), 'good-a');
    await fetch(`http://${b.host.ip}/?one-request`).then((r) => r.text());
    assert.equal(
      (await b.host.exec('test -e /etc/profile.d/zz.sh')).code,
      1,
      'nginx (root) created /etc/profile.d/zz.sh',
    );
    assert.doesNotMatch(await b.host.run('cat /etc/nginx/sites-available/demo'), /zz\.sh|ROOTPWN/);
    assert.equal((await b.cli('demo', 'rollback', 'current', '--yes')).code, 0);
  });

  it("2. an old release's app.conf linked to /etc/shadow: root copies nothing, the SECRET_KEY stays, deploys and setup go on", async () => {
    const { old } = await older(b);
    const key = (await b.host.run(`grep '^secret_key' ${CONFIG}`)).trim();
    const dir = `${APP}/releases/${old}`;
    // The release keeps booting on a copy (its environment points there); its app.conf now leads to /etc/shadow.
    await b.host.run(
      asApp(
        `cp ${dir}/.deploy/app.conf ${dir}/.deploy/app-copy.conf && sed -i 's|/.deploy/app.conf|/.deploy/app-copy.conf|' ${dir}/.deploy-env && ln -sf /etc/shadow ${dir}/.deploy/app.conf`,
      ),
    );
    const rb = await b.cli('demo', 'rollback', old, '--yes');
    assert.equal(rb.code, 0, rb.output);
    const config = await b.host.run(`cat ${CONFIG}`);
    assert.doesNotMatch(config, /^root:/m, 'root copied /etc/shadow over the config file');
    assert.match(config, new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), 'the SECRET_KEY is kept');
    assert.doesNotMatch(rb.output, /root:[^ ]*:\d+:/, "shadow's lines reached the operator");
    assert.equal((await b.host.exec(`sudo -u django grep -q '^root:' ${CONFIG}`)).code, 1);
    assert.equal((await b.cli('demo', 'rollback', 'current', '--yes')).code, 0);
    const d = await b.cli('demo', 'deploy', '--yes', '--force', '--ref', 'good-b');
    assert.equal(d.code, 0, d.output);
    const setup = await runCli(['-c', b.file, 'demo', 'setup', '--yes', '--dependencies=no'], { home: b.home });
    assert.equal(setup.code, 0, setup.output);
    assert.equal((await b.host.run(`grep '^secret_key' ${CONFIG}`)).trim(), key);
  });

  it('3. links planted by the app user or the deploy user make root create or change nothing', async () => {
    const setup = await runCli(['-c', withDeployer, 'demo', 'setup', '--yes', '--dependencies=no'], { home: b.home });
    assert.equal(setup.code, 0, setup.output);
    // deploy.log.jsonl -> /etc/nologin, then a deploy as root, one as the deploy user, and a setup (root).
    await b.host.run(asApp(`rm -f ${APP}/deploy.log.jsonl && ln -s /etc/nologin ${APP}/deploy.log.jsonl`));
    assert.equal((await b.cli('demo', 'deploy', '--yes', '--force', '--ref', 'good-b')).code, 0);
    assert.equal((await asDeployer('demo', 'deploy', '--yes', '--force', '--ref', 'good-b')).code, 0);
    assert.equal(
      (await runCli(['-c', withDeployer, 'demo', 'setup', '--yes', '--dependencies=no'], { home: b.home })).code,
      0,
    );
    assert.equal((await b.host.exec('test -e /etc/nologin')).code, 1, 'root created /etc/nologin');
    assert.equal((await b.host.exec(`su -s /bin/bash deployer -c true`)).code, 0);
    // ... -> /etc/target, with setup.
    await b.host.run(asApp(`rm -f ${APP}/deploy.log.jsonl && ln -s /etc/target ${APP}/deploy.log.jsonl`));
    assert.equal(
      (await runCli(['-c', b.file, 'demo', 'setup', '--yes', '--dependencies=no'], { home: b.home })).code,
      0,
    );
    assert.equal((await b.host.exec('test -e /etc/target')).code, 1, 'root created /etc/target');
    await b.host.run(asApp(`rm -f ${APP}/deploy.log.jsonl`));
    // slots/live-b -> /etc/x: a switch to slot b (a rollback), then back.
    const live = (await b.host.run(`test -e ${APP}/slots/live-b && echo b || echo a`)).trim();
    if (live === 'b') assert.equal((await b.cli('demo', 'restart', '--yes')).code, 0);
    await b.host.run(asApp(`ln -s /etc/x ${APP}/slots/live-b`));
    const r = await b.cli('demo', 'restart', '--yes');
    assert.equal((await b.host.exec('test -e /etc/x')).code, 1, `root created /etc/x:\n${r.output}`);
    await b.host.run(asApp(`rm -f ${APP}/slots/live-b`));
    assert.equal((await b.cli('demo', 'restart', '--yes')).code, 0);
    assert.match(await served(b.host), /^good-[ab]$/);
  });

  it("4. another app's deploy user can neither stop, start nor read this app's programs", async () => {
    // A second app on the same host, with its own app user and deploy user.
    const shopFile = join(b.home, 'shop.ini');
    writeFileSync(
      shopFile,
      readFileSync(b.file, 'utf8')
        .replace('project_name = demo', 'project_name = shop')
        .replace(
          '[DEPLOY]\n',
          '[DEPLOY]\ndeploy_user = shopper\napp_user = shop\nhome = /opt/shop\nserver_name = shop.test\nlisten_port = 8081\n',
        )
        .replace('gunicorn_bind = "127.0.0.1:8032"', 'gunicorn_bind = "127.0.0.1:8042"')
        .replace(/^repositorio = .*$/m, `repositorio = ${await b.git.createRepo('shop')}`),
    );
    await b.git.push('shop', b.repo, ['good-a:refs/heads/main']);
    const setup = await setupApp(b.git, b.host, b.home, shopFile, 'shop', '/opt/shop');
    assert.equal(setup.code, 0, setup.output);
    const asShopper = (cmd: string) => b.host.exec(`su -s /bin/bash shopper -c '${cmd}'`);
    // demo's deploy user drives demo; shopper drives shop.
    assert.equal((await asDeployer('demo', 'restart', '--yes')).code, 0);
    for (const cmd of [
      'supervisorctl stop demo-a',
      'supervisorctl tail demo-a',
      'sudo -n /usr/local/sbin/deploy-ctl demo stop demo-a',
      'sudo -n /usr/local/sbin/deploy-ctl shop stop demo-a',
      'sudo -n /usr/local/sbin/deploy-ctl shop status demo-b',
      'cat /var/log/deploy/demo/gunicorn-a.log',
      'cat /var/log/nginx/demo.access.log',
      'systemctl stop supervisor',
    ]) {
      const r = await asShopper(cmd);
      assert.notEqual(r.code, 0, `shopper could: ${cmd}\n${r.stdout}`);
    }
    // Its own app's programs it can drive.
    assert.equal((await asShopper('sudo -n /usr/local/sbin/deploy-ctl shop status shop-a shop-b')).code, 0);
    assert.match(await b.host.run('supervisorctl status demo-a demo-b || true'), /RUNNING/);
    assert.match(await served(b.host), /^good-[ab]$/);
    assert.equal((await b.host.run('stat -c %a /var/run/supervisor.sock')).trim(), '700');
    assert.doesNotMatch(await b.host.run('id -nG shopper'), /\b(adm|supervisor)\b/);
  });

  it('5. an existing user that can become root is refused as app_user (exit 2, nothing touched), unless accepted with a reason', async () => {
    await b.host.run('useradd -m -s /bin/bash -G sudo ops');
    const dir = tempDir();
    const file = join(dir, 'settings.ini');
    const ini = (extra: string) =>
      `[DEPLOY]\nproject_name = opsapp\nrepository = git@${b.git.ip}:/srv/git/demo.git\ndeploy_hosts = ubuntu@${b.host.ip}\nidentity_file = ${readFileSync(b.file, 'utf8').match(/^identity_file = (.*)$/m)![1]}\napp_user = ops\nhome = /opt/ops\ngunicorn_bind = 127.0.0.1:8052\ngunicorn_workers = 2\nsystem_site_packages = yes\n${extra}[APP]\nsettings_file = demo.settings.prod\n`;
    writeFileSync(file, ini(''));
    const r = await runCli(['opsapp', 'setup', '--yes', '--dependencies=no', '-c', file], { home: b.home });
    assert.equal(r.code, 2, r.output);
    assert.match(r.stderr, /app_user ops .*could become root.*login shell.*sudo/s);
    assert.equal((await b.host.exec('test -e /opt/ops')).code, 1, 'nothing was created');
    writeFileSync(file, ini('app_user_risk_accepted = the support login, until OPS-1 retires it\n'));
    const ok = await runCli(['opsapp', 'setup', '--yes', '--dependencies=no', '-c', file], { home: b.home });
    assert.match(ok.output, /Accepted by app_user_risk_accepted: the support login/);
  });

  it('6. release metadata with escape sequences reaches the terminal escaped', async () => {
    const { live } = await older(b);
    const meta = `${APP}/releases/${live}/.deploy-release`;
    await b.host.run(
      asApp(
        `python3 -c "import json; p='${meta}'; d=json.loads(open(p).readline()); d['by']='\\x1b[2J\\x1b[31mFAKE\\x1b]0;pwned\\x07'; d['ref']='main\\x1b[1A'; open(p,'w').write(json.dumps(d)+'\\n')"`,
      ),
    );
    assert.match(await b.host.run(`cat ${meta}`), /\\u001b\[2J/);
    for (const command of ['releases', 'status']) {
      const r = await b.cli('demo', command);
      assert.equal(r.code, 0, r.output);
      assert.doesNotMatch(r.stdout, /\x1b|\x07/, `${command} printed a raw escape sequence`);
      assert.match(r.stdout, /\\x1b\[2J\\x1b\[31mFAKE\\x1b\]0;pwned\\x07/, `${command} shows the field escaped`);
    }
    const json = await b.cli('demo', 'releases', '--json');
    const doc = JSON.parse(json.stdout);
    assert.ok(
      Object.values(doc.hosts).some((h) =>
        (h as { releases: { by?: string }[] }).releases.some((r) => r.by === '\x1b[2J\x1b[31mFAKE\x1b]0;pwned\x07'),
      ),
      '--json keeps the value itself',
    );
  });
});
