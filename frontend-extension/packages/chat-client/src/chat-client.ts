import { Completion, type FinalStatus } from './completion.js';
import {
  parseServerFrame,
  type ChatContext,
  type ChatFrame,
  type ChatMode,
  type ClientFrame,
  type ErrorFrame,
  type ErrorInfo,
  type ModelInfo,
  type ServerFrame,
  type WelcomeFrame,
} from './protocol.js';

/** The connection, as a UI shows it. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'failed';

/** The connection status, published with every `status` event. */
export interface ConnectionStatus {
  /**
   * `connecting`: first attempt (after construction or `reconnect()`) ·
   * `connected`: the server's `welcome` arrived · `disconnected`: lost, the next
   * attempt is scheduled (`attempt`, `retryAt`); also after `close()`, then
   * with neither · `reconnecting`: attempt number `attempt` is under way ·
   * `failed`: gave up (`reason`); only `reconnect()` starts again.
   */
  state: ConnectionState;
  /** The number of the attempt scheduled or under way since the connection was lost (1, 2, ...). */
  attempt?: number;
  /** Epoch ms (by the client's clock) of the next attempt, for a countdown. */
  retryAt?: number;
  /** Why: the close code of a lost connection, or why the client gave up. */
  reason?: string;
}

/** The part of a WebSocket the client uses: the browser's, or `ws` in Node. */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** A WebSocket constructor. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The part of `fetch` the auth probe uses. */
export type FetchLike = (url: string, init: { headers: Record<string, string> }) => Promise<{ status: number }>;

/** Timers; a handle is whatever `setTimeout` answers. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where the client writes what it does. */
export interface Logger {
  debug(message: string, ...data: unknown[]): void;
  warn(message: string, ...data: unknown[]): void;
}

/**
 * The browser's hints that an attempt is worth making now. Each subscribes a
 * listener and answers a function that unsubscribes it.
 */
export interface ChatEnvironment {
  /** The network came back (`online`). */
  onOnline?(listener: () => void): () => void;
  /** The page became visible again (`visibilitychange`). */
  onVisible?(listener: () => void): () => void;
}

/** The events of a {@link ChatClient}. */
export interface ChatClientEventMap {
  /** The connection status changed; the detail is the new `client.status`. */
  status: CustomEvent<ConnectionStatus>;
  /** A connection was welcomed: model and heartbeat values. */
  welcome: CustomEvent<WelcomeFrame>;
  /** An `error` frame that names nothing this client is waiting on. */
  error: CustomEvent<ErrorFrame>;
  /** Every frame from the server, parsed, before the client acts on it. */
  frame: CustomEvent<ServerFrame>;
}

/** Options of {@link ChatClient}; all but `url` and `token` have defaults ({@link DEFAULTS}). */
export interface ChatClientOptions {
  /** The ws(s) URL of `/api/chat`. */
  url: string;
  /** The service token, or a provider called before each attempt. Sent as the `token` query parameter. */
  token: string | (() => string | Promise<string>);
  /** Base of the REST routes; default: derived from `url` (ws->http, wss->https, without `/api/chat`). */
  restUrl?: string;
  /** Default: `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** For the auth probe after a failed attempt; default `globalThis.fetch`; null: no probe. */
  fetch?: FetchLike | null;
  /** The wall clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Default: the global `setTimeout`/`clearTimeout`. */
  timers?: Timers;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Makes clientMessageIds. Default `crypto.randomUUID`, with a fallback. */
  uuid?: () => string;
  /** Default: debug dropped, warn to the console. */
  logger?: Logger;
  /** Default: `window`/`document` where present; null: none. */
  environment?: ChatEnvironment | null;
  /** First backoff ceiling (ms). */
  baseDelayMs?: number;
  /** Largest backoff ceiling (ms). */
  maxDelayMs?: number;
  /** How long (ms since the connection was lost) attempts go on before `failed`. */
  retryBudgetMs?: number;
  /** A connection up this long (ms) resets the backoff and the budget. */
  stableAfterMs?: number;
  /** An attempt not welcomed within this (ms) is given up. */
  connectTimeoutMs?: number;
  /** Silence (ms) after which a connection counts as dead, until `welcome` says otherwise. */
  heartbeatTimeoutMs?: number;
  /** How often (ms) the client pings, until `welcome` says otherwise (its `heartbeatIntervalMs`). */
  pingIntervalMs?: number;
  /** Silence (ms) after which a waiting or streaming completion shows `stalled`. */
  stallAfterMs?: number;
  /** How often (ms) the wall clock is checked (liveness, pings, stalls, retries). */
  checkIntervalMs?: number;
  /** How many messages may wait for a connection; past that `send` fails. */
  maxQueued?: number;
}

