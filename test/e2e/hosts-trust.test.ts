// `deploy <app> hosts trust`: two hosts behind a bastion, strict_host_keys = yes. Unknown keys
// stop status; one `hosts trust --yes` records the bastion's key and then the hosts' (each the
// host's own /etc/ssh key, read on the host itself); status then works; a second run changes
// nothing; a host whose key was regenerated is CHANGED, exit 1, known_hosts untouched.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootHost, ensureImages, stopAll, TESTBED_KEY, type Host } from '../testbed/index.ts';
import { settingsFile } from './fleet-helpers.ts';
import { demoRepo, runCli, tempDir } from './helpers.ts';

/** The host's own ed25519 key (as /etc/ssh has it) and its fingerprint as the host's ssh-keygen prints it. */
async function realKey(host: Host): Promise<{ type: string; base64: string; fingerprint: string }> {
  const [type, base64] = (await host.run('cat /etc/ssh/ssh_host_ed25519_key.pub')).trim().split(/\s+/);
  const fingerprint = (await host.run('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).trim().split(/\s+/)[1];
  return { type, base64, fingerprint };
}

/** Every /etc/ssh/ssh_host_*_key.pub of the host: type and base64 key. */
async function allKeys(host: Host): Promise<string[]> {
  return (await host.run('cat /etc/ssh/ssh_host_*_key.pub'))
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/).slice(0, 2).join(' '));
}

