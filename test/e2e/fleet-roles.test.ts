// Roles: web and worker hosts on a shared PostgreSQL whose migrations run once, on the primary.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootGitServer, bootHost, ensureImages, stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { ROOT, settingsFile } from './fleet-helpers.ts';
import { commitVersion, demoRepo, runCli, served, setupThroughKeyGate, tempDir } from './helpers.ts';

describe('many servers: web and worker hosts on a shared PostgreSQL', { timeout: 20 * 60_000 }, () => {
  let git: GitServer;
  let db: Host;
  let web: Host[];
  let worker: Host;
  let repo: string;
  let home: string;
  let file: string;
  const cli = (...args: string[]) => runCli(['-c', file, ...args], { home });
  const ddl = async (table: string) =>
    Number(
      (await db.run(`grep -c 'CREATE TABLE "${table}"' /var/log/postgresql/postgresql-15-main.log || true`)).trim(),
    );

  before(async () => {
    await ensureImages();
    let w1: Host;
    let w2: Host;
    [git, db, w1, w2, worker] = await Promise.all([
      bootGitServer(),
      bootHost('db'),
      bootHost('ready'),
      bootHost('ready'),
      bootHost('ready'),
    ]);
    web = [w1, w2];
    await db.run(
      `cd / && sudo -u postgres psql -q -c "create user demo password 'pg-secret-1'" -c "create database demo owner demo"`,
    );
    const url = await git.createRepo('demo');
    repo = demoRepo('v1');
    await git.push('demo', repo);
    home = tempDir();
    file = settingsFile(
      home,
      '',
      `database_url = postgresql://demo:pg-secret-1@${db.ip}:5432/demo\n[HOSTS]\nweb = ubuntu@${w1.ip}, ubuntu@${w2.ip}\nworker = ubuntu@${worker.ip}\nprimary = ubuntu@${w1.ip}\n[PROCESSES]\nclock = sleep infinity\n[HOOKS]\nafter_switch = hostname >> /opt/django/apps/demo/shared/after-switch.log\nrun_once = after_switch\n`,
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
  });
  after(stopAll);

  it('setup: every key at once; the primary migrates the database first; the worker gets no nginx site', async () => {
    const { first, second } = await setupThroughKeyGate(
      git,
      [...web, worker],
      ['-c', file, 'demo', 'setup', '--yes', '--dependencies=no'],
      home,
    );
    assert.equal(first.code, 3, first.output);
    assert.equal(second.code, 0, second.output);
    assert.deepEqual(await Promise.all(web.map(served)), ['v1', 'v1']);
    assert.equal(await ddl('pages_visit'), 1, 'the first migration ran once, on the shared database');
    assert.equal((await worker.exec('test -e /etc/nginx/sites-enabled/demo')).code, 1, 'no nginx site on the worker');
    assert.match(await worker.run(`readlink ${ROOT}/current`), /releases\/\d{8}T\d{6}-/);
  });

  it('a migration runs once, on the primary, before any host switches; web hosts serve it, the worker has it', async () => {
    commitVersion(repo, 'v2', (d) => {
      writeFileSync(
        join(d, 'demo/pages/models.py'),
        `${readFileSync(join(d, 'demo/pages/models.py'), 'utf8')}\n\nclass Note(models.Model):\n    text = models.TextField()\n\n    class Meta:\n        db_table = "pages_note"\n`,
      );
      writeFileSync(
        join(d, 'demo/pages/migrations/0002_note.py'),
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('pages', '0001_initial')]\n    operations = [migrations.CreateModel(name='Note', fields=[('id', models.AutoField(primary_key=True, serialize=False)), ('text', models.TextField())], options={'db_table': 'pages_note'})]\n",
      );
    });
    await git.push('demo', repo);
    const r = await cli('demo', 'deploy', '--yes', '-v');
    assert.equal(r.code, 0, r.output);
    assert.equal(await ddl('pages_note'), 1, 'CREATE TABLE pages_note ran exactly once');
    const applied = (
      await db.run(
        `cd / && sudo -u postgres psql -At demo -c "select count(*) from django_migrations where app = 'pages' and name = '0002_note'"`,
      )
    ).trim();
    assert.equal(applied, '1');
    // Only the primary ran migrate; the other hosts' builds did not.
    const migrates = r.output.split('\n').filter((l) => /\| .*Applying pages\.0002_note/.test(l));
    assert.equal(migrates.length, 1, migrates.join('\n'));
    assert.match(migrates[0], new RegExp(`^ubuntu@${web[0].ip.replace(/\./g, '\\.')} \\|`));
    assert.deepEqual(await Promise.all(web.map(served)), ['v2', 'v2']);
    const release = (await web[0].run(`basename $(readlink ${ROOT}/current)`)).trim();
    assert.equal(
      (await worker.run(`basename $(readlink ${ROOT}/current)`)).trim(),
      release,
      'the worker runs the same release',
    );
    // [PROCESSES] run on the worker host only, in the new release.
    const clockPid = (await worker.run('supervisorctl pid demo-clock')).trim();
    assert.match(clockPid, /^[1-9]\d*$/);
    assert.equal((await worker.run(`readlink /proc/${clockPid}/cwd`)).trim(), `${ROOT}/releases/${release}`);
    for (const h of web)
      assert.equal(
        (await h.exec('test -e /etc/supervisor/conf.d/demo-process-clock.conf')).code,
        1,
        'no process on a web host',
      );
    // A run-once hook ran on the primary only.
    assert.equal((await web[0].exec('test -s /opt/django/apps/demo/shared/after-switch.log')).code, 0);
    for (const h of [web[1], worker])
      assert.equal((await h.exec('test -e /opt/django/apps/demo/shared/after-switch.log')).code, 1);
  });

  it('status and releases report the worker as a worker: its live release, its processes, no site (issue 23, item 8)', async () => {
    const st = await cli('demo', 'status', '--json');
    assert.equal(st.code, 0, st.output);
    const w = JSON.parse(st.stdout).hosts[`ubuntu@${worker.ip}`].status;
    const release = (await worker.run(`basename $(readlink ${ROOT}/current)`)).trim();
    assert.equal(w.release.name, release, "the worker's live release is `current`");
    assert.equal(w.live_slot, undefined);
    assert.equal(w.site, undefined);
    assert.equal(w.health, undefined);
    assert.match(w.processes['demo-clock'].state, /RUNNING/);
    const rel = await cli('demo', 'releases', '--json');
    assert.equal(rel.code, 0, rel.output);
    assert.ok(
      JSON.parse(rel.stdout).hosts[`ubuntu@${worker.ip}`].releases.some(
        (r: { name: string; live: boolean }) => r.name === release && r.live,
      ),
    );
  });

  it('a failing run-once command switches no host', async () => {
    const failing = join(home, 'failing.ini');
    writeFileSync(failing, `${readFileSync(file, 'utf8')}\n[RUN_ONCE]\nwarm = false\n`);
    commitVersion(repo, 'v3');
    await git.push('demo', repo);
    const r = await runCli(['-c', failing, 'demo', 'deploy', '--yes'], { home });
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /run once/);
    assert.deepEqual(await Promise.all(web.map(served)), ['v2', 'v2']);
  });
});
