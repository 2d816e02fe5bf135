// [LOCAL_HOOKS] around a real deploy and rollback (src/local-hooks.ts): the hooks run on this
// machine, so a webhook receiver in this process gets what after_deploy's curl posts; a failing
// before_deploy stops the deploy with the host untouched, judged on the host itself.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { cleanup, commitVersion, liveDemo, readLog, runCli } from './helpers.ts';

const ROOT = '/opt/django/apps/demo';
/** A value of [ENV] that pass_env does not name: no hook may see it. */
const NOT_PASSED = 'not-passed-secret-4711';

describe('local hooks: a webhook after deploy, a before_deploy that refuses, a rollback', {
  timeout: 8 * 60_000,
}, () => {
  let git: GitServer;
  let host: Host;
  let repo: string;
  let home: string;
  let file: string;
  let settings: string;
  let server: Server;
  let url: string;
  const received: { path: string; body: string }[] = [];
  const posted = (path: string) => received.filter((r) => r.path === path).map((r) => r.body);
  const json = (path: string) => {
    const bodies = posted(path);
    assert.equal(bodies.length, 1, `one POST to ${path}: ${JSON.stringify(received.map((r) => r.path))}`);
    return JSON.parse(bodies[0]);
  };
  const cli = (...args: string[]) =>
    runCli(['demo', ...args, '-c', file, '--yes'], { home, env: { OPERATOR_OWN: 'from-the-operator' } });
  const releases = async () => (await host.run(`ls ${ROOT}/releases`)).trim();
  const current = async () => (await host.run(`basename "$(readlink ${ROOT}/current)"`)).trim();
  const label = () => `ubuntu@${host.ip}`;
  /** The settings with these [LOCAL_HOOKS] (no ";" or "#" in them: those start an ini comment). */
  const withHooks = (beforeDeploy: string) =>
    writeFileSync(
      file,
      `${settings}
[ENV]
HOOK_URL = ${url}
NOT_PASSED = ${NOT_PASSED}

[LOCAL_HOOKS]
pass_env = HOOK_URL
before_deploy = ${beforeDeploy}
after_deploy = curl -fsS --data-binary @"$DEPLOY_CHANGES_FILE" "$HOOK_URL/after_deploy" && env | curl -fsS --data-binary @- "$HOOK_URL/after_deploy/env"
after_failure = touch after-failure-ran
before_rollback = env | curl -fsS --data-binary @- "$HOOK_URL/before_rollback/env"
after_rollback = curl -fsS --data-binary @"$DEPLOY_CHANGES_FILE" "$HOOK_URL/after_rollback"
timeout = 60
`,
    );

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body });
        res.end('received\n');
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // No PyPI here: pip looks only in a directory without wheels (the demo needs none).
    ({ git, host, repo, home, file } = await liveDemo('pip_find_links = /tmp\n'));
    settings = readFileSync(file, 'utf8');
  });
  after(async () => {
    server?.close();
    await stopAll();
    cleanup(...[repo, home].filter(Boolean));
  });

  it('after_deploy posts the JSON file: the new release, its commit, the host and what it served', async () => {
    withHooks('curl -fsS --data-binary @"$DEPLOY_CHANGES_FILE" "$HOOK_URL/before_deploy"');
    const v1 = await current();
    commitVersion(repo, 'v2');
    await git.push('demo', repo);
    const commit = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const r = await cli('deploy');
    assert.equal(r.code, 0, r.output);
    const v2 = await current();
    assert.notEqual(v2, v1);

    const first = json('/before_deploy');
    assert.equal(first.command, 'deploy');
    assert.equal(first.release, null, 'not named yet');
    assert.equal(first.result, null);
    assert.deepEqual(first.hosts, [{ host: label(), before: null, after: null }]);

    const done = json('/after_deploy');
    assert.equal(done.hook, 'after_deploy');
    assert.equal(done.app, 'demo');
    assert.equal(done.release, v2);
    assert.equal(done.commit, commit);
    assert.equal(done.ref, 'main');
    assert.equal(done.result, 'ok');
    assert.equal(done.exit_status, 0);
    assert.deepEqual(done.hosts, [{ host: label(), before: v1, after: v2 }]);
    assert.ok(done.duration_s > 0);

    // Its environment: DEPLOY_*, the operator's own, pass_env's value; no other secret of the settings.
    const env = posted('/after_deploy/env')[0];
    assert.match(env, /^DEPLOY_COMMAND=deploy$/m);
    assert.match(env, /^DEPLOY_RESULT=ok$/m);
    assert.match(env, new RegExp(`^DEPLOY_RELEASE=${v2}$`, 'm'));
    assert.match(env, new RegExp(`^DEPLOY_HOSTS=${label()}$`, 'm'));
    assert.match(env, /^OPERATOR_OWN=from-the-operator$/m);
    assert.match(env, new RegExp(`^HOOK_URL=${url}$`, 'm'));
    assert.ok(!env.includes(NOT_PASSED), 'an [ENV] value pass_env does not name');
    assert.ok(!env.includes('hunter2-not-for-logs'), 'the e-mail password');

    // Its output (curl prints the receiver's answer), on stderr and in the log, after the hook's name.
    assert.match(r.stderr, /^after_deploy \| received$/m);
    assert.match(readLog(r), /after_deploy \| received/);
    assert.match(r.stdout, /✓ this machine {2}after_deploy {2}done/);
  });

  it('a failing before_deploy exits 7 with the host untouched: no lock, the same releases, no connection', async () => {
    withHooks("echo 'refusing: the assets do not build' >&2 && exit 3");
    commitVersion(repo, 'v3');
    await git.push('demo', repo);
    const releasesBefore = await releases();
    const live = await current();
    const deployLog = await host.run(`cat ${ROOT}/deploy.log.jsonl`);
    const r = await cli('deploy');
    assert.equal(r.code, 7, r.output);
    assert.match(r.stderr, /^before_deploy ! refusing: the assets do not build$/m);
    assert.match(
      r.stderr,
      /error: the before_deploy hook failed on this machine \(exit status 3\): no host was touched/,
    );
    assert.equal((await host.exec(`test -e ${ROOT}/deploy.lock`)).code, 1, 'no lock was taken');
    assert.equal(await releases(), releasesBefore, 'no release was built');
    assert.equal(await current(), live);
    assert.equal(await host.run(`cat ${ROOT}/deploy.log.jsonl`), deployLog, 'no run was logged on the host');
    assert.doesNotMatch(readLog(r), /connecting to/, 'the run never connected');
    assert.equal(existsSync(join(home, 'after-failure-ran')), false, 'after_failure is not for a before hook');
    assert.equal(posted('/after_deploy').length, 1, 'after_deploy did not run again');
  });

  it('rollback runs before_rollback and after_rollback, with DEPLOY_COMMAND=rollback', async () => {
    const v2 = await current();
    const r = await cli('rollback');
    assert.equal(r.code, 0, r.output);
    const v1 = await current();
    assert.notEqual(v1, v2);
    const env = posted('/before_rollback/env')[0] ?? '';
    assert.match(env, /^DEPLOY_COMMAND=rollback$/m);
    assert.match(env, /^DEPLOY_RELEASE=$/m, 'the target is not known before the hosts are read');
    const done = json('/after_rollback');
    assert.equal(done.command, 'rollback');
    assert.equal(done.release, v1);
    assert.equal(done.result, 'ok');
    assert.deepEqual(done.hosts, [{ host: label(), before: v2, after: v1 }]);
    assert.equal(existsSync(join(home, 'after-failure-ran')), false);
  });
});
