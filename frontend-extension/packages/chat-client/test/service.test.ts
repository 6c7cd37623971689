import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatClient, CompletionStatus, ConnectionStatus, FetchLike } from '../src/index.js';
import { probeAnswer, runScheduledAttempt, untilState, untilStatus, untilText, wireClient } from './helpers/clients.js';
import { FakeServer } from './helpers/fake-server.js';
import { FakeSocket } from './helpers/fake-socket.js';
import { settle, useFakeSockets } from './helpers/fake-sockets.js';
import { ManualClock } from './helpers/manual-clock.js';

// What the Jupyter proxy says while the service is not serving: 503 with
// {"code":"unavailable","message":"…","state":"starting"|"restarting"|"stopped"}.

describe('the proxy on the wire', () => {
  let server: FakeServer;
  let clock: ManualClock;
  let client: ChatClient | undefined;

  beforeEach(async () => {
    server = await FakeServer.start();
    clock = new ManualClock();
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    await server.close();
  });

  it('while the proxy says the service is starting, the status says so, attempts come within 2 s, and it clears once connected', async () => {
    server.unavailable = { state: 'starting', message: 'the chat service is starting' };
    const c = (client = wireClient(server, clock, { random: () => 0.999 }));
    const seen: ConnectionStatus[] = [];
    c.addEventListener('status', (e) => seen.push(e.detail));
    for (let attempt = 1; attempt <= 6; attempt++) {
      await untilState(c, 'disconnected');
      expect(c.status).toMatchObject({ attempt, service: 'starting', reason: 'the chat service is starting' });
      expect(c.status.retryAt! - clock.now()).toBeLessThan(2_000);
      clock.advanceTo(c.status.retryAt!);
      expect(c.status).toMatchObject({ state: 'reconnecting', attempt, service: 'starting' });
    }
    server.unavailable = null;
    await untilState(c, 'connected');
    expect(c.status).toEqual({ state: 'connected' });
    expect(seen.filter((s) => s.state !== 'connected').every((s) => s.service === 'starting')).toBe(true);
  });

  it('after the proxy says restarting, a running answer is orphaned, stays so while reconnecting, and ends interrupted with the stored text', async () => {
    const c = (client = wireClient(server, clock));
    await untilState(c, 'connected');
    const answer = c.send('hi');
    const run = await server.started.take();
    run.push('a', 'b');
    await untilText(answer, 'ab');
    const statuses: CompletionStatus[] = [];
    answer.addEventListener('update', () => statuses.at(-1) !== answer.status && statuses.push(answer.status));
    // kill -9: the socket ends; only 'a' was stored; the supervisor is restarting the service.
    server.unavailable = { state: 'restarting', message: 'the chat service stopped; restarting it' };
    server.dropAll();
    run.finish('interrupted', 1);
    await untilStatus(answer, 'paused'); // not known yet: the connection dropped, that is all
    await runScheduledAttempt(c, clock);
    await untilStatus(answer, 'orphaned');
    expect(c.status).toMatchObject({ state: 'disconnected', service: 'restarting', reason: 'the chat service stopped; restarting it' });
    server.unavailable = null;
    await runScheduledAttempt(c, clock);
    await expect(answer.finished).resolves.toBe('interrupted');
    expect(answer.text).toBe('a');
    expect(answer.text).toBe(run.stored);
    expect(statuses).toEqual(['paused', 'orphaned', 'interrupted']);
  });
});

describe('the proxy, unit', () => {
  const { make: makeClient } = useFakeSockets();
  const make = (fetch: FetchLike) => makeClient({ fetch });

  /** The socket drops; the next attempt meets the proxy's 503 (the browser sees 1006, the probe reads the body). */
  async function dropAndMeet503(c: ChatClient): Promise<void> {
    FakeSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(c.status.retryAt! - Date.now());
    FakeSocket.last.serverClose(1006);
    await settle();
  }

  const unavailable = (state: string, message = `the chat service is ${state}`) =>
    probeAnswer(503, { code: 'unavailable', message, state });

  it('stopped is published with the proxy\'s message and orphans accepted answers', async () => {
    const c = make(unavailable('stopped', 'another process owns the data folder'));
    await settle();
    FakeSocket.last.welcome();
    const answer = c.send('hi');
    FakeSocket.last.receive({ type: 'accepted', clientMessageId: answer.clientMessageId, conversationId: 'v', messageId: 'm', completionId: 'cmp-1', duplicate: false });
    await dropAndMeet503(c);
    expect(c.status).toMatchObject({ state: 'disconnected', service: 'stopped', reason: 'another process owns the data folder' });
    expect(answer.status).toBe('orphaned');
  });

  it('an answer not yet accepted is not orphaned: the service may not hold it, so it is sent again once back', async () => {
    const c = make(unavailable('restarting'));
    await settle();
    FakeSocket.last.welcome();
    const answer = c.send('hi');
    await dropAndMeet503(c);
    expect(c.status.service).toBe('restarting');
    expect(answer.status).toBe('paused');
    await vi.advanceTimersByTimeAsync(c.status.retryAt! - Date.now());
    FakeSocket.last.welcome();
    expect(FakeSocket.last.sentOf('chat').map((f) => f.clientMessageId)).toEqual([answer.clientMessageId]);
    expect(answer.status).toBe('waiting');
  });

  it('starting orphans nothing: a service that never served this client ran none of its answers', async () => {
    const c = make(unavailable('starting'));
    const answer = c.resume('cmp-7');
    await settle();
    FakeSocket.last.serverClose(1006);
    await settle();
    expect(c.status.service).toBe('starting');
    expect(answer.status).toBe('paused');
  });

  it.each([
    ['a 503 without the proxy\'s body', probeAnswer(503, { code: 'unavailable', message: 'shutting down' })],
    ['a 503 with an unknown state', probeAnswer(503, { code: 'unavailable', message: 'm', state: 'sleeping' })],
    ['a 503 that is not JSON', async () => ({ status: 503, json: () => Promise.reject(new SyntaxError('not JSON')) })],
  ])('%s is only a failed attempt: no service state, the close code as the reason', async (_, fetch) => {
    const c = make(fetch);
    await settle();
    FakeSocket.last.serverClose(1006);
    await settle();
    expect(c.status).toEqual({ state: 'disconnected', attempt: 1, retryAt: Date.now() + 250, reason: 'closed (1006)' });
  });

  it('a service state already known stays in the status while the next attempt runs, and is cleared by a probe that says nothing', async () => {
    let answer = unavailable('starting');
    const c = make(() => answer());
    await settle();
    FakeSocket.last.serverClose(1006);
    await settle();
    await vi.advanceTimersByTimeAsync(c.status.retryAt! - Date.now());
    expect(c.status).toMatchObject({ state: 'reconnecting', service: 'starting' });
    answer = probeAnswer(502, { code: 'unavailable', message: 'bad gateway' });
    FakeSocket.last.serverClose(1006);
    await settle();
    expect(c.status.state).toBe('disconnected');
    expect(c.status.service).toBeUndefined();
  });
});