/** The default of every option that has one. */
export const DEFAULTS = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  retryBudgetMs: 300_000,
  stableAfterMs: 10_000,
  connectTimeoutMs: 10_000,
  heartbeatTimeoutMs: 45_000,
  pingIntervalMs: 15_000,
  stallAfterMs: 20_000,
  checkIntervalMs: 1_000,
  maxQueued: 100,
};

/** Options of {@link ChatClient.send}. */
export interface SendOptions {
  /** Absent: a new conversation. */
  conversationId?: string;
  context?: ChatContext;
  mode?: ChatMode;
}

/** Options of {@link ChatClient.resume}. */
export interface ResumeOptions {
  conversationId?: string;
  /** The highest seq already held (default 0: rebuild the whole text from the replay). */
  afterSeq?: number;
  /** The text of seq 1..afterSeq, if held. */
  text?: string;
}

/** Full-jitter backoff: a random delay in [0, min(max, base * 2^(attempt-1))), attempt from 1. */
export const backoffDelay = (attempt: number, baseMs: number, maxMs: number, random: () => number): number =>
  random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));

/** The REST base of a chat URL: ws->http, wss->https, without `/api/chat`, query or hash. */
export const restBaseFromWsUrl = (url: string): string => {
  const u = new URL(url);
  return (u.protocol == 'wss:' ? 'https://' : 'http://') + u.host + u.pathname.replace(/\/?(api\/chat\/?)?$/, '');
};

const CLOSED: ErrorInfo = { code: 'client_closed', message: 'the client is closed', retryable: false };

