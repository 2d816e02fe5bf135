// commander wiring only: each command is an async function in src/commands/.
// Typed errors are caught once here: one clear line, a hint, an exit status.
import { Argument, Command, CommanderError, Option } from 'commander';
import chalk from 'chalk';
import { DeployError, EXIT, RemoteCommandError } from './errors.js';
import { currentReporter, type RunResult } from './ui/output.js';
import { ConnectionLostError } from './ssh/lost.js';
import { VERSION } from './version.js';
import { printable } from './printable.js';

const COMMANDS = new Set([
  'setup',
  'deploy',
  'rollback',
  'releases',
  'history',
  'check',
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
  '__complete',
]);

/** The options every command takes, anywhere before `--`. */
function withGlobalOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'settings file', './settings.ini')
    .option('-y, --yes', 'answer yes to every confirmation and accept a new host key (CI)', false)
    .option('-v, --verbose', 'show every remote command and its output', false)
    .option('--dry-run', 'print every command that would run, per host and step; change nothing', false)
    .option('--json', 'print a machine-readable result on stdout (progress goes to stderr)', false)
    .option('--hosts <list>', 'only these hosts: names or addresses, with or without user@ and :port, comma-separated');
}

/** The global options and the words that are not options, as commander itself reads them. */
function parseGlobals(
  args: string[],
): { operands: string[]; unknown: string[]; opts: Record<string, unknown> } | undefined {
  const cut = args.indexOf('--');
  const probe = withGlobalOptions(new Command()).allowUnknownOption().exitOverride();
  try {
    const { operands, unknown } = probe.parseOptions(cut === -1 ? args : args.slice(0, cut));
    return { operands, unknown, opts: probe.opts() };
  } catch {
    return undefined; // the real parse reports it
  }
}

/**
 * `deploy <app> <command>` reads better; commander wants `deploy <command> <app>`: swap them.
 * commander finds the words (it knows which options take a value, and `-vc FILE`).
 */
export function reorder(argv: string[]): string[] {
  const args = argv.slice(2);
  const parsed = parseGlobals(args);
  const [first, second, ...rest] = parsed?.operands ?? [];
  if (!parsed || first === undefined || second === undefined || COMMANDS.has(first)) return argv;
  const o = parsed.opts;
  const globals = [
    ...(o.config !== './settings.ini' ? ['--config', String(o.config)] : []),
    ...(o.yes ? ['--yes'] : []),
    ...(o.verbose ? ['--verbose'] : []),
    ...(o.dryRun ? ['--dry-run'] : []),
    ...(o.json ? ['--json'] : []),
    ...(o.hosts !== undefined ? ['--hosts', String(o.hosts)] : []),
  ];
  const tail = args.includes('--') ? args.slice(args.indexOf('--')) : [];
  return [...argv.slice(0, 2), second, first, ...rest, ...parsed.unknown, ...globals, ...tail];
}

/** --lock-wait SECONDS: wait for a held lock instead of failing at once (CI jobs that queue). */
function lockWaitOption(): Option {
  return new Option(
    '--lock-wait <seconds>',
    'wait up to SECONDS for a lock another run holds (default: fail at once, exit 4)',
  ).argParser((v) => {
    if (!/^\d{1,6}$/.test(v))
      throw new CommanderError(
        EXIT.USAGE,
        'deploy.invalidArgument',
        `--lock-wait must be a number of seconds, not ${printable(v)}`,
      );
    return Number(v);
  });
}

function yesNo(value: string): boolean {
  if (/^(yes|y|true|1)$/i.test(value)) return true;
  if (/^(no|n|false|0)$/i.test(value)) return false;
  throw new CommanderError(
    EXIT.USAGE,
    'deploy.invalidArgument',
    `--dependencies must be yes or no, not ${printable(value)}`,
  );
}

/** Each command's usage line in the order users type it: `deploy <app> restart [options] [process]`. */
function commandUsage(cmd: Command): string {
  const usage = cmd.usage();
  if (!cmd.parent) return `${cmd.name()} ${usage}`;
  const appFirst = cmd.registeredArguments[0]?.name() === 'app' && cmd.registeredArguments[0].required;
  return appFirst
    ? `deploy <app> ${cmd.name()} ${usage.replace(/<app> ?/, '')}`.trimEnd()
    : `deploy ${cmd.name()} ${usage}`;
}

