import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatClient, ChatClientOptions, ChatEnvironment, Completion, CompletionStatus } from '../src/index.js';
import { runScheduledAttempt, untilState, untilText, wireClient } from './helpers/clients.js';
import { FakeServer } from './helpers/fake-server.js';
import { FakeSocket } from './helpers/fake-socket.js';
import { useFakeSockets } from './helpers/fake-sockets.js';
import { ManualClock } from './helpers/manual-clock.js';

// How fast a cut link shows, with the service's default heartbeats (15 s ping, 45 s timeout).

/** An environment whose events the test fires. */
function testEnvironment(): ChatEnvironment & { fire(event: 'online' | 'offline'): void; listening(): number } {
  const listeners = { online: new Set<() => void>(), offline: new Set<() => void>() };
  const subscribe = (set: Set<() => void>) => (listener: () => void) => (set.add(listener), () => set.delete(listener));
  return {
    onOnline: subscribe(listeners.online),
    onOffline: subscribe(listeners.offline),
    fire: (event) => listeners[event].forEach((listener) => listener()),
    listening: () => listeners.online.size + listeners.offline.size,
  };
}

/** Every status an answer shows, in order, without repeats. */
function statusesOf(answer: Completion): CompletionStatus[] {
  const seen: CompletionStatus[] = [answer.status];
  answer.addEventListener('update', () => seen.at(-1) !== answer.status && seen.push(answer.status));
  return seen;
}

describe('a cut link on the wire', () => {
  let server: FakeServer;
  let clock: ManualClock;
  let client: ChatClient | undefined;

  beforeEach(async () => {
    server = await FakeServer.start(); // welcome: heartbeatIntervalMs 15 000, heartbeatTimeoutMs 45 000
    clock = new ManualClock();
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    await server.close();
  });

  /** Connects and starts an answer that has streamed 'Hel'. */
  async function streaming(options: Partial<ChatClientOptions> = {}) {
    client = wireClient(server, clock, options);
    await untilState(client, 'connected');
    const answer = client.send('hi');
    const run = await server.started.take();
    run.push('Hel');
    await untilText(answer, 'Hel');
    return { c: client, answer, run, statuses: statusesOf(answer) };
  }

  it('a blackholed link while an answer streams shows not connected within 7 s (the target: 10 s), never stalled, and the answer resumes exactly', async () => {
    const { c, answer, run, statuses } = await streaming();
    const first = server.latest;
    const cutAt = clock.now();
    server.silent = true; // nothing arrives any more: no close, no offline event
    while (c.status.state === 'connected' && clock.now() - cutAt <= 60_000) clock.advance(100);
    expect(clock.now() - cutAt).toBeLessThanOrEqual(7_000);
    expect(c.status).toMatchObject({ state: 'disconnected', reason: 'no answer to a ping for 3000 ms' });
    expect((await first.closed).code).toBe(4408);
    expect(statuses).toEqual(['streaming', 'paused']);
    run.push('lo'); // written while the link was cut
    server.silent = false;
    await runScheduledAttempt(c, clock);
    await untilText(answer, 'Hello');
    run.finish();
    await expect(answer.finished).resolves.toBe('done');
    expect(answer.text).toBe(run.stored);
    expect(statuses).toEqual(['streaming', 'paused', 'streaming', 'done']);
  });

  it('an 8-second network cut mid-answer shows not connected at once on the offline event, and the answer resumes exactly once online', async () => {
    const environment = testEnvironment();
    const { c, answer, run, statuses } = await streaming({ environment });
    const cutAt = clock.now();
    server.cut();
    environment.fire('offline');
    expect(c.status).toMatchObject({ state: 'disconnected', reason: 'the browser is offline' });
    expect(answer.status).toBe('paused');
    expect((await server.latest.closed).code).toBe(1000);
    const states: string[] = [];
    c.addEventListener('status', (e) => states.push(e.detail.state));
    // The attempts of the next 8 s meet the cut network.
    while (c.status.retryAt! < cutAt + 8_000) {
      clock.advanceTo(c.status.retryAt!);
      await untilState(c, 'disconnected');
    }
    expect(states).not.toContain('connected');
    run.push('lo');
    server.restore();
    clock.advanceTo(cutAt + 8_000);
    if (c.status.state === 'disconnected') environment.fire('online'); // an attempt at once, not at retryAt
    await untilState(c, 'connected');
    await untilText(answer, 'Hello');
    run.finish();
    await expect(answer.finished).resolves.toBe('done');
    expect(answer.text).toBe(run.stored);
    expect(statuses).toEqual(['streaming', 'paused', 'streaming', 'done']);
  });
});

