// Releases without git on the servers (README "Where releases come from"): source = archive, this
// machine archives the commit and sends it over SSH; source = url, each server downloads it.
// On real hosts: a fleet of three behind a bastion that cannot reach the git host at all, one of
// them without git; a single host switching git → archive → git with rollbacks across modes; and
// url against an HTTP server on a test host, with a wrong checksum, a tar slip, a 404 and a page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bootGitServer,
  bootHost,
  ensureImages,
  stopAll,
  TESTBED_KEY,
  type GitServer,
  type Host,
} from '../testbed/index.ts';
import { settingsFile, ROOT } from './fleet-helpers.ts';
import { BIN, commitVersion, demoRepo, readLog, runCli, served, setupThroughKeyGate, tempDir } from './helpers.ts';
import { STEADY_RATE, startLoad } from './load.ts';
import { startSampler, type Sampler } from './sampler.ts';
import { report } from '../reliability/helpers.ts';

/**
 * A home whose ssh reaches the git server with the testbed key: the operator's own credentials.
 * ssh reads ~/.ssh/config from the user's passwd entry, not $HOME: the runs name it in
 * GIT_SSH_COMMAND, as an operator with a second ssh configuration would.
 */
function operatorHome(git: GitServer): { home: string; env: Record<string, string> } {
  const home = tempDir();
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  const config = join(home, '.ssh', 'config');
  writeFileSync(
    config,
    `Host ${git.ip}\n  User git\n  IdentityFile ${TESTBED_KEY}\n  IdentitiesOnly yes\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n`,
  );
  return { home, env: { GIT_SSH_COMMAND: `ssh -F ${config}` } };
}

/** No way from the host to the git server: what a locked-down network does (iptables in the host's netns). */
function cutFromGit(h: Host, git: GitServer): void {
  execFileSync('ip', [
    'netns',
    'exec',
    h.netns,
    'iptables',
    '-w',
    '-I',
    'OUTPUT',
    '-d',
    `${git.ip}/32`,
    '-j',
    'REJECT',
  ]);
}

const tag = (dir: string, name: string) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'tag', name], { cwd: dir });

/** A wheel of the package `buildonce` (pip installs it without an index). */
const WHEEL = 'buildonce-1.0-py3-none-any.whl';
function wheel(): Buffer {
  return execFileSync('python3', [
    '-c',
    [
      'import io, sys, zipfile',
      'b = io.BytesIO()',
      'z = zipfile.ZipFile(b, "w")',
      'z.writestr("buildonce/__init__.py", "VALUE = \'built once\'\\n")',
      'z.writestr("buildonce-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: buildonce\\nVersion: 1.0\\n")',
      'z.writestr("buildonce-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")',
      'z.writestr("buildonce-1.0.dist-info/RECORD", "")',
      'z.close()',
      'sys.stdout.buffer.write(b.getvalue())',
    ].join('\n'),
  ]);
}

/** Stops a host's process sampler: how many distinct pip install command lines it saw. */
async function pipRuns(sampler: Sampler): Promise<number> {
  return (await sampler.stop()).lines.filter((l) => /-m pip .*install/.test(l)).length;
}

/** What each release's .deploy-release says of its source, by release name. */
async function sources(host: Host): Promise<Record<string, string>> {
  const out = await host.run(
    `cd ${ROOT}/releases && for d in */; do printf '%s %s\\n' "\${d%/}" "$(grep -o '"source":"[a-z]*"' "$d/.deploy-release" || echo none)"; done`,
  );
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split(' ')),
  );
}

