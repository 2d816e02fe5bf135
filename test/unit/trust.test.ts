// The trust boundary, as the plans show it (docs/threat-model.md): no command run as root names
// a path in a tree the app user or a deploy user can write, but to ask whether it exists, or
// through the helpers made for that (which refuse links, or act from inside a pinned directory).
// The attack suite (test/reliability/trust-boundary.test.ts) proves the same on real hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSettings } from '../../src/settings/load.ts';
import { appPaths, catalog, rootText, runsAs, SEED, TRUST_VARIANTS } from '../plans-catalog.ts';
import { terminalSafe } from '../../src/printable.ts';

const seed = SEED;
const variants = TRUST_VARIANTS;

/** What root may do with a path the app can write: test that it exists (no content read, nothing written), or go through the safe helpers. */
const ALLOWED = [
  /(?:\btest|\[) (?:! )?-[edfLS] \S+/g,
  /\bstat -c \S+ \S+/g,
  // The library's existence tests (remote/lib/): whether the switch file, or setup's directory, is there.
  /deploy_live_slot \S+/g,
  // The switch file again, which these only hand to deploy_live_slot (remote/lib/programs.sh, status.sh).
  /deploy_when_live \S+/g,
  /deploy_when_idle \S+/g,
  /deploy_live_http \S+/g,
  // Its DIR goes to the app user's shell only (sudo -u USER), as the sudo line below.
  /deploy_follow_logs \S+ \S+ \S+ \S+/g,
  /deploy_require_setup \S+/g,
  // The stopping slot's marker (remote/lib/slots.sh): removed as the app user (sudo -u), once the slot stopped.
  /deploy_stop_in_background \S+ \S+ \S+ \S+/g,
  /__app_dir_in_root_dir \S+ \S+ \S+/g,
  /__give_to_app(?: \S+)+/g,
  // remote/lib/config.sh: root's copies of releases gone from the app's releases/ (it only tests that one exists).
  /deploy_prune_kept \S+ \S+/g,
  /sudo -n (?:-H )?-u \S+ [^;&|]*/g,
];

test('no root command reads, writes, links, chowns or deletes in a tree the app user or a deploy user can write', () => {
  let rootCommands = 0;
  for (const [name, text] of Object.entries(variants)) {
    const s = parseSettings(text, { app: 'NOME_APP', file: 'settings.ini' });
    for (const [command, steps] of Object.entries(catalog(s))) {
      for (const st of steps) {
        for (const [i, cmd] of st.commands.entries()) {
          if (runsAs(cmd, st) === 'app') continue;
          rootCommands++;
          const rest = ALLOWED.reduce((t, re) => t.replace(re, ''), rootText(cmd, st));
          assert.deepEqual(
            appPaths(s, rest),
            [],
            `${name}: ${command}, step ${st.id}, command ${i + 1} (as root) names:\n${rest}`,
          );
        }
      }
    }
  }
  assert.ok(rootCommands > 100, `only ${rootCommands} root commands were looked at`);
});

test("what root installs comes from the settings or root's own copies, never from a release", () => {
  for (const text of Object.values(variants)) {
    const s = parseSettings(text, { app: 'NOME_APP', file: 'settings.ini' });
    for (const steps of Object.values(catalog(s))) {
      for (const st of steps) {
        for (const cmd of st.commands) {
          if (runsAs(cmd, st) === 'app') continue;
          assert.doesNotMatch(rootText(cmd, st), /\.deploy\/(nginx|app)\.conf|\.deploy-env/, `step ${st.id}`);
        }
      }
    }
  }
});

test('text from a server is shown with its control characters escaped', () => {
  assert.equal(terminalSafe('\x1b[2J\x1b[31mFAKE\x1b]0;pwned\x07'), '\\x1b[2J\\x1b[31mFAKE\\x1b]0;pwned\\x07');
  assert.equal(terminalSafe('tab\tand\nnewline stay'), 'tab\tand\nnewline stay');
  assert.equal(terminalSafe('a\rb\x7f\x9b\u202e'), 'a\\x0db\\x7f\\x9b\\u202e');
  assert.equal(terminalSafe('ünïcode ✓'), 'ünïcode ✓');
});

test("a file root reads or writes may not be set inside the app user's directories", () => {
  const problems = (extra: string) => {
    try {
      parseSettings(seed.replace(/^arquivo_config = .*$/m, '').replace('[APP]', `${extra}\n[APP]`), {
        app: 'NOME_APP',
        file: 'settings.ini',
      });
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.match(
    problems('config_file = /opt/django/apps/NOME_APP/shared/app.conf'),
    /config_file .*is inside \/opt\/django\/apps, which the app user writes/,
  );
  assert.match(
    problems('server_name = a.test\nssl = custom\nssl_certificate = /opt/django/.ssh/a.crt'),
    /ssl_certificate .*is inside \/opt\/django\/.ssh, which the app user writes/,
  );
  assert.equal(problems('config_file = /opt/django/configs/apps/x.conf'), '');
});
