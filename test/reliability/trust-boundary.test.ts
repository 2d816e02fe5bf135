// The trust boundary under attack (docs/threat-model.md), driven by the plans as the kill-point
// suite is. Every path of a tree the app user or a deploy user can write that a command run as
// root names in a command's plans (its checks and guards included; and what root's own programs
// read there: logrotate's directory) is attacked while that command runs, twice: with a link to a
// root-only canary file (or directory), and with a link to a path that must not exist, planted as
// the app user (or the deploy user) would. A rollback, the command that used to install files
// from a release, is also attacked at every path of the app's trees its plans name at all.
// The command then runs (as the deploy user where it can), and the suite proves, on the server:
//   - no file outside the app's trees changed (content, owner, mode) or appeared (find -newer),
//   - the canaries are as they were and the paths that must not exist do not,
//   - no canary's content became readable by the app user, or reached the operator's output,
//   - the site still serves (but after `stop`).
// Hostile content where content is read (an old release's nginx site, its config file and
// environment, its metadata) is test/reliability/trust-repros.test.ts's.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { stopAll, type Host } from '../testbed/index.ts';
import { loadSettings } from '../../src/settings/load.ts';
import { appPaths, catalog, NEW, OLD, rootText, runsAs, type CommandName } from '../plans-catalog.ts';
import { bench, report, type Bench } from './helpers.ts';
import { runCli, served, type CliResult } from '../e2e/helpers.ts';

const APP = '/opt/django/apps/demo';
const CANARY = 'TRUST-CANARY-7f3a9c';
const CANARY_FILE = '/root/trust-canary/secret';
const CANARY_DIR = '/root/trust-canary/dir';
/** Links to paths that must never come to exist. */
const MISSING = '/etc/trust-missing';
/** Where a root that wrote outside the app's trees would show (find -newer): the system, not its logs or run-time state. */
const WATCHED = [
  '/etc',
  '/root',
  '/usr',
  '/opt',
  '/srv',
  '/home',
  '/boot',
  '/var/lib/deploy',
  '/var/spool',
  '/var/www',
];
const APP_TREES = [
  '/opt/django/apps',
  '/opt/django/virtualenvs',
  '/opt/django/.ssh',
  '/opt/django/.cache',
  '/home/deployer',
];
/** What the commands themselves write outside the app's trees (setup and root's deploys: from the settings). */
const LEGIT = [
  /^\/etc\/nginx\/sites-(available|enabled)\/(demo|deploy-default-\d+|default)(\.reload-pending|\.deploy-prev)?$/,
  /^\/etc\/nginx\/sites-(available|enabled)$/,
  /^\/etc\/supervisor\/conf\.d(\/demo-.*\.conf)?$/,
  /^\/etc\/systemd\/system(\/deploy-demo-boot\.service|\/supervisor\.service\.wants(\/deploy-demo-boot\.service)?)?$/,
  /^\/etc\/logrotate\.d(\/deploy-demo)?$/,
  /^\/etc\/sudoers\.d(\/deploy-demo-deployer)?$/,
  /^\/usr\/local\/sbin(\/deploy-ctl)?$/,
  /^\/var\/lib\/deploy(\/.*)?$/,
  /^\/opt\/django(\/configs(\/apps(\/demo\.conf)?)?)?$/,
  /^\/etc\/(passwd|group|shadow|gshadow|subuid|subgid)-?$/,
  /^\/etc$/,
  /^\/home$/,
  /^\/root(\/\.ssh(\/known_hosts)?|\/trust-canary.*)?$/,
];

/** Placeholders in a target, resolved when the attack is planted. */
const LIVE = '@LIVE@';
const OTHER = '@OTHER@';

interface Attack {
  command: CommandName | 'logrotate';
  path: string;
  kind: 'canary' | 'missing';
}

interface Finding {
  attack: Attack;
  problems: string[];
}

/** The CLI's arguments for a command of the catalogue. */
function argsFor(command: CommandName): string[] {
  switch (command) {
    case 'setup':
      return ['setup', '--dependencies=no'];
    case 'deploy':
      return ['deploy', '--force', '--ref', 'good-b'];
    case 'maintenance on':
      return ['maintenance', 'on', '--message', 'attack'];
    case 'maintenance off':
      return ['maintenance', 'off'];
    case 'logs':
      return ['logs', '-n', '5'];
    case 'unlock':
      return ['unlock', '--force'];
    default:
      return [command];
  }
}

