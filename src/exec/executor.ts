import type { Readable } from 'node:stream';
import type { Step, StepResult } from '../plan.js';
import type { Sh } from '../shell.js';
import type { HostSpec } from '../settings/types.js';

/** Runs steps on one host. SshExecutor runs them; PrinterExecutor only shows them (--dry-run, tests). */
export interface Executor {
  readonly host: HostSpec;
  readonly dryRun: boolean;
  run(step: Step): Promise<StepResult>;
  /** One command with the operator's terminal attached (a pty when tty): returns its exit status. */
  attach(command: Sh, tty: boolean): Promise<number>;
  /** One command with its output captured (run --json), reading stdin when given. */
  capture(command: Sh, stdin?: Readable): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
  /** Remote round trips so far (benchmarks). */
  readonly roundTrips: number;
}

/** Every script an executor issued (renderScript, secrets redacted), in order: dry and real runs must match. */
export type IssueListener = (host: string, step: Step, script: string) => void;