function build(): Command {
  const program = withGlobalOptions(new Command('deploy'))
    .description('Deploy Python web apps (Django, any WSGI app) from git to Linux servers over SSH.')
    .usage('<app> <command> [options]')
    .version(VERSION, '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .configureHelp({ commandUsage })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  deploy myapp setup                    first time on a server (packages, user, key, clone, nginx...)
  deploy myapp setup --dependencies=no  the same on a server that already has the packages
  deploy myapp deploy --yes             ship the configured branch, unattended (CI)
  deploy myapp rollback                 back to the previous release

Exit status: 0 done, 1 failure, 2 bad usage or settings (nothing touched),
3 operator action needed (e.g. add the deploy key), 4 another run holds the lock.`,
    );

  releaseCommands(program);
  controlCommands(program);
  outputCommands(program);
  otherCommands(program);
  completionCommands(program);
  return program;
}

/** The global options as a command sees them. */
function globals(cmd: Command) {
  return cmd.optsWithGlobals() as {
    config: string;
    yes: boolean;
    verbose: boolean;
    dryRun: boolean;
    json: boolean;
    hosts?: string;
  };
}

/** setup, deploy and rollback. */
function releaseCommands(program: Command): void {
  program
    .command('setup')
    .argument('<app>', 'app name from settings.ini')
    .description('prepare servers (packages, app user, deploy key, clone, nginx) and start the first release')
    .addOption(
      new Option('--dependencies <yes|no>', 'install system packages with apt').default(true, 'yes').argParser(yesNo),
    )
    .addHelpText('after', '\nExamples:\n  deploy myapp setup\n  deploy myapp setup --dependencies=no --yes')
    .action(async (app: string, o: { dependencies: boolean }, cmd: Command) => {
      const { setupCommand } = await import('./commands/setup.js');
      await setupCommand({ ...globals(cmd), app, dependencies: o.dependencies });
    });

  program
    .command('deploy')
    .argument('<app>', 'app name from settings.ini')
    .description('build a new release beside the live one and switch to it once it is healthy')
    .option(
      '--ref <ref>',
      "branch, tag or commit to deploy (default: the branch setting, else the repository's default branch)",
    )
    .option('--force', 'deploy even when that commit is already live', false)
    .option(
      '--maintenance',
      'the maintenance page on the web hosts while migrations run, until the release is live (needs maintenance = auto)',
      false,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  deploy myapp deploy\n  deploy myapp deploy --ref v1.4.0 --yes\n  deploy myapp deploy --maintenance   a migration the old release cannot run with',
    )
    .addOption(lockWaitOption())
    .action(
      async (
        app: string,
        o: { ref?: string; force: boolean; lockWait?: number; maintenance: boolean },
        cmd: Command,
      ) => {
        const { deployCommand } = await import('./commands/deploy.js');
        await deployCommand({
          ...globals(cmd),
          app,
          ref: o.ref,
          force: o.force,
          lockWait: o.lockWait,
          maintenance: o.maintenance,
        });
      },
    );

  program
    .command('rollback')
    .argument('<app>', 'app name from settings.ini')
    .argument(
      '[target]',
      '"current" (the newest release) or a release name or unique prefix; default: the one before the live one',
    )
    .description('switch back to a kept release (no rebuild)')
    .addHelpText(
      'after',
      '\nExamples:\n  deploy myapp rollback            one release back (again: one more back)\n  deploy myapp rollback current    the most recent release\n  deploy myapp rollback 20261122T1405',
    )
    .addOption(lockWaitOption())
    .action(async (app: string, target: string | undefined, o: { lockWait?: number }, cmd: Command) => {
      const { rollbackCommand } = await import('./commands/rollback.js');
      await rollbackCommand({ ...globals(cmd), app, target, lockWait: o.lockWait });
    });
}

/** start, stop, restart, releases, unlock and status. */
function controlCommands(program: Command): void {
  for (const [action, description] of [
    ['start', 'start the live release: web (the live gunicorn slot) and the processes, or one of them'],
    ['stop', 'stop web (the site stops answering) and the processes, or one of them'],
    [
      'restart',
      'restart web without a failed request (the live release starts anew beside itself) and the processes gracefully, or one of them',
    ],
  ] as const) {
    program
      .command(action)
      .argument('<app>', 'app name from settings.ini')
      .argument('[process]', '"web" or a [PROCESSES] name; default: all')
      .description(description)
      .addOption(lockWaitOption())
      .action(async (app: string, process: string | undefined, o: { lockWait?: number }, cmd: Command) => {
        const { controlCommand } = await import('./commands/control.js');
        await controlCommand({ ...globals(cmd), app, action, process, lockWait: o.lockWait });
      });
  }

  program
    .command('releases')
    .argument('<app>', 'app name from settings.ini')
    .description('list kept releases, newest first, per host')
    .action(async (app: string, _o: unknown, cmd: Command) => {
      const { releasesCommand } = await import('./commands/releases.js');
      await releasesCommand({ ...globals(cmd), app });
    });

  program
    .command('history')
    .argument('<app>', 'app name from settings.ini')
    .description("the runs recorded on the servers (every host's log merged), newest first")
    .option('-n, --entries <count>', 'how many runs (default 20)')
    .action(async (app: string, o: { entries?: string }, cmd: Command) => {
      const { historyCommand } = await import('./commands/history.js');
      await historyCommand({ ...globals(cmd), app, entries: o.entries });
    });

  program
    .command('check')
    .argument('<app>', 'app name from settings.ini')
    .description(
      'read every host, change nothing: OS, sudo, disk, ports, clock, git host, Python, packages (setup runs it first)',
    )
    .action(async (app: string, _o: unknown, cmd: Command) => {
      const { checkCommand } = await import('./commands/check.js');
      await checkCommand({ ...globals(cmd), app });
    });

  program
    .command('unlock')
    .argument('<app>', 'app name from settings.ini')
    .description('remove a deploy lock left by a killed run')
    .option('--force', 'remove it even when its run is still going on this machine', false)
    .addHelpText(
      'after',
      '\nExamples:\n  deploy myapp unlock          asks; refuses a lock whose run is still alive here\n  deploy myapp unlock --yes    no question (CI)',
    )
    .action(async (app: string, o: { force: boolean }, cmd: Command) => {
      const { unlockCommand } = await import('./commands/unlock.js');
      await unlockCommand({ ...globals(cmd), app, force: o.force });
    });

  program
    .command('status')
    .argument('<app>', 'app name from settings.ini')
    .description('per host: live release, processes, services, health, maintenance, lock, disk')
    .addHelpText('after', '\nExample:\n  deploy myapp status')
    .action(async (app: string, _o: unknown, cmd: Command) => {
      const { statusCommand } = await import('./commands/status.js');
      await statusCommand({ ...globals(cmd), app });
    });
}

/** logs and run. */
function outputCommands(program: Command): void {
  program
    .command('logs')
    .argument('<app>', 'app name from settings.ini')
    .description(
      "the app's logs (gunicorn with the app's output, the processes, nginx) from every host, prefixed by host",
    )
    .option('-f, --follow', 'keep following (Ctrl-C to stop)', false)
    .option(
      '-n, --lines <n>',
      'lines from the end of each log',
      (v) => {
        // A whole number tail can take (a huge one would make tail fail on the server).
        if (!/^\d{1,7}$/.test(v))
          throw new CommanderError(
            EXIT.USAGE,
            'deploy.invalidArgument',
            `--lines must be a number from 0 to 9999999, not ${printable(v)}`,
          );
        return Number(v);
      },
      50,
    )
    .addHelpText('after', '\nExamples:\n  deploy myapp logs --lines 200\n  deploy myapp logs -f')
    .action(async (app: string, o: { follow: boolean; lines: number }, cmd: Command) => {
      const { logsCommand } = await import('./commands/logs.js');
      await logsCommand({ ...globals(cmd), app, follow: o.follow, lines: o.lines });
    });

  program
    .command('run')
    .argument('<app>', 'app name from settings.ini')
    .argument('[command...]', 'the command (after --), or the name of a [COMMANDS] entry')
    .description('run a command in the live release as the app user, with its environment')
    .option('--host <host>', 'which host (default: the first one)')
    .option('--all', 'run on every host at once, each line prefixed by its host (no terminal)', false)
    .addHelpText(
      'after',
      '\nExamples:\n  deploy myapp run -- python manage.py createsuperuser\n  deploy myapp run -- python manage.py showmigrations\n  deploy myapp run shell            a [COMMANDS] shortcut: shell = python manage.py shell',
    )
    .action(async (app: string, command: string[], o: { host?: string; all: boolean }, cmd: Command) => {
      const { runCommandCommand } = await import('./commands/run.js');
      await runCommandCommand({ ...globals(cmd), app, command, host: o.host, all: o.all });
    });
}

/** maintenance, hosts and init. */
function otherCommands(program: Command): void {
  program
    .command('maintenance')
    .argument('<app>', 'app name from settings.ini')
    .addArgument(
      new Argument(
        '<on|off>',
        'on: every request but the health check gets the maintenance page (503); off: the site answers again',
      ).choices(['on', 'off']),
    )
    .description('put the maintenance page up on every web host, or take it down')
    .option(
      '--message <text>',
      'what the page says (with on; default: down for maintenance, try again in a few minutes)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  deploy myapp maintenance on --message "Back at 14:00 UTC."\n  deploy myapp maintenance off',
    )
    .action(async (app: string, action: 'on' | 'off', o: { message?: string }, cmd: Command) => {
      const { maintenanceCommand } = await import('./commands/maintenance.js');
      await maintenanceCommand({ ...globals(cmd), app, action, message: o.message });
    });

  program
    .command('hosts')
    .argument('<app>', 'app name from settings.ini')
    .addArgument(
      new Argument('<trust>', "read every host's key, bastions first, and record the new ones").choices(['trust']),
    )
    .description(
      "show every host's SSH key fingerprint (bastions included) and record the new ones in ~/.ssh/known_hosts",
    )
    .addHelpText(
      'after',
      '\nA key that CHANGED is never overwritten (exit 1). Without a terminal it needs --yes (or --dry-run).\n\nExamples:\n  deploy myapp hosts trust            shows the table, asks once\n  deploy myapp hosts trust --dry-run  only shows it\n  deploy myapp hosts trust --yes      records the new keys unattended',
    )
    .action(async (app: string, _action: 'trust', _o: unknown, cmd: Command) => {
      const { hostsTrustCommand } = await import('./commands/hosts.js');
      await hostsTrustCommand({ ...globals(cmd), app });
    });

  program
    .command('init')
    .argument('[app]', 'app name (project_name)')
    .description('write a commented settings.ini (never overwrites one)')
    .option('--repository <url>', 'git URL')
    .option('--settings-module <module>', 'DJANGO_SETTINGS_MODULE')
    .addHelpText(
      'after',
      '\nWith init, --hosts gives deploy_hosts (user@host[:port], comma-separated).\n\nExamples:\n  deploy init                      asks for the essentials\n  deploy init shop --repository git@github.com:me/shop.git --hosts ubuntu@203.0.113.10 --yes',
    )
    .action(async (app: string | undefined, o: { repository?: string; settingsModule?: string }, cmd: Command) => {
      const { initCommand } = await import('./commands/init.js');
      const g = globals(cmd);
      // The global --hosts chooses hosts among deploy_hosts; for init, which writes them, it gives them.
      await initCommand({ config: g.config, yes: g.yes, app, ...o, hosts: g.hosts });
    });
}

/** completion, and the hidden __complete its scripts call at each Tab. */
function completionCommands(program: Command): void {
  program
    .command('completion')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .description('print the completion script for bash, zsh or fish (commands, options, apps, processes)')
    .addHelpText(
      'after',
      '\nExamples:\n  deploy completion bash > ~/.local/share/bash-completion/completions/deploy\n  deploy completion zsh > ~/.zsh/completions/_deploy     a directory in $fpath\n  deploy completion fish > ~/.config/fish/completions/deploy.fish',
    )
    .action(async (shell: 'bash' | 'zsh' | 'fish', _o: unknown, cmd: Command) => {
      const { completionCommand } = await import('./commands/completion.js');
      await completionCommand(shell, cmd.parent!);
    });

  program
    .command('__complete', { hidden: true })
    .argument('<words>', 'apps, processes or commands')
    .argument('[app]')
    .action(async (words: string, app: string | undefined, _o: unknown, cmd: Command) => {
      const { completeCommand } = await import('./commands/completion.js');
      completeCommand(words, app, globals(cmd).config);
    });
}

/** What the command line says the run is about: for the JSON document of a run that stopped before its reporter existed. */
interface CommandLine {
  command: string;
  app: string;
  dryRun: boolean;
}

function readCommandLine(args: string[]): CommandLine {
  const parsed = parseGlobals(args.slice(2));
  const [command, app] = parsed?.operands ?? [];
  const known =
    command !== undefined &&
    (COMMANDS.has(command) || ['start', 'stop', 'restart'].includes(command)) &&
    command !== 'help';
  return { command: known ? command : '', app: known ? (app ?? '') : '', dryRun: !!parsed?.opts.dryRun };
}

function printError(err: unknown, verbose: boolean, json: boolean, line: CommandLine): number {
  // Also when the run stopped before it had a reporter (bad usage or settings, no terminal): one document, always.
  const early = () => ({ command: line.command, app: line.app, ok: false, dry_run: line.dryRun, hosts: {} });
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      return EXIT.OK;
    if (err.code === 'deploy.invalidArgument') process.stderr.write(`error: ${err.message}\n`);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ...early(), error: { message: err.message.replace(/^error: /, ''), exit_status: EXIT.USAGE } }, null, 2)}\n`,
      );
    return EXIT.USAGE;
  }
  currentReporter?.stopSpinner();
  // Several hosts: where each one stands, before the error.
  if (currentReporter && Object.keys(currentReporter.result.hosts).length > 1 && !currentReporter.json)
    currentReporter.table();
  const e = err as Error;
  const code = err instanceof DeployError ? err.exitCode : EXIT.FAILURE;
  process.stderr.write(`${chalk.red('error:')} ${e?.message ?? String(err)}\n`);
  if (err instanceof DeployError && err.hint) process.stderr.write(`${chalk.yellow('next:')} ${err.hint}\n`);
  if (verbose && e?.stack) process.stderr.write(`${chalk.dim(e.stack)}\n`);
  const log = currentReporter?.logFile;
  if (log) {
    currentReporter!.log(`ERROR ${e?.message}${err instanceof DeployError && err.hint ? `\nnext: ${err.hint}` : ''}`);
    process.stderr.write(chalk.dim(`log: ${log}\n`));
  }
  if (json) {
    const r: RunResult = currentReporter?.result ?? early();
    r.ok = false;
    r.error = { message: e?.message ?? String(err), exit_status: code };
    if (err instanceof RemoteCommandError)
      Object.assign(r.error, { host: err.host, step: err.step, command: err.command, remote_status: err.status });
    if (err instanceof ConnectionLostError)
      Object.assign(r.error, { host: err.host, ...(err.step ? { step: err.step } : {}) });
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  }
  return code;
}

/** Colour only for a terminal, and never with NO_COLOR (https://no-color.org). */
function setColour(): void {
  if ('NO_COLOR' in process.env || !process.stdout.isTTY) chalk.level = 0;
}

export async function main(argv: string[]): Promise<void> {
  const args = reorder(argv);
  const globals = parseGlobals(args.slice(2))?.opts ?? {};
  const verbose = !!globals.verbose;
  const json = !!globals.json;
  setColour();
  // A closed terminal (SIGHUP) or pipe must not crash a run that is cleaning up.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  try {
    const program = build();
    if (args.length <= 2) {
      program.outputHelp();
      process.exitCode = EXIT.USAGE;
      return;
    }
    await program.parseAsync(args);
    currentReporter?.stopSpinner();
    if (currentReporter) currentReporter.result.ok = true;
    if (currentReporter?.json) currentReporter.emitJson();
  } catch (err) {
    process.exitCode = printError(err, verbose, json, readCommandLine(args));
  }
  // The launcher exits as soon as this returns: what a slow reader (a pipe) has not taken yet must be written first.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
}

/** Resolves once everything written so far has been handed to the OS (or the stream has failed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || !stream.writableLength) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}
