/** Judges a welcomed connection's link by the wall clock: the heartbeat timeout, and pings whose answer has a deadline. */

/** What the monitor needs: its own probe timings and the heartbeat defaults until a `welcome` gives its own. */
export interface LinkSettings {
  heartbeatTimeoutMs: number;
  pingIntervalMs: number;
  probeAfterMs: number;
  probeTimeoutMs: number;
}

/** What to do about the link now. */
export type LinkVerdict = { kind: 'alive' } | { kind: 'ping' } | { kind: 'dead'; reason: string };

const ALIVE: LinkVerdict = { kind: 'alive' };

/**
 * Every ping the client sends is a probe: any frame arriving within `probeTimeoutMs` answers it, none means the link
 * is dead. Pings go out every `pingIntervalMs`, and while answers are in flight after `probeAfterMs` of silence.
 * A connection silent for `heartbeatTimeoutMs` is dead too.
 */
export class LinkMonitor {
  readonly #settings: LinkSettings;
  #heartbeatTimeoutMs: number;
  #pingIntervalMs: number;
  #lastFrameAt = 0;
  #lastPingAt = 0;
  #unansweredPingAt?: number;

  constructor(settings: LinkSettings) {
    this.#settings = settings;
    this.#heartbeatTimeoutMs = settings.heartbeatTimeoutMs;
    this.#pingIntervalMs = settings.pingIntervalMs;
  }

  /** Wall-clock time of the last frame received. */
  get lastFrameAt(): number {
    return this.#lastFrameAt;
  }

  /** A connection was welcomed at `now` with these heartbeat values (0 or absent: the defaults). */
  welcomed(now: number, heartbeatIntervalMs: number, heartbeatTimeoutMs: number): void {
    this.#pingIntervalMs = heartbeatIntervalMs > 0 ? heartbeatIntervalMs : this.#settings.pingIntervalMs;
    this.#heartbeatTimeoutMs = heartbeatTimeoutMs > 0 ? heartbeatTimeoutMs : this.#settings.heartbeatTimeoutMs;
    this.#lastFrameAt = this.#lastPingAt = now;
    this.#unansweredPingAt = undefined;
  }

  /** A frame arrived: the link works, and any ping outstanding is answered. */
  frameArrived(now: number): void {
    this.#lastFrameAt = now;
    this.#unansweredPingAt = undefined;
  }

  /** Judges the link at `now`; `busy` says answers are in flight. A `ping` verdict counts the ping as sent. */
  judge(now: number, busy: boolean): LinkVerdict {
    const silence = now - this.#lastFrameAt;
    const pingAge = this.#unansweredPingAt === undefined ? undefined : now - this.#unansweredPingAt;
    if (silence > this.#heartbeatTimeoutMs) return { kind: 'dead', reason: `no frame for ${silence} ms` };
    if (pingAge !== undefined && pingAge >= this.#settings.probeTimeoutMs)
      return { kind: 'dead', reason: `no answer to a ping for ${pingAge} ms` };
    if (pingAge !== undefined) return ALIVE;
    if (now - this.#lastPingAt < this.#pingIntervalMs && !(busy && silence >= this.#settings.probeAfterMs)) return ALIVE;
    this.#lastPingAt = this.#unansweredPingAt = now;
    return { kind: 'ping' };
  }
}