describe('releases without git on the servers', { concurrency: true, timeout: 30 * 60_000 }, () => {
  let git: GitServer;
  before(async () => {
    await ensureImages();
    git = await bootGitServer();
    await git.authorize(readFileSync(`${TESTBED_KEY}.pub`, 'utf8'));
  });
  after(stopAll);

  it('archive: a fleet of three behind a bastion, none able to reach the git host, one without git: setup, deploy, rollback', async () => {
    const [bastion, ...hosts] = await Promise.all([
      bootHost('ready'),
      bootHost('ready'),
      bootHost('ready'),
      bootHost('ready'),
    ]);
    const url = await git.createRepo('fleet');
    const repo = demoRepo('v1');
    await git.push('fleet', repo);
    for (const h of hosts) {
      await h.sshOnlyFrom(bastion.ip);
      cutFromGit(h, git);
      assert.notEqual((await h.exec(`timeout 5 bash -c 'echo > /dev/tcp/${git.ip}/22'`)).code, 0);
    }
    await hosts[2].run('apt-get remove -y -qq git >/dev/null 2>&1; ! command -v git');
    const { home, env } = operatorHome(git);
    const file = settingsFile(
      home,
      `deploy_hosts = ${hosts.map((h) => `ubuntu@${h.ip}`).join(', ')}\nproxy_jump = ubuntu@${bastion.ip}\nsource = archive`,
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
    const cli = (...a: string[]) => runCli(['-c', file, 'demo', ...a, '--yes'], { home, env });

    const setup = await cli('setup', '--dependencies=no');
    assert.equal(setup.code, 0, setup.output);
    assert.doesNotMatch(setup.output, /deploy key/i);
    for (const h of hosts) {
      assert.equal(await served(h), 'v1');
      assert.equal((await h.exec('test -e /opt/django/.ssh/id_ed25519')).code, 1, 'no deploy key was made');
      assert.equal((await h.exec(`test -e ${ROOT}/repo`)).code, 1, 'no clone');
    }

    // 2.0 changes the requirements: a package of its own, as a wheel in the repository (no index here).
    commitVersion(repo, 'v2', (d) => {
      mkdirSync(join(d, 'wheels'));
      writeFileSync(join(d, 'wheels', WHEEL), wheel());
      writeFileSync(
        join(d, 'requirements.txt'),
        `${readFileSync(join(d, 'requirements.txt'), 'utf8')}./wheels/${WHEEL}\n`,
      );
    });
    tag(repo, '2.0');
    await git.push('fleet', repo);
    // Process accounting on every host through the deploy: who ran pip.
    const samplers = await Promise.all(hosts.map((h) => startSampler(h)));
    const deploy = await cli('deploy', '--ref', '2.0', '--json');
    assert.equal(deploy.code, 0, deploy.output);
    const result = JSON.parse(deploy.stdout);
    const pips = await Promise.all(samplers.map(pipRuns));
    assert.ok(pips[0] > 0, `pip ran on the primary (${pips[0]} command lines)`);
    assert.deepEqual(pips.slice(1), [0, 0], 'pip never ran on the other hosts: they received the environment');
    assert.deepEqual(
      result.environments?.[0]?.sent_to,
      hosts.slice(1).map((h) => `ubuntu@${h.ip}`),
    );
    for (const h of hosts) {
      const venv = (await h.run(`readlink ${ROOT}/releases/${result.release}/.venv`)).trim();
      assert.equal(
        (await h.run(`sudo -u django ${venv}/bin/python -c 'import buildonce; print(buildonce.VALUE)'`)).trim(),
        'built once',
        `${h.ip}: the environment has the new requirement`,
      );
      assert.equal(
        (await h.exec(`test -f ${venv}/.deploy-shipped`)).code,
        h === hosts[0] ? 1 : 0,
        `${h.ip}: the environment was ${h === hosts[0] ? 'built here' : 'received'}`,
      );
    }
    assert.match(result.archive.sha256, /^[0-9a-f]{64}$/);
    assert.ok(result.archive.bytes > 1000, `archive size ${result.archive.bytes}`);
    assert.match(result.release, /-2\.0$/, 'the release carries the tag');
    // Made once for the run: one archive, the same bytes on every host.
    assert.equal((readLog(deploy).match(/archive of 2\.0 /g) ?? []).length, 1);
    for (const h of hosts) {
      assert.equal(await served(h), 'v2');
      assert.equal((await sources(h))[result.release], '"source":"archive"');
      assert.equal(
        (await h.exec(`ls -A ${ROOT}/releases | grep -E '^\\.(incoming|unpack)-'`)).code,
        1,
        'nothing half-made left',
      );
    }

    const back = await cli('rollback');
    assert.equal(back.code, 0, back.output);
    for (const h of hosts) assert.equal(await served(h), 'v1');
  });

  it('archive and git on one host: git → archive → git, and rollbacks across modes', async () => {
    const host = await bootHost('ready');
    const url = await git.createRepo('switch');
    const repo = demoRepo('v1');
    await git.push('switch', repo);
    const { home, env } = operatorHome(git);
    const file = settingsFile(home, `deploy_hosts = ubuntu@${host.ip}`);
    const settings = (source: string) =>
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .replace(/^repository = .*$/m, `repository = ${url}`)
          .replace(/^source = .*\n/m, '')
          .replace('[DEPLOY]\n', `[DEPLOY]\nsource = ${source}\n`),
      );
    settings('git');
    const cli = (...a: string[]) => runCli(['-c', file, 'demo', ...a, '--yes'], { home, env });
    const { second } = await setupThroughKeyGate(
      git,
      host,
      ['-c', file, 'demo', 'setup', '--dependencies=no', '--yes'],
      home,
    );
    assert.equal(second.code, 0, second.output);
    assert.equal(await served(host), 'v1');

    settings('archive');
    commitVersion(repo, 'v2');
    await git.push('switch', repo);
    const a = await cli('deploy');
    assert.equal(a.code, 0, a.output);
    assert.equal(await served(host), 'v2');
    const st = await cli('status');
    assert.equal(st.code, 0, st.output);
    assert.match(st.stdout, /release .* from archive /, 'status says where the live release came from');

    settings('git');
    commitVersion(repo, 'v3');
    await git.push('switch', repo);
    const g = await cli('deploy');
    assert.equal(g.code, 0, g.output);
    assert.equal(await served(host), 'v3');
    const kinds = Object.values(await sources(host)).sort();
    assert.deepEqual(
      kinds,
      ['"source":"archive"', '"source":"git"', '"source":"git"'],
      'each release says where it came from',
    );

    // Back to the release the archive made, then to the one git made.
    const r1 = await cli('rollback');
    assert.equal(r1.code, 0, r1.output);
    assert.equal(await served(host), 'v2');
    const r2 = await cli('rollback');
    assert.equal(r2.code, 0, r2.output);
    assert.equal(await served(host), 'v1');
  });

  it('archive: a run killed while it sends or unpacks leaves no release, the site serves, the next run cleans up (under load)', async () => {
    const host = await bootHost('ready');
    const url = await git.createRepo('kill');
    const repo = demoRepo('v1');
    await git.push('kill', repo);
    const { home, env } = operatorHome(git);
    const file = settingsFile(home, `deploy_hosts = ubuntu@${host.ip}\nsource = archive`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
    const cli = (...a: string[]) => runCli(['-c', file, 'demo', ...a, '--yes'], { home, env });
    const setup = await cli('setup', '--dependencies=no');
    assert.equal(setup.code, 0, setup.output);
    // 100 MB that does not compress: the transfer and the unpacking take long enough to be cut,
    // and the controller must stream it (its peak memory is measured below).
    commitVersion(repo, 'v2', (d) => writeFileSync(join(d, 'blob.bin'), randomBytes(100 * 1024 * 1024)));
    await git.push('kill', repo);
    const load = startLoad(host.ip, '/', STEADY_RATE, 600);
    for (const [when, after] of [
      ['sending', /deploy_receive_archive /],
      ['unpacking', /deploy_receive_archive /],
    ] as const) {
      // Killed as the transfer starts, or once the archive is on the host (its unpacking under way).
      const child = spawn(process.execPath, [BIN, '-c', file, 'demo', 'deploy', '--yes', '-v'], {
        env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...env },
      });
      let out = '';
      await new Promise<void>((resolve) => {
        const onData = async (d: Buffer) => {
          out += d;
          if (!after.test(out) || child.killed) return;
          if (when === 'unpacking')
            await host.run(
              `for i in $(seq 300); do ls -A ${ROOT}/releases | grep -q '^\\.unpack-' && exit 0; sleep 0.05; done; exit 1`,
            );
          child.kill('SIGKILL');
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('close', () => resolve());
      });
      assert.equal(await served(host), 'v1', `${when}: the site still serves v1\n${out}`);
      // What the kill left is never taken for a release: an archive unpacked in full but not built
      // (the server finishes what the cut channel started) is listed as incomplete, never built.
      const listed = await cli('releases', '--json');
      assert.equal(listed.code, 0, listed.output);
      for (const r of JSON.parse(listed.stdout).hosts[`ubuntu@${host.ip}`].releases as {
        name: string;
        state: string;
      }[])
        if (r.state === 'built')
          assert.equal(
            (await host.exec(`test -f ${ROOT}/releases/${r.name}/.deploy-release`)).code,
            0,
            `${when}: ${r.name}, listed as built, is whole`,
          );
      const unlock = await cli('unlock', '--force');
      assert.equal(unlock.code, 0, unlock.output);
    }
    // The deploy that completes, under getrusage: the CLI's peak resident memory.
    const measured = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        'python3',
        [
          '-c',
          'import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)',
          process.execPath,
          BIN,
          '-c',
          file,
          'demo',
          'deploy',
          '--yes',
        ],
        { env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...env } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const d = { code: measured.status, output: `${measured.stdout}${measured.stderr}` };
    assert.equal(d.code, 0, d.output);
    const rssKb = Number(measured.stderr.trim().split('\n').at(-1));
    console.error(`sources: a 100 MB archive deployed with a peak RSS of ${(rssKb / 1024).toFixed(0)} MB`);
    assert.ok(rssKb > 0 && rssKb < 200 * 1024, `the controller's peak RSS was ${rssKb} KB (at most 200 MB)`);
    assert.equal(await served(host), 'v2');
    assert.equal(
      (await host.exec(`ls -A ${ROOT}/releases | grep -E '^\\.(incoming|unpack)-'`)).code,
      1,
      'the next run removed what was left',
    );
    const stats = await load.stop();
    // In the reliability suite's table, beside kill-points: the kills during the transfer and the unpacking.
    report({
      test: 'kill-points (archive: sending, unpacking)',
      faults: 2,
      requests: stats.sent,
      failed: Object.values(stats.failures).reduce((a, b) => a + b, 0),
      data_lost: 0,
      peak_rss_kb: rssKb,
    });
    assert.deepEqual(stats.failures, {}, `no request failed (${stats.sent} sent)`);
    assert.ok(stats.sent > 100);
  });

  it('archive: a full disk while unpacking is refused cleanly; the live release serves, nothing half-made is left', async () => {
    const host = await bootHost('ready');
    const releases = `${ROOT}/releases`;
    // Releases on a disk of their own (60 MB), as in faults' disk-full test: the app user first.
    await host.run(
      'useradd --system --user-group --home-dir /opt/django --create-home --shell /usr/sbin/nologin django',
    );
    await host.smallFs(releases, 60 * 1024, 'root:root');
    const url = await git.createRepo('full');
    const repo = demoRepo('v1');
    await git.push('full', repo);
    const { home, env } = operatorHome(git);
    const file = settingsFile(home, `deploy_hosts = ubuntu@${host.ip}\nsource = archive`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', url));
    const cli = (...a: string[]) => runCli(['-c', file, 'demo', ...a, '--yes'], { home, env });
    const setup = await cli('setup', '--dependencies=no');
    assert.equal(setup.code, 0, setup.output);
    // 40 MB that does not compress: its archive fits beside the releases, not twice.
    commitVersion(repo, 'v2', (d) => writeFileSync(join(d, 'blob.bin'), randomBytes(40 * 1024 * 1024)));
    await git.push('full', repo);
    const before = (await host.run(`ls -A ${releases}`)).trim();
    const full = await cli('deploy');
    assert.equal(full.code, 1, full.output);
    assert.match(full.stderr, /no space left on device/i, 'the error says the disk is full');
    assert.match(full.stderr, new RegExp(`ubuntu@${host.ip.replaceAll('.', '\\.')}`), 'the error names the host');
    assert.equal(await served(host), 'v1', 'the live release keeps serving');
    assert.equal((await host.run(`ls -A ${releases}`)).trim(), before, 'nothing half-made is left in releases/');
    const unlock = await cli('unlock');
    assert.equal(unlock.code, 0, unlock.output);
  });

  it('url: each server downloads the tag archive, checks it, strips its top directory; bad archives change nothing', async () => {
    const [www, host] = await Promise.all([bootHost('ready'), bootHost('ready')]);
    const repo = demoRepo('v1');
    tag(repo, '1.0');
    commitVersion(repo, 'v2');
    tag(repo, '2.0');
    // What GitHub serves for a tag: REPO-TAG/ at the top; and beside each, its .sha256.
    const publish = async (name: string, bytes: Buffer, sum?: string) => {
      await www.run(`mkdir -p /srv/www && echo ${bytes.toString('base64')} | base64 -d > /srv/www/${name}`);
      if (sum !== undefined) await www.run(`echo '${sum}  ${name}' > /srv/www/${name}.sha256`);
    };
    const archive = (ref: string) =>
      execFileSync('git', ['archive', '--format=tar.gz', `--prefix=demo-${ref}/`, ref], { cwd: repo });
    const sha = (b: Buffer) => execFileSync('sha256sum', { input: b }).toString().split(' ')[0];
    for (const ref of ['1.0', '2.0']) await publish(`demo-${ref}.tar.gz`, archive(ref), sha(archive(ref)));
    await publish('demo-bad.tar.gz', archive('2.0'), '0'.repeat(64));
    const slip = execFileSync('python3', [
      '-c',
      'import io,sys,tarfile\nb=io.BytesIO()\nt=tarfile.open(fileobj=b,mode="w:gz")\nfor n in ["demo-slip/ok.txt","demo-slip/../../../../tmp/deploy-slipped"]:\n  i=tarfile.TarInfo(n); d=b"x"; i.size=len(d); t.addfile(i,io.BytesIO(d))\nt.close(); sys.stdout.buffer.write(b.getvalue())',
    ]);
    await publish('demo-slip.tar.gz', slip, sha(slip));
    await publish(
      'demo-page.tar.gz',
      Buffer.from('<!doctype html><title>Sign in</title>\n'),
      sha(Buffer.from('other')),
    );
    await www.run('systemd-run --unit deploy-www python3 -m http.server 8080 --bind 0.0.0.0 --directory /srv/www');
    await www.run(
      'for i in $(seq 50); do curl -sf http://127.0.0.1:8080/demo-1.0.tar.gz.sha256 >/dev/null && exit 0; sleep 0.2; done; exit 1',
    );

    const TOKEN = 'TOKEN-9c1f0e5d7a';
    const home = tempDir();
    const file = settingsFile(
      home,
      `deploy_hosts = ubuntu@${host.ip}\nsource = url\nbranch = 1.0\narchive_url = http://${www.ip}:8080/demo-{ref}.tar.gz?access_token=${TOKEN}`,
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^repository = REPO\n/m, ''));
    const cli = (...a: string[]) => runCli(['-c', file, 'demo', ...a, '--yes'], { home });

    const setup = await cli('setup', '--dependencies=no');
    assert.equal(setup.code, 0, setup.output);
    assert.equal(await served(host), 'v1');
    const d2 = await cli('deploy', '--ref', '2.0');
    assert.equal(d2.code, 0, d2.output);
    assert.equal(await served(host), 'v2');
    const live = (await host.run(`readlink ${ROOT}/current`)).trim();
    assert.match(live, /-2\.0$/);
    const again = await cli('deploy', '--ref', '2.0');
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /already live/, 'the same archive (by its sha256) is not deployed twice');

    const refused: [string, RegExp][] = [
      ['bad', /sha256 is [0-9a-f]{64}, not 0{64}: refused, nothing changed/],
      ['slip', /would land outside the release/],
      ['missing', /could not download the archive's \.sha256 file/],
      ['page', /an HTML page, not an archive/],
    ];
    for (const [ref, said] of refused) {
      const r = await cli('deploy', '--ref', ref);
      assert.equal(r.code, 1, `${ref}: ${r.output}`);
      assert.match(r.output, said, ref);
      assert.match(r.output, new RegExp(host.ip.replace(/\./g, '\\.')), `${ref}: the error names the host`);
      assert.equal(await served(host), 'v2', `${ref}: the live release is untouched`);
      assert.equal((await host.exec('test -e /tmp/deploy-slipped')).code, 1);
      assert.equal((await host.exec(`ls -A ${ROOT}/releases | grep -E '^\\.(incoming|unpack)-'`)).code, 1);
    }
    for (const r of [setup, d2, again]) {
      assert.doesNotMatch(r.output, new RegExp(TOKEN), 'the token never shows');
      assert.doesNotMatch(readLog(r), new RegExp(TOKEN), 'nor in the log');
    }
    const back = await cli('rollback');
    assert.equal(back.code, 0, back.output);
    assert.equal(await served(host), 'v1');
  });
});