/** The same key regenerated on the host (its sshd restarted), reached from inside its own network namespace. */
async function regenerateHostKeys(host: Host): Promise<void> {
  await host.run('rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh');
  for (let i = 0; i < 75; i++) {
    if ((await host.exec('true')).code === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`ssh on ${host.name} did not come back`);
}

const re = (s: string) => s.replace(/[.+/[\]]/g, '\\$&');

describe('hosts trust: every host key in one step, the bastion first', { timeout: 10 * 60_000 }, () => {
  let bastion: Host;
  let app1: Host;
  let app2: Host;
  let home: string;
  let file: string;
  let known: string;
  const trust = (...args: string[]) => runCli(['-c', file, 'demo', 'hosts', 'trust', ...args], { home });
  const read = () => (existsSync(known) ? readFileSync(known, 'utf8') : '');

  before(async () => {
    await ensureImages();
    [bastion, app1, app2] = await Promise.all([bootHost('ready'), bootHost('ready'), bootHost('ready')]);
    // The image's hosts share one host key: each gets its own, then the app hosts take SSH only from the bastion.
    await Promise.all([bastion.rekey(), app1.rekey(), app2.rekey()]);
    await Promise.all([app1.sshOnlyFrom(bastion.ip), app2.sshOnlyFrom(bastion.ip)]);
    home = tempDir();
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    known = join(home, '.ssh', 'known_hosts');
    // source = archive: setup needs no git server and no deploy key, only SSH through the bastion.
    file = settingsFile(
      home,
      `deploy_hosts = ubuntu@${app1.ip}, ubuntu@${app2.ip}\nproxy_jump = ubuntu@${bastion.ip}\nsource = archive\nstrict_host_keys = yes`,
      `allowed_hosts = ${app1.ip},${app2.ip},localhost,127.0.0.1\n`,
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('REPO', demoRepo('v1')));
  });
  after(stopAll);

  it('before: status refuses the unknown keys (the bastion’s first), and names hosts trust', async () => {
    const st = await runCli(['-c', file, 'demo', 'status', '--yes'], { home });
    assert.equal(st.code, 1, st.output);
    assert.match(st.stderr, new RegExp(`ubuntu@${re(bastion.ip)}: unknown host key .* strict_host_keys = yes`));
    const one = await runCli(['-c', file, 'demo', 'status', '--yes', '--hosts', app1.ip], { home });
    assert.equal(one.code, 1, one.output);
    assert.match(one.stderr, /next: Record the fleet's keys first: `deploy demo hosts trust`/);
    assert.equal(read(), '', 'strict: --yes recorded nothing');
  });

  it('--dry-run shows the fingerprints and records nothing', async () => {
    const dry = await trust('--dry-run');
    assert.equal(dry.code, 0, dry.output);
    for (const h of [bastion, app1, app2]) assert.ok(dry.stdout.includes((await realKey(h)).fingerprint), dry.stdout);
    assert.match(dry.stdout, /dry run: 3 new keys not recorded/);
    assert.equal(read(), '');
  });

  it('--yes: the bastion first, then the hosts through it; known_hosts holds each host’s real key', async () => {
    const r = await trust('--yes');
    assert.equal(r.code, 0, r.output);
    const rows = r.stdout.split('\n').filter((l) => /^ {2}10\.213\./.test(l));
    assert.equal(rows.length, 3, r.stdout);
    assert.match(rows[0], new RegExp(`^  ${re(bastion.ip)} \\(bastion\\) +22 +- +ssh-ed25519 `));
    for (const [i, h] of [app1, app2].entries())
      assert.match(rows[i + 1], new RegExp(`^  ${re(h.ip)} +22 +ubuntu@${re(bastion.ip)} +ssh-ed25519 `));
    const lines = read().trim().split('\n');
    assert.equal(lines.length, 3, read());
    for (const [i, h] of [bastion, app1, app2].entries()) {
      const real = await realKey(h);
      assert.equal(lines[i], `${h.ip} ${real.type} ${real.base64}`, `${h.name}: its own key, under its name`);
      assert.ok((await allKeys(h)).includes(`${real.type} ${real.base64}`));
      assert.match(rows[i], new RegExp(`${re(real.fingerprint)} +new$`), 'the fingerprint the host itself prints');
    }
    assert.match(r.stdout, new RegExp(`recorded in ${re(known)}: ${re(bastion.ip)}, ${re(app1.ip)}`));
  });

  it('after: setup and status work with strict_host_keys = yes', async () => {
    const setup = await runCli(['-c', file, 'demo', 'setup', '--yes', '--dependencies=no'], { home });
    assert.equal(setup.code, 0, setup.output);
    const st = await runCli(['-c', file, 'demo', 'status'], { home });
    assert.equal(st.code, 0, st.output);
    assert.doesNotMatch(st.output, /host key/);
    assert.equal(read().trim().split('\n').length, 3, 'nothing more recorded');
  });

  it('again: every key known, nothing written', async () => {
    const before = read();
    const r = await trust('--yes', '--json');
    assert.equal(r.code, 0, r.output);
    const doc = JSON.parse(r.stdout);
    for (const h of [bastion, app1, app2]) {
      const key = doc.hosts[`ubuntu@${h.ip}`].host_key;
      assert.equal(key.state, 'known');
      assert.equal(key.fingerprint, (await realKey(h)).fingerprint);
      assert.equal(key.recorded, false);
    }
    assert.equal(doc.hosts[`ubuntu@${bastion.ip}`].host_key.role, 'bastion');
    assert.deepEqual(doc.hosts[`ubuntu@${app1.ip}`].host_key.via, [`ubuntu@${bastion.ip}`]);
    assert.match(r.stderr, /No new key to record/);
    assert.equal(read(), before);
  });

  it('a host whose key changed: CHANGED with both fingerprints, exit 1, known_hosts untouched', async () => {
    const before = read();
    const old = await realKey(app2);
    await regenerateHostKeys(app2);
    const now = await realKey(app2);
    assert.notEqual(now.fingerprint, old.fingerprint);
    const r = await trust('--yes');
    assert.equal(r.code, 1, r.output);
    assert.match(r.stdout, new RegExp(`^  ${re(app2.ip)} .*${re(now.fingerprint)} +CHANGED$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  ${re(app1.ip)} .* known$`, 'm'));
    assert.match(
      r.stderr,
      new RegExp(
        `${re(app2.ip)}: the host key has CHANGED: known ssh-ed25519 ${re(old.fingerprint)} .*now ssh-ed25519 ${re(now.fingerprint)}; not overwritten`,
      ),
    );
    assert.match(r.stderr, new RegExp(`next: .*ssh-keygen -R '${re(app2.ip)}' -f ${re(known)}`));
    assert.equal(read(), before, 'known_hosts unchanged');
    // deploy's own commands refuse it too.
    const st = await runCli(['-c', file, 'demo', 'status', '--yes'], { home });
    assert.equal(st.code, 1, st.output);
    assert.match(st.stderr, /CHANGED/);
  });

  it('~/.ssh/config ProxyJump and --hosts: only the hosts chosen and their bastion; one unreachable is named, the others recorded', async () => {
    const home2 = tempDir();
    mkdirSync(join(home2, '.ssh'), { mode: 0o700 });
    writeFileSync(
      join(home2, '.ssh', 'config'),
      `Host app1\n  HostName ${app1.ip}\n  ProxyJump jump\n\nHost app2\n  HostName ${app2.ip}\n  ProxyJump jump\n\nHost gone\n  HostName ${app1.ip}\n  Port 2222\n  ProxyJump jump\n\nHost jump\n  HostName ${bastion.ip}\n  User ubuntu\n  IdentityFile ${TESTBED_KEY}\n`,
    );
    const f = settingsFile(home2, 'deploy_hosts = ubuntu@app1, ubuntu@app2, ubuntu@gone\nstrict_host_keys = yes');
    writeFileSync(f, readFileSync(f, 'utf8').replace('REPO', 'git@example.com:me/demo.git'));
    const r = await runCli(['-c', f, 'demo', 'hosts', 'trust', '--yes', '--hosts', 'app1,gone'], { home: home2 });
    assert.equal(r.code, 1, r.output);
    assert.match(r.stdout, new RegExp(`^  ${re(bastion.ip)} \\(jump, bastion\\) +22 +- `, 'm'));
    assert.match(r.stdout, new RegExp(`^  ${re(app1.ip)} \\(app1\\) +22 +jump +ssh-ed25519 .* new$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  ${re(app1.ip)} \\(gone\\) +2222 +jump +- +- +unreachable$`, 'm'));
    assert.doesNotMatch(r.stdout, new RegExp(re(app2.ip)), '--hosts left app2 out');
    assert.match(r.stderr, /1 of 3 hosts not trusted \(recorded: .*\):/);
    assert.match(r.stderr, /ubuntu@gone: .*cannot reach/);
    const lines = readFileSync(join(home2, '.ssh', 'known_hosts'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines[0], `${bastion.ip} ssh-ed25519 ${(await realKey(bastion)).base64}`);
    assert.equal(lines[1], `${app1.ip} ssh-ed25519 ${(await realKey(app1)).base64}`);
    assert.equal(lines.length, 2);
  });
});
