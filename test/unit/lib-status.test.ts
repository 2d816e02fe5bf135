// remote/lib/status.sh under a local bash: what status, logs and the dry run's diff read. Each
// prints what it finds, or nothing, and never fails. curl, df, sudo and deploy-ctl are stand-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLibrary, type LibraryOptions } from '../library-harness.ts';

/** An app's root in $D: releases r1 (slot a) and r2 (slot b, live: the switch file is there), current at r1. */
function app(code: string, opts: LibraryOptions & { live?: 'a' | 'b' } = {}) {
  const setup = [
    'mkdir -p "$D/releases/r1" "$D/releases/r2" "$D/slots"',
    'ln -s "$D/releases/r1" "$D/slots/a"; ln -s "$D/releases/r2" "$D/slots/b"; ln -s "$D/releases/r1" "$D/current"',
    opts.live === 'a' ? '' : 'touch "$D/slots/live-b"',
    `printf '%s\\n' '{"release":"r1","fingerprint":"f1","by":"me"}' >"$D/releases/r1/.deploy-release"`,
    `printf '%s\\n' '{"release":"r2","fingerprint":"f2","by":"me"}' 'second line' >"$D/releases/r2/.deploy-release"`,
  ];
  return runLibrary(`${setup.filter(Boolean).join('\n')}\n${code}`, opts);
}

test("the live release: the live slot's link, its .deploy-release (no fingerprint), else current's; a worker reads current", () => {
  const r = app(
    'deploy_live_link "$D/slots" "$D/slots/live-b"; deploy_live_release "$D/slots" "$D/slots/live-b" "$D/current"; deploy_live_release "$D/current" "" "$D/current"',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n'), [
    `${r.dir}/releases/r2`,
    '{"release":"r2","by":"me"}',
    '{"release":"r1","by":"me"}',
  ]);
  const gone = app(
    'rm "$D/slots/b" "$D/releases/r1/.deploy-release"; deploy_live_link "$D/slots" "$D/slots/live-b"; echo "[$(deploy_live_release "$D/slots" "$D/slots/live-b" "$D/current")]"; echo done',
  );
  assert.deepEqual([gone.status, gone.stdout], [0, '[]\ndone'], 'nothing to read is no failure');
  const fallback = app('rm "$D/slots/b"; deploy_live_release "$D/slots" "$D/slots/live-b" "$D/current"');
  assert.equal(fallback.stdout, '{"release":"r1","by":"me"}');
});

test('deploy_link_name: the name of what a link points to, empty when there is none', () => {
  const r = app('deploy_link_name "$D/current"; deploy_link_name "$D/nothing"; echo end');
  assert.deepEqual([r.status, r.stdout], [0, 'r1\n\nend']);
});

test("deploy_http_status and deploy_live_http: curl's code and time, whatever curl says; the live slot's URL", () => {
  const commands = { curl: 'echo "200 0.01"; exit 7' };
  const r = runLibrary('deploy_http_status -H "Host: x" http://127.0.0.1:8000/', { commands });
  assert.deepEqual(
    [r.status, r.stdout, r.calls],
    [
      0,
      '200 0.01',
      ['curl -s -o /dev/null -w %{http_code} %{time_total} --max-time 5 -H Host: x http://127.0.0.1:8000/'],
    ],
  );
  const health =
    'deploy_live_http "$D/slots/live-b" -H "Host: x" http://127.0.0.1:8032/ -- --unix-socket /run/b.sock -H "Host: x" http://localhost/';
  assert.equal(
    app(health, { commands }).calls[0],
    'curl -s -o /dev/null -w %{http_code} %{time_total} --max-time 5 --unix-socket /run/b.sock -H Host: x http://localhost/',
  );
  assert.equal(
    app(health, { commands, live: 'a' }).calls[0],
    'curl -s -o /dev/null -w %{http_code} %{time_total} --max-time 5 -H Host: x http://127.0.0.1:8032/',
  );
});

