import { WebSocket } from 'ws';
import { ChatClient, type ChatClientOptions, type Completion, type ConnectionState, type Logger, type WebSocketConstructor } from '../../src/index.js';
import { until } from './async-queue.js';
import type { FakeServer } from './fake-server.js';
import type { ManualClock } from './manual-clock.js';

export const silentLogger: Logger = { debug() {}, warn() {} };

/** A client of the fake server on the real wire, with the test's clock and timers. */
export function wireClient(server: FakeServer, clock: ManualClock, options: Partial<ChatClientOptions> = {}): ChatClient {
  return new ChatClient({
    url: server.url,
    token: server.token,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    now: clock.now,
    timers: clock,
    random: () => 0.5,
    logger: silentLogger,
    environment: null,
    ...options,
  });
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
