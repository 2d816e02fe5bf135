// deploy_user (seed 002): setup (with sudo) creates a login without root; deploy, rollback,
// status, logs, run and unlock then work as that user, which cannot become root.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { commitVersion, httpGet, liveDemo, runCli } from './helpers.ts';

const ROOT = '/opt/django/apps/demo';

describe('least privilege: deploy_user', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let repo: string;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli([...args, '-c', file, '--yes'], { home });
  const page = async () => (await httpGet(host, '/')).body.match(/demo app (v\w+)/)?.[1];
  const asDeployer = (cmd: string) => host.exec(`su -s /bin/bash deployer -c ${JSON.stringify(cmd)}`);

  before(async () => {
    ({ git, host, repo, home, file } = await liveDemo('deploy_user = deployer\n'));
  });
  after(stopAll);

  it('setup creates deployer: no password, no root, may become the app user only', async () => {
    assert.match(await host.run('getent passwd deployer'), /^deployer:x:/);
    assert.match(await host.run('passwd -S deployer'), /^deployer L/, 'password locked');
    assert.notEqual((await asDeployer('sudo -n id')).code, 0, 'sudo -n id fails');
    assert.notEqual((await asDeployer('sudo -n true')).code, 0);
    assert.notEqual((await asDeployer('sudo -n -u root cat /etc/shadow')).code, 0);
    assert.equal((await asDeployer('sudo -n -u django id -un')).stdout.trim(), 'django');
    assert.notEqual((await asDeployer('touch /etc/nginx/sites-available/demo')).code, 0, 'cannot write nginx config');
    assert.notEqual(
      (await asDeployer('touch /etc/supervisor/conf.d/x.conf')).code,
      0,
      'cannot add supervisor programs',
    );
    assert.equal((await host.exec('visudo -c')).code, 0, 'sudoers is valid');
    assert.equal((await host.run('stat -c "%a %U" /home/deployer/.ssh/authorized_keys')).trim(), '600 deployer');
  });

  it('deploy and rollback as deployer', async () => {
    commitVersion(repo, 'v2');
    await git.push('demo', repo);
    const d = await cli('demo', 'deploy');
    assert.equal(d.code, 0, d.output);
    assert.match(d.output, /deployer@/);
    assert.equal(await page(), 'v2');
    const entry = JSON.parse((await host.run(`tail -n 1 ${ROOT}/deploy.log.jsonl`)).trim());
    assert.equal(entry.result, 'ok');
    const rb = await cli('demo', 'rollback');
    assert.equal(rb.code, 0, rb.output);
    assert.equal(await page(), 'v1');
    // Every login of the deploy came from deployer, none as root or ubuntu.
    const logins = await host.run(
      "journalctl -u ssh --no-pager -o cat | grep -o 'Accepted publickey for [a-z]*' | sort | uniq -c",
    );
    assert.match(logins, /Accepted publickey for deployer/);
  });

  it('status, releases, logs, run and unlock work as deployer', async () => {
    const st = await cli('demo', 'status', '--json');
    assert.equal(st.code, 0, st.output);
    const doc = JSON.parse(st.stdout);
    const h = doc.hosts[`deployer@${host.ip}`].status;
    assert.equal(h.site.code, 200);
    assert.match(JSON.stringify(h.processes), /RUNNING/);
    assert.equal((await cli('demo', 'releases')).code, 0);
    const logs = await cli('demo', 'logs', '-n', '5');
    assert.equal(logs.code, 0, logs.output);
    assert.match(logs.stdout, /demo\.access\.log|gunicorn-/);
    const r = await runCli(['-c', file, 'demo', 'run', '--', 'id', '-un'], { home });
    assert.equal(r.code, 0, r.output);
    assert.match(r.stdout, /^django$/m);
    // Another run's lock (this version takes it as the app user).
    await host.run(
      `echo '{"by":"ci@elsewhere","pid":1,"since":"2026-01-01T00:00:00Z","what":"deploy","token":"t"}' | sudo -u django sh -c 'mkdir ${ROOT}/deploy.lock && cat > ${ROOT}/deploy.lock/info'`,
    );
    // Taken on another machine: --yes alone refuses it (exit 4), --force removes it, naming whose it was.
    const refused = await cli('demo', 'unlock');
    assert.equal(refused.code, 4, refused.output);
    const u = await cli('demo', 'unlock', '--force');
    assert.equal(u.code, 0, u.output);
    assert.match(u.output, /ci@elsewhere/);
    assert.equal((await host.exec(`test -e ${ROOT}/deploy.lock`)).code, 1);
  });

  it('a change only root can apply is refused with what to do, and the site keeps serving', async () => {
    const changed = join(home, 'changed.ini');
    writeFileSync(changed, readFileSync(file, 'utf8').replace('[DEPLOY]\n', '[DEPLOY]\ngunicorn_timeout = 45\n'));
    const r = await runCli(['demo', 'deploy', '--yes', '-c', changed], { home });
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /run setup to apply the change/);
    assert.equal(await page(), 'v1');
    assert.equal((await host.exec(`test -e ${ROOT}/deploy.lock`)).code, 1, 'lock released');
  });
});
