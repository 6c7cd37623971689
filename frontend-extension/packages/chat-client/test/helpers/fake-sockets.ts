import { afterEach, beforeEach, vi } from 'vitest';
import { ChatClient, type ChatClientOptions } from '../../src/index.js';
import { probeAnswer, silentLogger } from './clients.js';
import { FakeSocket } from './fake-socket.js';

/** Lets promises (token provider, probe, pongs) settle without moving the clock. */
export const settle = (): Promise<unknown> => vi.advanceTimersByTimeAsync(0);

/**
 * For every test of the calling file (or describe): Vitest's fake timers and in-memory sockets, the test playing
 * the server. `make` builds a client on them and `connected` one that is welcomed; each is closed after its test.
 */
export function useFakeSockets(defaults: Partial<ChatClientOptions> = {}) {
  let client: ChatClient | undefined;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    FakeSocket.reset();
  });

  afterEach(() => {
    client?.close();
    client = undefined;
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const make = (options: Partial<ChatClientOptions> = {}): ChatClient =>
    (client = new ChatClient({
      url: 'ws://svc.test/api/chat',
      token: 'tok',
      WebSocket: FakeSocket,
      fetch: probeAnswer(200, []),
      logger: silentLogger,
      environment: null,
      random: () => 0.5,
      ...defaults,
      ...options,
    }));

  const connected = async (options: Partial<ChatClientOptions> = {}): Promise<{ c: ChatClient; ws: FakeSocket }> => {
    const c = make(options);
    await settle();
    FakeSocket.last.welcome(); // 15 s interval, 45 s timeout
    return { c, ws: FakeSocket.last };
  };

  return { make, connected };
}