/**
 * The targets: per command, the paths of the app's trees that its root commands name (and, for a
 * rollback, that any of its commands names). Releases are named when the attack is planted: the
 * live one (for NEW, a deploy's new release, whose name nobody can know beforehand) and the other
 * slot's (OLD: the one a rollback goes to). Run tokens cannot be guessed.
 */
function targets(file: string): Attack[] {
  const s = loadSettings({ app: 'demo', file });
  const list: Attack[] = [];
  for (const [command, steps] of Object.entries(catalog(s)) as [
    CommandName,
    ReturnType<typeof catalog>[CommandName],
  ][]) {
    const paths = new Set<string>();
    for (const st of steps) {
      for (const cmd of st.commands) {
        const root = runsAs(cmd, st) !== 'app';
        if (!root && command !== 'rollback') continue;
        for (const p of appPaths(
          s,
          root ? rootText(cmd, st) : [cmd.unless, cmd.run, cmd.stdin].filter(Boolean).map(String).join('\n'),
        )) {
          if (/TOKEN|XXXXXX|%C/.test(p) || /[-.,:]$/.test(p)) continue;
          const path = p.replace(new RegExp(`\\b${NEW}\\b`, 'g'), LIVE).replace(new RegExp(`\\b${OLD}\\b`, 'g'), OTHER);
          paths.add(path);
        }
      }
    }
    // The deploy user's own home: setup (root) writes its keys there.
    if (command === 'setup')
      for (const p of ['/home/deployer/.ssh', '/home/deployer/.ssh/authorized_keys']) paths.add(p);
    // One kind per path, in turn (two of each kind, so that root's host and the deploy user's both
    // meet both): both kinds for every path root names took a third of the suite's time on a
    // two-core CI machine, and each kind is still planted at every command's paths.
    let turn = 0;
    for (const path of [...paths].sort()) {
      const kind = Math.floor(turn++ / 2) % 2 ? 'missing' : 'canary';
      list.push({ command, path, kind });
    }
  }
  // logrotate runs as root over the app's own log directory: as the app user (its su line).
  for (const kind of ['canary', 'missing'] as const)
    for (const path of [`${APP}/shared/log/app.log`, `${APP}/shared/log`])
      list.push({ command: 'logrotate', path, kind });
  return list;
}

/** Shell run on the host, as root (the test's own access). */
async function sh(host: Host, cmd: string): Promise<string> {
  return host.run(cmd);
}

/** The canaries: a root-only file and directory, holding a secret no other user may read. */
async function plantCanaries(host: Host): Promise<string> {
  await sh(
    host,
    `install -d -m 0700 /root/trust-canary ${CANARY_DIR} && printf '%s\\n' ${CANARY} > ${CANARY_FILE} && chmod 0600 ${CANARY_FILE} && printf '%s\\n' ${CANARY} > ${CANARY_DIR}/inner && chmod 0600 ${CANARY_DIR}/inner && rm -rf ${MISSING}*`,
  );
  return sh(host, CANARY_STATE);
}

/** The canaries' owner, mode, size, times and content. */
const CANARY_STATE = `stat -c '%n %a %U:%G %s %Y %Z' /root/trust-canary ${CANARY_FILE} ${CANARY_DIR} ${CANARY_DIR}/inner && sha256sum ${CANARY_FILE} ${CANARY_DIR}/inner`;

/** Who can write the path's directory: the deploy user's home is its own, the rest the app user's. */
function owner(path: string): string {
  return path.startsWith('/home/deployer') ? 'deployer' : 'django';
}

/**
 * Plant the attack as its owner would (one round trip): the path's current entry moved aside (kept
 * for the restore), a link in its place; a directory's link goes to the canary directory. An entry
 * of a directory its owner cannot write (the root-owned home's) is no target: false.
 */
