// `deploy completion bash|zsh|fish` and the hidden `deploy __complete`: each script passes its
// shell's syntax check (and shellcheck), the hidden command reads the settings file leniently,
// and Tab really completes in bash, zsh and fish, driven through tmux. No SSH anywhere.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN = new URL('../../bin/deploy.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'deploy-completion-'));
const home = join(dir, 'home');
const bin = join(dir, 'bin');
const work = join(dir, 'work');
for (const d of [home, bin, work]) mkdirSync(d);
after(() => rmSync(dir, { recursive: true, force: true }));

// A `deploy` on PATH, as an installed one would be: the scripts call `command deploy __complete`.
writeFileSync(join(bin, 'deploy'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
chmodSync(join(bin, 'deploy'), 0o755);
const PATH = `${bin}:${process.env.PATH}`;

writeFileSync(
  join(work, 'settings.ini'),
  `[DEPLOY]
project_name = myapp
repository = git@example.com:me/myapp.git
deploy_hosts = ubuntu@10.0.0.5

[APP]
settings_file = myapp.settings.prod

[PROCESSES]
worker = celery -A myapp worker
beat = celery -A myapp beat

[COMMANDS]
shell = python manage.py shell
`,
);
// Several apps in one file: [name.DEPLOY] sections.
writeFileSync(
  join(work, 'other.ini'),
  '[shop.DEPLOY]\nproject_name = shop\n[shop.PROCESSES]\nmailer = python mail.py\n[blog.DEPLOY]\nproject_name = blog\n',
);

function cli(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { PATH, HOME: home }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;
const scripts = Object.fromEntries(
  SHELLS.map((shell) => {
    const r = cli(['completion', shell]);
    assert.equal(r.code, 0, r.stderr);
    const file = join(dir, `completion.${shell}`);
    writeFileSync(file, r.stdout);
    return [shell, file];
  }),
) as Record<(typeof SHELLS)[number], string>;

test("the scripts' words come from commander's command tree", () => {
  const bash = cli(['completion', 'bash']).stdout;
  const commands = /^_deploy_commands='([^']*)'$/m.exec(bash)?.[1].split(' ');
  assert.deepEqual(
    commands?.sort(),
    [
      'check',
      'setup',
      'deploy',
      'rollback',
      'releases',
      'history',
      'unlock',
      'status',
      'logs',
      'run',
      'maintenance',
      'hosts',
      'start',
      'stop',
      'restart',
      'init',
      'help',
      'completion',
    ].sort(),
    'every command but the hidden __complete',
  );
  assert.match(
    bash,
    /^ {4}deploy\) cmd_options='--ref --force --maintenance --lock-wait -h --help' cmd_arguments=@app ;;$/m,
  );
  assert.match(bash, /^ {4}restart\) cmd_options='--lock-wait -h --help' cmd_arguments='@app @process' ;;$/m);
  assert.match(bash, /^ {4}maintenance\) cmd_options='--message -h --help' cmd_arguments='@app on,off' ;;$/m);
  assert.match(bash, /^ {4}hosts\) .* cmd_arguments='@app trust' ;;$/m);
  assert.match(bash, /^_deploy_globals='-c --config -y --yes -v --verbose --dry-run --json --hosts'$/m);
  assert.match(bash, /^ {4}--dependencies\) opt_values='yes no' ;;$/m);
  assert.match(bash, /^ {4}-c \| --config\) opt_values=@file ;;$/m);
  assert.doesNotMatch(bash, /__complete\)/);
  assert.match(cli(['completion', 'zsh']).stdout, /^ {2}'deploy:build a new release beside the live one/m);
  const bad = cli(['completion', 'tcsh']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Allowed choices are bash, zsh, fish/);
});

