// process_manager = systemd: the same switch and processes with systemd units instead of
// supervisor programs; status from systemd, logs from the journal; a release that cannot boot
// fails its health check at once, showing the journal's traceback.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll } from '../testbed/index.ts';
import { commitVersion } from './helpers.ts';
import { APP_ROOT, runtimeDemo, until, type Runtime } from './runtime-helpers.ts';

describe('runtime with systemd units', { timeout: 20 * 60_000 }, () => {
  let rt: Runtime;
  before(async () => {
    rt = await runtimeDemo('systemd');
  });
  after(stopAll);

  it('setup: the live slot and the worker are systemd units; no supervisor program', async () => {
    assert.equal(await rt.page(), 'v1');
    assert.equal((await rt.host.run('systemctl is-active demo-a.service')).trim(), 'active');
    assert.equal((await rt.host.exec('systemctl is-active demo-b.service')).stdout.trim(), 'inactive');
    assert.ok(await until(async () => (await rt.workerVersion()) === 'v1'));
    assert.equal((await rt.host.run('systemctl is-enabled demo-worker.service')).trim(), 'enabled');
    assert.equal((await rt.host.exec('ls /etc/supervisor/conf.d/demo-*.conf')).code, 2, 'no supervisor programs');
  });

  it('deploy switches slots and restarts the worker in the new release; rollback brings both back', async () => {
    await rt.push('v2');
    const r = await rt.cli('demo', 'deploy');
    assert.equal(r.code, 0, r.output);
    assert.equal(await rt.page(), 'v2');
    assert.equal((await rt.host.run('systemctl is-active demo-b.service')).trim(), 'active');
    // keep_previous_slot: v1 keeps running in slot a, for a rollback that starts nothing.
    assert.equal((await rt.host.run('systemctl is-active demo-a.service')).trim(), 'active', 'old slot kept running');
    const pid = async (slot: string) =>
      (await rt.host.run(`systemctl show -p MainPID --value demo-${slot}.service`)).trim();
    const warm = await pid('a');
    assert.ok(await until(async () => (await rt.workerVersion()) === 'v2'));
    assert.match(
      await rt.host.run('journalctl -q --no-pager -o cat -u demo-worker.service'),
      /worker v1 stopped gracefully/,
    );
    const back = await rt.cli('demo', 'rollback');
    assert.equal(back.code, 0, back.output);
    assert.equal(await rt.page(), 'v1');
    assert.equal(await pid('a'), warm, 'the slot kept running was switched to as it was');
    assert.ok(
      await until(async () => (await rt.host.exec('systemctl is-active demo-b.service')).stdout.trim() === 'inactive'),
      "v2's slot stopped after the rollback",
    );
    assert.ok(await until(async () => (await rt.workerVersion()) === 'v1'));
  });

  it('status and logs read systemd and the journal', async () => {
    const st = await rt.cli('demo', 'status', '--json');
    assert.equal(st.code, 0, st.output);
    const host = Object.values(JSON.parse(st.stdout).hosts)[0] as {
      status: { processes: Record<string, { state: string }> };
    };
    assert.equal(host.status.processes['demo-worker'].state, 'RUNNING');
    assert.equal(host.status.processes['demo-a'].state, 'RUNNING');
    const logs = await rt.cli('demo', 'logs', '--lines', '100');
    assert.equal(logs.code, 0, logs.output);
    assert.match(logs.output, /worker v1 started/);
    assert.match(logs.output, /Booting worker/);
  });

  it('a release that cannot boot fails at once with its traceback from the journal', async () => {
    commitVersion(rt.repo, 'v3', (dir) =>
      writeFileSync(join(dir, 'demo', 'wsgi.py'), 'raise RuntimeError("boom at import")\n'),
    );
    await rt.git.push('demo', rt.repo);
    const t = Date.now();
    const r = await rt.cli('demo', 'deploy');
    assert.equal(r.code, 1, r.output);
    assert.ok(Date.now() - t < 25_000, `did not wait out health_timeout:\n${r.output}`);
    assert.match(r.output, /gunicorn could not start the app/);
    // Imported in gunicorn's master (gunicorn_preload), a RuntimeError is printed by gunicorn as "Error: <message>".
    assert.match(r.output, /the app's error: (RuntimeError|Error): boom at import/);
    assert.equal(await rt.page(), 'v1');
    assert.equal((await rt.host.exec(`test -e ${APP_ROOT}/deploy.lock`)).code, 1);
  });
});
