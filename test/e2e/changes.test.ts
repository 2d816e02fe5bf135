// Know what you ship: after the build and before traffic moves, a deploy shows the commits, the
// migrations Django will apply and the requirement lines that change, then asks "Switch traffic
// on 1 host to R?" (driven in a real terminal, tmux). Said no, nothing switched and nothing
// migrated; said yes, it goes live. A rollback over a migration names it and warns.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll, type GitServer, type Host } from '../testbed/index.ts';
import { BIN, commitVersion, liveDemo, runCli, served } from './helpers.ts';

const ROOT = '/opt/django/apps/demo';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIGRATION = `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]
    # Nullable: the release before it still inserts rows without it (a rollback stays possible).
    operations = [migrations.AddField("visit", "note", models.CharField(max_length=50, null=True))]
`;

describe('the change before the switch', { timeout: 10 * 60_000 }, () => {
  let git: GitServer;
  let host: Host;
  let repo: string;
  let home: string;
  let file: string;
  const session = `deploy-changes-${process.pid}`;
  const tmux = (...a: string[]) => execFileSync('tmux', a, { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-100', '-t', session);
  const waitFor = async (re: RegExp, ms = 90_000) => {
    for (const start = Date.now(); Date.now() - start < ms; await sleep(100)) if (re.test(screen())) return screen();
    assert.fail(`the terminal never showed ${re}:\n${screen()}`);
  };
  const killSession = () => {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      /* none yet, or already gone */
    }
  };
  /** `deploy demo deploy` in a terminal: yes to the first question, then `answer` to the switch. */
  const deployAnswering = async (answer: 'y' | 'n') => {
    killSession();
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '200',
      '-y',
      '60',
      `cd ${home} && HOME=${home} node ${BIN} demo deploy -c ${file}; echo "exit=$?"; sleep 600`,
    );
    await waitFor(/Deploy .* of demo to ubuntu@\S+\?/);
    tmux('send-keys', '-t', session, 'y', 'Enter');
    const asked = await waitFor(/Switch traffic on 1 host to (\S+)\?/);
    tmux('send-keys', '-t', session, answer, 'Enter');
    const done = await waitFor(/exit=\d+/);
    return { asked, done, release: /Switch traffic on 1 host to (\S+)\?/.exec(asked)![1] };
  };
  /** Django's showmigrations for the pages app, run in a release (default: the live one) as the app user. */
  const applied = async (release = 'current') =>
    (
      await host.run(
        `cd ${release === 'current' ? `${ROOT}/current` : `${ROOT}/releases/${release}`} && sudo -u django sh -c 'set -a; . ./.deploy-env; set +a; .venv/bin/python manage.py showmigrations pages'`,
      )
    ).trim();
  /** The release that went live with the migration. */
  let v2 = '';

  before(async () => {
    ({ git, host, repo, home, file } = await liveDemo());
    // v2: a migration and a requirement line more (satisfied offline by Debian's sqlparse).
    commitVersion(repo, 'v2', (dir) => {
      writeFileSync(join(dir, 'demo', 'pages', 'migrations', '0002_visit_note.py'), MIGRATION);
      const models = join(dir, 'demo', 'pages', 'models.py');
      writeFileSync(
        models,
        readFileSync(models, 'utf8').replace(
          '    created = models.DateTimeField(auto_now_add=True)\n',
          '    created = models.DateTimeField(auto_now_add=True)\n    note = models.CharField(max_length=50, null=True)\n',
        ),
      );
      writeFileSync(
        join(dir, 'requirements.txt'),
        `${readFileSync(join(dir, 'requirements.txt'), 'utf8').trim()}\nsqlparse\n`,
      );
    });
    await git.push('demo', repo);
  });
  after(async () => {
    killSession();
    await stopAll();
  });

  it('shows the commit, the migration and the requirement; said no, nothing switched or migrated, the lock is free', async () => {
    const before = (await host.run(`basename $(readlink ${ROOT}/current)`)).trim();
    const { asked, done, release } = await deployAnswering('n');
    assert.match(asked, /: \S+ brings/);
    assert.match(asked, /1 commit since \w{8}, the live one:/);
    assert.match(asked, /\w{7} +demo v2/);
    assert.match(asked, /migrations that will run: pages: 0002_visit_note/);
    assert.match(asked, /requirements: \+ sqlparse/);
    assert.match(done, /Not switched/);
    assert.match(done, /exit=0/);
    // What the server shows: the same release live and served, no lock, the new one built but not marked, nothing migrated.
    assert.equal((await host.run(`basename $(readlink ${ROOT}/current)`)).trim(), before);
    assert.equal(await served(host), 'v1');
    assert.equal((await host.exec(`test -e ${ROOT}/deploy.lock`)).code, 1);
    assert.equal((await host.exec(`test -d ${ROOT}/releases/${release}`)).code, 0);
    assert.equal((await host.exec(`test -e ${ROOT}/releases/${release}/.deploy-built`)).code, 1);
    assert.doesNotMatch(await applied(), /0002_visit_note/);
    const last = JSON.parse((await host.run(`tail -n 1 ${ROOT}/deploy.log.jsonl`)).trim());
    assert.equal(last.result, 'not switched (answered no)');
  });

  it('said yes, the release goes live, its migration applied', async () => {
    const { done, release } = await deployAnswering('y');
    assert.match(done, /exit=0/);
    assert.match(done, new RegExp(`${release} is live on`));
    assert.equal(await served(host), 'v2');
    assert.match(await applied(), /\[X\] 0002_visit_note/);
    v2 = release;
  });

  it('a rollback over the migration names it and warns (also with --yes), then goes back; --json has it', async () => {
    const r = await runCli(['demo', 'rollback', '--yes', '--json', '-c', file], { home });
    assert.equal(r.code, 0, r.output);
    assert.match(r.stderr, /going back to \S+ leaves/);
    assert.match(r.stderr, /1 commit:\n\s+\w{7} +demo v2/);
    assert.match(r.stderr, /1 migration applied since \S+: pages: 0002_visit_note/);
    assert.match(r.stderr, /warning: a rollback does not reverse migrations/);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.changes.kind, 'rollback');
    assert.deepEqual(
      Object.values(doc.changes.hosts).map((h) => (h as { migrations: string[] }).migrations),
      [['pages.0002_visit_note']],
    );
    assert.equal(await served(host), 'v1');
    // The database keeps it: rollback does not reverse migrations.
    assert.match(await applied(v2), /\[X\] 0002_visit_note/);
  });
});
