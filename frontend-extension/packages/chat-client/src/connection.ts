/** The chat connection: one WebSocket at a time, its published states, backoff, the link's liveness and the REST probe. */
import { LinkMonitor } from './link-monitor.js';
import type { ClientSettings, WebSocketLike } from './options.js';
import {
  CloseCode,
  parseServerFrame,
  PROTOCOL_VERSION,
  type ClientFrame,
  type ModelInfo,
  type ServerFrame,
  type ServiceState,
  type WelcomeFrame,
} from './protocol.js';
import { RetrySchedule } from './retry-schedule.js';
import { probeService, type ProbeResult } from './service-probe.js';
import type { ConnectionStatus } from './status.js';

/** What the connection tells its owner. */
export interface ConnectionListener {
  /** The status changed. */
  status(status: ConnectionStatus): void;
  /** Every frame from the server, parsed, before the connection acts on it. */
  frame(frame: ServerFrame): void;
  /** A connection was welcomed; the status is `connected` already. */
  welcomed(welcome: WelcomeFrame, now: number): void;
  /** The service now answers with another model (a `model` frame); `welcome.model` already says so. */
  modelChanged(model: ModelInfo): void;
  /** A frame that is not the connection's own (welcome, model, ping, pong): about answers. */
  message(frame: ServerFrame, now: number): void;
  /** The socket is gone: nothing can be sent until the next welcome. */
  dropped(): void;
  /** The proxy says the service process ended: every answer it was running is over. */
  serviceEnded(): void;
  /** Whether answers are in flight: the link is then probed after a short silence. */
  busy(): boolean;
  /** The periodic check while connected, after the link was judged alive. */
  check(now: number, lastFrameAt: number): void;
}

type AttemptState = 'connecting' | 'reconnecting';

/** Keeps one connection to the service alive and says truthfully how it stands. */
export class Connection {
  readonly #settings: ClientSettings;
  readonly #listener: ConnectionListener;
  readonly #retries: RetrySchedule;
  readonly #link: LinkMonitor;
  readonly #unsubscribers: Array<() => void> = [];
  #status: ConnectionStatus = { state: 'connecting' };
  #welcome?: WelcomeFrame;
  #closed = false;
  #socket?: WebSocketLike;
  /** Bumped whenever a socket or an attempt is abandoned, so that its late callbacks do nothing. */
  #generation = 0;
  #attemptStartedAt = 0;
  /** The token of the attempt under way (undefined while the provider runs). */
  #attemptToken?: string;
  /** The REST probe of a failed attempt is under way. */
  #probing = false;
  #connectedAt = 0;
  #service?: ServiceState;
  #retryTimer?: unknown;
  #checkTimer?: unknown;