test("deploy_disk_free: df's last line, without spaces; nothing when df fails", () => {
  assert.equal(
    runLibrary('deploy_disk_free /opt/django', { commands: { df: 'printf " Avail\\n  12G\\n"' } }).stdout,
    '12G',
  );
  const failed = runLibrary('deploy_disk_free /nowhere', { commands: { df: 'exit 1' } });
  assert.deepEqual([failed.status, failed.stdout], [0, '']);
});

test("deploy_app_logs: the end of each of the app's logs under its whole path; none is no failure", () => {
  const r = runLibrary(
    'mkdir "$D/log"; printf "1\\n2\\n3\\n" >"$D/log/app.log"; printf "x\\n" >"$D/log/b.log"; deploy_app_logs 2 "$D/log"; deploy_app_logs 2 "$D/none"; echo end',
  );
  assert.equal(r.status, 0);
  assert.equal(r.stdout, `==> ${r.dir}/log/app.log <==\n2\n3\n\n==> ${r.dir}/log/b.log <==\nx\nend`);
});

test("deploy_follow_logs: deploy-ctl follows the programs' logs while the app user follows its own (it expands the glob)", () => {
  const r = runLibrary('deploy_follow_logs blog 10 django "/opt/my app/log"', {
    commands: { sudo: '' },
    functions: '__ctl() { echo "ctl $*"; }\n',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'ctl blog logs 10 follow');
  assert.deepEqual(r.calls, [
    'sudo -n -H -u django -- bash -c tail -v -n 10 -F /opt/my\\ app/log/*.log 2>/dev/null || true',
  ]);
});

test("deploy_read and the live release's files: the first readable, secrets redacted, variable names only", () => {
  const files = { 'shared.conf.py': 'shared\n' };
  const r = app(
    'deploy_read "$D/none" "$D/shared.conf.py"; deploy_read "$D/none"; deploy_read_live "$D/slots" "$D/slots/live-b" gunicorn.conf.py "$D/shared.conf.py"',
    { files },
  );
  assert.deepEqual([r.status, r.stdout], [0, 'shared\nshared']);
  const own = app(
    'echo own > "$D/releases/r2/gunicorn.conf.py"; deploy_read_live "$D/slots" "$D/slots/live-b" gunicorn.conf.py "$D/shared.conf.py"; deploy_read_live "$D/current" "" gunicorn.conf.py',
    { files },
  );
  assert.equal(own.stdout, 'own', "the live slot's release, not current's");
  const conf = 'debug = False\nsecret_key = s3cret\ndatabase_url=postgres://u:p@h/db\nemail_host_password = p\n';
  const c = app(
    'mkdir "$D/releases/r2/.deploy"; cp "$D/app.conf" "$D/releases/r2/.deploy/app.conf"; deploy_read_live_config "$D/slots" "$D/slots/live-b" .deploy/app.conf /etc/none',
    { files: { 'app.conf': conf } },
  );
  assert.equal(
    c.stdout,
    'debug = False\nsecret_key = [redacted]\ndatabase_url=[redacted]\nemail_host_password = [redacted]',
  );
  const e = app(
    `printf 'A=1\\nAPP_CONFIG_FILE=/x\\nB=two=2\\n' > "$D/releases/r1/.deploy-env"; deploy_read_live_env "$D/current" "" .deploy-env; deploy_read_live_env "$D/slots" "$D/slots/live-b" .deploy-env; echo end`,
  );
  assert.deepEqual([e.status, e.stdout], [0, 'A=[redacted]\nB=[redacted]\nend']);
});

test("__live_dir: the live slot's link as the switch file says, or the directory itself (a worker)", () => {
  const r = app('__live_dir "$D/slots" "$D/slots/live-b"; __live_dir "$D/current" ""');
  assert.equal(r.stdout, `${r.dir}/slots/b\n${r.dir}/current`);
});
