// Ctrl-C, SIGTERM or SIGHUP during a deploy: finish the remote step under way (a half-run
// script would leave a mess), then clean up instead of going on. A second signal quits at once.
import { DeployError } from './errors.js';

export class InterruptedError extends DeployError {
  constructor(signal: string, what = 'stopped before switching traffic') {
    super(`interrupted (${signal}): ${what}`, 'Run the command again when ready.');
  }
}

export const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface InterruptGuard {
  /** The first signal received, if any. */
  readonly signal?: string;
  /** Throws InterruptedError if a signal arrived since the guard was set. */
  check(): void;
  dispose(): void;
}

export function guardInterrupts(onFirst: (signal: string) => void, what?: string): InterruptGuard {
  let received: string | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received) process.exit(130);
    received = signal;
    onFirst(signal);
  };
  for (const sig of SIGNALS) process.on(sig, handler);
  return {
    get signal() {
      return received;
    },
    check() {
      if (received) throw new InterruptedError(received, what);
    },
    dispose() {
      for (const sig of SIGNALS) process.off(sig, handler);
    },
  };
}
