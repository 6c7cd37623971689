import { WebSocket } from 'ws';
import {
  ChatClient,
  type ChatClientOptions,
  type ClientFrame,
  type Completion,
  type ConnectionState,
  type Logger,
  type ProbeResponse,
  type WebSocketConstructor,
  type WebSocketLike,
} from '../../src/index.js';
import { until } from './async-queue.js';
import type { FakeServer } from './fake-server.js';
import type { ManualClock } from './manual-clock.js';

export const silentLogger: Logger = { debug() {}, warn() {} };

/** What a wire client wrote, and the pongs it received (by `t`). */
interface WireRecord {
  sent: ClientFrame[];
  pongs: Set<number | undefined>;
}

const records = new WeakMap<ChatClient, WireRecord>();

/** `ws` behind the client's socket interface, recording every frame written, so a test sees a ping leave before the server gets it. */
function recordingWebSocket(sent: ClientFrame[]): WebSocketConstructor {
  return class RecordingSocket implements WebSocketLike {
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    readonly #socket: WebSocket;

    constructor(url: string) {
      this.#socket = new WebSocket(url);
      this.#socket.onmessage = (event) => this.onmessage?.({ data: event.data });
      this.#socket.onclose = (event) => this.onclose?.({ code: event.code, reason: event.reason });
      this.#socket.onerror = (event) => this.onerror?.(event);
    }

    send(data: string): void {
      sent.push(JSON.parse(data) as ClientFrame);
      this.#socket.send(data);
    }

    close(code?: number, reason?: string): void {
      this.#socket.close(code, reason);
    }
  };
}

/** A client of the fake server on the real wire, with the test's clock and timers. */
export function wireClient(server: FakeServer, clock: ManualClock, options: Partial<ChatClientOptions> = {}): ChatClient {
  const record: WireRecord = { sent: [], pongs: new Set() };
  const client = new ChatClient({
    url: server.url,
    token: server.token,
    WebSocket: recordingWebSocket(record.sent),
    now: clock.now,
    timers: clock,
    random: () => 0.5,
    logger: silentLogger,
    environment: null,
    ...options,
  });
  client.addEventListener('frame', (e) => e.detail.type === 'pong' && record.pongs.add(e.detail.t));
  records.set(client, record);
  return client;
}

/** The frames a wire client wrote so far. */
export function sentBy(client: ChatClient): ClientFrame[] {
  return records.get(client)!.sent;
}

/**
 * Moves the clock by `ms`, a second at a time, over a live link: each ping the client sends meanwhile is answered
 * (by the fake server) and the pong received before the clock moves on.
 */
export async function advanceLive(client: ChatClient, clock: ManualClock, ms: number): Promise<void> {
  const { sent, pongs } = records.get(client)!;
  for (let moved = 0; moved < ms; moved += 1_000) {
    const before = sent.length;
    clock.advance(Math.min(1_000, ms - moved));
    for (const frame of sent.slice(before))
      if (frame.type === 'ping') await until(client, 'frame', () => pongs.has(frame.t), `the pong to ping ${frame.t}`);
  }
}

/** Resolves when the client's connection is in the given state. */
export function untilState(client: ChatClient, state: ConnectionState): Promise<void> {
  return until(client, 'status', () => client.status.state === state, `connection ${state}`);
}

/** Resolves when the completion shows the given status. */
export function untilStatus(c: Completion, status: Completion['status']): Promise<void> {
  return until(c, 'update', () => c.status === status, `completion ${status} (is ${c.status})`);
}

/** Resolves when the completion's text has the given length or more. */
export function untilText(c: Completion, text: string): Promise<void> {
  return until(c, 'update', () => c.text.length >= text.length, `text ${JSON.stringify(text)} (is ${JSON.stringify(c.text)})`);
}

/** Waits for the scheduled attempt, then moves the clock to it so that it starts. */
export async function runScheduledAttempt(client: ChatClient, clock: ManualClock): Promise<void> {
  await untilState(client, 'disconnected');
  clock.advanceTo(client.status.retryAt!);
}

/** A `fetch` for the REST probe that answers this status and JSON body. */
export function probeAnswer(status: number, body: unknown = null): () => Promise<ProbeResponse> {
  return async () => ({ status, json: async () => body });
}