test('each script passes its shell syntax check, and shellcheck for bash', (t) => {
  for (const [shell, check] of [
    ['bash', ['-n']],
    ['zsh', ['-n']],
    ['fish', ['--no-execute']],
  ] as const) {
    if (!has(shell)) {
      t.diagnostic(`${shell} is not installed: its syntax check is skipped`);
      continue;
    }
    const r = spawnSync(shell, [...check, scripts[shell]], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${shell} ${check.join(' ')}: ${r.stderr}`);
  }
  const sc = spawnSync('shellcheck', [scripts.bash], { encoding: 'utf8' });
  assert.equal(sc.status, 0, `shellcheck: ${sc.stdout}${sc.stderr}`);
});

test('__complete prints the apps, and an app’s processes and [COMMANDS] names, one a line', () => {
  const words = (...args: string[]) => {
    const r = cli(['__complete', ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    return r.stdout;
  };
  assert.equal(words('apps'), 'myapp\n');
  assert.equal(words('processes', 'myapp'), 'web\nworker\nbeat\n');
  assert.equal(words('commands', 'myapp'), 'shell\n');
  assert.equal(words('apps', '-c', 'other.ini'), 'shop\nblog\n');
  assert.equal(words('processes', 'shop', '--config=other.ini'), 'web\nmailer\n');
  assert.equal(words('processes', 'blog', '--config', join(work, 'other.ini')), 'web\n');
  assert.equal(words('processes', 'nosuchapp'), '');
  // -c FILE as bash hands it over: quotes kept, ~ not expanded.
  writeFileSync(join(home, 'home.ini'), '[DEPLOY]\nproject_name = athome\n');
  assert.equal(words('apps', '-c', '~/home.ini'), 'athome\n');
  assert.equal(words('apps', '-c', "'other.ini'"), 'shop\nblog\n');
});

test('__complete prints nothing, and no error, for a missing or broken settings file', () => {
  writeFileSync(join(work, 'broken.ini'), '\u0000\u00ff[[[\n= =\n[DEPLOY\nproject_name\n');
  writeFileSync(join(work, 'noname.ini'), '[DEPLOY]\nrepository = x\n[PROCESSES]\nworker = x\n');
  writeFileSync(join(work, 'bad.ini'), '[DEPLOY]\nproject_name = bad name!\n[PROCESSES]\nA B = x\na = x\n');
  for (const file of ['missing.ini', 'broken.ini', 'noname.ini', 'bad.ini', work, '/dev/null'])
    for (const what of [['apps'], ['processes', 'myapp'], ['processes', '(unnamed)'], ['commands', 'myapp']]) {
      const r = cli(['__complete', ...what, '-c', file]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', ''], `${what.join(' ')} -c ${file}`);
    }
  const r = cli(['__complete', 'apps'], home); // no ./settings.ini here
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
});

/** What the words complete to, as bash's programmable completion hands them to _deploy. */
function bashWords(...words: string[]): string[] {
  const script = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _deploy; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', scripts.bash, ...words], {
    cwd: work,
    env: { PATH, HOME: home },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('bash: commands, apps, processes, choices and option values, in either word order', () => {
  assert.deepEqual(bashWords('deploy', 'my'), ['myapp']);
  assert.ok(bashWords('deploy', '').includes('myapp'));
  assert.ok(bashWords('deploy', '').includes('rollback'));
  assert.deepEqual(bashWords('deploy', 'myapp', 'rest'), ['restart']);
  assert.deepEqual(bashWords('deploy', 'myapp', 'restart', ''), ['web', 'worker', 'beat']);
  assert.deepEqual(bashWords('deploy', 'stop', 'myapp', 'w'), ['web', 'worker']);
  assert.deepEqual(bashWords('deploy', '-c', 'other.ini', ''), [
    'shop',
    'blog',
    ...bashWords('deploy', '').filter((w) => w !== 'myapp'),
  ]);
  // bash splits --config=FILE at the =.
  assert.deepEqual(bashWords('deploy', '--config', '=', 'other.ini', 'shop', 'start', ''), ['web', 'mailer']);
  assert.deepEqual(bashWords('deploy', '-v', 'myapp', 'logs', '-n', '5', 'restart'), []);
  assert.deepEqual(bashWords('deploy', 'myapp', 'maintenance', ''), ['on', 'off']);
  assert.deepEqual(bashWords('deploy', 'myapp', 'hosts', ''), ['trust']);
  assert.deepEqual(bashWords('deploy', 'myapp', 'run', ''), ['shell']);
  assert.deepEqual(bashWords('deploy', 'myapp', 'run', '--', ''), []);
  assert.deepEqual(bashWords('deploy', 'myapp', 'deploy', '--lo'), ['--lock-wait']);
  assert.deepEqual(bashWords('deploy', 'myapp', 'setup', '--dependencies', '=', ''), ['yes', 'no']);
  assert.deepEqual(bashWords('deploy', 'completion', ''), ['bash', 'zsh', 'fish']);
  assert.deepEqual(bashWords('deploy', '-c', 'oth'), ['other.ini']);
  assert.deepEqual(bashWords('deploy', 'myapp', 'status', '--j'), ['--json']);
  assert.deepEqual(bashWords('deploy', 'myapp', 'deploy', 'x'), [], 'deploy takes no argument after the app');
});

test('fish: the same words, from complete -C', (t) => {
  if (!has('fish')) return t.skip('fish is not installed');
  const fish = (line: string) => {
    const r = spawnSync('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C '${line}'`], {
      cwd: work,
      env: { PATH, HOME: home },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]);
  };
  assert.deepEqual(fish('deploy my'), ['myapp']);
  assert.deepEqual(fish('deploy myapp restart ').sort(), ['beat', 'web', 'worker']);
  assert.deepEqual(fish('deploy --config=other.ini shop start ').sort(), ['mailer', 'web']);
  assert.deepEqual(fish('deploy myapp setup --dependencies=').sort(), ['--dependencies=no', '--dependencies=yes']);
  assert.deepEqual(fish('deploy --config=oth'), ['--config=other.ini']);
  assert.deepEqual(fish('deploy myapp maintenance o').sort(), ['off', 'on']);
  assert.deepEqual(fish('deploy myapp run -- '), []);
});

