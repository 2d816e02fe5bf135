// --hosts runs on a fleet with roles and a shared PostgreSQL (issue 23, items 2, 7, 9, 10 and
// what users expect with them): roles and the primary are the whole fleet's whatever --hosts
// selects, every run locks the primary and run-once work goes there, setup gives a host coming
// back the release the fleet serves, the summary table says what each host serves, a failing
// after_switch hook in a rolling deploy runs once and its run finishes, --lock-wait waits
// without failures, and unlock --yes leaves another machine's lock alone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootGitServer, bootHost, ensureImages, stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { ROOT, settingsFile } from './fleet-helpers.ts';
import {
  BIN,
  commitVersion,
  demoRepo,
  runCli,
  served,
  setupThroughKeyGate,
  tempDir,
  type CliResult,
} from './helpers.ts';

const PROGRAM = '/etc/supervisor/conf.d/demo-process-worker.conf';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A migration adding one table: the version's commit carries it. */
function withMigration(n: string, table: string, after: string) {
  return (d: string) => {
    const models = join(d, 'demo/pages/models.py');
    const cls = table.replace(/^pages_/, '').replace(/^./, (c) => c.toUpperCase());
    writeFileSync(
      models,
      `${readFileSync(models, 'utf8')}\n\nclass ${cls}(models.Model):\n    text = models.TextField()\n\n    class Meta:\n        db_table = "${table}"\n`,
    );
    writeFileSync(
      join(d, `demo/pages/migrations/${n}_${table.replace(/^pages_/, '')}.py`),
      `from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('pages', '${after}')]\n    operations = [migrations.CreateModel(name='${cls}', fields=[('id', models.AutoField(primary_key=True, serialize=False)), ('text', models.TextField())], options={'db_table': '${table}'})]\n`,
    );
  };
}

