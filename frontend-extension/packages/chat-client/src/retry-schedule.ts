/** Retries with full-jitter backoff within a time budget: for the connection, and for an answer a service refused for now. */

/** Full-jitter backoff: a random delay in [0, min(max, base * 2^(attempt-1))), attempt from 1. */
export const backoffDelay = (attempt: number, baseMs: number, maxMs: number, random: () => number): number =>
  random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));

/** What the schedule needs: the backoff's base and ceiling, the budget, and a source of jitter. */
export interface RetrySettings {
  baseDelayMs: number;
  maxDelayMs: number;
  retryBudgetMs: number;
  random: () => number;
}

/** The next try: its number (from 1) and how long to wait for it. */
export interface NextTry {
  attempt: number;
  delayMs: number;
}

/** Counts tries since a reset; the budget runs from the first failure after it. */
export class RetrySchedule {
  readonly #settings: RetrySettings;
  #attempt = 0;
  #firstFailureAt?: number;

  constructor(settings: RetrySettings) {
    this.#settings = settings;
  }

  /** The number of the last try scheduled (0 after a reset). */
  get attempt(): number {
    return this.#attempt;
  }

  /** Ms since the first failure after the last reset (0 when none). */
  spentMs(now: number): number {
    return this.#firstFailureAt === undefined ? 0 : now - this.#firstFailureAt;
  }

  /** After a failure at `now`: the next try (no later than the budget's end), or undefined when the budget is spent. `maxDelayMs` lowers the ceiling. */
  next(now: number, maxDelayMs = this.#settings.maxDelayMs): NextTry | undefined {
    this.#firstFailureAt ??= now;
    if (this.spentMs(now) >= this.#settings.retryBudgetMs) return undefined;
    const attempt = ++this.#attempt;
    const { baseDelayMs, random, retryBudgetMs } = this.#settings;
    const delayMs = backoffDelay(attempt, baseDelayMs, Math.min(maxDelayMs, this.#settings.maxDelayMs), random);
    // The last try is made when the budget ends, so its failure is known then and not a backoff later.
    return { attempt, delayMs: Math.min(delayMs, retryBudgetMs - this.spentMs(now)) };
  }

  /** Forgets every try: the next failure starts a fresh budget and the shortest delay. */
  reset(): void {
    this.#attempt = 0;
    this.#firstFailureAt = undefined;
  }
}
