// remote/lib/maintenance.sh under a local bash: the maintenance page, written and removed as the
// app user would, and the checks before it goes up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runLibrary } from '../library-harness.ts';

test('deploy_require_set_up: quiet when setup made the directory; else it says to run setup', () => {
  assert.equal(runLibrary('deploy_require_set_up "$D"').status, 0);
  const r = runLibrary('deploy_require_set_up "$D/apps/blog" blog');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'blog is not set up on this server: run `deploy blog setup` first');
});

test('deploy_site_knows_page: the nginx site names the page; a site from before maintenance mode does not', () => {
  const files = { site: 'if (-f /opt/blog/maintenance.html) { return 503; }\n', old: 'server { }\n' };
  assert.equal(runLibrary('deploy_site_knows_page /opt/blog/maintenance.html "$D/site" blog', { files }).status, 0);
  const old = runLibrary('deploy_site_knows_page /opt/blog/maintenance.html "$D/old" blog', { files });
  assert.equal(old.status, 1);
  assert.equal(
    old.stderr,
    'the nginx site of blog does not know the maintenance page yet: run `deploy blog setup` again first',
  );
  assert.equal(
    runLibrary('deploy_site_knows_page /opt/blog/maintenance.html "$D/none" blog', { files }).stderr,
    old.stderr,
    'an unreadable site says the same',
  );
});

test('deploy_put_page: the page from stdin, 0644, replaced in one step; a failure leaves no temp file', () => {
  const r = runLibrary('umask 077; deploy_put_page "$D/maintenance.html"', {
    files: { 'maintenance.html': 'old' },
    stdin: '<p>Back soon</p>\n',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(r.dir, 'maintenance.html'), 'utf8'), '<p>Back soon</p>\n');
  assert.equal(statSync(join(r.dir, 'maintenance.html')).mode & 0o777, 0o644);
  assert.deepEqual(readdirSync(r.dir), ['maintenance.html']);
  const failed = runLibrary('deploy_put_page "$D/page"', { commands: { chmod: 'exit 1' }, stdin: 'x' });
  assert.equal(failed.status, 1);
  assert.deepEqual(readdirSync(failed.dir), [], 'neither the page nor its temp file');
  assert.equal(runLibrary('deploy_put_page "$D/no/such/dir/page"').status, 1);
});

test("deploy_page_up_or: up already, or the caller's own reason to skip", () => {
  assert.equal(runLibrary('deploy_page_up_or "$D/page" false', { files: { page: '' } }).status, 0);
  assert.equal(runLibrary('deploy_page_up_or "$D/page" true').status, 0);
  assert.equal(runLibrary('deploy_page_up_or "$D/page" test ! -e "$D"').status, 1);
});

test('deploy_page_off: only the page of this run goes; never a failure', () => {
  const page = (run: string) => ({ files: { page: `<p>x</p>\n<!-- deploy-maintenance {"run":"${run}"} -->\n` } });
  const mine = runLibrary('deploy_page_off "$D/page" \'"run":"feed"\'', page('feed'));
  assert.deepEqual([mine.status, existsSync(join(mine.dir, 'page'))], [0, false]);
  const other = runLibrary('deploy_page_off "$D/page" \'"run":"feed"\'', page('beef'));
  assert.deepEqual([other.status, existsSync(join(other.dir, 'page'))], [0, true]);
  assert.equal(runLibrary('deploy_page_off "$D/none" \'"run":"feed"\'').status, 0);
  const stuck = runLibrary('deploy_page_off "$D/page" \'"run":"feed"\'; echo went on', {
    ...page('feed'),
    commands: { rm: 'exit 1' },
  });
  assert.deepEqual([stuck.status, stuck.stdout], [0, 'went on']);
});

test('deploy_page_left: a page a deploy run left goes, with a warning; one put up by hand stays', () => {
  const left = runLibrary('deploy_page_left "$D/page" \'"run":"\'', {
    files: { page: '<!-- deploy-maintenance {"run":"feed"} -->\n' },
  });
  assert.equal(left.status, 0);
  assert.ok(!existsSync(join(left.dir, 'page')));
  assert.deepEqual(left.marks, [
    'warn took down the maintenance page a deploy --maintenance left when it did not finish: the site answers again',
  ]);
  const byHand = runLibrary('deploy_page_left "$D/page" \'"run":"\'', {
    files: { page: '<!-- deploy-maintenance {"by":"me"} -->\n' },
  });
  assert.deepEqual([byHand.status, existsSync(join(byHand.dir, 'page')), byHand.marks], [0, true, []]);
});

test("deploy_page_state: off; or the page's mtime and its last mark line", () => {
  assert.equal(runLibrary('deploy_page_state "$D/page" "<!-- deploy-maintenance "').stdout, 'off');
  const r = runLibrary('touch -d @1764000000 "$D/page"; deploy_page_state "$D/page" "<!-- deploy-maintenance "', {
    files: { page: '<!-- deploy-maintenance {"by":"a"} -->\n<p>x</p>\n<!-- deploy-maintenance {"by":"b"} -->\n' },
  });
  assert.equal(r.stdout, '1764000000\n<!-- deploy-maintenance {"by":"b"} -->');
  const noMark = runLibrary('touch -d @1764000000 "$D/page"; deploy_page_state "$D/page" "<!-- deploy-maintenance "', {
    files: { page: '<p>by hand</p>\n' },
  });
  assert.deepEqual([noMark.status, noMark.stdout], [0, '1764000000']);
});
