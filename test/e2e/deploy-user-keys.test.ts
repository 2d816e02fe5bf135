// deploy_user without deploy_user_keys, no identity_file (the key is ~/.ssh/id_ed25519): the
// public keys to authorise are found before anything is touched; ~/.ssh/id_ed25519.pub is the
// default when it exists. The judge is the server: which users exist, who can log in.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { demoRepo, httpGet, runCli, setupThroughKeyGate, tempDir, writeSettings } from './helpers.ts';

describe('deploy_user: its public keys are found before setup touches anything', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let home: string;
  let file: string;
  const setupArgs = () => ['demo', 'setup', '--dependencies=no', '--yes', '-c', file];

  before(async () => {
    await ensureImages();
    [git, host] = await Promise.all([bootGitServer(), bootHost('ready')]);
    const url = await git.createRepo('demo');
    await git.push('demo', demoRepo('v1'));
    home = tempDir();
    // The operator's own key in ~/.ssh, as ssh would find it: no identity_file in the settings.
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    copyFileSync(TESTBED_KEY, join(home, '.ssh', 'id_ed25519'));
    const written = writeSettings(home, { repo: url, hosts: [host], extra: 'deploy_user = deployer\n' });
    file = written;
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^identity_file = .*\n/m, ''));
  });
  after(stopAll);

  it('no deploy_user_keys and no ~/.ssh/id_ed25519.pub: exit 2 naming the key to set; no user was created', async () => {
    const r = await runCli(setupArgs(), { home });
    assert.equal(r.code, 2, r.output);
    assert.match(r.stderr, /deploy_user/);
    assert.match(r.stderr, /deploy_user_keys/);
    assert.notEqual((await host.exec('getent passwd django')).code, 0, 'the app user was not created');
    assert.notEqual((await host.exec('getent passwd deployer')).code, 0, 'deploy_user was not created');
    assert.notEqual((await host.exec('test -e /opt/django')).code, 0, 'no home was made');
  });

  it('with ~/.ssh/id_ed25519.pub, setup authorises it for deployer, who then runs status', async () => {
    copyFileSync(`${TESTBED_KEY}.pub`, join(home, '.ssh', 'id_ed25519.pub'));
    const { second } = await setupThroughKeyGate(git, host, setupArgs(), home);
    assert.equal(second.code, 0, second.output);
    assert.match((await httpGet(host, '/')).body, /demo app v1/);
    const pub = readFileSync(`${TESTBED_KEY}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    assert.ok(
      (await host.run('cat /home/deployer/.ssh/authorized_keys')).includes(pub),
      'the key is authorised for deployer',
    );
    const st = await runCli(['demo', 'status', '-c', file], { home });
    assert.equal(st.code, 0, st.output);
    assert.match(st.output, /deployer@/);
  });
});
