import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, ChatClient, restBaseFromWsUrl, type ChatEnvironment } from '../src/index.js';
import { probeAnswer } from './helpers/clients.js';
import { FakeSocket } from './helpers/fake-socket.js';
import { settle, useFakeSockets } from './helpers/fake-sockets.js';

// The client with its default clock and timers, under Vitest's fake timers,
// and an in-memory socket: the test plays the server.

const URL_ = 'ws://svc.test:8765/api/chat';
const { make } = useFakeSockets({ url: URL_ });

/** The current attempt fails the way a refused or unreachable socket does. */
async function failAttempt(): Promise<void> {
  await settle();
  FakeSocket.last.serverClose(1006);
  await settle();
}

/** Moves time to the scheduled attempt and lets it open its socket. */
async function toRetry(c: ChatClient): Promise<void> {
  await vi.advanceTimersByTimeAsync(c.status.retryAt! - Date.now());
  await settle();
}

describe('backoff', () => {
  it('full jitter: a delay lies in [0, min(max, base * 2^(attempt-1))]', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, 500, 30_000, () => 0)).toBe(0);
      expect(backoffDelay(attempt, 500, 30_000, () => 0.999999)).toBeLessThanOrEqual(ceiling);
      expect(backoffDelay(attempt, 500, 30_000, () => 0.999999)).toBeGreaterThan(ceiling * 0.999);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, 500, 30_000, Math.random);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }
    }
  });

  it('backoff delays stay within full-jitter bounds and grow', async () => {
    const randoms = [0.99, 0.1, 0.99, 0.5, 0.99, 0.99, 0.99, 0.3, 0.99];
    let r = 0;
    const c = make({ random: () => randoms[r++ % randoms.length] });
    const delays: number[] = [];
    const attempts: number[] = [];
    for (let i = 0; i < randoms.length; i++) {
      await failAttempt();
      expect(c.status.state).toBe('disconnected');
      attempts.push(c.status.attempt!);
      delays.push(c.status.retryAt! - Date.now());
      await toRetry(c);
      expect(c.status).toMatchObject({ state: 'reconnecting', attempt: i + 1 });
    }
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    delays.forEach((d, i) => {
      const ceiling = Math.min(30_000, 500 * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(ceiling);
      expect(d).toBeCloseTo(randoms[i] * ceiling, 5);
    });
    // With the same draw the delay grows with each attempt, up to the 30 s cap.
    const atMax = delays.filter((_, i) => randoms[i] === 0.99);
    expect(atMax).toEqual([...atMax].sort((a, b) => a - b));
    expect(Math.max(...delays)).toBeCloseTo(0.99 * 30_000, 5);
    expect(FakeSocket.instances).toHaveLength(10);
  });

  it('spending the retry budget ends in failed', async () => {
    const start = Date.now();
    const c = make({ random: () => 0.999 });
    let attempts = 1;
    await failAttempt();
    while (c.status.state === 'disconnected') {
      await toRetry(c);
      attempts++;
      await failAttempt();
    }
    expect(c.status.state).toBe('failed');
    expect(c.status.reason).toMatch(/^no connection for 3\d\d s \(closed \(1006\)\)$/);
    const spent = Date.now() - start;
    expect(spent).toBeGreaterThanOrEqual(300_000);
    expect(spent).toBeLessThan(300_000 + 30_000);
    expect(attempts).toBeGreaterThan(8);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(FakeSocket.instances).toHaveLength(attempts);
  });

  it('the last attempt is made when the budget ends, so failed is never shown late', async () => {
    const start = Date.now();
    const c = make({ random: () => 0.999, retryBudgetMs: 12_000 });
    await failAttempt();
    while (c.status.state === 'disconnected') {
      expect(c.status.retryAt! - start).toBeLessThanOrEqual(12_000);
      await toRetry(c);
      await failAttempt();
    }
    expect(c.status.state).toBe('failed');
    expect(Date.now() - start).toBeLessThanOrEqual(12_000);
  });

  it('the backoff and the budget reset after a connection stayed up for a while', async () => {
    const c = make({ random: () => 0.5 });
    await failAttempt();
    await toRetry(c);
    await failAttempt();
    expect(c.status.attempt).toBe(2);
    await toRetry(c);
    FakeSocket.last.welcome();
    expect(c.status.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(1_000);
    FakeSocket.last.serverClose(1001); // up 1 s only: the backoff goes on
    expect(c.status.attempt).toBe(3);
    await toRetry(c);
    FakeSocket.last.welcome();
    await vi.advanceTimersByTimeAsync(10_000);
    FakeSocket.last.serverClose(1001); // up 10 s: a fresh start
    expect(c.status).toMatchObject({ state: 'disconnected', attempt: 1, reason: 'closed (1001)' });
    expect(c.status.retryAt! - Date.now()).toBe(250);
  });

  it('disconnected carries the attempt number and the epoch ms of the next attempt', async () => {
    const c = make({ random: () => 0.5 });
    const seen: unknown[] = [];
    c.addEventListener('status', (e) => seen.push(e.detail));
    await failAttempt();
    const now = Date.now();
    expect(seen).toEqual([{ state: 'disconnected', attempt: 1, retryAt: now + 250, reason: 'closed (1006)' }]);
    await vi.advanceTimersByTimeAsync(249);
    expect(c.status.state).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at(-1)).toEqual({ state: 'reconnecting', attempt: 1 });
  });
});

