/** How long a test waits for something before failing (a guard, not a sleep). */
export const GUARD_MS = 5_000;

/** A queue that a test awaits: items are taken by predicate, oldest first. */
export class AsyncQueue<T> {
  readonly all: T[] = [];
  private items: T[] = [];
  private waiters: Array<{ pred: (x: T) => boolean; resolve: (x: T) => void }> = [];

  push(x: T): void {
    this.all.push(x);
    const w = this.waiters.find((w) => w.pred(x));
    if (w) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(x);
    } else this.items.push(x);
  }

  /** Takes the oldest item that matches, waiting for one if none is there. */
  take(pred: (x: T) => boolean = () => true, what = 'an item'): Promise<T> {
    const i = this.items.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.items.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const w = {
        pred,
        resolve: (x: T) => {
          clearTimeout(timer);
          resolve(x);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for ${what}`));
      }, GUARD_MS);
      this.waiters.push(w);
    });
  }

  /** The items not taken yet. */
  get left(): T[] {
    return [...this.items];
  }
}

/** Resolves when `check()` answers true, re-checking on each `event` of `target`. */
export function until<E extends EventTarget>(target: E, event: string, check: () => boolean, what = event): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(event, on);
      reject(new Error(`timed out waiting for ${what}`));
    }, GUARD_MS);
    const on = () => {
      if (!check()) return;
      clearTimeout(timer);
      target.removeEventListener(event, on);
      resolve();
    };
    target.addEventListener(event, on);
  });
}
