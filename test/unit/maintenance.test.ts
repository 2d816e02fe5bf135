import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSettings } from '../../src/settings/load.ts';
import * as M from '../../src/steps/maintenance.ts';
import * as D from '../../src/steps/deploy.ts';
import * as B from '../../src/steps/build.ts';
import { status, statusOf } from '../../src/steps/ops.ts';
import { describeCommand, renderScript } from '../../src/render.ts';
import { step } from '../../src/plan.ts';

const seed = readFileSync(new URL('../fixtures/seed000.ini', import.meta.url), 'utf8');
const s = parseSettings(seed, { app: 'NOME_APP', file: 'settings.ini' });
const ctx = { appUser: s.appUser };
const PAGE = '/opt/django/apps/NOME_APP/maintenance.html';
const info = { since: '2026-11-24T10:00:00.000Z', message: 'x', by: 'me@laptop' };

test('settings: maintenance is off by default, auto turns deploy --maintenance on; retry-after defaults to 300', () => {
  assert.equal(s.web.maintenanceAuto, false);
  assert.equal(s.web.maintenanceRetryAfter, 300);
  const auto = parseSettings(seed.replace('[DEPLOY]', '[DEPLOY]\nmaintenance = auto\nmaintenance_retry_after = 60'), {
    app: 'NOME_APP',
    file: 'settings.ini',
  });
  assert.equal(auto.web.maintenanceAuto, true);
  assert.equal(auto.web.maintenanceRetryAfter, 60);
  assert.throws(
    () =>
      parseSettings(seed.replace('[DEPLOY]', '[DEPLOY]\nmaintenance = on'), { app: 'NOME_APP', file: 'settings.ini' }),
    /off or auto/,
  );
});

test('the page: the message HTML-escaped, self-contained, its PageInfo in a comment no message can close', () => {
  const evil = '<script>alert(1)</script> & "quotes" --> <!--';
  const page = String(M.maintenancePage(s, { ...info, message: evil }));
  assert.match(page, /^<!DOCTYPE html>/);
  assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &#34;quotes&#34; --&gt; &lt;!--/);
  assert.doesNotMatch(page, /<script/);
  assert.doesNotMatch(page, /(src|href)=/, 'no external assets');
  const comments = page.match(/<!--[\s\S]*?-->/g) ?? [];
  assert.equal(comments.length, 1);
  // The status parser reads the comment back: the message as given.
  const back = M.parsePageState(`1764000000\n${comments[0]}`);
  assert.deepEqual(back, {
    on: true,
    since: new Date(1764000000 * 1000).toISOString(),
    message: evil,
    by: 'me@laptop',
  });
  assert.match(String(M.maintenancePage(s, { ...info, message: M.DEFAULT_MESSAGE })), /down for maintenance/);
});

test('maintenance on: checks setup, writes the page atomically as the app user (temp beside it, 0644, mv), the page on stdin', () => {
  const page = M.maintenancePage(s, { ...info, message: 'Back at 14:00' });
  const st = M.maintenance(s, page);
  assert.equal(st.commands.length, 3);
  assert.equal(String(st.commands[0].run), 'deploy_require_set_up /opt/django/apps/NOME_APP NOME_APP');
  assert.equal(
    String(st.commands[1].run),
    `deploy_site_knows_page ${PAGE} /etc/nginx/sites-available/NOME_APP NOME_APP`,
  );
  const put = st.commands[2];
  assert.equal(put.as, 'app');
  // (test/unit/lib-maintenance.test.ts runs it: temp beside the page, 0644, mv.)
  assert.equal(String(put.run), `deploy_put_page ${PAGE}`);
  assert.equal(put.unless, undefined, 'on again replaces the message');
  assert.match(String(put.stdin), /<p>Back at 14:00<\/p>/);
  // The dry run shows the page's content; the script runs the write as the app user.
  assert.match(describeCommand(put, st, ctx), /\[django\] deploy_put_page .*\n {2}<<'EOF'\n<!DOCTYPE html>/);
  assert.match(renderScript(st, ctx, true), /sudo -n -H -u django -- bash -c 'eval "\$\(cat\)"'/);
});

