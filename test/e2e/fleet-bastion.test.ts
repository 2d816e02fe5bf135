// Hosts behind a bastion: through ProxyJump in ~/.ssh/config, and through proxy_jump.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bootGitServer,
  bootHost,
  ensureImages,
  stopAll,
  TESTBED_KEY,
  type GitServer,
  type Host,
} from '../testbed/index.ts';
import { settingsFile } from './fleet-helpers.ts';
import { demoRepo, runCli, served, tempDir } from './helpers.ts';

describe('many servers: hosts behind a bastion', { timeout: 15 * 60_000 }, () => {
  let git: GitServer;
  let bastion: Host;
  let target: Host;
  let url: string;

  before(async () => {
    await ensureImages();
    [git, bastion, target] = await Promise.all([bootGitServer(), bootHost('ready'), bootHost('ready')]);
    url = await git.createRepo('demo');
    await git.push('demo', demoRepo('v1'));
    await target.sshOnlyFrom(bastion.ip);
  });
  after(stopAll);

  const setupAndDeploy = async (home: string, file: string) => {
    const first = await runCli(['-c', file, 'demo', 'setup', '--yes', '--dependencies=no'], { home });
    if (first.code === 3) await git.authorize((await target.run('cat /opt/django/.ssh/id_ed25519.pub')).trim());
    const second =
      first.code === 3 ? await runCli(['-c', file, 'demo', 'setup', '--yes', '--dependencies=no'], { home }) : first;
    assert.equal(second.code, 0, second.output);
    assert.equal(await served(target), 'v1');
    const st = await runCli(['-c', file, 'demo', 'status'], { home });
    assert.equal(st.code, 0, st.output);
    return readFileSync(join(home, '.ssh', 'known_hosts'), 'utf8');
  };

  it('the target refuses SSH from anywhere but the bastion', async () => {
    const home = tempDir();
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    writeFileSync(join(home, '.ssh', 'config'), 'Host *\n  ConnectTimeout 3\n');
    const file = settingsFile(home, `deploy_hosts = ubuntu@${target.ip}`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
    const direct = await runCli(['-c', file, 'demo', 'status', '--yes'], { home });
    assert.equal(direct.code, 1, direct.output);
    assert.match(direct.stderr, /cannot connect|no answer|timed out/i);
  });

  it('through ProxyJump in ~/.ssh/config', async () => {
    const home = tempDir();
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    writeFileSync(
      join(home, '.ssh', 'config'),
      `Host app1\n  HostName ${target.ip}\n  User ubuntu\n  ProxyJump jump\n\nHost jump\n  HostName ${bastion.ip}\n  User ubuntu\n  IdentityFile ${TESTBED_KEY}\n`,
    );
    // The site is reached by its address here, not by the ssh alias: Django must accept it.
    const file = settingsFile(home, 'deploy_hosts = app1', `allowed_hosts = ${target.ip},localhost,127.0.0.1\n`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
    const known = await setupAndDeploy(home, file);
    assert.match(
      known,
      new RegExp(`^${bastion.ip.replace(/\./g, '\\.')} `, 'm'),
      "the bastion's host key is checked and recorded too",
    );
  });

  it('through proxy_jump in the settings', async () => {
    const home = tempDir();
    const file = settingsFile(
      home,
      `deploy_hosts = ubuntu@${target.ip}\nproxy_jump = ubuntu@${bastion.ip}`,
      `allowed_hosts = ${target.ip},localhost,127.0.0.1\n`,
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
    const known = await setupAndDeploy(home, file);
    assert.match(known, new RegExp(`^${bastion.ip.replace(/\./g, '\\.')} `, 'm'));
    assert.match(known, new RegExp(`^${target.ip.replace(/\./g, '\\.')} `, 'm'));
  });
});