const uuid = (): string => {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = Math.random() * 256;
  c?.getRandomValues?.(b);
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const h = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const browserEnvironment = (): ChatEnvironment | null => {
  const w = globalThis as Partial<Window & typeof globalThis>;
  const on = (t: EventTarget, name: string, f: () => void) => (t.addEventListener(name, f), () => t.removeEventListener(name, f));
  return w.addEventListener && w.document
    ? {
        onOnline: (l) => on(w as EventTarget, 'online', l),
        onVisible: (l) => on(w.document!, 'visibilitychange', () => w.document!.visibilityState == 'visible' && l()),
      }
    : null;
};

/** What the client keeps about one completion beyond its public fields. */
interface Job {
  c: Completion;
  /** The chat frame; absent for a resumed completion. */
  req?: ChatFrame;
  /** Deltas by seq - 1; slots below `base` may be empty when a resume was given text. */
  chunks: string[];
  /** The seq covered by text handed to `resume` (0: none). */
  base: number;
  /** Written to a socket at least once. */
  sent?: boolean;
  /** cancel() was called. */
  cancel?: boolean;
  /** Wall-clock time of the last progress (sent, accepted, chunk appended). */
  act: number;
  /** Resumes asked for since the last progress, to fill a gap. */
  rs: number;
  /** Retryable errors met, and when the first came. */
  tries: number;
  errAt?: number;
}

// Typed events on an EventTarget: the interface adds overloads to the class of the same name.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ChatClient {
  addEventListener<K extends keyof ChatClientEventMap>(
    type: K,
    listener: (ev: ChatClientEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof ChatClientEventMap>(
    type: K,
    listener: (ev: ChatClientEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/**
 * The chat connection: one WebSocket to `/api/chat`, kept alive, re-opened
 * with backoff, with every answer in flight resumed. Starts connecting at once.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ChatClient extends EventTarget {
  /** The REST base URL (used by the auth probe). */
  readonly restUrl: string;
  private st: ConnectionStatus = { state: 'connecting' };
  private wel?: WelcomeFrame;
  private done = false;

  private o: Required<Omit<ChatClientOptions, 'restUrl' | 'fetch' | 'environment'>>;
  private fetch?: FetchLike;
  private jobs: Job[] = [];
  private ws?: WebSocketLike;
  /** Bumped whenever a socket or an attempt is abandoned, so that its late callbacks do nothing. */
  private gen = 0;
  private attempt = 0;
  private lostAt: number;
  private attemptAt = 0;
  private probing = false;
  /** The token of the attempt under way (undefined while the provider runs). */
  private tok?: string;
  private connectedAt = 0;
  private lastFrameAt = 0;
  private lastPingAt = 0;
  private hbTimeout: number;
  private pingEvery: number;
  private retryTimer?: unknown;
  private tickTimer?: unknown;
  private unsubscribe: Array<() => void> = [];

  constructor(options: ChatClientOptions) {
    super();
    const d: Omit<ChatClientOptions, 'url' | 'token'> = {
      ...DEFAULTS,
      WebSocket: (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket,
      now: () => Date.now(),
      timers: { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as number) },
      random: Math.random,
      uuid,
      logger: { debug() {}, warn: (...a) => console.warn(...a) },
    };
    const given = options as unknown as Record<string, unknown>;
    const merged = d as Record<string, unknown>;
    for (const k in given) if (given[k] !== undefined) merged[k] = given[k];
    this.o = d as typeof this.o;
    new URL(options.url);
    if (!this.o.WebSocket) throw new TypeError('mooring: no WebSocket here; pass options.WebSocket');
    this.restUrl = (options.restUrl ?? restBaseFromWsUrl(options.url)).replace(/\/$/, '');
    const f = options.fetch === undefined ? globalThis.fetch : options.fetch;
    this.fetch = f ? (u, i) => f(u, i) : undefined;
    this.hbTimeout = this.o.heartbeatTimeoutMs;
    this.pingEvery = this.o.pingIntervalMs;
    this.lostAt = this.now();
    const env = options.environment === undefined ? browserEnvironment() : options.environment;
    const wake = () => {
      if (this.status.state == 'disconnected' && !this.closed) void this.start('reconnecting');
      else this.tick();
    };
    if (env?.onOnline) this.unsubscribe.push(env.onOnline(wake));
    if (env?.onVisible) this.unsubscribe.push(env.onVisible(wake));
    void this.start('connecting');
  }

  /** The connection status; see {@link ConnectionStatus}. A `status` event announces every change. */
  get status(): ConnectionStatus {
    return this.st;
  }

  /** The last `welcome`: model and heartbeat values (undefined before the first). */
  get welcome(): WelcomeFrame | undefined {
    return this.wel;
  }

  /** The model behind the service, from the last `welcome`. */
  get model(): ModelInfo | undefined {
    return this.wel?.model;
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.done;
  }

  /** The completions not ended yet, oldest first. */
  get pending(): Completion[] {
    return this.jobs.map((j) => j.c);
  }

  /**
   * Sends a user message and answers its {@link Completion}. While not
   * connected the message waits in a bounded queue and goes out, in order,
   * once connected; a full queue (or a closed client) answers a completion that
   * has already `failed`. Every call is a new message with a new
   * clientMessageId: to retry a failed answer, call `send` again with the same
   * text (and the same `conversationId`).
   */
  send(text: string, options: SendOptions = {}): Completion {
    const id = this.o.uuid();
    const j = this.job(id, options.conversationId);
    j.req = { type: 'chat', clientMessageId: id, conversationId: options.conversationId, text, context: options.context, mode: options.mode };
    const e = this.closed
      ? CLOSED
      : this.jobs.filter((x) => !x.c.completionId).length > this.o.maxQueued
        ? { code: 'queue_full', message: `too many messages waiting for the connection (${this.o.maxQueued})`, retryable: true }
        : undefined;
    if (e) this.end(j, 'failed', e);
    else if (this.isOpen()) this.resend(j);
    return j.c;
  }

  /**
   * Reattaches to a completion by id (one that was running when the page
   * reloaded, say): asks the service to replay every chunk after `afterSeq`,
   * then follow live. With `afterSeq` 0 the text is rebuilt from the replay.
   * Answers the completion already followed when there is one.
   */
  resume(completionId: string, options: ResumeOptions = {}): Completion {
    const old = this.jobs.find((x) => x.c.completionId == completionId);
    if (old) return old.c;
    const j = this.job(this.o.uuid(), options.conversationId);
    const n = (j.base = options.afterSeq ?? 0);
    if (n) j.chunks[n - 1] = options.text ?? '';
    this.set(j, { completionId, lastSeq: n, text: options.text ?? '' });
    if (this.closed) this.end(j, 'failed', CLOSED);
    else if (this.isOpen()) this.resend(j);
    return j.c;
  }

  /**
   * Drops the current connection, if any, and starts again at once with a
   * fresh retry budget: the way out of `failed`, and the way to apply a new
   * token. Answers in flight are resumed. Does nothing after `close()`.
   */
  reconnect(): void {
    if (this.closed) return;
    this.drop();
    this.attempt = 0;
    this.lostAt = this.now();
    void this.start('connecting');
  }

  /**
   * Closes for good: the socket, every timer and every listener; no attempt
   * follows, and `send`/`resume` answer failed completions. Completions not
   * ended become `failed` with code `client_closed` (retryable: the service
   * keeps running them, and a new client can `resume` them by completionId);
   * nothing is cancelled. The status becomes `disconnected` with reason `closed`.
   * Use `reconnect()` to start again instead.
   */
  close(): void {
    if (this.done) return;
    this.done = true;
    for (const j of [...this.jobs])
      this.end(j, 'failed', { code: 'client_closed', message: 'the client was closed; the service keeps the answer', retryable: true });
    this.drop(1000);
    this.stopTimers();
    this.unsubscribe.forEach((u) => u());
    this.setStatus({ state: 'disconnected', reason: 'closed' });
  }

  // ---- connection ----

  private now(): number {
    return this.o.now();
  }

  private isOpen(): boolean {
    return this.status.state == 'connected';
  }

  private setStatus(s: ConnectionStatus): void {
    this.st = s;
    this.o.logger.debug('mooring: ' + s.state, s);
    this.dispatchEvent(new CustomEvent('status', { detail: s }));
  }

  private async start(state: 'connecting' | 'reconnecting'): Promise<void> {
    const g = ++this.gen;
    this.stopTimers();
    this.attemptAt = this.now();
    this.probing = false;
    this.tok = undefined;
    this.setStatus(this.attempt ? { state, attempt: this.attempt } : { state });
    this.schedule();
    let token: string;
    try {
      const t = this.o.token;
      token = typeof t == 'function' ? await t() : t;
    } catch (e) {
      if (g == this.gen) {
        this.o.logger.warn('mooring: the token provider failed', e);
        this.lost('no token');
      }
      return;
    }
    if (g != this.gen) return;
    this.tok = token;
    let welcomed = false;
    try {
      const u = new URL(this.o.url);
      u.searchParams.set('token', token);
      const ws = (this.ws = new this.o.WebSocket(u.href));
      ws.onerror = () => {};
      ws.onmessage = (e) => {
        if (g != this.gen) return;
        if (this.frame(e.data)) welcomed = true;
      };
      ws.onclose = (e) => {
        if (g != this.gen) return;
        this.ws = undefined;
        this.lost(`closed (${e.code})`, welcomed);
      };
    } catch (e) {
      this.lost(String(e));
    }
  }

  /** Abandons the socket, if any: its callbacks are ignored from now on. */
  private drop(code = 1000): void {
    const ws = this.ws;
    this.gen++;
    this.ws = undefined;
    if (ws) {
      ws.onmessage = ws.onclose = null;
      try {
        ws.close(code);
      } catch {
        // already closed or closing
      }
    }
    for (const j of this.jobs) if (j.c.status != 'paused') this.set(j, { status: 'paused' });
  }

  /**
   * A socket closed or an attempt failed. After a welcome: back off (a
   * connection that stayed up resets the backoff). Else ask the REST probe
   * whether the token or origin was refused.
   */
  private lost(reason: string, welcomed = false): void {
    const token = this.tok;
    this.drop();
    const t = this.now();
    if (welcomed && t - this.connectedAt >= this.o.stableAfterMs) {
      this.attempt = 0;
      this.lostAt = t;
    }
    if (welcomed || token === undefined || !this.fetch) return this.retry(reason);
    const g = this.gen;
    this.probing = true;
    this.attemptAt = t;
    this.fetch(this.restUrl + '/api/conversations', { headers: { Authorization: 'Bearer ' + token } }).then(
      (r) => {
        if (g != this.gen) return;
        if (r.status == 401) this.fail('the service refused the token (HTTP 401)');
        else if (r.status == 403) this.fail('the service refused this origin (HTTP 403)');
        else this.retry(reason);
      },
      () => g == this.gen && this.retry(reason),
    );
  }

  private retry(reason: string): void {
    this.gen++;
    const t = this.now();
    const n = ++this.attempt;
    if (t - this.lostAt >= this.o.retryBudgetMs)
      return this.fail(`no connection after ${n - 1} attempts in ${Math.round((t - this.lostAt) / 1000)} s (${reason})`);
    const delay = this.delay(n);
    this.setStatus({ state: 'disconnected', attempt: n, retryAt: t + delay, reason });
    this.stopTimers();
    this.retryTimer = this.o.timers.setTimeout(() => void this.start('reconnecting'), delay);
  }

  private fail(reason: string): void {
    this.drop();
    this.stopTimers();
    this.attempt = 0;
    this.setStatus({ state: 'failed', reason });
  }

  private delay(n: number): number {
    return backoffDelay(n, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random);
  }

  private stopTimers(): void {
    this.o.timers.clearTimeout(this.retryTimer);
    this.o.timers.clearTimeout(this.tickTimer);
    this.retryTimer = this.tickTimer = undefined;
  }

  private schedule(): void {
    this.tickTimer = this.o.timers.setTimeout(() => {
      this.tickTimer = undefined;
      this.tick();
    }, this.o.checkIntervalMs);
  }

  /**
   * The periodic check. Every judgement compares the wall clock with a
   * recorded time, so a timer that fires late (throttled tab, sleeping laptop)
   * sees at once how much time has passed.
   */
  private tick(): void {
    const s = this.status.state;
    if (this.closed || s == 'failed' || s == 'disconnected') return;
    const t = this.now();
    if (s == 'connected') {
      if (t - this.lastFrameAt > this.hbTimeout) {
        this.drop(4408);
        return this.lost('no frame for ' + (t - this.lastFrameAt) + ' ms', true);
      }
      if (t - this.lastPingAt >= this.pingEvery) {
        this.lastPingAt = t;
        this.write({ type: 'ping', t });
      }
      for (const j of this.jobs) {
        const c = j.c;
        if (c.retryAt !== undefined) {
          if (t >= c.retryAt) this.resend(j);
        } else if ((c.status == 'waiting' || c.status == 'streaming') && t - j.act >= this.o.stallAfterMs) {
          j.rs = 0;
          this.set(j, { status: 'stalled' });
        }
      }
    } else if (t - this.attemptAt > this.o.connectTimeoutMs) {
      if (this.ws && !this.probing) this.lost('connect timeout');
      else this.retry('connect timeout');
    }
    const now = this.status.state;
    if (!this.tickTimer && now != 'failed' && now != 'disconnected') this.schedule();
  }

  private write(f: ClientFrame): void {
    this.o.logger.debug('mooring: >', f);
    this.ws?.send(JSON.stringify(f));
  }

  // ---- frames ----

  /** Handles one frame; answers true when it was a welcome. */
  private frame(data: unknown): boolean {
    const t = (this.lastFrameAt = this.now());
    const f = parseServerFrame(data);
    if (!f) {
      this.o.logger.warn('mooring: not a frame', data);
      return false;
    }
    this.dispatchEvent(new CustomEvent('frame', { detail: f }));
    const id = f.type == 'accepted' ? f.clientMessageId : f.type == 'error' ? f.ref : (f as { completionId?: string }).completionId;
    const j = id ? this.jobs.find((x) => x.c.clientMessageId == id || x.c.completionId == id) : undefined;
    switch (f.type) {
      case 'welcome':
        this.wel = f;
        this.hbTimeout = f.heartbeatTimeoutMs || this.o.heartbeatTimeoutMs;
        this.pingEvery = f.heartbeatIntervalMs || this.o.pingIntervalMs;
        this.connectedAt = this.lastPingAt = t;
        this.setStatus({ state: 'connected' });
        this.dispatchEvent(new CustomEvent('welcome', { detail: f }));
        for (const x of [...this.jobs]) if (!x.c.retryAt || x.c.retryAt <= t) this.resend(x);
        return true;
      case 'ping':
        this.write({ type: 'pong', t: f.t });
        break;
      case 'accepted':
        if (!j || j.c.completionId) break;
        j.act = t;
        j.tries = 0;
        j.errAt = undefined;
        this.set(j, { completionId: f.completionId, conversationId: f.conversationId, messageId: f.messageId });
        if (j.cancel) this.write({ type: 'cancel', completionId: f.completionId });
        if (f.duplicate) this.write({ type: 'resume', completionId: f.completionId, afterSeq: j.c.lastSeq });
        break;
      case 'chunk': {
        if (!j) break;
        const held = j.c.lastSeq;
        if (f.seq > held + 1) this.gap(j);
        if (f.seq != held + 1) break;
        j.chunks[held] = f.delta;
        j.act = t;
        j.rs = j.tries = 0;
        j.errAt = undefined;
        this.set(j, { lastSeq: f.seq, text: j.c.text + f.delta, status: 'streaming' });
        j.c.dispatchEvent(new CustomEvent('chunk', { detail: { seq: f.seq, delta: f.delta } }));
        break;
      }
      case 'done': {
        if (!j) break;
        if (f.lastSeq > j.c.lastSeq) {
          // A tail is missing (chunks lost to a gap): fetch it before ending.
          if (j.rs > 3) this.end(j, 'failed', { code: 'incomplete', message: 'the answer could not be retrieved whole', retryable: true });
          else this.gap(j, true);
          break;
        }
        if (f.lastSeq < j.base) {
          // Trimming inside text handed to resume(): rebuild it from the replay instead.
          j.base = j.chunks.length = 0;
          this.set(j, { text: '', lastSeq: 0 });
          this.gap(j, true);
          break;
        }
        j.chunks.length = f.lastSeq;
        this.set(j, { lastSeq: f.lastSeq, text: j.chunks.join(''), answerMessageId: f.messageId });
        this.end(j, f.status == 'completed' ? 'done' : f.status, f.error);
        break;
      }
      case 'error':
        if (!j) this.dispatchEvent(new CustomEvent('error', { detail: f }));
        else if (!f.retryable) this.end(j, 'failed', { code: f.code, message: f.message, retryable: false });
        else {
          const e = { code: f.code, message: f.message, retryable: true };
          j.errAt ??= t;
          if (t - j.errAt >= this.o.retryBudgetMs) this.end(j, 'failed', e);
          else this.set(j, { retryAt: t + this.delay(++j.tries), error: e });
        }
    }
    return false;
  }

  /** Asks for the chunks after the last one held, once per gap (always when forced). */
  private gap(j: Job, force?: boolean): void {
    if (j.rs && !force) return;
    j.rs++;
    this.write({ type: 'resume', completionId: j.c.completionId!, afterSeq: j.c.lastSeq });
  }

  // ---- completions ----

  private job(id: string, conversationId?: string): Job {
    const s = this.status.state;
    const j: Job = {
      c: new Completion(id, s == 'connected' || s == 'connecting' ? 'waiting' : 'paused', (c) => this.cancel(c)),
      chunks: [],
      base: 0,
      act: this.now(),
      rs: 0,
      tries: 0,
    };
    this.jobs.push(j);
    Object.assign(j.c, { conversationId });
    return j;
  }

  /** (Re)sends what a completion needs on a fresh connection: its chat frame, or cancel and resume. */
  private resend(j: Job): void {
    const c = j.c;
    j.act = this.now();
    j.rs = 0;
    this.set(j, { status: c.text ? 'streaming' : 'waiting', retryAt: undefined, error: undefined });
    if (!c.completionId) {
      j.sent = true;
      return this.write(j.req!);
    }
    if (j.cancel) this.write({ type: 'cancel', completionId: c.completionId });
    this.write({ type: 'resume', completionId: c.completionId, afterSeq: c.lastSeq });
  }

  private cancel(c: Completion): void {
    const j = this.jobs.find((x) => x.c == c);
    if (!j) return;
    // Never sent, or refused with a retryable error: the service holds nothing to cancel.
    if (!c.completionId && (!j.sent || c.retryAt !== undefined)) return this.end(j, 'cancelled');
    j.cancel = true;
    if (c.completionId && this.isOpen()) this.write({ type: 'cancel', completionId: c.completionId });
  }

  private set(j: Job, patch: Partial<Completion>): void {
    Object.assign(j.c, patch);
    j.c.dispatchEvent(new CustomEvent('update', { detail: j.c }));
  }

  private end(j: Job, status: FinalStatus, error?: ErrorInfo): void {
    this.jobs = this.jobs.filter((x) => x != j);
    this.set(j, { status, error, retryAt: undefined });
    j.c.dispatchEvent(new CustomEvent('done', { detail: status }));
    j.c._end(status);
  }
}