  constructor(settings: ClientSettings, listener: ConnectionListener) {
    this.#settings = settings;
    this.#listener = listener;
    this.#retries = new RetrySchedule(settings);
    this.#link = new LinkMonitor(settings);
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get welcome(): WelcomeFrame | undefined {
    return this.#welcome;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Listens to the environment and starts the first attempt. */
  open(): void {
    const environment = this.#settings.environment;
    if (environment?.onOnline) this.#unsubscribers.push(environment.onOnline(() => this.#cameOnline()));
    if (environment?.onVisible) this.#unsubscribers.push(environment.onVisible(() => this.#becameVisible()));
    if (environment?.onOffline) this.#unsubscribers.push(environment.onOffline(() => this.#wentOffline()));
    void this.#start('connecting');
  }

  /** Writes a frame on a welcomed connection; does nothing otherwise. */
  send(frame: ClientFrame): void {
    if (this.#status.state !== 'connected') return;
    this.#settings.logger.debug('mooring: >', frame);
    this.#socket?.send(JSON.stringify(frame));
  }

  /** Drops the socket, if any, and starts again at once with a fresh retry budget. */
  reconnect(): void {
    if (this.#closed) return;
    this.#drop(CloseCode.NORMAL);
    this.#retries.reset();
    void this.#start('connecting');
  }

  /** Closes for good: the socket, the timers and the environment's listeners. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#drop(CloseCode.NORMAL);
    this.#stopTimers();
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    this.#publish({ state: 'disconnected', reason: 'closed' });
  }

  #now(): number {
    return this.#settings.now();
  }

  #publish(status: ConnectionStatus): void {
    this.#status = status;
    this.#settings.logger.debug('mooring: ' + status.state, status);
    this.#listener.status(status);
  }

  async #start(state: AttemptState): Promise<void> {
    const generation = ++this.#generation;
    this.#stopTimers();
    this.#attemptStartedAt = this.#now();
    this.#probing = false;
    this.#attemptToken = undefined;
    const attempt = this.#retries.attempt || undefined;
    this.#publish({ state, attempt, service: this.#service });
    this.#scheduleCheck();
    let token: string;
    try {
      const provider = this.#settings.token;
      token = typeof provider === 'function' ? await provider() : provider;
    } catch (error) {
      if (generation === this.#generation) {
        this.#settings.logger.warn('mooring: the token provider failed', error);
        this.#lost('no token', false);
      }
      return;
    }
    if (generation !== this.#generation) return;
    this.#attemptToken = token;
    try {
      const url = new URL(this.#settings.url);
      url.searchParams.set('token', token);
      const socket = (this.#socket = new this.#settings.WebSocket(url.href));
      socket.onerror = () => {};
      socket.onmessage = (event) => {
        if (generation === this.#generation) this.#receive(event.data);
      };
      socket.onclose = (event) => {
        if (generation !== this.#generation) return;
        this.#socket = undefined;
        this.#lost(closedReason(event), this.#status.state === 'connected');
      };
    } catch (error) {
      this.#lost(String(error), false);
    }
  }

  /** Abandons the socket, if any: its callbacks are ignored from now on. */
  #drop(code: number): void {
    const socket = this.#socket;
    this.#generation++;
    this.#socket = undefined;
    if (socket) {
      socket.onmessage = socket.onclose = null;
      try {
        socket.close(code);
      } catch {
        // already closed or closing
      }
    }
    this.#listener.dropped();
  }

  /**
   * A socket closed or an attempt failed. After a welcome: back off (a connection that stayed up resets the
   * backoff). Else ask the REST probe what the upgrade met: a refused token or origin, or the proxy's 503.
   */
  #lost(reason: string, welcomed: boolean, closeCode: number = CloseCode.NORMAL): void {
    const token = this.#attemptToken;
    this.#drop(closeCode);
    const now = this.#now();
    if (welcomed && now - this.#connectedAt >= this.#settings.stableAfterMs) this.#retries.reset();
    const fetch = this.#settings.fetch;
    if (welcomed || token === undefined || !fetch) return this.#retry(reason);
    const generation = this.#generation;
    this.#probing = true;
    this.#attemptStartedAt = now;
    void probeService(fetch, this.#settings.restUrl, token).then((result) => {
      if (generation === this.#generation) this.#probed(result, reason);
    });
  }

  #probed(result: ProbeResult, reason: string): void {
    switch (result.kind) {
      case 'refused':
        return this.#fail(result.reason);
      case 'unavailable':
        this.#service = result.service;
        if (result.service !== 'starting') this.#listener.serviceEnded();
        return this.#retry(result.message);
      default:
        this.#service = undefined;
        return this.#retry(reason);
    }
  }

  #retry(reason: string): void {
    this.#generation++;
    this.#stopTimers();
    const now = this.#now();
    const starting = this.#service === 'starting' || this.#service === 'restarting';
    const next = this.#retries.next(now, starting ? this.#settings.serviceStartingMaxDelayMs : undefined);
    if (!next) return this.#fail(`no connection for ${Math.round(this.#retries.spentMs(now) / 1000)} s (${reason})`);
    this.#publish({ state: 'disconnected', attempt: next.attempt, retryAt: now + next.delayMs, reason, service: this.#service });
    this.#retryTimer = this.#settings.timers.setTimeout(() => void this.#start('reconnecting'), next.delayMs);
  }

  #fail(reason: string): void {
    this.#drop(CloseCode.NORMAL);
    this.#stopTimers();
    this.#retries.reset();
    this.#publish({ state: 'failed', reason });
  }