test('maintenance off: rm -f as the app user, already done when there is no page', () => {
  const st = M.maintenance(s, undefined);
  assert.equal(String(st.commands[1].run), `rm -f ${PAGE}`);
  assert.equal(String(st.commands[1].unless), `test ! -e ${PAGE}`);
  assert.equal(st.commands[1].as, 'app');
});

test('deploy --maintenance: the page goes up right before migrate, skipped like migrate and when a page is up', () => {
  const pageOn = (skip: Parameters<typeof M.deployPageOn>[2]) => M.deployPageOn(s, { ...info, run: 'feed' }, skip);
  const cmds = B.djangoCommands(s, 'r1', { web: true, migrate: true, primary: true, pageOn });
  const i = cmds.findIndex((c) => String(c.run).includes(PAGE));
  assert.equal(i, 0);
  assert.match(String(cmds[1].run), /c\('migrate'/);
  assert.equal(String(cmds[0].unless), `deploy_page_up_or ${PAGE} ${cmds[1].unless}`);
  assert.match(String(cmds[0].stdin), /"run":"feed"/);
  // With a test command the page waits for the tests (they run before migrate).
  const t = parseSettings(seed.replace('[DEPLOY]', '[DEPLOY]\ntest_command = ./check'), {
    app: 'NOME_APP',
    file: 'settings.ini',
  });
  const withTest = B.djangoCommands(t, 'r1', { web: true, migrate: true, primary: true, pageOn }).map((c) =>
    String(c.run),
  );
  assert.ok(withTest.findIndex((r) => r.includes('./check')) < withTest.findIndex((r) => r.includes(PAGE)));
  assert.ok(withTest.findIndex((r) => r.includes(PAGE)) < withTest.findIndex((r) => r.includes("c('migrate'")));
  // No migrate here (shared database, or migrate = no): no page in the build.
  assert.ok(
    !B.djangoCommands(s, 'r1', { web: true, migrate: false, primary: true, pageOn }).some((c) =>
      String(c.run).includes(PAGE),
    ),
  );
});

test("deploy --maintenance: the run's own page comes down after the switch and when the run is abandoned; never another", () => {
  const g = {
    release: 'r1',
    slot: 'b' as const,
    token: 'feed',
    log: {},
    prune: false,
    kind: 'deploy' as const,
    processes: false,
    primary: true,
  };
  const off = `deploy_page_off ${PAGE} '"run":"feed"'`;
  const sw = D.switchOver(s, { ...g, page: true }).commands.map((c) => String(c.run));
  const commit = sw.findIndex((r) => r.includes('live-b'));
  assert.equal(sw.indexOf(off), commit + 2, 'right after the commit and current');
  assert.ok(
    !D.switchOver(s, g).commands.some((c) => String(c.run).includes(PAGE)),
    'without --maintenance, the page is left alone',
  );
  assert.ok(D.abandon(s, { token: 'feed', log: {}, page: true }).commands.some((c) => String(c.run) === off));
  assert.ok(!D.abandon(s, { token: 'feed', log: {} }).commands.some((c) => String(c.run).includes(PAGE)));
});

test('status: the page read back on web hosts (mtime, who, message); off without it; nothing on workers', () => {
  assert.ok(status(s).commands.some((c) => c.name === 'maintenance'));
  assert.ok(!status(s, { roles: ['worker'] }).commands.some((c) => c.name === 'maintenance'));
  const res = (v: Record<string, string>) =>
    statusOf({
      step: step('status', 'status', []),
      host: 'h',
      status: 'checked',
      durationMs: 0,
      stdout: '',
      commands: [],
      values: v,
    });
  assert.deepEqual(res({ maintenance: 'off' }).maintenance, { on: false });
  assert.equal(res({}).maintenance, undefined);
  assert.deepEqual(res({ maintenance: '1764000000' }).maintenance, { on: true, since: '2025-11-24T16:00:00.000Z' });
});