async function plant(host: Host, a: Attack, i: number): Promise<boolean> {
  const p = q(a.path);
  if (a.path.includes('/home/deployer') && (await host.exec('id deployer')).code !== 0) return false;
  const target =
    a.kind === 'missing'
      ? `${MISSING}-${i}`
      : `"$(if [ -d ${p} ] && [ ! -L ${p} ]; then echo ${CANARY_DIR}; else echo ${CANARY_FILE}; fi)"`;
  const script = `d=$(dirname ${p}); while [ ! -e "$d" ]; do d=$(dirname "$d"); done; test -w "$d" || exit 3; mkdir -p "$(dirname ${p})" && t=${target} && if [ -e ${p} ] || [ -L ${p} ]; then mv -T ${p} ${p}.trust-saved; fi && ln -s "$t" ${p}`;
  const r = await host.exec(
    `sudo -u ${owner(a.path)} bash -c ${q(script)} && touch /run/trust-stamp-before && sleep 0.01 && touch /run/trust-stamp && sleep 0.01`,
  );
  if (r.code === 3) return false;
  assert.equal(r.code, 0, `planting ${a.path}: ${r.stderr}`);
  return true;
}

async function restore(host: Host, a: Attack): Promise<void> {
  const p = q(a.path);
  await sh(
    host,
    `sudo -u ${owner(a.path)} sh -c ${q(`if [ -L ${p} ]; then rm -f ${p}; fi; if [ -e ${p}.trust-saved ] || [ -L ${p}.trust-saved ]; then rm -rf ${p} && mv -T ${p}.trust-saved ${p}; fi`)}; sudo -u django rm -rf ${APP}/deploy.lock ${APP}/maintenance.html`,
  );
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Everything the suite must find unchanged after a command (one round trip); [] when all is well. */
async function check(host: Host, canaries: string, out: CliResult, log: string): Promise<string[]> {
  const prune = APP_TREES.map((t) => `-path ${t} -prune -o`).join(' ');
  const script = [
    `echo '== changed'; find ${WATCHED.join(' ')} -xdev ${prune} \\( -newer /run/trust-stamp -o -cnewer /run/trust-stamp \\) -print 2>/dev/null || true`,
    `echo '== canaries'; ${CANARY_STATE}`,
    `echo '== missing'; ls -d ${MISSING}* 2>/dev/null || true`,
    `echo '== leaked'; sudo -u django grep -rlF ${CANARY} /opt/django /home/deployer /tmp /var/tmp /dev/shm 2>/dev/null || true`,
  ].join('; ');
  const parts = Object.fromEntries(
    (await sh(host, script))
      .split(/^== /m)
      .filter(Boolean)
      .map((p) => [p.slice(0, p.indexOf('\n')), p.slice(p.indexOf('\n') + 1)]),
  );
  const problems: string[] = [];
  const unexpected = (parts.changed ?? '')
    .split('\n')
    .filter(Boolean)
    .filter((f: string) => !LEGIT.some((re) => re.test(f)));
  if (unexpected.length) problems.push(`changed or created outside the app's trees: ${unexpected.join(', ')}`);
  if (parts.canaries !== canaries) problems.push('a canary changed');
  if ((parts.missing ?? '').trim()) problems.push(`created: ${parts.missing.trim()}`);
  if ((parts.leaked ?? '').trim()) problems.push(`the app user can read the canary in: ${parts.leaked.trim()}`);
  if (out.output.includes(CANARY) || log.includes(CANARY))
    problems.push("the canary's content reached the operator's output or log");
  return problems;
}

interface Campaign {
  bench: Bench;
  deployer: boolean;
  cli: (command: CommandName | 'logrotate') => Promise<CliResult>;
}

async function campaign(b: Bench, deployer: boolean): Promise<Campaign> {
  return {
    bench: b,
    deployer,
    cli: async (command) => {
      if (command !== 'logrotate')
        return runCli(['-c', b.file, 'demo', ...argsFor(command), '--yes'], { home: b.home });
      const r = await b.host.exec('logrotate -f /etc/logrotate.d/deploy-demo');
      return { code: r.code, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
    },
  };
}

/** The live release and the other slot's, as the server has them. */
async function releases(host: Host): Promise<{ live: string; other: string }> {
  const [live, other] = (
    await sh(
      host,
      `cd ${APP}/slots && if [ -e live-b ]; then l=b o=a; else l=a o=b; fi; basename "$(readlink "$l")"; basename "$(readlink "$o")"`,
    )
  )
    .trim()
    .split('\n');
  return { live, other };
}

async function runAttack(
  c: Campaign,
  target: Attack,
  i: number,
  canaries: string,
): Promise<Finding | 'skipped' | undefined> {
  const { host } = c.bench;
  const { live, other } = await releases(host);
  const a = { ...target, path: target.path.replace(LIVE, live).replace(OTHER, other) };
  if (!(await plant(c.bench.host, a, i))) return 'skipped';
  // A rollback goes to the other slot's release (and the next one back again): no restoring rollback.
  const out =
    a.command === 'rollback'
      ? await runCli(['-c', c.bench.file, 'demo', 'rollback', other, '--yes'], { home: c.bench.home })
      : await c.cli(a.command);
  // The run's log (its last line names it): root must not have read a canary into it either.
  const logPath = /^log: (\/\S+)$/m.exec(out.output)?.[1];
  const log = logPath && existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
  const problems = await check(host, canaries, out, log);
  // The site serves through the command: but after `stop`, and but where the plant took away a
  // directory of the running app's own (its releases, a release, shared files). The app user can
  // break its own site that way whatever the tool does (its whole app directory too); the site
  // must serve again once restored.
  const ownTree = /^\/opt\/django\/apps\/demo(\/(releases(\/[^/.][^/]*)?|shared(\/[^/]+)?|current))?$/.test(a.path);
  if (a.command !== 'stop' && !ownTree) {
    const page = await served(host);
    if (!/^good-[ab]$|^HTTP 503$/.test(page)) problems.push(`the site does not serve: ${page}`);
  }
  await restore(host, a);
  // The site served for the next attack (after stop, or an attack that left a slot down).
  if (!/^good-[ab]$/.test(await served(host))) await c.cli('start');
  assert.match(
    await served(host),
    /^good-[ab]$/,
    `after ${a.command} with ${a.path} (${a.kind}) restored, the site does not serve`,
  );
  return problems.length ? { attack: a, problems } : undefined;
}

describe('the trust boundary: links planted where the app user or a deploy user can write', {
  timeout: 40 * 60_000,
}, () => {
  after(stopAll);

  it('root follows no link there, writes nothing outside the app, leaks nothing, and the site serves', async () => {
    const started = performance.now();
    // Two hosts share the attacks, in turn: one run by root (no deploy_user), one by a deploy user
    // (every command but setup logs in as it).
    const benches = await Promise.all([
      bench('[PROCESSES]\nworker = sleep infinity\n').then((b) => campaign(b, false)),
      bench('deploy_user = deployer\n[PROCESSES]\nworker = sleep infinity\n').then((b) => campaign(b, true)),
    ]);
    // The other slot gets a release of its own, for a rollback to go to.
    for (const c of benches) assert.equal((await c.bench.cli('demo', 'deploy', '--yes', '--ref', 'good-b')).code, 0);
    const list = targets(benches[0].bench.file);
    const findings: Finding[] = [];
    const done: { attack: Attack; bench: string }[] = [];
    await Promise.all(
      benches.map(async (c, n) => {
        const canaries = await plantCanaries(c.bench.host);
        const mine = list.filter((a, i) =>
          a.path.startsWith('/home/deployer') ? c.deployer : i % benches.length === n,
        );
        for (const [i, a] of mine.entries()) {
          const t0 = performance.now();
          const f = await runAttack(c, a, i, canaries);
          const who = c.deployer ? 'deploy user' : 'root';
          console.error(
            `trust-boundary (${who}) ${i + 1}/${mine.length}: ${a.command}, ${a.path} -> ${a.kind}: ${f === 'skipped' ? 'nobody but root can plant there' : f ? 'FOUND' : 'ok'} (${Math.round(performance.now() - t0)} ms)`,
          );
          if (f === 'skipped') continue;
          done.push({ attack: a, bench: who });
          if (f) findings.push(f);
        }
      }),
    );
    const paths = new Set(done.map((d) => d.attack.path)).size;
    // In the suite's table: the attacks are its faults, the paths its cases, a finding a leak.
    report({
      test: 'trust-boundary',
      faults: done.length,
      cases: paths,
      leaks: findings.length,
      paths,
      attacks: done.length,
      as_deploy_user: done.filter((d) => d.bench === 'deploy user').length,
      commands: new Set(done.map((d) => d.attack.command)).size,
      findings: findings.length,
      seconds: Math.round((performance.now() - started) / 1000),
    });
    assert.deepEqual(
      findings.map((f) => `${f.attack.command} with ${f.attack.path} -> ${f.attack.kind}: ${f.problems.join('; ')}`),
      [],
    );
    assert.ok(done.length > 30, `only ${done.length} attacks`);
  });
});
