/** The public face of the client: a connection and the ledger of answers it serves, behind one EventTarget. */
import { AnswerLedger, type ResumeOptions, type SendOptions } from './answer-ledger.js';
import type { Completion } from './completion.js';
import { Connection } from './connection.js';
import { resolveOptions, type ChatClientOptions } from './options.js';
import type { AskedFrame, DeletedFrame, ErrorFrame, ModelInfo, ServerFrame, WelcomeFrame } from './protocol.js';
import type { ConnectionStatus } from './status.js';

/** The events of a {@link ChatClient}. */
export interface ChatClientEventMap {
  /** The connection status changed; the detail is the new `client.status`. */
  status: CustomEvent<ConnectionStatus>;
  /** A connection was welcomed: model and heartbeat values. */
  welcome: CustomEvent<WelcomeFrame>;
  /** The service answers with another model from now on (`client.model` says so already). */
  model: CustomEvent<ModelInfo>;
  /** An `error` frame that names nothing this client is waiting on. */
  error: CustomEvent<ErrorFrame>;
  /** Every frame from the server, parsed, before the client acts on it. */
  frame: CustomEvent<ServerFrame>;
  /** A question of a followed conversation was asked elsewhere; its answer is followed as `completion`. */
  asked: CustomEvent<AskedDetail>;
  /** A followed conversation was deleted (it is followed no more). */
  deleted: CustomEvent<DeletedFrame>;
}

/** Detail of the `asked` event. */
export interface AskedDetail {
  frame: AskedFrame;
  completion: Completion;
}

// Typed events on an EventTarget: the interface adds overloads to the class of the same name.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ChatClient {
  addEventListener<K extends keyof ChatClientEventMap>(
    type: K,
    listener: (event: ChatClientEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof ChatClientEventMap>(
    type: K,
    listener: (event: ChatClientEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/**
 * The chat connection: one WebSocket to `/api/chat`, kept alive, re-opened with backoff, with every answer in
 * flight resumed. Starts connecting at once.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ChatClient extends EventTarget {
  /** The REST base URL (used by the REST probe). */
  readonly restUrl: string;
  readonly #connection: Connection;
  readonly #ledger: AnswerLedger;
  readonly #following = new Set<string>();

  /** Throws a TypeError for a URL that is not one, or where no WebSocket exists. */
  constructor(options: ChatClientOptions) {
    super();
    const settings = resolveOptions(options);
    this.restUrl = settings.restUrl;
    const emit = <K extends keyof ChatClientEventMap>(type: K, detail: ChatClientEventMap[K]['detail']) =>
      this.dispatchEvent(new CustomEvent(type, { detail }));
    this.#connection = new Connection(settings, {
      status: (status) => emit('status', status),
      frame: (frame) => emit('frame', frame),
      welcomed: (welcome, now) => {
        emit('welcome', welcome);
        for (const conversationId of this.#following) this.#connection.send({ type: 'follow', conversationId });
        this.#ledger.resendDue(now);
      },
      modelChanged: (model) => emit('model', model),
      message: (frame, now) => {
        if (frame.type === 'asked') emit('asked', { frame, completion: this.#ledger.adopt(frame) });
        else if (frame.type === 'deleted') {
          this.#following.delete(frame.conversationId);
          emit('deleted', frame);
        } else if (!this.#ledger.receive(frame, now) && frame.type === 'error') emit('error', frame);
      },
      dropped: () => this.#ledger.pause(),
      serviceEnded: () => this.#ledger.orphan(),
      busy: () => this.#ledger.busy,
      check: (now, lastFrameAt) => this.#ledger.check(now, lastFrameAt),
    });
    this.#ledger = new AnswerLedger(settings, this.#connection);
    this.#connection.open();
  }

  /** The connection status; see {@link ConnectionStatus}. A `status` event announces every change. */
  get status(): ConnectionStatus {
    return this.#connection.status;
  }

  /** The last `welcome`: model and heartbeat values (undefined before the first). */
  get welcome(): WelcomeFrame | undefined {
    return this.#connection.welcome;
  }

  /** The model behind the service, from the last `welcome` or `model` frame. */
  get model(): ModelInfo | undefined {
    return this.#connection.welcome?.model;
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#connection.closed;
  }

  /** The completions not ended yet, oldest first. */
  get pending(): Completion[] {
    return this.#ledger.pending;
  }

  /**
   * Sends a user message and answers its {@link Completion}. While not connected the message waits in a bounded
   * queue and goes out, in order, once connected; a full queue (or a closed client) answers a completion that has
   * already `failed`. Every call is a new message with a new clientMessageId: to retry a failed answer, call `send`
   * again with the same text (and the same `conversationId`).
   */
  send(text: string, options: SendOptions = {}): Completion {
    return this.#ledger.send(text, options);
  }

  /**
   * Reattaches to a completion by id (one that was running when the page reloaded, say): asks the service to replay
   * every chunk after `afterSeq`, then follow live. With `afterSeq` 0 the text is rebuilt from the replay. Answers
   * the completion already followed when there is one.
   */
  resume(completionId: string, options: ResumeOptions = {}): Completion {
    return this.#ledger.resume(completionId, options);
  }

  /**
   * Follows a conversation: every question asked in it elsewhere (another tab, another device) comes as an `asked`
   * event with its answer's {@link Completion}, and its deletion as `deleted`. Kept across reconnects; what was
   * asked while disconnected is not replayed: read the conversation again after a reconnect.
   */
  follow(conversationId: string): void {
    if (this.closed || this.#following.has(conversationId)) return;
    this.#following.add(conversationId);
    this.#connection.send({ type: 'follow', conversationId });
  }

  /** Stops following a conversation. */
  unfollow(conversationId: string): void {
    if (this.#following.delete(conversationId)) this.#connection.send({ type: 'unfollow', conversationId });
  }

  /**
   * Drops the current connection, if any, and starts again at once with a fresh retry budget: the way out of
   * `failed`, and the way to apply a new token. Answers in flight are resumed. Does nothing after `close()`.
   */
  reconnect(): void {
    this.#connection.reconnect();
  }

  /**
   * Closes for good: the socket, every timer and every listener; no attempt follows, and `send`/`resume` answer
   * failed completions. Completions not ended become `failed` with code `client_closed` (retryable: the service keeps
   * running them, and a new client can `resume` them by completionId); nothing is cancelled. The status becomes
   * `disconnected` with reason `closed`. Use `reconnect()` to start again instead.
   */
  close(): void {
    if (this.closed) return;
    this.#ledger.close();
    this.#connection.close();
  }
}
