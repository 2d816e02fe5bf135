// Confirmations. --yes answers them; with no terminal and no --yes the run stops
// before connecting (checked by requireAnswerable), so a CI job never hangs.
import { UsageError, AbortedError } from '../errors.js';

export interface Asker {
  readonly yes: boolean;
  readonly interactive: boolean;
  confirm(message: string, defaultYes?: boolean): Promise<boolean>;
  /** Wait for Enter (e.g. after adding the deploy key). */
  pause(message: string): Promise<void>;
}

export function requireAnswerable(yes: boolean, dryRun: boolean): void {
  if (yes || dryRun || process.stdin.isTTY) return;
  throw new UsageError(
    'no terminal to answer confirmations on: nothing was done',
    'Run with --yes to answer yes to every confirmation (e.g. in CI), or run it in a terminal.',
  );
}

function isCtrlC(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}

export function makeAsker(yes: boolean): Asker {
  const interactive = !yes && !!process.stdin.isTTY;
  return {
    yes,
    interactive,
    async confirm(message, defaultYes = true) {
      if (yes) return true;
      const { confirm } = await import('@inquirer/prompts');
      try {
        return await confirm({ message, default: defaultYes });
      } catch (err) {
        if (isCtrlC(err)) throw new AbortedError('aborted at a prompt (Ctrl-C)');
        throw err;
      }
    },
    async pause(message) {
      if (!interactive) return;
      const { input } = await import('@inquirer/prompts');
      try {
        await input({ message });
      } catch (err) {
        if (isCtrlC(err)) throw new AbortedError('aborted at a prompt (Ctrl-C)');
        throw err;
      }
    },
  };
}