/** A shell in a detached tmux session on its own socket: keys in, the screen out. */
class Terminal {
  readonly socket = join(dir, `tmux-${Math.random().toString(36).slice(2)}.sock`);

  constructor(command: string[]) {
    const env = ['env', `PATH=${PATH}`, `HOME=${home}`, `XDG_CONFIG_HOME=${home}/.config`];
    this.tmux('new-session', '-d', '-s', 'completion', '-x', '200', '-y', '50', '-c', work, ...env, ...command);
  }

  tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-S', this.socket, ...args], {
      env: { PATH, HOME: home, TERM: 'xterm' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'completion');
  }

  /** Waits for the screen to match (the machine may be busy: node starts at each dynamic Tab). */
  async waitFor(expected: RegExp, what: string, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (expected.test(this.screen())) return;
      await sleep(100);
    }
    assert.fail(`${what}: ${expected} did not appear; the screen:\n${this.screen()}`);
  }

  /** Runs a line, then waits for what it prints: $((1+1)) and (math 1+1) print a number the line does not hold. */
  async run(line: string, printed: RegExp): Promise<void> {
    this.tmux('send-keys', '-t', 'completion', '-l', line);
    this.tmux('send-keys', '-t', 'completion', 'Enter');
    await this.waitFor(printed, line);
  }

  /** Types the line and Tab, and waits for the completed line. */
  async complete(typed: string, completed: RegExp): Promise<void> {
    this.tmux('send-keys', '-t', 'completion', '-l', typed);
    this.tmux('send-keys', '-t', 'completion', 'Tab');
    await this.waitFor(completed, `${typed}<Tab>`);
    // The line erased and the screen cleared for the next one.
    this.tmux('send-keys', '-t', 'completion', 'C-u');
    this.tmux('send-keys', '-t', 'completion', 'C-l');
    await this.waitFor(/^\s*READY>\s*$/, 'a clear screen');
  }

  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
  }
}

/** The completions every shell must give: a command, an app (also from -c FILE), a process, an option. */
async function completes(term: Terminal): Promise<void> {
  await term.complete('deploy myapp rest', /^READY> deploy myapp restart\b/m);
  await term.complete('deploy my', /^READY> deploy myapp\b/m);
  await term.complete('deploy -c other.ini sh', /^READY> deploy -c other\.ini shop\b/m);
  await term.complete('deploy myapp restart wo', /^READY> deploy myapp restart worker\b/m);
  await term.complete('deploy stop myapp be', /^READY> deploy stop myapp beat\b/m);
  await term.complete('deploy myapp deploy --lock-w', /^READY> deploy myapp deploy --lock-wait\b/m);
  await term.complete('deploy myapp maintenance of', /^READY> deploy myapp maintenance off\b/m);
}

test('bash: Tab completes in an interactive shell (tmux)', async () => {
  const term = new Terminal(['bash', '--norc', '--noprofile']);
  try {
    await term.run(`PS1='READY> '; source ${scripts.bash}; echo SOURCED-$((1+1))`, /^SOURCED-2$/m);
    term.tmux('send-keys', '-t', 'completion', 'C-l');
    await completes(term);
  } finally {
    term.close();
  }
});

test('zsh: Tab completes in an interactive shell (tmux), from $fpath and sourced', async (t) => {
  if (!has('zsh')) return t.skip('zsh is not installed');
  const fpath = join(dir, 'zfunctions');
  mkdirSync(fpath, { recursive: true });
  writeFileSync(join(fpath, '_deploy'), cli(['completion', 'zsh']).stdout);
  const term = new Terminal(['zsh', '-f']);
  try {
    await term.run(
      `PS1='READY> '; fpath=(${fpath} $fpath); autoload -Uz compinit; compinit -u -D; echo SOURCED-$((1+1))`,
      /^SOURCED-2$/m,
    );
    term.tmux('send-keys', '-t', 'completion', 'C-l');
    await completes(term);
  } finally {
    term.close();
  }
  const sourced = new Terminal(['zsh', '-f']);
  try {
    await sourced.run(
      `PS1='READY> '; autoload -Uz compinit; compinit -u -D; source ${scripts.zsh}; echo SOURCED-$((1+1))`,
      /^SOURCED-2$/m,
    );
    sourced.tmux('send-keys', '-t', 'completion', 'C-l');
    await sourced.complete('deploy myapp restart wo', /^READY> deploy myapp restart worker\b/m);
  } finally {
    sourced.close();
  }
});

test('fish: Tab completes in an interactive shell (tmux)', async (t) => {
  if (!has('fish')) return t.skip('fish is not installed');
  const term = new Terminal(['fish', '--no-config']);
  try {
    // No autosuggestion: the completed words must come from Tab.
    await term.run(
      `function fish_prompt; echo -n 'READY> '; end; set -g fish_autosuggestion_enabled 0; source ${scripts.fish}; echo SOURCED-(math 1+1)`,
      /^SOURCED-2$/m,
    );
    term.tmux('send-keys', '-t', 'completion', 'C-l');
    await completes(term);
  } finally {
    term.close();
  }
});
