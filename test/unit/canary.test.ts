// A deploy's canary: remote/lib/canary.sh's counting of nginx's access log and its watch under a
// local bash, the verdict over the canary hosts, and the engine with scripted hosts: a canary
// that does not pass goes back, and the other hosts never start the release.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLibrary } from '../library-harness.ts';
import { canaryVerdict, type Watched } from '../../src/steps/canary.ts';
import { canaryFirst, CanaryError } from '../../src/fleet/golive.ts';
import { deployCommand } from '../../src/commands/deploy.ts';
import { currentReporter } from '../../src/ui/output.ts';
import { LIVE_RELEASE, ScriptedHost, type Behaviour } from '../support/scripted-host.ts';

/** A combined-format line at epoch second t (shown in a +0100 zone, as a server might log it). */
function line(t: number, status: number, agent = 'wrk'): string {
  const d = new Date((t + 3600) * 1000);
  const mon = d.toUTCString().split(' ')[2];
  const p = (n: number) => String(n).padStart(2, '0');
  const ts = `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0100`;
  return `203.0.113.7 - - [${ts}] "GET /page?q=\\x22a\\x22 HTTP/1.1" ${status} 612 "-" "${agent}"`;
}

test('deploy_access_counts: requests and 5xx between two epoch seconds, across midnight and time zones; its own checks left out', () => {
  const t = Date.UTC(2026, 11, 31, 23, 59, 50) / 1000;
  const log = [
    line(t - 1, 500),
    line(t, 200),
    line(t + 5, 502),
    line(t + 9, 200),
    line(t + 10, 200, 'deploy-canary'),
    line(t + 15, 503),
    line(t + 20, 500),
    'a line that is not nginx',
  ].join('\n');
  const r = runLibrary(`deploy_access_counts ${t} ${t + 20}; deploy_access_counts ${t + 100} ${t + 200}`, {
    stdin: `${log}\n`,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n'), ['4 2', '0 0']);
});

test('deploy_canary_watch: the health path twice failing ends the watch; the counts before and during come from the access log', () => {
  const now = Date.UTC(2026, 11, 5, 3, 0, 0) / 1000;
  const log = [line(now - 5, 200), line(now - 3, 500), line(now + 1, 500), line(now + 2, 200)].join('\n');
  const common = {
    files: { 'access.log': `${log}\n` },
    functions: `__ctl() { [ "$2" = access-log ] && cat "$D/access.log"; }\nsleep() { :; }\ndate() { local t; t=$(cat "$D/clock"); echo $((t + 2)) >"$D/clock"; echo "$t"; }\n`,
  };
  const good = runLibrary(
    `echo ${now} >"$D/clock"; deploy_check_through_nginx() { echo 200; }; deploy_canary_watch demo 4 ${now} demo http://127.0.0.1/ -H "Host: x"`,
    common,
  );
  assert.equal(good.status, 0, good.stderr);
  assert.deepEqual(good.stdout.split('\n'), ['health ok', 'before 2 1', 'during 2 1']);
  const bad = runLibrary(
    `echo ${now} >"$D/clock"; deploy_check_through_nginx() { echo "through nginx, $2 answered 502" >&2; return 1; }; deploy_canary_watch demo 60 ${now} demo http://127.0.0.1/`,
    common,
  );
  assert.equal(bad.status, 0, bad.stderr);
  assert.equal(bad.stdout.split('\n')[0], 'health through nginx, http://127.0.0.1/ answered 502');
});

const w = (host: string, before: [number, number], during: [number, number], health = 'ok'): Watched => ({
  host,
  health,
  before: { requests: before[0], errors: before[1] },
  during: { requests: during[0], errors: during[1] },
});

test('the verdict: over the canary hosts together, the 5xx share may grow by canary_max_5xx points; the health path must answer', () => {
  assert.equal(canaryVerdict([w('a', [100, 1], [100, 1]), w('b', [100, 0], [100, 1])], 1).ok, true);
  const worse = canaryVerdict([w('a', [100, 0], [100, 10]), w('b', [100, 0], [100, 0])], 1);
  assert.equal(worse.ok, false);
  assert.match(
    worse.text,
    /0\.0% \(0 of 200\) before the switch, 5\.0% \(10 of 200\) since: more than canary_max_5xx = 1% up/,
  );
  const sick = canaryVerdict([w('a', [1, 0], [1, 0], 'through nginx, answered 502')], 50);
  assert.deepEqual(sick, { ok: false, text: 'the health path stopped answering on a (through nginx, answered 502)' });
  assert.match(canaryVerdict([w('a', [0, 0], [0, 0])], 1).text, /no requests reached it/);
});

test('the canary hosts first, then the others in batches of batch_size (all at once without)', () => {
  const web = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.deepEqual(canaryFirst(web, { count: 1 }, undefined), [[1], [2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  assert.deepEqual(canaryFirst(web, { percent: 20 }, { count: 4 }), [
    [1, 2],
    [3, 4, 5, 6],
    [7, 8, 9, 10],
  ]);
  assert.deepEqual(canaryFirst(web, { percent: 1 }, undefined)[0], [1], 'at least one host');
  assert.deepEqual(canaryFirst([1, 2], { count: 5 }, undefined), [[1, 2]]);
});

const dir = mkdtempSync(join(tmpdir(), 'deploy-canary-'));
process.env.DEPLOY_LOG_DIR = join(dir, 'logs');

async function deploy(watch: string): Promise<{ err: unknown; hosts: Record<string, ScriptedHost> }> {
  const file = join(dir, 'settings.ini');
  writeFileSync(
    file,
    '[DEPLOY]\nproject_name = demo\nrepository = git@example.com:me/demo.git\ndeploy_hosts = ubuntu@10.0.0.1, ubuntu@10.0.0.2, ubuntu@10.0.0.3\ncanary = 1\ncanary_wait = 30\ncanary_max_5xx = 1%\n',
  );
  const hosts: Record<string, ScriptedHost> = {};
  const script = (id: string): Behaviour => (id === 'canary' ? { values: { canary: watch } } : {});
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await deployCommand({
      ...{ app: 'demo', config: file, yes: true, verbose: false, dryRun: false, json: true, force: false },
      openExecutor: async (h) => (hosts[h.host] = new ScriptedHost(h, script)),
    });
    return { err: undefined, hosts };
  } catch (err) {
    return { err, hosts };
  } finally {
    process.stderr.write = write;
  }
}

test('a canary that passes: it is watched once, then the others start and switch; all finish', async () => {
  const { err, hosts } = await deploy('health ok\nbefore 100 0\nduring 120 1');
  assert.equal(err, undefined, String(err));
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare', 'build', 'start', 'switch', 'canary', 'finish']);
  for (const h of ['10.0.0.2', '10.0.0.3'])
    assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'start', 'switch', 'finish'], h);
});

test('a canary whose 5xx share grows: it goes back to its previous release (still running); the others never start it', async () => {
  const { err, hosts } = await deploy('health ok\nbefore 100 0\nduring 100 12');
  assert.ok(
    err instanceof Error && /the canary \(ubuntu@10\.0\.0\.1\) did not pass, it went back/.test(err.message),
    String(err),
  );
  assert.ok(!(err instanceof CanaryError), 'the rollout says which host serves what');
  assert.match(
    (err as Error).message,
    /previous release is live on: ubuntu@10\.0\.0\.1, ubuntu@10\.0\.0\.2, ubuntu@10\.0\.0\.3/,
  );
  assert.deepEqual(hosts['10.0.0.1'].steps, ['prepare', 'build', 'start', 'switch', 'canary', 'revert', 'abandon']);
  for (const h of ['10.0.0.2', '10.0.0.3']) assert.deepEqual(hosts[h].steps, ['prepare', 'build', 'abandon'], h);
  const row = currentReporter!.result.hosts['ubuntu@10.0.0.1'];
  assert.equal(row.release, LIVE_RELEASE);
  assert.equal(row.result, 'back on its previous release (the canary did not pass)');
  assert.equal(currentReporter!.result.hosts['ubuntu@10.0.0.2'].result, 'not reached (the canary did not pass)');
});
