// The app's runtime with supervisor (the default): a worker process that follows deploys and
// rollbacks, hooks (a failing one switches nothing), settings a plain deploy applies and a
// rollback reverts, start/stop/restart, status and logs, logrotate.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stopAll } from '../testbed/index.ts';
import { APP_ROOT, BASE_EXTRA, runtimeDemo, until, type Runtime } from './runtime-helpers.ts';

describe('runtime: processes, hooks, settings on deploy, start/stop/restart (supervisor)', {
  timeout: 20 * 60_000,
}, () => {
  let rt: Runtime;
  before(async () => {
    rt = await runtimeDemo('supervisor');
  });
  after(stopAll);

  it('setup starts the worker in the live release with the app environment (env_file included), logrotate parses', async () => {
    assert.equal(await rt.page(), 'v1');
    assert.ok(await until(async () => (await rt.workerVersion()) === 'v1'), 'worker runs v1');
    const pid = await rt.workerPid();
    const environ = await rt.host.run(`tr '\\0' '\\n' < /proc/${pid}/environ`);
    assert.match(environ, /^GREETING=hello-from-env-file$/m);
    assert.match(environ, /^APP_CONFIG_FILE=.*\/releases\/.*\/\.deploy\/app\.conf$/m);
    assert.equal((await rt.host.run(`ps -o user= -p ${pid}`)).trim(), 'django');
    assert.equal((await rt.host.exec('logrotate -d /etc/logrotate.d/deploy-demo')).code, 0);
  });

  it('deploy: the worker is stopped gracefully and runs the new release; after_switch ran with the environment', async () => {
    await rt.push('v2');
    const r = await rt.cli('demo', 'deploy');
    assert.equal(r.code, 0, r.output);
    assert.equal(await rt.page(), 'v2');
    assert.ok(await until(async () => (await rt.workerVersion()) === 'v2'), 'worker runs v2');
    assert.match(await rt.host.run(`cat /var/log/deploy/demo/worker.log`), /worker v1 stopped gracefully/);
    assert.match(
      await rt.host.run('cat /opt/django/apps/demo/shared/hooks.log'),
      /^after_switch v2 hello-from-env-file$/m,
    );
    // The hook's output and the secrets: never in the tool's output.
    assert.doesNotMatch(r.output, /hello-from-env-file/);
  });

  it('rollback: the worker runs the previous release again; after_rollback ran', async () => {
    const r = await rt.cli('demo', 'rollback');
    assert.equal(r.code, 0, r.output);
    assert.equal(await rt.page(), 'v1');
    assert.ok(await until(async () => (await rt.workerVersion()) === 'v1'), 'worker back on v1');
    assert.match(await rt.host.run('cat /opt/django/apps/demo/shared/hooks.log'), /^after_rollback v1$/m);
    const back = await rt.cli('demo', 'rollback', 'current');
    assert.equal(back.code, 0, back.output);
    assert.ok(await until(async () => (await rt.workerVersion()) === 'v2'));
  });

  it('a failing before_switch hook stops the deploy with nothing switched', async () => {
    rt.settings(`${BASE_EXTRA('supervisor')}before_switch = "echo checking; exit 7"\n`);
    await rt.push('v3');
    const r = await rt.cli('demo', 'deploy');
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /hook before_switch failed \(exit status 7\)/);
    assert.match(r.output, /checking/);
    assert.equal(await rt.page(), 'v2');
    assert.equal(await rt.workerVersion(), 'v2');
    assert.equal((await rt.host.exec(`test -e ${APP_ROOT}/deploy.lock`)).code, 1, 'lock released');
  });

  it('a changed setting reaches the server with a plain deploy, and a rollback reverts it', async () => {
    const workers = async () => {
      const master = (
        await rt.host.run(`supervisorctl pid demo-$(test -e ${APP_ROOT}/slots/live-b && echo b || echo a)`)
      ).trim();
      return Number((await rt.host.run(`pgrep -c -P ${master} || true`)).trim());
    };
    const debug = async () => (await rt.host.run('grep ^debug /opt/django/configs/apps/demo.conf')).trim();
    rt.settings(BASE_EXTRA('supervisor'));
    const again = await rt.cli('demo', 'deploy');
    assert.equal(again.code, 0, again.output);
    assert.equal(await rt.page(), 'v3');
    assert.equal(await workers(), 2);
    assert.equal(await debug(), 'debug = False');
    // Only settings change: gunicorn_workers and [APP] debug (config file), same commit.
    rt.settings(BASE_EXTRA('supervisor').replace('gunicorn_workers = 2', 'gunicorn_workers = 3'));
    const text = (await import('node:fs')).readFileSync(rt.file, 'utf8').replace('debug = False', 'debug = True');
    (await import('node:fs')).writeFileSync(rt.file, text);
    const dry = await rt.cli('demo', 'deploy', '--dry-run');
    assert.equal(dry.code, 0, dry.output);
    assert.match(dry.output, /gunicorn\.conf\.py[\s\S]*-workers = 2[\s\S]*\+workers = 3/);
    assert.match(dry.output, /-debug = False[\s\S]*\+debug = True/);
    assert.doesNotMatch(dry.output, /secret_key = (?!\[redacted\]|@@SECRET_KEY@@)/);
    const r = await rt.cli('demo', 'deploy');
    assert.equal(r.code, 0, r.output);
    assert.equal(await workers(), 3);
    assert.equal(await debug(), 'debug = True');
    const back = await rt.cli('demo', 'rollback');
    assert.equal(back.code, 0, back.output);
    assert.equal(await workers(), 2);
    assert.equal(await debug(), 'debug = False');
    assert.equal(await rt.page(), 'v3');
  });

  it('stop, start and restart: one process or all; a web restart is a zero-downtime switch', async () => {
    const state = async (p: string) => (await rt.host.run(`supervisorctl status ${p} || true`)).split(/\s+/)[1];
    let r = await rt.cli('demo', 'stop', 'worker');
    assert.equal(r.code, 0, r.output);
    assert.equal(await state('demo-worker'), 'STOPPED');
    assert.equal(await rt.page(), 'v3');
    r = await rt.cli('demo', 'start', 'worker');
    assert.equal(r.code, 0, r.output);
    assert.equal(await state('demo-worker'), 'RUNNING');
    const liveBefore = (await rt.host.exec(`test -e ${APP_ROOT}/slots/live-b`)).code;
    r = await rt.cli('demo', 'restart', 'web');
    assert.equal(r.code, 0, r.output);
    assert.notEqual((await rt.host.exec(`test -e ${APP_ROOT}/slots/live-b`)).code, liveBefore, 'the live slot changed');
    assert.equal(await rt.page(), 'v3');
    r = await rt.cli('demo', 'stop');
    assert.equal(r.code, 0, r.output);
    assert.equal((await fetch(`http://${rt.host.ip}/`)).status >= 500, true);
    assert.equal(await state('demo-worker'), 'STOPPED');
    r = await rt.cli('demo', 'start');
    assert.equal(r.code, 0, r.output);
    assert.equal(await rt.page(), 'v3');
    assert.equal(await state('demo-worker'), 'RUNNING');
    const bad = await rt.cli('demo', 'restart', 'wroker');
    assert.equal(bad.code, 2);
    assert.match(bad.output, /did you mean worker/);
  });

  it('services: setup enables and starts them; status reports them', async () => {
    await rt.host.run(
      "printf '[Service]\\nExecStart=/bin/sleep infinity\\n[Install]\\nWantedBy=multi-user.target\\n' > /etc/systemd/system/demo-extra.service && systemctl daemon-reload",
    );
    assert.equal((await rt.host.exec('systemctl is-active demo-extra.service')).stdout.trim(), 'inactive');
    rt.settings(`services = demo-extra.service\n${BASE_EXTRA('supervisor')}`);
    const r = await rt.cli('demo', 'setup', '--dependencies=no');
    assert.equal(r.code, 0, r.output);
    assert.equal((await rt.host.run('systemctl is-active demo-extra.service')).trim(), 'active');
    assert.equal((await rt.host.run('systemctl is-enabled demo-extra.service')).trim(), 'enabled');
    const st = await rt.cli('demo', 'status');
    assert.match(st.output, /demo-extra\.service +active/);
  });

  it('status and logs show the worker', async () => {
    const st = await rt.cli('demo', 'status', '--json');
    assert.equal(st.code, 0, st.output);
    const doc = JSON.parse(st.stdout);
    const host = Object.values(doc.hosts ?? {})[0] as { status: { processes: Record<string, { state: string }> } };
    assert.equal(host.status.processes['demo-worker'].state, 'RUNNING');
    const logs = await rt.cli('demo', 'logs', '--lines', '50');
    assert.equal(logs.code, 0, logs.output);
    assert.match(logs.output, /worker v3 started/);
  });
});
