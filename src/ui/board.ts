// Several hosts on a terminal: one live line per host (its current step and time), redrawn in
// place by log-update, instead of every host's step lines interleaving. Lines printed while it
// shows (warnings, questions' answers) go above it.
import chalk from 'chalk';
import { formatMs } from './format.js';

interface Line {
  step: string;
  started: number;
  state: 'running' | 'done' | 'failed';
  steps: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Board {
  private readonly lines = new Map<string, Line>();
  private update?: ((text: string) => void) & { clear(): void; done(): void };
  private ticker?: NodeJS.Timeout;
  private frame = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    hosts: string[],
  ) {
    for (const h of hosts)
      this.lines.set(h, { step: 'connecting', started: performance.now(), state: 'running', steps: 0 });
    void import('log-update').then(({ createLogUpdate }) => {
      this.update = createLogUpdate(this.out, { showCursor: true }) as unknown as typeof this.update;
      this.ticker = setInterval(() => this.render(), 100);
      this.ticker.unref();
      this.render();
    });
  }

  start(host: string, step: string): void {
    const line = this.lines.get(host);
    if (line) Object.assign(line, { step, started: performance.now(), state: 'running' });
  }

  done(host: string, step: string, failed: boolean): void {
    const line = this.lines.get(host);
    if (!line) return;
    line.steps++;
    Object.assign(line, { step, state: failed ? 'failed' : 'done' });
  }

  /** Prints text above the board. */
  print(text: string): void {
    this.update?.clear();
    this.out.write(`${text}\n`);
    this.render();
  }

  private render(): void {
    if (!this.update) return;
    this.frame = (this.frame + 1) % FRAMES.length;
    const width = Math.max(...[...this.lines.keys()].map((h) => h.length));
    const now = performance.now();
    const text = [...this.lines.entries()]
      .map(([host, l]) => {
        const mark =
          l.state === 'running'
            ? chalk.cyan(FRAMES[this.frame])
            : l.state === 'failed'
              ? chalk.red('✗')
              : chalk.green('✓');
        const time = l.state === 'running' ? chalk.dim(formatMs(now - l.started)) : chalk.dim(`after ${l.steps} steps`);
        return `${mark} ${host.padEnd(width)}  ${l.step}  ${time}`;
      })
      .join('\n');
    this.update(text);
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.render();
    this.update?.done();
    this.update = undefined;
  }
}