describe('probing the link', () => {
  const { connected } = useFakeSockets();

  const inFlight = (c: ChatClient, ws: FakeSocket): Completion => {
    const answer = c.send('hi');
    ws.receive({ type: 'accepted', clientMessageId: answer.clientMessageId, conversationId: 'v', messageId: 'm', completionId: 'cmp-1', duplicate: false });
    return answer;
  };

  it('with an answer in flight, a silence of probeAfterMs sends a ping, and any frame answers it', async () => {
    const { c, ws } = await connected();
    ws.answersPings = false;
    inFlight(c, ws);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ws.sentOf('ping')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ws.sentOf('ping')).toEqual([{ type: 'ping', t: Date.now() }]);
    await vi.advanceTimersByTimeAsync(2_000);
    ws.receive({ type: 'chunk', completionId: 'cmp-1', seq: 1, delta: 'a' }); // not a pong, but the link works
    await vi.advanceTimersByTimeAsync(2_000);
    expect(c.status.state).toBe('connected');
    expect(ws.closedWith).toBeUndefined();
  });

  it('a ping left unanswered for probeTimeoutMs closes the link with 4408 and starts a reconnect', async () => {
    const { c, ws } = await connected();
    ws.answersPings = false;
    const answer = inFlight(c, ws);
    await vi.advanceTimersByTimeAsync(3_000); // the probe goes out
    await vi.advanceTimersByTimeAsync(2_000);
    expect(c.status.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ws.closedWith).toBe(4408);
    expect(c.status).toMatchObject({ state: 'disconnected', attempt: 1, reason: 'no answer to a ping for 3000 ms' });
    expect(answer.status).toBe('paused');
  });

  it('the probe timings are options', async () => {
    const { c, ws } = await connected({ probeAfterMs: 500, probeTimeoutMs: 1_000, checkIntervalMs: 250 });
    ws.answersPings = false;
    inFlight(c, ws);
    await vi.advanceTimersByTimeAsync(500);
    expect(ws.sentOf('ping')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(750);
    expect(c.status.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(250);
    expect(c.status).toMatchObject({ state: 'disconnected', reason: 'no answer to a ping for 1000 ms' });
  });

  it('an idle link is pinged every heartbeat interval, not sooner, and each ping must be answered too', async () => {
    const { c, ws } = await connected();
    await vi.advanceTimersByTimeAsync(14_000);
    expect(ws.sentOf('ping')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ws.sentOf('ping')).toHaveLength(1); // answered: a live link
    ws.answersPings = false;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(ws.sentOf('ping')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(c.status.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(c.status).toMatchObject({ state: 'disconnected', reason: 'no answer to a ping for 3000 ms' });
  });

  it('a slow model on a link that answers shows stalled after stallAfterMs', async () => {
    const { c, ws } = await connected();
    const answer = inFlight(c, ws);
    const statuses = statusesOf(answer);
    await vi.advanceTimersByTimeAsync(19_000);
    expect(answer.status).toBe('waiting');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(answer.status).toBe('stalled');
    expect(ws.sentOf('ping').length).toBeGreaterThanOrEqual(4); // the link was asked, and answered, all along
    expect(c.status.state).toBe('connected');
    expect(statuses).toEqual(['waiting', 'stalled']);
  });

  it('on a link that does not answer, an answer shows paused, never stalled', async () => {
    const { c, ws } = await connected();
    ws.answersPings = false;
    const answer = inFlight(c, ws);
    const statuses = statusesOf(answer);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(c.status.state).not.toBe('connected');
    expect(statuses).toEqual(['waiting', 'paused']);
  });

  it('the offline event closes a welcomed connection at once; while not connected it changes nothing', async () => {
    const environment = testEnvironment();
    const { c, ws } = await connected({ environment });
    const answer = inFlight(c, ws);
    environment.fire('offline');
    expect(ws.closedWith).toBe(1000);
    expect(c.status).toMatchObject({ state: 'disconnected', attempt: 1, reason: 'the browser is offline' });
    expect(answer.status).toBe('paused');
    const before = c.status;
    environment.fire('offline');
    expect(c.status).toBe(before);
    environment.fire('online');
    expect(c.status.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.last.welcome();
    expect(FakeSocket.last.sentOf('resume')).toEqual([{ type: 'resume', completionId: 'cmp-1', afterSeq: 0 }]);
    c.close();
    expect(environment.listening()).toBe(0);
  });

  it('online while an attempt hangs (begun while the network was gone) replaces it with a fresh attempt at once', async () => {
    const environment = testEnvironment();
    const { c, ws } = await connected({ environment });
    environment.fire('offline');
    await vi.advanceTimersByTimeAsync(c.status.retryAt! - Date.now());
    const hanging = FakeSocket.last;
    expect(hanging).not.toBe(ws);
    expect(c.status).toMatchObject({ state: 'reconnecting', attempt: 1 });
    environment.fire('online');
    expect(hanging.closedWith).toBe(1000);
    expect(c.status).toMatchObject({ state: 'reconnecting', attempt: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.last).not.toBe(hanging);
    FakeSocket.last.welcome();
    expect(c.status.state).toBe('connected');
    environment.fire('online'); // connected: nothing to do
    expect(FakeSocket.instances).toHaveLength(3);
  });

  it('by default listens to the window offline event', async () => {
    const win = new EventTarget();
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
    vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }));
    const { c } = await connected({ environment: undefined });
    win.dispatchEvent(new Event('offline'));
    expect(c.status).toMatchObject({ state: 'disconnected', reason: 'the browser is offline' });
  });
});