  /** The page became visible: attempt now if one is scheduled, else check the link now (timers may have slept). */
  #becameVisible(): void {
    if (this.#closed) return;
    if (this.#status.state === 'disconnected') void this.#start('reconnecting');
    else this.#check();
  }

  /** The network is back: a fresh attempt now, also in place of one begun while it was gone (it may hang). */
  #cameOnline(): void {
    const state = this.#status.state;
    if (this.#closed || state === 'connected' || state === 'failed') return;
    this.#drop(CloseCode.NORMAL);
    void this.#start(state === 'connecting' ? state : 'reconnecting');
  }

  /** The browser says the network is gone: a welcomed connection is lost now, not at its heartbeat timeout. */
  #wentOffline(): void {
    if (this.#status.state === 'connected') this.#lost('the browser is offline', true);
  }

  #stopTimers(): void {
    this.#settings.timers.clearTimeout(this.#retryTimer);
    this.#settings.timers.clearTimeout(this.#checkTimer);
    this.#retryTimer = this.#checkTimer = undefined;
  }

  #scheduleCheck(): void {
    this.#checkTimer = this.#settings.timers.setTimeout(() => {
      this.#checkTimer = undefined;
      this.#check();
    }, this.#settings.checkIntervalMs);
  }

  /**
   * The periodic check. Every judgement compares the wall clock with a recorded time, so a timer that fires late
   * (throttled tab, sleeping laptop) sees at once how much time has passed.
   */
  #check(): void {
    const state = this.#status.state;
    if (this.#closed || state === 'failed' || state === 'disconnected') return;
    const now = this.#now();
    if (state === 'connected') {
      const verdict = this.#link.judge(now, this.#listener.busy());
      if (verdict.kind === 'dead') return this.#lost(verdict.reason, true, CloseCode.HEARTBEAT_TIMEOUT);
      if (verdict.kind === 'ping') this.send({ type: 'ping', t: now });
      this.#listener.check(now, this.#link.lastFrameAt);
    } else if (now - this.#attemptStartedAt > this.#settings.connectTimeoutMs) {
      return this.#socket && !this.#probing ? this.#lost('connect timeout', false) : this.#retry('connect timeout');
    }
    if (this.#checkTimer === undefined) this.#scheduleCheck();
  }

  #receive(data: unknown): void {
    const now = this.#now();
    this.#link.frameArrived(now);
    const frame = parseServerFrame(data);
    if (!frame) return this.#settings.logger.warn('mooring: not a frame', data);
    this.#listener.frame(frame);
    switch (frame.type) {
      case 'welcome':
        return this.#welcomed(frame, now);
      case 'ping':
        return this.send({ type: 'pong', t: frame.t });
      case 'pong':
        return;
      case 'model':
        if (this.#welcome) this.#welcome = { ...this.#welcome, model: frame.model };
        return this.#listener.modelChanged(frame.model);
      default:
        this.#listener.message(frame, now);
    }
  }

  #welcomed(welcome: WelcomeFrame, now: number): void {
    if (welcome.protocol !== PROTOCOL_VERSION)
      return this.#fail(
        `the service speaks protocol ${welcome.protocol}, this client ${PROTOCOL_VERSION}: install matching versions`,
      );
    this.#welcome = welcome;
    this.#service = undefined;
    this.#connectedAt = now;
    this.#link.welcomed(now, welcome.heartbeatIntervalMs, welcome.heartbeatTimeoutMs);
    this.#publish({ state: 'connected' });
    this.#listener.welcomed(welcome, now);
  }
}

/** What a close says in the status: its code, and the server's reason when it gave one ("closed (1009: …)"). */
function closedReason(event: { code: number; reason?: string }): string {
  return event.reason ? `closed (${event.code}: ${event.reason})` : `closed (${event.code})`;
}