describe('many servers: --hosts subsets of a fleet with roles', { timeout: 30 * 60_000 }, () => {
  let git: GitServer;
  let db: Host;
  let w1: Host;
  let w2: Host;
  let wk: Host;
  let repo: string;
  let home: string;
  let file: string;
  const label = (h: Host) => `ubuntu@${h.ip}`;
  const cli = (...args: string[]) => runCli(['-c', file, ...args], { home });
  const ddl = async (table: string) =>
    Number(
      (await db.run(`grep -c 'CREATE TABLE "${table}"' /var/log/postgresql/postgresql-15-main.log || true`)).trim(),
    );
  const migrated = async (name: string) =>
    Number(
      (
        await db.run(
          `cd / && sudo -u postgres psql -At demo -c "select count(*) from django_migrations where app = 'pages' and name = '${name}'"`,
        )
      ).trim(),
    );
  const current = async (h: Host) => (await h.run(`basename "$(readlink ${ROOT}/current)"`)).trim();
  const workerVersion = async () => (await wk.run(`cat ${ROOT}/current/VERSION`)).trim();
  const locked = async (h: Host) => (await h.exec(`test -e ${ROOT}/deploy.lock`)).code === 0;
  const push = async (v: string, extra?: (d: string) => void) => {
    commitVersion(repo, v, extra);
    await git.push('demo', repo);
  };
  /** The CLI in the background: its output so far, and its end. */
  const background = (args: string[], env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [BIN, '-c', file, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...env },
    });
    const res: CliResult = { code: -1, stdout: '', stderr: '', output: '' };
    child.stdout.on('data', (d) => ((res.stdout += d), (res.output += d)));
    child.stderr.on('data', (d) => ((res.stderr += d), (res.output += d)));
    const done = new Promise<CliResult>((r) =>
      child.on('close', (code) => r(Object.assign(res, { code: code ?? -1 }))),
    );
    return { child, res, done };
  };
  const until = async (what: () => boolean, ms: number) => {
    for (let t = 0; t < ms && !what(); t += 100) await new Promise((r) => setTimeout(r, 100));
  };
  /** The summary table's row of a host: role, release, result. */
  const row = (out: string, h: Host) => {
    const m = new RegExp(`^  ${esc(label(h))} +(\\S+) +(\\S*) +(.*?) +[\\d.]+ m?s$`, 'm').exec(out);
    return m ? { role: m[1], release: m[2], result: m[3] } : undefined;
  };
  const runningSlots = async (h: Host) =>
    (await h.run('supervisorctl status demo-a demo-b || true')).split('\n').filter((l) => /RUNNING/.test(l)).length;

  before(async () => {
    await ensureImages();
    [git, db, w1, w2, wk] = await Promise.all([
      bootGitServer(),
      bootHost('db'),
      bootHost('ready'),
      bootHost('ready'),
      bootHost('ready'),
    ]);
    await db.run(
      `cd / && sudo -u postgres psql -q -c "create user demo password 'pg-secret-1'" -c "create database demo owner demo"`,
    );
    const url = await git.createRepo('demo');
    repo = demoRepo('v1');
    await git.push('demo', repo);
    home = tempDir();
    file = settingsFile(
      home,
      'gunicorn_workers = 1',
      `database_url = postgresql://demo:pg-secret-1@${db.ip}:5432/demo\n[HOSTS]\nweb = ${label(w1)}, ${label(w2)}\nworker = ${label(wk)}\nprimary = ${label(w1)}\n[PROCESSES]\nworker = sleep infinity\n`,
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
    const { first, second } = await setupThroughKeyGate(
      git,
      [w1, w2, wk],
      ['-c', file, 'demo', 'setup', '--yes', '--dependencies=no'],
      home,
    );
    assert.equal(first.code, 3, first.output);
    assert.equal(second.code, 0, second.output);
    assert.deepEqual(await Promise.all([w1, w2].map(served)), ['v1', 'v1']);
  });
  after(stopAll);

  it('item 2: a --hosts run on a web host installs no worker process there (deploy, setup, the dry run), and a run removes one its role does not run', async () => {
    const dry = await cli('demo', 'deploy', '--dry-run', '--force', '--hosts', w1.ip);
    assert.equal(dry.code, 0, dry.output);
    assert.doesNotMatch(
      dry.output,
      /demo-process-worker\.conf/,
      'the dry run predicts no worker program on a web host',
    );
    const d = await cli('demo', 'deploy', '--yes', '--force', '--hosts', w1.ip);
    assert.equal(d.code, 0, d.output);
    assert.equal((await w1.exec(`test -e ${PROGRAM}`)).code, 1, 'no worker program on the web host');
    assert.doesNotMatch(await w1.run('supervisorctl status || true'), /demo-worker/);
    const s = await cli('demo', 'setup', '--yes', '--dependencies=no', '--hosts', w2.ip);
    assert.equal(s.code, 0, s.output);
    assert.equal((await w2.exec(`test -e ${PROGRAM}`)).code, 1, 'setup --hosts: no worker program on the web host');
    assert.doesNotMatch(await w2.run('supervisorctl status || true'), /demo-worker/);
    assert.match(await wk.run('supervisorctl status demo-worker'), /RUNNING/, 'the worker host still runs it');

    // A program an older version left on a web host, running: the next run (even one with nothing to deploy) removes it.
    await w1.run(
      `cat > ${PROGRAM} <<'EOF'\n${await wk.run(`cat ${PROGRAM}`)}\nEOF\nsupervisorctl update >/dev/null && sleep 1.5`,
    );
    assert.match(await w1.run('supervisorctl status demo-worker'), /RUNNING/);
    const again = await cli('demo', 'deploy', '--yes');
    assert.equal(again.code, 0, again.output);
    assert.equal((await w1.exec(`test -e ${PROGRAM}`)).code, 1, 'the stray program is removed');
    assert.equal((await w1.exec('pgrep -f "^sleep infinity"')).code, 1, 'and its process stopped');
  });

  it("item 7: two --hosts runs at once: the second waits for the primary's lock (no ✗ while it waits); the migration runs once, on the primary", async () => {
    await push('v2', withMigration('0002', 'pages_note', '0001_initial'));
    const a = background(['demo', 'deploy', '--yes', '-v', '--hosts', w2.ip], { DEPLOY_PAUSE_AT: 'build:1:8' });
    await until(() => /paused before/.test(a.res.output), 60_000);
    assert.match(a.res.output, /paused before/);
    const b = await cli('demo', 'deploy', '--yes', '-v', '--lock-wait', '180', '--hosts', wk.ip);
    const ra = await a.done;
    assert.equal(ra.code, 0, ra.output);
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /waiting for the lock/);
    assert.doesNotMatch(b.output, /✗|FAILED/, 'waiting for a lock is not a failure');
    const applied = `${ra.output}\n${b.output}`.split('\n').filter((l) => /\| .*Applying pages\.0002_note/.test(l));
    assert.equal(applied.length, 1, applied.join('\n'));
    assert.match(
      applied[0],
      new RegExp(`^${esc(label(w1))} \\|`),
      'migrated on the primary, which neither run selected',
    );
    assert.equal(await ddl('pages_note'), 1);
    assert.equal(await migrated('0002_note'), 1);
    assert.equal(await served(w2), 'v2');
    assert.equal(await workerVersion(), 'v2');
    assert.equal(await served(w1), 'v1', 'the primary was locked and migrated, not switched');
    for (const h of [w1, w2, wk]) assert.equal(await locked(h), false, 'every lock given back');
    assert.match(row(ra.stdout, w1)?.result ?? '', /not deployed|locked|primary/, ra.stdout);
  });

  it("setup --hosts on a worker coming back: the release the fleet serves, no migration there, under the primary's lock", async () => {
    const all = await cli('demo', 'deploy', '--yes');
    assert.equal(all.code, 0, all.output);
    const live = await current(w1);
    assert.equal(await current(w2), live);
    // The branch moves on (with a migration) but is not deployed; then the worker is rebuilt.
    await push('v3', withMigration('0003', 'pages_tag', '0002_note'));
    await wk.run(
      `supervisorctl stop all >/dev/null; rm -f ${PROGRAM}; supervisorctl update >/dev/null; rm -rf ${ROOT}`,
    );
    // A run holds the primary's lock: setup --hosts of another host waits for it, nothing done.
    await w1.run(
      `sudo -u django sh -c 'mkdir ${ROOT}/deploy.lock && echo "{\\"by\\":\\"ci@elsewhere\\",\\"pid\\":4242,\\"since\\":\\"2026-01-01T00:00:00.000Z\\",\\"what\\":\\"deploy main\\",\\"token\\":\\"feedfeed\\"}" > ${ROOT}/deploy.lock/info'`,
    );
    try {
      const held = await cli('demo', 'setup', '--yes', '--dependencies=no', '--hosts', wk.ip);
      assert.equal(held.code, 4, held.output);
      assert.match(held.stderr, /locked by ci@elsewhere/);
      assert.equal((await wk.exec(`test -e ${ROOT}`)).code, 1, 'nothing done on the worker');
    } finally {
      await w1.run(`rm -rf ${ROOT}/deploy.lock`);
    }

    const s = await cli('demo', 'setup', '--yes', '--dependencies=no', '--hosts', wk.ip);
    assert.equal(s.code, 0, s.output);
    assert.equal(await current(wk), live, 'the release the rest of the fleet serves, not the branch head');
    assert.equal(await workerVersion(), 'v2');
    assert.match(s.output, new RegExp(`${esc(live)}.*(serves|fleet)`));
    assert.doesNotMatch(s.output, /run once in/, 'no run-once step (migrate) on a host that is not the primary');
    assert.equal(await migrated('0003_tag'), 0, 'no migration from the worker');
    assert.equal(await ddl('pages_tag'), 0);
    assert.match(await wk.run('supervisorctl status demo-worker'), /RUNNING/);
    for (const h of [w1, w2, wk]) assert.equal(await locked(h), false);
  });

  it('item 9: Ctrl-C before the switch: the table says what each host serves and that it did not switch', async () => {
    await push('v3b');
    const before = await Promise.all([w1, w2, wk].map(current));
    const serving = await Promise.all([w1, w2].map(served));
    const d = background(['demo', 'deploy', '--yes'], { DEPLOY_PAUSE_AT: 'build:1:4' });
    await until(() => /paused before/.test(d.res.output), 60_000);
    d.child.kill('SIGINT');
    const r = await d.done;
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /interrupted/);
    for (const [i, h] of [w1, w2, wk].entries()) {
      assert.equal(await current(h), before[i], 'nothing switched');
      const got = row(r.stdout, h);
      assert.ok(got, r.stdout);
      assert.equal(got.release, before[i], `${h.ip}: the table names the release it serves`);
      assert.doesNotMatch(got.result, /^ok/, `${h.ip}: ${got.result}`);
      assert.match(got.result, /stopped|interrupted|not switched/);
    }
    assert.deepEqual(await Promise.all([w1, w2].map(served)), serving);
  });

  // keep_previous_slot = no: the old slot's stop is what shows the step finished after the hook.
  it('item 10: a failing after_switch hook in a rolling deploy runs once per host, is reported, and the run finishes (lock released, old slot stopped): exit 5', async () => {
    const rolling = join(home, 'rolling.ini');
    writeFileSync(
      rolling,
      readFileSync(file, 'utf8')
        .replace('[DEPLOY]\n', '[DEPLOY]\nbatch_size = 1\nkeep_previous_slot = no\n')
        .replace('[PROCESSES]', `[HOOKS]\nafter_switch = "hostname >> ${ROOT}/shared/hook.log; exit 3"\n[PROCESSES]`),
    );
    await push('v4');
    const r = await runCli(['-c', rolling, 'demo', 'deploy', '--yes'], { home });
    assert.equal(r.code, 5, r.output);
    assert.match(r.stderr, /after_switch/);
    for (const h of [w1, w2, wk]) {
      assert.equal(
        (await h.run(`cat ${ROOT}/shared/hook.log`)).trim().split('\n').length,
        1,
        `${h.ip}: the hook ran once`,
      );
      assert.equal(await locked(h), false, `${h.ip}: lock released`);
      assert.match(row(r.stdout, h)?.result ?? '', /after_switch/, r.stdout);
    }
    assert.deepEqual(await Promise.all([w1, w2].map(served)), ['v4', 'v4']);
    assert.equal(await workerVersion(), 'v4');
    for (const h of [w1, w2]) {
      let n = 2;
      for (let t = 0; t < 40 && n !== 1; t++) {
        n = await runningSlots(h);
        if (n !== 1) await new Promise((res) => setTimeout(res, 1000));
      }
      assert.equal(n, 1, `${h.ip}: the old slot is stopped`);
    }
  });

  it('unlock --yes: a lock taken on another machine is not removed without --force, and the one removed is named', async () => {
    await w2.run(
      `sudo -u django sh -c 'mkdir ${ROOT}/deploy.lock && echo "{\\"by\\":\\"ci@elsewhere\\",\\"pid\\":4242,\\"since\\":\\"2026-01-01T00:00:00.000Z\\",\\"what\\":\\"deploy main\\",\\"token\\":\\"feedfeed\\"}" > ${ROOT}/deploy.lock/info'`,
    );
    const refused = await cli('demo', 'unlock', '--yes');
    assert.equal(refused.code, 4, refused.output);
    assert.match(refused.stderr, /ci@elsewhere/);
    assert.equal(await locked(w2), true, 'left in place');
    const forced = await cli('demo', 'unlock', '--yes', '--force');
    assert.equal(forced.code, 0, forced.output);
    assert.equal(await locked(w2), false);
    assert.match(
      forced.output,
      new RegExp(
        `${esc(label(w2))}: removed the lock of ci@elsewhere \\(pid 4242\\) since 2026-01-01 00:00:00 UTC: deploy main`,
      ),
    );
  });
});
