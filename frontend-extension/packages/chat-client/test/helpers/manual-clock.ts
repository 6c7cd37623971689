import type { Timers } from '../../src/index.js';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A wall clock and timers that move only when a test says so. `advance` fires
 * timers as time passes; `jump` moves the clock without firing anything, as a
 * throttled tab or a sleeping laptop does.
 */
export class ManualClock implements Timers {
  time = 1_700_000_000_000;
  private timers: Pending[] = [];
  private seq = 0;

  now = (): number => this.time;

  setTimeout = (fn: () => void, ms: number): number => {
    const id = ++this.seq;
    this.timers.push({ id, at: this.time + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };

  /** Moves the clock forward by ms, firing each timer that falls due at its own time, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.clearTimeout(due.id);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = end;
  }

  /** Moves the clock to the given epoch ms (never back), firing what falls due. */
  advanceTo(at: number): void {
    this.advance(Math.max(0, at - this.time));
  }

  /** Moves the wall clock without firing any timer. */
  jump(ms: number): void {
    this.time += ms;
  }

  /** Fires the earliest pending timer, whenever it was due (a timer firing late). */
  fireNext(): void {
    const due = [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id)[0];
    if (!due) throw new Error('no timer pending');
    this.clearTimeout(due.id);
    this.time = Math.max(this.time, due.at);
    due.fn();
  }

  /** How many timers are pending. */
  get pending(): number {
    return this.timers.length;
  }
}
