// `deploy <app> run -- CMD...` or `deploy <app> run NAME` ([COMMANDS] shortcut): a command
// in the live release, as the app user, with the app's environment; a terminal when one is attached.
import { startSession, type GlobalOptions } from '../session.js';
import { runCommand } from '../steps/ops.js';
import { DeployError, UsageError } from '../errors.js';
import { quote } from '../shell.js';
import { printable } from '../printable.js';
import { Fleet } from '../fleet/fleet.js';

export interface RunOptions extends GlobalOptions {
  app: string;
  command: string[];
  host?: string;
  all: boolean;
}

export async function runCommandCommand(opts: RunOptions): Promise<void> {
  const session = startSession(opts.app, 'run', opts, false);
  const { settings: s, reporter } = session;
  if (!opts.command.length)
    throw new UsageError(
      `nothing to run: deploy ${s.app} run -- COMMAND..., or one of [COMMANDS]: ${Object.keys(s.commands).join(', ') || '(none)'}`,
    );
  // One word naming a [COMMANDS] entry runs that; otherwise the words are the command.
  const shortcut = opts.command.length === 1 ? s.commands[opts.command[0]] : undefined;
  const command = shortcut ?? (opts.command.length === 1 ? opts.command[0] : opts.command.map(quote).join(' '));
  const hosts = opts.all
    ? s.hosts
    : [opts.host !== undefined ? s.hosts.find((h) => h.label === opts.host || h.host === opts.host) : s.hosts[0]];
  if (!hosts[0])
    throw new UsageError(
      `no host ${printable(opts.host ?? '')} in deploy_hosts: ${s.hosts.map((h) => h.label).join(', ')}`,
    );
  // --json captures the command's output into the document instead of passing it through.
  const tty = !opts.all && !opts.json && !!process.stdin.isTTY && !!process.stdout.isTTY;
  const sessionForHosts = { ...session, settings: { ...s, hosts: hosts as typeof s.hosts } };
  const fleet = await Fleet.connect(sessionForHosts);
  try {
    if (fleet.runs.length === 1 && !opts.json) {
      // One host: the command has the terminal (a pty when there is one).
      const [run] = fleet.runs;
      const status = await run.ex.attach(runCommand(s, command), tty);
      if (status !== 0) throw new DeployError(`${run.ex.host.label}: \`${command}\` exited with status ${status}`);
      return;
    }
    // --all (or --json): on every host at once (at most `parallel`), each output shown with its host.
    // Piped input goes to the command on one host; several hosts cannot share one stream (they get none).
    const input = fleet.runs.length === 1 && !process.stdin.isTTY ? process.stdin : undefined;
    const failed: string[] = [];
    await fleet.each(async (run) => {
      const label = run.ex.host.label;
      const out = await run.ex.capture(runCommand(s, command), input);
      reporter.hostData(label, 'run', { command, exit_status: out.code, stdout: out.stdout, stderr: out.stderr });
      if (!opts.json) {
        for (const line of out.stdout.split('\n').filter((l, i, all) => l || i < all.length - 1))
          process.stdout.write(`${label} | ${line}\n`);
        for (const line of out.stderr.split('\n').filter((l, i, all) => l || i < all.length - 1))
          process.stderr.write(`${label} ! ${line}\n`);
      }
      if (out.code !== 0) failed.push(`${label} (exit status ${out.code})`);
    });
    if (failed.length) throw new DeployError(`\`${command}\` failed on ${failed.join(', ')}`);
  } finally {
    await fleet.close();
  }
}
