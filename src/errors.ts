// Typed errors: each carries the exit status the CLI reports (README "Exit codes").
import { terminalSafe } from './printable.js';
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  OPERATOR_ACTION: 3,
  LOCKED: 4,
  // 5 and 6 are fleet/golive.ts's HOOK_FAILED_STATUS and fleet/budget.ts's LEFT_BEHIND_STATUS.
  /** A [LOCAL_HOOKS] before_deploy or before_rollback failed on this machine: no host was touched. */
  LOCAL_HOOK_FAILED: 7,
  /** `check` (or setup's checks first) found what blocks setup or deploy on a host: nothing was changed. */
  CHECK_BLOCKED: 8,
} as const;

export class DeployError extends Error {
  exitCode: number = EXIT.FAILURE;
  /** What the operator should do next, printed under the error line. */
  hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad command line or bad settings: nothing was touched. */
export class UsageError extends DeployError {
  exitCode = EXIT.USAGE;
}

export class SettingsError extends UsageError {
  constructor(
    readonly problems: string[],
    file: string,
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** The run stopped because a person must do something first (e.g. add the deploy key). */
export class OperatorActionError extends DeployError {
  exitCode = EXIT.OPERATOR_ACTION;
}

export class LockedError extends DeployError {
  exitCode = EXIT.LOCKED;
}

/** A remote command exited non-zero. */
export class RemoteCommandError extends DeployError {
  constructor(
    readonly host: string,
    readonly step: string,
    readonly command: string,
    readonly status: number,
    readonly stderr: string,
    /** Which command of the step failed (1-based), when the markers tell. */
    readonly index?: number,
  ) {
    const tail = terminalSafe(stderr.trim().split('\n').slice(-8).join('\n'));
    // A script of many lines would bury its own message: its first line names it (the log has it whole).
    const lines = command.split('\n');
    const shown = lines.length > 1 ? `${lines[0]} … (${lines.length} lines, whole in the log)` : command;
    super(
      `${host}: step "${step}" failed: exit status ${status} from: ${shown}${tail ? `\n${tail.replace(/^/gm, '  | ')}` : ''}`,
    );
  }
}

/** The SSH connection itself failed (unreachable, auth, host key). */
export class ConnectionError extends DeployError {}

/** The operator said no at a prompt or pressed Ctrl-C. */
export class AbortedError extends DeployError {
  exitCode = EXIT.FAILURE;
}

/**
 * A failed remote command gets a next step when the place that threw it had none to give: where
 * to read why, and that running the command again is safe (every run repairs what a failed one left).
 */
export function withNextStep(err: unknown, app: string, command: string): unknown {
  if (err instanceof RemoteCommandError && !err.hint) {
    err.hint = `Its output is above (the whole run is in the log). Fix what it says, then run \`deploy ${app} ${command}\` again; \`deploy ${app} status\` shows what each host serves meanwhile.`;
  }
  return err;
}
