import type { ErrorInfo } from './protocol.js';

/**
 * What a UI shows for one answer. `waiting`: sent, nothing back yet ·
 * `streaming` · `stalled`: connected, but no chunk for a while · `paused`: the
 * connection is down, it will resume · then one final status.
 */
export type CompletionStatus =
  | 'waiting'
  | 'streaming'
  | 'stalled'
  | 'paused'
  | 'done'
  | 'cancelled'
  | 'failed'
  | 'interrupted';

/** The statuses a completion ends with. */
export type FinalStatus = 'done' | 'cancelled' | 'failed' | 'interrupted';

/** Detail of a completion's `chunk` event. */
export interface ChunkDetail {
  seq: number;
  delta: string;
}

/** The events of a {@link Completion}. */
export interface CompletionEventMap {
  /** Any change of any field; the detail is the completion itself. */
  update: CustomEvent<Completion>;
  /** A chunk was appended to `text`. */
  chunk: CustomEvent<ChunkDetail>;
  /** The completion ended (once). */
  done: CustomEvent<FinalStatus>;
}

/** Tells whether a status is final. */
export const isFinal = (s: CompletionStatus): s is FinalStatus =>
  s == 'done' || s == 'cancelled' || s == 'failed' || s == 'interrupted';

// Typed events on an EventTarget: the interface adds overloads to the class of the same name.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Completion {
  addEventListener<K extends keyof CompletionEventMap>(
    type: K,
    listener: (ev: CompletionEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof CompletionEventMap>(
    type: K,
    listener: (ev: CompletionEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/**
 * One assistant answer, as the client knows it. Made by `ChatClient.send` or
 * `ChatClient.resume`; every field is read-only and kept current by the client,
 * which fires `update` on every change.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Completion extends EventTarget {
  /** The current status; see {@link CompletionStatus}. */
  readonly status: CompletionStatus;
  /** Every chunk held so far, concatenated in seq order (never with a gap). */
  readonly text: string = '';
  /** The highest seq held (0 before the first chunk). */
  readonly lastSeq: number = 0;
  /** The conversation: the one given to `send`, or the server's once accepted. */
  readonly conversationId?: string;
  /** The service's id of this completion, once accepted. */
  readonly completionId?: string;
  /** `accepted.messageId`: the stored user message this answer replies to. */
  readonly messageId?: string;
  /** `done.messageId`: the stored assistant message, once ended. */
  readonly answerMessageId?: string;
  /**
   * Set when `failed`, and while a retryable error waits out its backoff (then
   * `retryAt` is set too and the status stays `waiting`/`streaming`).
   */
  readonly error?: ErrorInfo;
  /** Epoch ms of the next try after a retryable error; undefined otherwise. */
  readonly retryAt?: number;
  /** Resolves with the final status; never rejects. */
  readonly finished: Promise<FinalStatus>;
  /** @internal */
  _end!: (s: FinalStatus) => void;

  /** Made by the client only. */
  constructor(
    /** The idempotency key of the `chat` frame (for a resumed completion, a local id). */
    readonly clientMessageId: string,
    status: CompletionStatus,
    private readonly _cancel: (c: Completion) => void,
  ) {
    super();
    this.status = status;
    this.finished = new Promise((r) => (this._end = r));
  }

  /** True once the status is final. */
  get ended(): boolean {
    return isFinal(this.status);
  }

  /**
   * Asks the service to stop this answer. The completion ends `cancelled` when
   * the service's `done` says so (or `done` if it had already finished); a
   * message that never left the outgoing queue ends `cancelled` at once; one
   * sent but not yet accepted is cancelled as soon as it is accepted.
   */
  cancel(): void {
    this._cancel(this);
  }
}
