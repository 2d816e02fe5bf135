// Commands are data: a step is a list of remote commands built by a pure function
// from the settings. Executors (exec/ssh.ts, exec/printer.ts) run or print them.
import type { Redactable, Sh } from './shell.js';

/** Who runs a command on the server. root and app commands need the step to be privileged. */
export type RunAs = 'root' | 'app' | 'login';

export interface Command {
  /** Shell code (bash). */
  run: Sh;
  /** Default: root in privileged steps, else the login user. */
  as?: RunAs;
  /** When this check succeeds the command is already done and is skipped (reported as such). */
  unless?: Sh;
  /** Text fed to the command's standard input (a here-document: never on a command line). */
  stdin?: Redactable;
  /** Read-only probe: running it is not a change. */
  probe?: boolean;
  /** The command reports "changed" itself (e.g. __put only when content differs). */
  reportsChange?: boolean;
  /**
   * Its output is a value the command reads back (StepResult.values[name]). A dry run fills in
   * `<name>`: callers read values by name, never by a command's position in the step.
   */
  name?: string;
  /** Its output is shown as it comes, not only with -v (the operator's hooks). */
  show?: boolean;
}

export interface Step {
  /** Stable id, used in --json, logs and tests. */
  id: string;
  /** What the operator reads. */
  title: string;
  /** Runs through `sudo -n bash -s`; otherwise as the login user. */
  privileged: boolean;
  commands: Command[];
  /** Runs on its own channel, even while another step of the same host runs (Ctrl-C's abort flag). */
  aside?: boolean;
  /** Show its output as it comes (logs, run), not only with -v. */
  stream?: boolean;
  /** Run the step only when this check succeeds on the server; otherwise it is reported as already done. */
  onlyIf?: Sh;
  /**
   * A file of this machine's that the step's one command reads on its standard input (a release
   * archive, source = archive): streamed over the host's connection, never held in memory.
   */
  upload?: Upload;
  /**
   * A file of this machine's that the step's one command writes on its standard output (an
   * environment built once, sent on to the fleet's other hosts): streamed to disk, never held in memory.
   */
  download?: string;
}

/** A file sent to a host (Step.upload): what it is, its size and its sha256, which the host checks. */
export interface Upload {
  file: string;
  bytes: number;
  sha256: string;
}

/** changed: something was done; ok: all already done; checked: the step only looks. */
export type StepStatus = 'changed' | 'ok' | 'checked' | 'failed';

export interface CommandResult {
  index: number;
  stdout: string;
  stderr: string;
  changed: boolean;
  skipped: boolean;
}

export interface StepResult {
  step: Step;
  host: string;
  status: StepStatus;
  durationMs: number;
  stdout: string;
  commands: CommandResult[];
  /** The output (trimmed) of each named command; `<name>` in a dry run. */
  values: Record<string, string>;
}

/** A named probe: its output is read back as StepResult.values[name]. */
export function value(name: string, run: Command['run'], extra: Partial<Command> = {}): Command {
  return { run, probe: true, name, ...extra };
}

export function step(id: string, title: string, commands: Command[], privileged = true): Step {
  return { id, title, commands, privileged };
}

export function onlyIf(guard: Sh, s: Step): Step {
  return { ...s, onlyIf: guard };
}
