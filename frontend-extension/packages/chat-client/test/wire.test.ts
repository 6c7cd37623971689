import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatClient, type ConnectionState } from '../src/index.js';
import { until } from './helpers/async-queue.js';
import { advanceLive, runScheduledAttempt, sentBy, untilState, untilStatus, untilText, wireClient } from './helpers/clients.js';
import { FakeServer } from './helpers/fake-server.js';
import { ManualClock } from './helpers/manual-clock.js';

// Real sockets to a fake service on 127.0.0.1; the client's clock and timers
// are the test's, so time moves only when a test says so.

let server: FakeServer;
let clock: ManualClock;
let client: ChatClient | undefined;

beforeEach(async () => {
  server = await FakeServer.start({ heartbeatIntervalMs: 15_000, heartbeatTimeoutMs: 45_000 });
  clock = new ManualClock();
});

afterEach(async () => {
  client?.close();
  client = undefined;
  await server.close();
});

function connect(options = {}): ChatClient {
  client = wireClient(server, clock, options);
  return client;
}

function statesOf(c: ChatClient): ConnectionState[] {
  const states: ConnectionState[] = [c.status.state];
  c.addEventListener('status', (e) => states.push(e.detail.state));
  return states;
}

const accepted = (c: { completionId?: string }) => until(c as any, 'update', () => !!c.completionId, 'accepted');

