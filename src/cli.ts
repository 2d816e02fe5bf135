// commander wiring only: each command is an async function in src/commands/.
// Typed errors are caught once here: one clear line, a hint, an exit status.
import { Command, CommanderError, Option } from 'commander';
import chalk from 'chalk';
import { DeployError, EXIT } from './errors.js';

const TOP_LEVEL = new Set(['init', 'help']);
const APP_COMMANDS = ['setup', 'deploy', 'rollback', 'releases', 'unlock', 'status', 'logs', 'run'];

/** `deploy <app> <command>` reads better; commander wants `deploy <command> <app>`: swap them. */
export function reorder(argv: string[]): string[] {
  const args = argv.slice(2);
  const positions: number[] = [];
  for (let i = 0; i < args.length && positions.length < 2; i++) {
    const a = args[i];
    if (a === '--') break;
    if (a === '-c' || a === '--config') {
      i++;
      continue;
    }
    if (!a.startsWith('-')) positions.push(i);
  }
  if (positions.length === 2 && !TOP_LEVEL.has(args[positions[0]])) {
    const [i, j] = positions;
    [args[i], args[j]] = [args[j], args[i]];
  }
  return [...argv.slice(0, 2), ...args];
}

function yesNo(value: string): boolean {
  if (/^(yes|y|true|1)$/i.test(value)) return true;
  if (/^(no|n|false|0)$/i.test(value)) return false;
  throw new CommanderError(EXIT.USAGE, 'deploy.invalidArgument', `--dependencies must be yes or no, not "${value}"`);
}

function build(): Command {
  const program = new Command('deploy')
    .description('Deploy Python web apps (Django, any WSGI app) from git to Linux servers over SSH.')
    .usage('<app> <command> [options]')
    .option('-c, --config <file>', 'settings file', './settings.ini')
    .option('-y, --yes', 'answer yes to every confirmation (CI)', false)
    .option('-v, --verbose', 'show every remote command and its output', false)
    .option('--dry-run', 'print the commands that would run; connect to nothing', false)
    .showSuggestionAfterError(true)
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
3 operator action needed (e.g. add the deploy key), 4 another deploy holds the lock.`,
    );

  const globals = (cmd: Command) => cmd.optsWithGlobals() as { config: string; yes: boolean; verbose: boolean; dryRun: boolean };

  program
    .command('setup')
    .argument('<app>', 'app name from settings.ini')
    .description('prepare servers and start the first release (seed 000 SETUP)')
    .addOption(new Option('--dependencies <yes|no>', 'install system packages with apt').default(true, 'yes').argParser(yesNo))
    .addHelpText('after', '\nExamples:\n  deploy myapp setup\n  deploy myapp setup --dependencies=no --yes')
    .action(async (app: string, o: { dependencies: boolean }, cmd: Command) => {
      const { setupCommand } = await import('./commands/setup.js');
      await setupCommand({ ...globals(cmd), app, dependencies: o.dependencies });
    });

  program
    .command('deploy')
    .argument('<app>', 'app name from settings.ini')
    .description('build a new release beside the live one and switch to it once it is healthy')
    .option('--ref <ref>', "branch, tag or commit to deploy (default: branch setting, else the repository's default branch)")
    .option('--force', 'deploy even when that commit is already live', false)
    .addHelpText('after', '\nExamples:\n  deploy myapp deploy\n  deploy myapp deploy --ref v1.4.0 --yes')
    .action(async (app: string, o: { ref?: string; force: boolean }, cmd: Command) => {
      const { deployCommand } = await import('./commands/deploy.js');
      await deployCommand({ ...globals(cmd), app, ref: o.ref, force: o.force });
    });

  program
    .command('rollback')
    .argument('<app>', 'app name from settings.ini')
    .argument('[target]', '"current" (the newest release) or a release name or unique prefix; default: the one before the live one')
    .description('switch back to a kept release (no rebuild)')
    .addHelpText('after', '\nExamples:\n  deploy myapp rollback            one release back (again: one more back)\n  deploy myapp rollback current    the most recent release\n  deploy myapp rollback 20261122T1405')
    .action(async (app: string, target: string | undefined, _o: unknown, cmd: Command) => {
      const { rollbackCommand } = await import('./commands/rollback.js');
      await rollbackCommand({ ...globals(cmd), app, target });
    });

  program
    .command('releases')
    .argument('<app>', 'app name from settings.ini')
    .description('list kept releases, newest first, per host')
    .action(async (app: string, _o: unknown, cmd: Command) => {
      const { releasesCommand } = await import('./commands/releases.js');
      await releasesCommand({ ...globals(cmd), app });
    });

  program
    .command('unlock')
    .argument('<app>', 'app name from settings.ini')
    .description('remove a deploy lock left by a killed run')
    .action(async (app: string, _o: unknown, cmd: Command) => {
      const { unlockCommand } = await import('./commands/unlock.js');
      await unlockCommand({ ...globals(cmd), app });
    });

  return program;
}

function printError(err: unknown, verbose: boolean): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
    if (err.code === 'deploy.invalidArgument') process.stderr.write(`error: ${err.message}\n`);
    return EXIT.USAGE;
  }
  if (err instanceof DeployError) {
    process.stderr.write(`${chalk.red('error:')} ${err.message}\n`);
    if (err.hint) process.stderr.write(`${chalk.yellow('next:')} ${err.hint}\n`);
    if (verbose && err.stack) process.stderr.write(`${chalk.dim(err.stack)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`${chalk.red('error:')} ${e?.message ?? String(err)}\n`);
  if (verbose && e?.stack) process.stderr.write(`${chalk.dim(e.stack)}\n`);
  return EXIT.FAILURE;
}

export async function main(argv: string[]): Promise<void> {
  const args = reorder(argv);
  const verbose = args.includes('-v') || args.includes('--verbose');
  try {
    const program = build();
    if (args.length <= 2) {
      program.outputHelp();
      process.exitCode = EXIT.USAGE;
      return;
    }
    await program.parseAsync(args);
  } catch (err) {
    process.exitCode = printError(err, verbose);
  }
}
