/** One assistant answer as a UI reads it: a read-only view that the client keeps current. */
import type { ErrorInfo } from './protocol.js';
import { isFinal, type CompletionStatus, type FinalStatus } from './status.js';

/** One tool call of an answer (agent mode), as the client knows it; replaced, never changed, when it changes. */
export interface ToolCallState {
  readonly callId: string;
  readonly seq: number;
  readonly name: string;
  /** The JSON object the model wrote, as text. */
  readonly arguments: string;
  /** Where it sits in the answer: the length of `text` when it came. */
  readonly at: number;
  /** Its result, once the service stored one (sent by this client or another). */
  readonly result?: { readonly output: string; readonly isError: boolean };
  /** The service refused this client's result (the answer had ended, say): it is not sent again. */
  readonly refused?: ErrorInfo;
}

/** What is known of one answer; the client's ledger owns and changes it, a {@link Completion} shows it. */
export interface AnswerState {
  /** The idempotency key of the `chat` frame (for a resumed completion, a local id). */
  readonly clientMessageId: string;
  status: CompletionStatus;
  /** Every chunk held so far, joined in seq order (never with a gap). */
  text: string;
  /** The highest seq held (0 before the first chunk). */
  lastSeq: number;
  conversationId?: string;
  completionId?: string;
  messageId?: string;
  answerMessageId?: string;
  error?: ErrorInfo;
  retryAt?: number;
  /** Every tool call so far, in seq order. */
  toolCalls: readonly ToolCallState[];
}

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
  /** The model called a tool (also when a resume replays the call). */
  tool_call: CustomEvent<ToolCallState>;
  /** The completion ended (once). */
  done: CustomEvent<FinalStatus>;
}

// Typed events on an EventTarget: the interface adds overloads to the class of the same name.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Completion {
  addEventListener<K extends keyof CompletionEventMap>(
    type: K,
    listener: (event: CompletionEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof CompletionEventMap>(
    type: K,
    listener: (event: CompletionEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** What a {@link Completion} asks of the client that made it. */
export interface CompletionActions {
  cancel(): void;
  sendToolResult(callId: string, output: string, isError: boolean): boolean;
}

/**
 * One assistant answer, as the client knows it. Made by `ChatClient.send` or `ChatClient.resume`; every field is
 * read-only and kept current by the client, which fires `update` on every change.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Completion extends EventTarget {
  /** Resolves with the final status; never rejects. */
  readonly finished: Promise<FinalStatus>;
  readonly #state: Readonly<AnswerState>;
  readonly #actions: CompletionActions;

  /** Made by the client only. */
  constructor(state: Readonly<AnswerState>, actions: CompletionActions) {
    super();
    this.#state = state;
    this.#actions = actions;
    this.finished = new Promise((resolve) => this.addEventListener('done', (event) => resolve(event.detail), { once: true }));
  }

  /** The idempotency key of the `chat` frame (for a resumed completion, a local id). */
  get clientMessageId(): string {
    return this.#state.clientMessageId;
  }

  /** The current status; see {@link CompletionStatus}. */
  get status(): CompletionStatus {
    return this.#state.status;
  }

  /** Every chunk held so far, joined in seq order (never with a gap). */
  get text(): string {
    return this.#state.text;
  }

  /** The highest seq held (0 before the first chunk). */
  get lastSeq(): number {
    return this.#state.lastSeq;
  }

  /** The conversation: the one given to `send`, or the service's once accepted. */
  get conversationId(): string | undefined {
    return this.#state.conversationId;
  }

  /** The service's id of this completion, once accepted. */
  get completionId(): string | undefined {
    return this.#state.completionId;
  }

  /** `accepted.messageId`: the stored user message this answer replies to. */
  get messageId(): string | undefined {
    return this.#state.messageId;
  }

  /** `done.messageId`: the stored assistant message, once ended. */
  get answerMessageId(): string | undefined {
    return this.#state.answerMessageId;
  }

  /** Set when `failed`, and while a retryable error waits out its backoff (then `retryAt` is set too). */
  get error(): ErrorInfo | undefined {
    return this.#state.error;
  }

  /** Epoch ms of the next try after a retryable error; undefined otherwise. */
  get retryAt(): number | undefined {
    return this.#state.retryAt;
  }

  /** Every tool call so far (agent mode), in seq order; a call without `result` waits for the notebook. */
  get toolCalls(): readonly ToolCallState[] {
    return this.#state.toolCalls;
  }

  /** True once the status is final. */
  get ended(): boolean {
    return isFinal(this.#state.status);
  }

  /**
   * Asks the service to stop this answer. It ends `cancelled` when the service's `done` says so (or `done` if it had
   * finished first); a message that never left the outgoing queue ends `cancelled` at once; one sent but not yet
   * accepted is cancelled as soon as it is accepted. Does nothing once ended.
   */
  cancel(): void {
    if (!this.ended) this.#actions.cancel();
  }

  /**
   * Sends the result of tool call `callId`; it is sent again after every reconnect until the service has it.
   * Answers false, and sends nothing, once the answer ended (nothing is applied after `done`), for a call it does
   * not hold, or for one that has its result.
   */
  sendToolResult(callId: string, output: string, isError = false): boolean {
    return this.#actions.sendToolResult(callId, output, isError);
  }
}
