// Defects a demanding user found (issue 23), on a real host: a changed gunicorn port applied by
// setup without a failed request (item 3), a release the app user cannot delete that no longer
// blocks every later deploy (item 4), and a [PROCESSES] entry a deploy user cannot apply refused
// before anything is built (item 11).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAll } from '../testbed/index.ts';
import { commitVersion, httpGet, liveDemo, runCli, type LiveDemo } from './helpers.ts';
import { startLoad } from './load.ts';

const APP = '/opt/django/apps/demo';

describe('defects found by a demanding user', { timeout: 10 * 60_000 }, () => {
  let demo: LiveDemo;
  const cli = (file: string, ...args: string[]) => runCli(['-c', file, 'demo', ...args, '--yes'], { home: demo.home });
  const page = async () => /demo app (\S+)</.exec((await httpGet(demo.host, '/')).body)?.[1];
  const variant = (name: string, edit: (text: string) => string) => {
    const f = join(demo.home, name);
    writeFileSync(f, edit(readFileSync(demo.file, 'utf8')));
    return f;
  };
  before(async () => {
    demo = await liveDemo();
  });
  after(stopAll);

  it('3. setup with a changed gunicorn_bind moves the live release through the slot switch: no failed request', async () => {
    const moved = variant('moved.ini', (t) =>
      t.replace('gunicorn_bind = "127.0.0.1:8032"', 'gunicorn_bind = "127.0.0.1:8040"'),
    );
    const load = startLoad(demo.host.ip, '/', 40, 120);
    const r = await runCli(['demo', 'setup', '--yes', '--dependencies=no', '-c', moved], { home: demo.home });
    await new Promise((res) => setTimeout(res, 1500));
    const stats = await load.stop();
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(
      stats.failures,
      {},
      `failed requests during setup: ${JSON.stringify(stats.failures)} of ${stats.sent}`,
    );
    assert.equal(await page(), 'v1');
    const listening = await demo.host.run("ss -Hltn | awk '{print $4}'");
    assert.match(listening, /127\.0\.0\.1:(8040|8041)\b/, 'gunicorn listens on the new ports');
    // The old slot stops in the background once no request is left on it.
    for (let i = 0; i < 60 && /127\.0\.0\.1:8032\b/.test(await demo.host.run("ss -Hltn | awk '{print $4}'")); i++)
      await new Promise((res) => setTimeout(res, 500));
    assert.doesNotMatch(
      await demo.host.run("ss -Hltn | awk '{print $4}'"),
      /127\.0\.0\.1:8032\b/,
      'nothing listens on the old port any more',
    );
    // Deploys go on from there, on the new ports.
    commitVersion(demo.repo, 'v2');
    await demo.git.push('demo', demo.repo);
    const d = await cli(moved, 'deploy');
    assert.equal(d.code, 0, d.output);
    assert.equal(await page(), 'v2');
    writeFileSync(demo.file, readFileSync(moved, 'utf8'));
  });

  it('4. a release the app user cannot delete (a root-owned file in it) no longer blocks later deploys: a warning says how to remove it', async () => {
    const oldest = (await demo.host.run(`ls -1 ${APP}/releases | sort | head -n 1`)).trim();
    await demo.host.run(`mkdir ${APP}/releases/${oldest}/rootdir && touch ${APP}/releases/${oldest}/rootdir/x`);
    const keep2 = variant('keep2.ini', (t) => t.replace('[DEPLOY]\n', '[DEPLOY]\nkeep_releases = 2\n'));
    const outputs: string[] = [];
    for (const v of ['v3', 'v4']) {
      commitVersion(demo.repo, v);
      await demo.git.push('demo', demo.repo);
      const d = await cli(keep2, 'deploy');
      assert.equal(d.code, 0, d.output);
      assert.equal(await page(), v);
      outputs.push(d.output);
    }
    // Pruned once it is neither kept nor a slot's: what the app user could not delete is left, and said.
    assert.match(
      outputs.join('\n'),
      /could not delete all of .*\.deleting-.*sudo rm -rf/,
      'the warning says what was left and how to remove it',
    );
    assert.equal(
      (await demo.host.exec(`ls -d ${APP}/releases/.deleting-${oldest}`)).code,
      0,
      'it was left (renamed: never taken for a release)',
    );
    // Every later run tries again, says so again, and goes on.
    const again = await cli(keep2, 'deploy', '--force');
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /could not delete all of/);
    assert.equal((await demo.host.exec(`test -e ${APP}/deploy.lock`)).code, 1, 'the lock is free');
  });

  it('11. a [PROCESSES] entry a deploy user cannot apply is refused before anything is built', async () => {
    const deployer = variant('deployer.ini', (t) => t.replace('[DEPLOY]\n', '[DEPLOY]\ndeploy_user = deployer\n'));
    const s = await runCli(['demo', 'setup', '--yes', '--dependencies=no', '-c', deployer], { home: demo.home });
    assert.equal(s.code, 0, s.output);
    const withWorker = join(demo.home, 'worker.ini');
    writeFileSync(withWorker, `${readFileSync(deployer, 'utf8')}\n[PROCESSES]\nworker = sleep infinity\n`);
    commitVersion(demo.repo, 'v5');
    await demo.git.push('demo', demo.repo);
    const before = (await demo.host.run(`ls -1 ${APP}/releases`)).trim();
    const d = await cli(withWorker, 'deploy');
    assert.equal(d.code, 1, d.output);
    assert.match(d.stderr, /run `deploy demo setup`/);
    assert.doesNotMatch(d.output, /build release/, 'nothing was built');
    assert.equal((await demo.host.run(`ls -1 ${APP}/releases`)).trim(), before, 'no release was made');
    assert.equal((await demo.host.exec(`test -e ${APP}/deploy.lock`)).code, 1, 'the lock is free');
    assert.equal(await page(), 'v4');
  });

  it('13. a changed home on an app already set up is refused: no second install beside the first', async () => {
    const moved = variant('home.ini', (t) => t.replace('[DEPLOY]\n', '[DEPLOY]\nhome = /opt/other\n'));
    const r = await runCli(['demo', 'setup', '--yes', '--dependencies=no', '-c', moved], { home: demo.home });
    assert.equal(r.code, 2, r.output);
    assert.match(
      r.stderr,
      /demo already runs on this host from \/opt\/django\/apps\/demo, not \/opt\/other\/apps\/demo/,
    );
    assert.match(r.stderr, /next: .*set home back/);
    assert.equal((await demo.host.exec('test -e /opt/other')).code, 1, 'nothing was made');
  });

  it('16. nginx or supervisor stopped: deploy refuses, status says so (exit 1), and both name the service', async () => {
    await demo.host.run('systemctl stop nginx');
    const d = await cli(demo.file, 'deploy', '--force');
    assert.equal(d.code, 1, d.output);
    assert.match(d.stderr, /nginx is not running on this server .*the site is down; start it/);
    const st = await runCli(['-c', demo.file, 'demo', 'status'], { home: demo.home });
    assert.equal(st.code, 1, st.output);
    assert.match(st.stderr, /not running: nginx on /);
    await demo.host.run('systemctl start nginx');
    await demo.host.run('systemctl stop supervisor');
    const st2 = await runCli(['-c', demo.file, 'demo', 'status', '--json'], { home: demo.home });
    assert.equal(st2.code, 1, st2.output);
    assert.equal(JSON.parse(st2.stdout).ok, false);
    assert.match(st2.stderr, /not running: supervisor on /);
    await demo.host.run('systemctl start supervisor');
    for (let i = 0; i < 40 && !(await page()); i++) await new Promise((res) => setTimeout(res, 250));
    assert.equal(await page(), 'v4', 'the live slot started again with supervisor');
    assert.equal((await runCli(['-c', demo.file, 'demo', 'status'], { home: demo.home })).code, 0);
  });

  it("19. a second app whose default server clashes with the first app's is refused before anything is written", async () => {
    const shop = join(demo.home, 'shop.ini');
    writeFileSync(
      shop,
      readFileSync(demo.file, 'utf8')
        .replace('project_name = demo', 'project_name = shop')
        .replace('[DEPLOY]\n', '[DEPLOY]\nserver_name = shop.test\napp_user = shop\nhome = /opt/shop\n')
        .replace('gunicorn_bind = "127.0.0.1:8040"', 'gunicorn_bind = "127.0.0.1:8050"'),
    );
    const r = await runCli(['shop', 'setup', '--yes', '--dependencies=no', '-c', shop], { home: demo.home });
    assert.equal(r.code, 2, r.output);
    assert.match(r.stderr, /port 80 already has a default server: the site demo/);
    assert.match(r.stderr, /next: /);
    assert.equal(
      (await demo.host.exec('ls /etc/nginx/sites-enabled/shop /etc/nginx/sites-enabled/deploy-default-80 /opt/shop'))
        .code,
      2,
      'nothing of shop was written',
    );
    assert.equal(await page(), 'v4');
  });

  it("15. release names come from the servers' clock: an operator an hour behind still deploys the newest release", async () => {
    commitVersion(demo.repo, 'v6');
    await demo.git.push('demo', demo.repo);
    const behind = fileURLToPath(new URL('../fixtures/clock-behind.mjs', import.meta.url));
    const d = await runCli(['-c', demo.file, 'demo', 'deploy', '--yes'], {
      home: demo.home,
      env: { NODE_OPTIONS: `--import=${behind}` },
    });
    assert.equal(d.code, 0, d.output);
    assert.equal(await page(), 'v6');
    const names = (await demo.host.run(`ls -1 ${APP}/releases | sort`)).trim().split('\n');
    const live = (await demo.host.run(`basename "$(readlink ${APP}/current)"`)).trim();
    assert.equal(names.at(-1), live, `the live release sorts last: ${names.join(' ')}`);
    const serverNow = Number((await demo.host.run('date -u +%s')).trim());
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})-/.exec(live)!;
    const named = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
    assert.ok(Math.abs(serverNow - named) < 300, `named ${live}, the server says ${serverNow}`);
    const rb = await cli(demo.file, 'rollback');
    assert.equal(rb.code, 0, rb.output);
    assert.equal(await page(), 'v4', 'a rollback goes to the release before it');
    assert.equal((await cli(demo.file, 'rollback', 'current')).code, 0);
    assert.equal(await page(), 'v6');
  });

  it('28. a rollback to a release whose virtualenv is gone fails at once, saying so', async () => {
    const old = (await demo.host.run(`cd ${APP}/releases && ls -1 | sort | tail -n 2 | head -n 1`)).trim();
    const venv = (await demo.host.run(`readlink ${APP}/releases/${old}/.venv`)).trim();
    await demo.host.run(
      `sudo -u django sh -c 'ln -sfn /opt/django/virtualenvs/demo/gone ${APP}/releases/${old}/.venv'`,
    );
    const t0 = performance.now();
    const rb = await cli(demo.file, 'rollback', old);
    assert.equal(rb.code, 1, rb.output);
    assert.ok(performance.now() - t0 < 15_000, 'it did not wait out health_timeout');
    assert.match(rb.stderr, /cannot start: its virtualenv is gone/);
    assert.equal(await page(), 'v6');
    await demo.host.run(`sudo -u django ln -sfn ${venv} ${APP}/releases/${old}/.venv`);
  });

  it('30. a lost slot link: status says what happened and that a deploy repairs it; a deploy does', async () => {
    const slot = (await demo.host.run(`test -e ${APP}/slots/live-b && echo b || echo a`)).trim();
    await demo.host.run(`sudo -u django rm ${APP}/slots/${slot}`);
    const st = await runCli(['-c', demo.file, 'demo', 'status'], { home: demo.home });
    assert.equal(st.code, 0, st.output);
    assert.match(st.stdout, new RegExp(`slots/${slot} is missing .*the next deploy or rollback puts a link back`));
    assert.doesNotMatch(st.stdout, /none \(run setup\)/);
    assert.equal((await cli(demo.file, 'deploy', '--force')).code, 0);
    assert.equal(await page(), 'v6');
  });

  it('25. a server file edited by hand is written from the settings again with a warning, the edited copy kept, the diff shown', async () => {
    await demo.host.run(
      "echo '# tuned by hand' >> /etc/nginx/sites-available/demo && sed -i 's/^stopwaitsecs=.*/stopwaitsecs=99/' /etc/supervisor/conf.d/demo-a.conf",
    );
    const s = await runCli(['demo', 'setup', '--yes', '--dependencies=no', '-v', '-c', demo.file], { home: demo.home });
    assert.equal(s.code, 0, s.output);
    assert.match(
      s.output,
      /\/etc\/nginx\/sites-available\/demo was edited by hand since deploy wrote it: .*the edited copy is \/var\/lib\/deploy\/hand-edited\//,
    );
    assert.match(s.output, /\/etc\/supervisor\/conf\.d\/demo-a\.conf was edited by hand/);
    assert.match(s.output, /^.*[|!] -# tuned by hand$/m, 'the diff is shown (-v)');
    assert.doesNotMatch(await demo.host.run('cat /etc/nginx/sites-available/demo'), /tuned by hand/);
    assert.match(await demo.host.run('cat /var/lib/deploy/hand-edited/*sites-available%demo.*'), /# tuned by hand/);
    // Written by deploy again: the next setup has nothing to say.
    const again = await runCli(['demo', 'setup', '--yes', '--dependencies=no', '-c', demo.file], { home: demo.home });
    assert.equal(again.code, 0, again.output);
    assert.doesNotMatch(again.output, /edited by hand/);
    assert.equal(await page(), 'v6');
  });
});
