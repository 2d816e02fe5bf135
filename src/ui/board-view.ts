// What the live board shows, as a pure function of the hosts' state and the time (board.ts draws
// it). A few hosts, or as many as the terminal has room for: one line each. More: one line of
// counts per phase (`87 live · 10 building · 2 health · 1 failed`), then only the hosts worth a
// look, failed ones first, then those slow in their step, as many as the terminal holds.
import chalk from 'chalk';
import { formatMs } from './format.js';

export interface HostLine {
  /** The step it runs, or ran last (its title). */
  step: string;
  /** What the summary counts it as (phaseOf). */
  phase: string;
  started: number;
  state: 'running' | 'done' | 'failed';
  steps: number;
  /** The step that failed here: the host stays failed while it is cleaned up. */
  failed?: string;
}

export interface BoardState {
  hosts: Map<string, HostLine>;
  /** Per step (stepKey), how long the hosts that finished it took, in ms, sorted. */
  finished: Map<string, number[]>;
}

export interface Screen {
  rows: number;
  columns: number;
  /** The spinner's frame. */
  frame: number;
}

/** One line per host up to this many, whatever the terminal's height. */
export const FULL_UP_TO = 10;
/** A step is slow on a host at twice the median of the hosts that finished it... */
const SLOWER = 2;
/** ...once at least this many have (before: past NO_MEDIAN_MS)... */
const MEDIAN_OF = 3;
const NO_MEDIAN_MS = 30_000;
/** ...and never under a second: a step of 100 ms at 250 is no news. */
const AT_LEAST_MS = 1000;

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A step's phase, from its title (the board sees titles, not ids): the word while it runs and
 * once it is done. Steps of other commands (setup, status) are running, then done.
 */
const PHASES: [RegExp, string, string][] = [
  [/^connecting$/, 'connecting', 'connected'],
  [/^waiting for the lock/, 'waiting for lock', 'waiting for lock'],
  [/^start .*switch traffic/, 'health', 'live'],
  [/^(start|rebind)\b|health check/, 'health', 'healthy'],
  [/^(lock|take the deploy lock|read releases)/, 'preparing', 'prepared'],
  [/^(build|send the release|receive the environment|fetch the environment|run once)/, 'building', 'built'],
  [/^(switch|make .* current|stop the old slot|finish the switch)/, 'switching', 'live'],
  [/^(clean up|give the lock back|release the lock|back to the previous)/, 'cleaning up', 'cleaned up'],
];

/** The summary's order: where the hosts are going first, then where they are, then trouble. */
const ORDER = [
  'live',
  'switching',
  'healthy',
  'health',
  'built',
  'building',
  'prepared',
  'preparing',
  'connected',
  'connecting',
  'waiting for lock',
  'running',
  'done',
  'cleaning up',
  'cleaned up',
  'failed',
];

export function phaseOf(title: string, state: HostLine['state']): string {
  if (state === 'failed') return 'failed';
  const p = PHASES.find(([re]) => re.test(title));
  return p ? (state === 'running' ? p[1] : p[2]) : state === 'running' ? 'running' : 'done';
}

/** The same step on every host: its title without the slot, which differs from host to host. */
export function stepKey(title: string): string {
  return title.replace(/ in slot [ab]\b/, '');
}

/** Adds `ms` to the sorted times of the hosts that finished a step. */
export function addFinished(finished: number[], ms: number): void {
  let lo = 0;
  let hi = finished.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (finished[mid] <= ms) lo = mid + 1;
    else hi = mid;
  }
  finished.splice(lo, 0, ms);
}

export function boardText(state: BoardState, now: number, screen: Screen): string {
  const { hosts } = state;
  if (hosts.size <= FULL_UP_TO || hosts.size <= screen.rows - 1) return everyHost(state, now, screen);
  return fit(summary(state), screen.columns) + worthALook(state, now, screen);
}