describe('the auth probe', () => {
  it('asks GET /api/conversations with the same token as a Bearer header', async () => {
    const fetch = vi.fn(probeAnswer(200, []));
    make({ fetch, token: 'abc' });
    await failAttempt();
    expect(fetch).toHaveBeenCalledWith('http://svc.test:8765/api/conversations', { headers: { Authorization: 'Bearer abc' } });
    expect(FakeSocket.instances[0].url).toBe(URL_ + '?token=abc');
  });

  it('401 ends failed at once and nothing more is tried', async () => {
    const c = make({ fetch: probeAnswer(401) });
    await failAttempt();
    expect(c.status).toEqual({ state: 'failed', reason: 'the service refused the token (HTTP 401)' });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('403 ends failed at once: origin refused', async () => {
    const c = make({ fetch: probeAnswer(403) });
    await failAttempt();
    expect(c.status).toEqual({ state: 'failed', reason: 'the service refused this origin (HTTP 403)' });
  });

  it('a network failure backs off and tries again', async () => {
    const c = make({ fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    await failAttempt();
    expect(c.status).toMatchObject({ state: 'disconnected', attempt: 1 });
    await toRetry(c);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('is not asked when a connection that was welcomed drops', async () => {
    const fetch = vi.fn(probeAnswer(401));
    const c = make({ fetch });
    await settle();
    FakeSocket.last.welcome();
    FakeSocket.last.serverClose(1001);
    expect(fetch).not.toHaveBeenCalled();
    expect(c.status.state).toBe('disconnected');
  });

  it('derives the REST base from the chat URL unless restUrl is given', () => {
    expect(restBaseFromWsUrl('ws://localhost:8765/api/chat')).toBe('http://localhost:8765');
    expect(restBaseFromWsUrl('wss://hub.example/user/ann/mooring/api/chat?x=1')).toBe('https://hub.example/user/ann/mooring');
    expect(restBaseFromWsUrl('wss://hub.example/')).toBe('https://hub.example');
    const first = make({ url: 'wss://h.example/p/api/chat' });
    expect(first.restUrl).toBe('https://h.example/p');
    first.close();
    expect(make({ restUrl: 'https://other.example/base/' }).restUrl).toBe('https://other.example/base');
  });
});

describe('attempts', () => {
  it('calls the token provider before each attempt', async () => {
    let n = 0;
    const token = vi.fn(async () => 'tok-' + ++n);
    const c = make({ token, random: () => 0 });
    await failAttempt();
    await toRetry(c);
    expect(token).toHaveBeenCalledTimes(2);
    expect(FakeSocket.instances.map((s) => new URL(s.url).searchParams.get('token'))).toEqual(['tok-1', 'tok-2']);
  });

  it('a token provider that fails counts as a failed attempt and backs off', async () => {
    const c = make({ token: () => Promise.reject(new Error('no session')) });
    await settle();
    expect(c.status).toMatchObject({ state: 'disconnected', attempt: 1, reason: 'no token' });
    expect(FakeSocket.instances).toHaveLength(0);
  });

  it('gives up an attempt that is not welcomed within the connect timeout', async () => {
    const c = make({ connectTimeoutMs: 10_000 });
    await settle();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.status.state).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeSocket.instances[0].closedWith).toBe(1000);
    await settle();
    expect(c.status).toMatchObject({ state: 'disconnected', attempt: 1, reason: 'connect timeout' });
  });

  it('tries at once on online and when the page becomes visible, if disconnected', async () => {
    const listeners: Record<string, () => void> = {};
    const environment: ChatEnvironment = {
      onOnline: (l) => ((listeners.online = l), () => delete listeners.online),
      onVisible: (l) => ((listeners.visible = l), () => delete listeners.visible),
    };
    const c = make({ environment, random: () => 0.99 });
    await failAttempt();
    await toRetry(c);
    await failAttempt();
    expect(c.status.retryAt! - Date.now()).toBeGreaterThan(900);
    listeners.online();
    expect(c.status).toMatchObject({ state: 'reconnecting', attempt: 2 });
    await settle();
    expect(FakeSocket.instances).toHaveLength(3);
    await failAttempt();
    listeners.visible();
    await settle();
    expect(FakeSocket.instances).toHaveLength(4);
    FakeSocket.last.welcome();
    listeners.online(); // connected: nothing to do
    await settle();
    expect(FakeSocket.instances).toHaveLength(4);
    c.close();
    expect(listeners).toEqual({});
  });

  it('when the page becomes visible, a dead connection is noticed at once', async () => {
    const listeners: Record<string, () => void> = {};
    const c = make({ environment: { onVisible: (l) => ((listeners.visible = l), () => {}) } });
    await settle();
    FakeSocket.last.welcome();
    vi.setSystemTime(Date.now() + 120_000); // the tab was hidden; no timer ran
    listeners.visible();
    expect(FakeSocket.instances[0].closedWith).toBe(4408);
    expect(c.status.state).toBe('disconnected');
  });

  it('uses the welcome heartbeat values: interval for its pings, timeout for silence', async () => {
    const c = make({ probeTimeoutMs: 60_000 }); // no deadline on pings here: the heartbeat timeout alone decides
    await settle();
    const ws = FakeSocket.last;
    ws.answersPings = false;
    ws.welcome(5_000, 12_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ws.sentOf('ping')).toHaveLength(1);
    ws.receive({ type: 'pong', t: 1 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ws.sentOf('ping')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(7_000); // 12 s since the pong
    expect(c.status.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ws.closedWith).toBe(4408);
    expect(c.status).toMatchObject({ state: 'disconnected', reason: expect.stringMatching(/^no frame for 13\d{3} ms$/) });
  });

  it('reconnect() from connected drops the socket and starts again with a fresh budget', async () => {
    const c = make({ random: () => 0.5 });
    await failAttempt();
    await toRetry(c);
    await settle();
    FakeSocket.last.welcome();
    c.reconnect();
    expect(FakeSocket.instances[1].closedWith).toBe(1000);
    expect(c.status).toEqual({ state: 'connecting' });
    await failAttempt();
    expect(c.status.attempt).toBe(1);
  });
});

describe('construction and environment', () => {
  it('throws at once for a URL that is not one, or where no WebSocket exists', () => {
    expect(() => make({ url: 'not a url' })).toThrow(TypeError);
    vi.stubGlobal('WebSocket', undefined);
    expect(() => new ChatClient({ url: URL_, token: 't', environment: null })).toThrow(/no WebSocket/);
  });

  it('by default listens to window online and document visibilitychange, and close() removes both', async () => {
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
    vi.stubGlobal('document', doc);
    const c = make({ environment: undefined, random: () => 0.99 });
    await failAttempt();
    expect(c.status.state).toBe('disconnected');
    doc.dispatchEvent(new Event('visibilitychange')); // hidden: nothing
    expect(c.status.state).toBe('disconnected');
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(c.status.state).toBe('reconnecting');
    await failAttempt();
    win.dispatchEvent(new Event('online'));
    expect(c.status.state).toBe('reconnecting');
    await failAttempt();
    c.close();
    win.dispatchEvent(new Event('online'));
    doc.dispatchEvent(new Event('visibilitychange'));
    await settle();
    expect(FakeSocket.instances).toHaveLength(3);
    expect(c.status).toEqual({ state: 'disconnected', reason: 'closed' });
  });
});