describe('connection', () => {
  it('is welcomed, sends the token as a query parameter and exposes the model and heartbeat values', async () => {
    const c = connect();
    const states = statesOf(c);
    const welcomes: unknown[] = [];
    c.addEventListener('welcome', (e) => welcomes.push(e.detail.model));
    await untilState(c, 'connected');
    expect(states).toEqual(['connecting', 'connected']);
    expect(c.model).toEqual({ provider: 'demo', name: 'demo-model', demo: true });
    expect(c.welcome).toMatchObject({ protocol: 1, heartbeatIntervalMs: 15_000, heartbeatTimeoutMs: 45_000 });
    expect(welcomes).toHaveLength(1);
    expect(server.upgrades).toBe(1);
    expect(c.restUrl).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('takes the model of a model frame as its model and says so, keeping the connection as it is', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const announced = new Promise((resolve) => c.addEventListener('model', (e) => resolve(e.detail)));
    const other = { provider: 'openai', name: 'gpt-4o', demo: false };

    server.latest.send({ type: 'model', model: other });

    expect(await announced).toEqual(other);
    expect(c.model).toEqual(other);
    expect(c.welcome).toMatchObject({ model: other, heartbeatIntervalMs: 15_000 });
    expect(c.status.state).toBe('connected');
  });

  it('answers every server ping with a pong carrying the same t, and pings on its own', async () => {
    const c = connect();
    await untilState(c, 'connected');
    server.latest.send({ type: 'ping', t: 4242 });
    expect((await server.next('pong')).t).toBe(4242);
    clock.advance(15_000);
    const ping = await server.next('ping');
    expect(ping.t).toBe(clock.now());
  });

  it('a refused token ends failed at once with no retry loop', async () => {
    const c = connect({ token: 'wrong' });
    const states = statesOf(c);
    await untilState(c, 'failed');
    expect(c.status.reason).toMatch(/refused the token/);
    expect(states).toEqual(['connecting', 'failed']);
    expect(server.probes).toEqual([{ authorization: 'Bearer wrong' }]);
    expect(clock.pending).toBe(0);
    clock.advance(60 * 60_000);
    expect(server.upgrades).toBe(1);
    expect(states).toEqual(['connecting', 'failed']);
  });

  it('a refused origin ends failed at once, and reconnect() starts again with a fresh budget', async () => {
    server.refuse = 403;
    const c = connect();
    await untilState(c, 'failed');
    expect(c.status.reason).toMatch(/refused this origin/);
    expect(server.upgrades).toBe(1);
    server.refuse = null;
    c.reconnect();
    expect(c.status.state).toBe('connecting');
    await untilState(c, 'connected');
    expect(server.upgrades).toBe(2);
  });

  it("shows the server's reason for a close, such as a frame over the size limit", async () => {
    const c = connect();
    await untilState(c, 'connected');
    server.dropAll(1009, 'frame too large: 300000 bytes, the limit is 262144');
    await untilState(c, 'disconnected');
    expect(c.status.reason).toBe('closed (1009: frame too large: 300000 bytes, the limit is 262144)');
  });

  it('reconnects with backoff after close codes 1001, 1008 and 4408 and after an abnormal close', async () => {
    const c = connect();
    await untilState(c, 'connected');
    for (const code of [1001, 1008, 4408, undefined]) {
      server.dropAll(code);
      await untilState(c, 'disconnected');
      expect(c.status.reason).toBe(`closed (${code ?? 1006})`);
      expect(c.status.attempt).toBeGreaterThanOrEqual(1);
      expect(c.status.retryAt).toBeGreaterThanOrEqual(clock.now());
      clock.advanceTo(c.status.retryAt!);
      expect(c.status.state).toBe('reconnecting');
      await untilState(c, 'connected');
    }
    expect(server.upgrades).toBe(5);
  });

  it('a ping the link leaves unanswered closes the connection with 4408 and reconnects', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const first = server.latest;
    server.silent = true;
    clock.advance(15_000); // the idle ping goes out
    expect(sentBy(c).filter((f) => f.type === 'ping')).toHaveLength(1);
    clock.advance(2_000);
    expect(c.status.state).toBe('connected');
    clock.advance(1_000);
    expect(c.status).toMatchObject({ state: 'disconnected', attempt: 1, reason: 'no answer to a ping for 3000 ms' });
    expect((await first.closed).code).toBe(4408);
    server.silent = false;
    clock.advanceTo(c.status.retryAt!);
    await untilState(c, 'connected');
    expect(server.upgrades).toBe(2);
  });

  it('a welcome with another protocol version ends failed with a reason a person understands, and nothing more is tried', async () => {
    server.protocol = 2;
    const c = connect();
    const states = statesOf(c);
    await untilState(c, 'failed');
    expect(c.status.reason).toBe(
      'the service speaks protocol 2, this client 1: install matching versions',
    );
    expect((await server.latest.closed).code).toBe(1000);
    expect(clock.pending).toBe(0);
    clock.advance(60 * 60_000);
    expect(server.upgrades).toBe(1);
    expect(states).toEqual(['connecting', 'failed']);
    server.protocol = 1;
    c.reconnect();
    await untilState(c, 'connected');
  });

  it('a late timer (throttled tab) is handled by the wall clock: the one late check sees the dead connection', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('hello');
    await accepted(answer);
    server.silent = true;
    clock.jump(10 * 60_000); // the tab slept for ten minutes; no timer fired meanwhile
    clock.fireNext(); // the check timer fires once, very late
    expect(c.status.state).toBe('disconnected');
    expect(c.status.reason).toMatch(/no frame for 6\d{5} ms/);
    expect(answer.status).toBe('paused');
    server.silent = false;
    await runScheduledAttempt(c, clock);
    await untilState(c, 'connected');
    expect((await server.next('resume')).completionId).toBe(answer.completionId);
  });

  it('close is final: no more attempts, timers stopped, answers in flight failed as client_closed', async () => {
    const c = connect();
    const states = statesOf(c);
    await untilState(c, 'connected');
    const answer = c.send('hello');
    await accepted(answer);
    c.close();
    expect(answer.status).toBe('failed');
    expect(answer.error).toMatchObject({ code: 'client_closed', retryable: true });
    await expect(answer.finished).resolves.toBe('failed');
    expect((await server.latest.closed).code).toBe(1000);
    expect(clock.pending).toBe(0);
    expect(c.status).toEqual({ state: 'disconnected', reason: 'closed' });
    c.reconnect();
    clock.advance(60 * 60_000);
    expect(server.upgrades).toBe(1);
    expect(c.send('later').status).toBe('failed');
    expect(c.resume('cmp-1').status).toBe('failed');
    expect(states).toEqual(['connecting', 'connected', 'disconnected']);
  });
});

