// Several hosts on a terminal: a live board (board-view.ts says what it shows) redrawn in place
// by log-update, instead of every host's step lines interleaving. Lines printed while it shows
// (warnings, failures, questions' answers) go above it.
import { addFinished, boardText, phaseOf, stepKey, type BoardState } from './board-view.js';

export class Board {
  private readonly state: BoardState = { hosts: new Map(), finished: new Map() };
  private update?: ((text: string) => void) & { clear(): void; done(): void };
  private ticker?: NodeJS.Timeout;
  private frame = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    hosts: string[],
  ) {
    for (const h of hosts)
      this.state.hosts.set(h, {
        step: 'connecting',
        phase: phaseOf('connecting', 'running'),
        started: performance.now(),
        state: 'running',
        steps: 0,
      });
    void import('log-update').then(({ createLogUpdate }) => {
      this.update = createLogUpdate(this.out, { showCursor: true }) as unknown as typeof this.update;
      this.ticker = setInterval(() => this.render(), 100);
      this.ticker.unref();
      this.render();
    });
  }

  start(host: string, step: string): void {
    const line = this.state.hosts.get(host);
    if (line)
      Object.assign(line, { step, phase: phaseOf(step, 'running'), started: performance.now(), state: 'running' });
  }

  done(host: string, step: string, failed: boolean, durationMs?: number): void {
    const line = this.state.hosts.get(host);
    if (!line) return;
    line.steps++;
    Object.assign(line, { step, phase: phaseOf(step, failed ? 'failed' : 'done'), state: failed ? 'failed' : 'done' });
    if (failed) line.failed ??= step;
    else if (durationMs !== undefined) {
      const key = stepKey(step);
      const times = this.state.finished.get(key) ?? [];
      if (!times.length) this.state.finished.set(key, times);
      addFinished(times, durationMs);
    }
  }

  /** Prints text above the board. */
  print(text: string): void {
    this.update?.clear();
    this.out.write(`${text}\n`);
    this.render();
  }

  private render(): void {
    if (!this.update) return;
    this.frame = (this.frame + 1) % 1000;
    const screen = { rows: this.out.rows || 24, columns: this.out.columns || 80, frame: this.frame };
    this.update(boardText(this.state, performance.now(), screen));
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.render();
    this.update?.done();
    this.update = undefined;
  }
}