/** A host per line, as the board has always shown a few hosts. */
function everyHost(state: BoardState, now: number, screen: Screen): string {
  const width = Math.max(...[...state.hosts.keys()].map((h) => h.length));
  return [...state.hosts.entries()]
    .map(([host, l]) => {
      const mark =
        l.state === 'running'
          ? chalk.cyan(FRAMES[screen.frame % FRAMES.length])
          : l.state === 'failed'
            ? chalk.red('✗')
            : chalk.green('✓');
      const time = l.state === 'running' ? chalk.dim(formatMs(now - l.started)) : chalk.dim(`after ${l.steps} steps`);
      return `${mark} ${host.padEnd(width)}  ${l.step}  ${time}`;
    })
    .join('\n');
}

/** `87 live · 10 building · 2 health · 1 failed`: every host counted once. */
export function summary(state: BoardState): string {
  const counts = new Map<string, number>();
  for (const l of state.hosts.values()) {
    const phase = l.failed ? 'failed' : l.phase;
    counts.set(phase, (counts.get(phase) ?? 0) + 1);
  }
  const at = (p: string) => (ORDER.includes(p) ? ORDER.indexOf(p) : ORDER.length);
  return [...counts]
    .sort(([a], [b]) => at(a) - at(b))
    .map(([phase, n]) => {
      const text = `${n} ${phase}`;
      return phase === 'failed' ? chalk.red(text) : phase === 'live' ? chalk.green(text) : text;
    })
    .join(chalk.dim(' · '));
}

/** The hosts that failed, then those slow in their step (slowest first), as many as fit below the summary. */
function worthALook(state: BoardState, now: number, screen: Screen): string {
  const failed: string[] = [];
  const slow: { host: string; line: HostLine; ms: number; median?: number; ratio: number }[] = [];
  for (const [host, line] of state.hosts) {
    if (line.failed) {
      failed.push(row(chalk.red('✗'), host, line.failed, chalk.red('failed'), screen.columns));
      continue;
    }
    if (line.state !== 'running') continue;
    const ms = now - line.started;
    const times = state.finished.get(stepKey(line.step)) ?? [];
    const median = times.length >= MEDIAN_OF ? times[Math.floor(times.length / 2)] : undefined;
    const limit = median === undefined ? NO_MEDIAN_MS : Math.max(SLOWER * median, AT_LEAST_MS);
    if (ms > limit) slow.push({ host, line, ms, median, ratio: ms / limit });
  }
  slow.sort((a, b) => b.ratio - a.ratio);
  const mark = chalk.cyan(FRAMES[screen.frame % FRAMES.length]);
  const lines = [
    ...failed,
    ...slow.map((s) => {
      const took =
        chalk.yellow(formatMs(s.ms)) + (s.median === undefined ? '' : chalk.dim(` (median ${formatMs(s.median)})`));
      return row(mark, s.host, s.line.step, took, screen.columns);
    }),
  ];
  // The summary's line, and one the terminal keeps for its cursor.
  const room = Math.max(1, screen.rows - 2);
  if (lines.length > room) lines.splice(room - 1, lines.length, chalk.dim(`… and ${lines.length - room + 1} more`));
  return lines.map((l) => `\n${l}`).join('');
}

/** `mark host  step  tail` in `columns`: a wrapped line would push the board off the screen, so the step's title gives way. */
function row(mark: string, host: string, step: string, tail: string, columns: number): string {
  const room = columns - 1 - (2 + host.length + 2 + 2 + visible(tail).length);
  const title = step.length <= room ? step : `${step.slice(0, Math.max(0, room - 1))}…`;
  return fit(`${mark} ${host}  ${title}  ${tail}`, columns);
}

const visible = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** A line cut to the terminal's width, whatever it holds. */
function fit(line: string, columns: number): string {
  const shown = visible(line);
  if (shown.length < columns) return line;
  return `${shown.slice(0, Math.max(1, columns - 2))}…`;
}
