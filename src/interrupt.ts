// Ctrl-C / SIGTERM during a deploy: finish the remote step under way (a half-run
// script would leave a mess), then clean up instead of going on. A second Ctrl-C quits.
import { DeployError } from './errors.js';

export class InterruptedError extends DeployError {
  constructor(signal: string) {
    super(`interrupted (${signal}): stopped before switching traffic`, 'The live release kept serving; the lock was released. Run the command again when ready.');
  }
}

export interface InterruptGuard {
  /** Throws InterruptedError if a signal arrived since the guard was set. */
  check(): void;
  dispose(): void;
}

export function guardInterrupts(onFirst: (signal: string) => void): InterruptGuard {
  let received: string | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received) process.exit(130);
    received = signal;
    onFirst(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    check() {
      if (received) throw new InterruptedError(received);
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