describe('answers', () => {
  it('streams an answer: waiting, then streaming, then done with exactly the stored text', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('What is a DataFrame?', { context: { notebookPath: 'a.ipynb' }, mode: 'explain' });
    const statuses = [answer.status as string];
    answer.addEventListener('update', () => statuses.at(-1) !== answer.status && statuses.push(answer.status));
    const chat = await server.next('chat');
    expect(chat).toMatchObject({ text: 'What is a DataFrame?', context: { notebookPath: 'a.ipynb' }, mode: 'explain' });
    expect(chat.clientMessageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(answer.clientMessageId).toBe(chat.clientMessageId);
    const sc = await server.started.take();
    sc.push('A table', ' of data.');
    sc.finish();
    await expect(answer.finished).resolves.toBe('done');
    expect(answer.text).toBe(sc.stored);
    expect(answer).toMatchObject({ completionId: sc.id, conversationId: sc.conversationId, messageId: sc.messageId, lastSeq: 2 });
    expect(answer.answerMessageId).toBe('answer-' + sc.messageId);
    expect(statuses).toEqual(['waiting', 'streaming', 'done']);
  });

  it('queued messages go out in order after a reconnect', async () => {
    const c = connect();
    await untilState(c, 'connected');
    server.dropAll();
    await untilState(c, 'disconnected');
    const answers = ['one', 'two', 'three'].map((t) => c.send(t));
    expect(answers.map((a) => a.status)).toEqual(['paused', 'paused', 'paused']);
    expect(server.received.all.filter((r) => r.frame.type === 'chat')).toHaveLength(0);
    clock.advanceTo(c.status.retryAt!);
    await untilState(c, 'connected');
    const chats = [await server.next('chat'), await server.next('chat'), await server.next('chat')];
    expect(chats.map((f) => f.text)).toEqual(['one', 'two', 'three']);
    expect(chats.map((f) => f.clientMessageId)).toEqual(answers.map((a) => a.clientMessageId));
    expect(new Set(chats.map((f) => f.clientMessageId)).size).toBe(3);
    expect(chats.every((f) => f.conn.index === 2)).toBe(true);
    for (const a of answers) await accepted(a);
    expect(answers.map((a) => a.status)).toEqual(['waiting', 'waiting', 'waiting']);
  });

  it('messages sent while the first attempt is under way wait and go out once welcomed', async () => {
    const c = connect();
    const a = c.send('early');
    expect(a.status).toBe('waiting');
    await untilState(c, 'connected');
    expect((await server.next('chat')).clientMessageId).toBe(a.clientMessageId);
  });

  it('duplicate chunks are dropped', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('hi');
    const sc = await server.started.take();
    await accepted(answer);
    const texts: string[] = [];
    answer.addEventListener('chunk', () => texts.push(answer.text));
    sc.push('a', 'b');
    const conn = server.latest;
    conn.send({ type: 'chunk', completionId: sc.id, seq: 1, delta: 'a' });
    conn.send({ type: 'chunk', completionId: sc.id, seq: 2, delta: 'b' });
    sc.push('c');
    conn.send({ type: 'chunk', completionId: sc.id, seq: 3, delta: 'c' });
    conn.send({ type: 'chunk', completionId: sc.id, seq: 1, delta: 'a' });
    conn.send({ type: 'pong', t: 1 }); // a marker: every chunk before it has been handled when it arrives
    await new Promise<void>((r) => c.addEventListener('frame', (e) => e.detail.type === 'pong' && r()));
    expect(texts).toEqual(['a', 'ab', 'abc']);
    expect(answer.text).toBe('abc');
    expect(answer.lastSeq).toBe(3);
    sc.finish();
    await answer.finished;
    expect(answer.text).toBe('abc');
  });

  it('a gap is never appended: the client asks for a resume from the seq it holds', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('hi');
    const sc = await server.started.take();
    await accepted(answer);
    sc.followers.clear(); // the test sends this answer's chunks by hand
    sc.chunks.push('a', 'b', 'c');
    server.latest.send({ type: 'chunk', completionId: sc.id, seq: 1, delta: 'a' });
    server.latest.send({ type: 'chunk', completionId: sc.id, seq: 3, delta: 'c' });
    const resume = await server.next('resume');
    expect(resume).toMatchObject({ completionId: sc.id, afterSeq: 1 });
    await untilText(answer, 'abc');
    expect(answer.text).toBe('abc');
    sc.finish();
    await expect(answer.finished).resolves.toBe('done');
    expect(answer.text).toBe(sc.stored);
  });

  it('a drop mid-answer is resumed to exactly the server\'s text', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('hi');
    const sc = await server.started.take();
    sc.push('Hel', 'lo');
    await untilText(answer, 'Hello');
    server.dropAll();
    await untilStatus(answer, 'paused');
    sc.push(', wor', 'ld'); // produced while the client was away
    await runScheduledAttempt(c, clock);
    const resume = await server.next('resume');
    expect(resume).toMatchObject({ completionId: sc.id, afterSeq: 2 });
    expect(resume.conn.index).toBe(2);
    await untilText(answer, 'Hello, world');
    sc.push('!');
    sc.finish();
    await expect(answer.finished).resolves.toBe('done');
    expect(answer.text).toBe('Hello, world!');
    expect(answer.text).toBe(sc.stored);
  });

  it('resume() with afterSeq 0 rebuilds the text of an answer from the replay (after a page reload)', async () => {
    const first = connect();
    await untilState(first, 'connected');
    first.send('hi');
    const sc = await server.started.take();
    sc.push('Hel', 'lo');
    first.close();
    const second = connect(); // the reloaded page
    await untilState(second, 'connected');
    const answer = second.resume(sc.id, { conversationId: sc.conversationId });
    expect(second.resume(sc.id)).toBe(answer);
    expect(await server.next('resume')).toMatchObject({ completionId: sc.id, afterSeq: 0 });
    await untilText(answer, 'Hello');
    sc.push(' you');
    sc.finish();
    await expect(answer.finished).resolves.toBe('done');
    expect(answer.text).toBe('Hello you');
    expect(answer.conversationId).toBe(sc.conversationId);
  });

  it('resume() with afterSeq and the text held asks only for the rest', async () => {
    const first = connect();
    await untilState(first, 'connected');
    first.send('hi');
    const sc = await server.started.take();
    sc.push('Hel', 'lo');
    first.close();
    const second = connect();
    const answer = second.resume(sc.id, { afterSeq: 2, text: 'Hello' });
    expect(answer.text).toBe('Hello');
    await untilState(second, 'connected');
    expect(await server.next('resume')).toMatchObject({ afterSeq: 2 });
    sc.push('!');
    sc.finish();
    await answer.finished;
    expect(answer.text).toBe('Hello!');
  });

  it('stalled after the silence on a live link, and back to streaming', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('hi');
    const sc = await server.started.take();
    await accepted(answer);
    await advanceLive(c, clock, 19_000);
    expect(answer.status).toBe('waiting');
    await advanceLive(c, clock, 1_000);
    expect(answer.status).toBe('stalled');
    sc.push('a');
    await untilStatus(answer, 'streaming');
    await advanceLive(c, clock, 19_000);
    expect(answer.status).toBe('streaming');
    sc.push('b');
    await untilText(answer, 'ab');
    await advanceLive(c, clock, 19_000);
    expect(answer.status).toBe('streaming');
    await advanceLive(c, clock, 1_000);
    expect(answer.status).toBe('stalled');
    sc.push('c');
    await untilStatus(answer, 'streaming');
    expect(answer.text).toBe('abc');
    expect(c.status.state).toBe('connected');
  });

  it('one late check after a long silence probes the link first, and shows stalled once the link answered', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('hi');
    await accepted(answer);
    clock.jump(30_000); // the connection itself is still within its 45 s
    const pong = new Promise<void>((r) => c.addEventListener('frame', (e) => e.detail.type === 'pong' && r()));
    clock.fireNext();
    expect(sentBy(c).at(-1)).toEqual({ type: 'ping', t: clock.now() });
    expect(answer.status).toBe('waiting'); // nothing is known of the link yet
    await pong;
    clock.fireNext();
    expect(c.status.state).toBe('connected');
    expect(answer.status).toBe('stalled');
  });

  it('done with lastSeq below the held chunks trims the text to what the history shows', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('hi');
    const sc = await server.started.take();
    sc.push('a', 'b', 'c');
    await untilText(answer, 'abc');
    sc.finish('interrupted', 2); // a crash lost the tail that was not yet durable
    await expect(answer.finished).resolves.toBe('interrupted');
    expect(answer.text).toBe('ab');
    expect(answer.lastSeq).toBe(2);
    expect(answer.text).toBe(sc.stored);
  });

  it('a duplicate accepted after a resend does not start a second answer', async () => {
    const c = connect();
    await untilState(c, 'connected');
    server.holdAccepted = true; // stored, but the accepted frame is lost with the connection
    const answer = c.send('hello');
    const chat1 = await server.next('chat');
    const sc = await server.started.take();
    sc.push('Hi');
    server.holdAccepted = false;
    server.dropAll();
    await runScheduledAttempt(c, clock);
    const chat2 = await server.next('chat');
    expect(chat2.clientMessageId).toBe(chat1.clientMessageId);
    expect(await server.next('resume')).toMatchObject({ completionId: sc.id, afterSeq: 0 });
    await untilText(answer, 'Hi');
    sc.push(' there');
    sc.finish();
    await expect(answer.finished).resolves.toBe('done');
    expect(answer.text).toBe('Hi there');
    expect(answer.completionId).toBe(sc.id);
    expect(server.completions.size).toBe(1);
    expect(server.started.all).toHaveLength(1);
  });

  it('cancel ends cancelled', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('write a long essay');
    const sc = await server.started.take();
    sc.push('Once');
    await untilText(answer, 'Once');
    answer.cancel();
    expect((await server.next('cancel')).completionId).toBe(sc.id);
    await expect(answer.finished).resolves.toBe('cancelled');
    expect(answer.text).toBe('Once');
    expect(sc.status).toBe('cancelled');
  });

  it('cancel while disconnected goes out with the resume once reconnected', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('hi');
    const sc = await server.started.take();
    await accepted(answer);
    server.dropAll();
    await untilStatus(answer, 'paused');
    answer.cancel();
    expect(answer.status).toBe('paused');
    await runScheduledAttempt(c, clock);
    expect((await server.next('cancel')).completionId).toBe(sc.id);
    await expect(answer.finished).resolves.toBe('cancelled');
  });

  it('a failed answer carries the error of done, and send() again is the retry', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.send('hi', { conversationId: 'conv-9' });
    const sc = await server.started.take();
    sc.finish('failed', 0, { code: 'model_error', message: 'the provider timed out', retryable: true });
    await expect(answer.finished).resolves.toBe('failed');
    expect(answer.error).toEqual({ code: 'model_error', message: 'the provider timed out', retryable: true });
    const again = c.send('hi', { conversationId: answer.conversationId });
    const chat = await server.next('chat');
    const chat2 = await server.next('chat');
    expect(chat2).toMatchObject({ text: 'hi', conversationId: 'conv-9' });
    expect(chat2.clientMessageId).not.toBe(chat.clientMessageId);
    expect(again.clientMessageId).toBe(chat2.clientMessageId);
  });

  it('an unknown completion on resume ends failed with the error\'s message', async () => {
    const c = connect();
    await untilState(c, 'connected');
    const answer = c.resume('cmp-404');
    await expect(answer.finished).resolves.toBe('failed');
    expect(answer.error).toEqual({ code: 'not_found', message: 'no such completion', retryable: false });
  });
});
