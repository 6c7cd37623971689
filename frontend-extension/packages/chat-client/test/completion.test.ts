import { describe, expect, it, vi } from 'vitest';
import type { Completion, ErrorFrame } from '../src/index.js';
import { FakeSocket } from './helpers/fake-socket.js';
import { settle, useFakeSockets } from './helpers/fake-sockets.js';

// Completions against an in-memory socket, under Vitest's fake timers.

const { make, connected } = useFakeSockets();

function accept(ws: FakeSocket, a: Completion, completionId = 'cmp-1', duplicate = false): void {
  ws.receive({ type: 'accepted', clientMessageId: a.clientMessageId, conversationId: 'conv-1', messageId: 'msg-1', completionId, duplicate });
}

const chunk = (ws: FakeSocket, seq: number, delta: string, completionId = 'cmp-1') =>
  ws.receive({ type: 'chunk', completionId, seq, delta });

describe('the outgoing queue', () => {
  it('is bounded: a message past the bound fails at once with a clear error', async () => {
    const client = make({ maxQueued: 2 });
    const a = client.send('1');
    const b = client.send('2');
    const over = client.send('3');
    expect([a.status, b.status]).toEqual(['waiting', 'waiting']);
    expect(over.status).toBe('failed');
    expect(over.error).toEqual({ code: 'queue_full', message: 'too many messages waiting for the connection (2)', retryable: true });
    await expect(over.finished).resolves.toBe('failed');
    await settle();
    FakeSocket.last.welcome();
    expect(FakeSocket.last.sentOf('chat').map((f) => f.text)).toEqual(['1', '2']);
  });

  it('a question larger than the service takes fails at once as too_large and is never sent, so never resent', async () => {
    const { c, ws } = await connected();
    const big = c.send('x'.repeat(300_000));
    expect(big.status).toBe('failed');
    expect(big.error).toMatchObject({ code: 'too_large', retryable: false });
    expect(big.error?.message).toContain('over the limit of 256 KiB');
    const fits = c.send('y'.repeat(200_000));
    expect(fits.status).toBe('waiting');
    expect(ws.sentOf('chat').map((f) => f.text.length)).toEqual([200_000]);
  });

  it('the limit is the one the service names in its welcome', async () => {
    const client = make();
    await settle();
    FakeSocket.last.welcome(15_000, 45_000, { maxFrameBytes: 1_000 });
    const over = client.send('z'.repeat(1_000));
    expect(over.error).toMatchObject({ code: 'too_large', retryable: false });
    expect(FakeSocket.last.sentOf('chat')).toEqual([]);
  });

  it('a chat sent but not accepted when the connection drops is resent with the same clientMessageId', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    ws.serverClose(1006);
    expect(a.status).toBe('paused');
    await vi.advanceTimersByTimeAsync(c.status.retryAt! - Date.now());
    await settle();
    FakeSocket.last.welcome();
    expect(FakeSocket.last.sentOf('chat')).toEqual([{ type: 'chat', clientMessageId: a.clientMessageId, text: 'hi' }]);
    expect(a.status).toBe('waiting');
  });

  it('makes v4 UUIDs without crypto.randomUUID (insecure pages)', async () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => real.getRandomValues(b) });
    const { c } = await connected();
    const ids = [c.send('a'), c.send('b')].map((x) => x.clientMessageId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
    vi.stubGlobal('crypto', undefined);
    expect(c.send('c').clientMessageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
  });
});

describe('chunks and done', () => {
  it('a gap at done asks for the missing tail before ending', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    accept(ws, a);
    chunk(ws, 1, 'a');
    ws.receive({ type: 'done', completionId: 'cmp-1', status: 'completed', lastSeq: 3, messageId: 'm' });
    expect(a.status).toBe('streaming');
    expect(ws.sentOf('resume')).toEqual([{ type: 'resume', completionId: 'cmp-1', afterSeq: 1 }]);
    chunk(ws, 2, 'b');
    chunk(ws, 3, 'c');
    ws.receive({ type: 'done', completionId: 'cmp-1', status: 'completed', lastSeq: 3, messageId: 'm' });
    expect(a.status).toBe('done');
    expect(a.text).toBe('abc');
  });

  it('a tail that never comes ends failed, not waiting forever', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    accept(ws, a);
    for (let i = 0; i < 5; i++) ws.receive({ type: 'done', completionId: 'cmp-1', status: 'completed', lastSeq: 2, messageId: 'm' });
    expect(a.status).toBe('failed');
    expect(a.error?.code).toBe('incomplete');
  });

  it('one resume per gap, however many chunks arrive past it', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    accept(ws, a);
    chunk(ws, 1, 'a');
    chunk(ws, 3, 'c');
    chunk(ws, 4, 'd');
    expect(a.text).toBe('a');
    expect(ws.sentOf('resume')).toHaveLength(1);
    chunk(ws, 2, 'b');
    chunk(ws, 3, 'c');
    chunk(ws, 4, 'd');
    expect(a.text).toBe('abcd');
  });

  it('emits chunk events in seq order and done once', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    const chunks: unknown[] = [];
    const dones: unknown[] = [];
    a.addEventListener('chunk', (e) => chunks.push(e.detail));
    a.addEventListener('done', (e) => dones.push(e.detail));
    accept(ws, a);
    chunk(ws, 1, 'x');
    chunk(ws, 1, 'x');
    chunk(ws, 2, 'y');
    ws.receive({ type: 'done', completionId: 'cmp-1', status: 'completed', lastSeq: 2, messageId: 'm' });
    ws.receive({ type: 'done', completionId: 'cmp-1', status: 'completed', lastSeq: 2, messageId: 'm' });
    expect(chunks).toEqual([{ seq: 1, delta: 'x' }, { seq: 2, delta: 'y' }]);
    expect(dones).toEqual(['done']);
  });

  it('trimming inside the text handed to resume() rebuilds the text from a full replay', async () => {
    const { c, ws } = await connected();
    const a = c.resume('cmp-7', { afterSeq: 3, text: 'abc' });
    expect(ws.sentOf('resume')).toEqual([{ type: 'resume', completionId: 'cmp-7', afterSeq: 3 }]);
    ws.receive({ type: 'done', completionId: 'cmp-7', status: 'interrupted', lastSeq: 2, messageId: 'm' });
    expect(a.status).toBe('streaming');
    expect(a.text).toBe('');
    expect(ws.sentOf('resume').at(-1)).toEqual({ type: 'resume', completionId: 'cmp-7', afterSeq: 0 });
    chunk(ws, 1, 'a', 'cmp-7');
    chunk(ws, 2, 'b', 'cmp-7');
    ws.receive({ type: 'done', completionId: 'cmp-7', status: 'interrupted', lastSeq: 2, messageId: 'm' });
    expect(a.status).toBe('interrupted');
    expect(a.text).toBe('ab');
  });

  it('maps every done status: completed is done, the others keep their name', async () => {
    const { c, ws } = await connected();
    const statuses = ['completed', 'cancelled', 'failed', 'interrupted'] as const;
    const all = statuses.map((s, i) => {
      const a = c.send(s);
      accept(ws, a, 'cmp-' + i);
      ws.receive({ type: 'done', completionId: 'cmp-' + i, status: s, lastSeq: 0, messageId: 'm' });
      return a.status;
    });
    expect(all).toEqual(['done', 'cancelled', 'failed', 'interrupted']);
  });
});

describe('error frames', () => {
  const error = (ref: string | undefined, code: ErrorFrame['code'], retryable: boolean): ErrorFrame => ({
    type: 'error',
    code,
    message: `${code} happened`,
    retryable,
    ref,
  });

  it('not retryable: the answer it names ends failed with the error\'s message', async () => {
    const { c, ws } = await connected();
    const a = c.send('x'.repeat(10));
    ws.receive(error(a.clientMessageId, 'too_large', false));
    expect(a.status).toBe('failed');
    expect(a.error).toEqual({ code: 'too_large', message: 'too_large happened', retryable: false });
  });

  it('retryable on a message: it stays waiting with retryAt, then is resent with backoff', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    ws.receive(error(a.clientMessageId, 'rate_limited', true));
    expect(a.status).toBe('waiting');
    expect(a.retryAt).toBe(Date.now() + 250);
    expect(a.error).toMatchObject({ code: 'rate_limited', retryable: true });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ws.sentOf('chat').map((f) => f.clientMessageId)).toEqual([a.clientMessageId, a.clientMessageId]);
    expect(a.retryAt).toBeUndefined();
    expect(a.error).toBeUndefined();
    ws.receive(error(a.clientMessageId, 'rate_limited', true));
    expect(a.retryAt).toBe(Date.now() + 500); // the second try waits longer
  });

  it('retryable on a completion: it is resumed from the seq held after the backoff', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    accept(ws, a);
    chunk(ws, 1, 'a');
    ws.receive(error('cmp-1', 'unavailable', true));
    expect(a.status).toBe('streaming');
    expect(a.retryAt).toBeDefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ws.sentOf('resume')).toEqual([{ type: 'resume', completionId: 'cmp-1', afterSeq: 1 }]);
  });

  it('retryable errors that go on past the budget end the answer failed', async () => {
    const { c, ws } = await connected({ retryBudgetMs: 60_000 });
    const a = c.send('hi');
    while (!a.ended) {
      ws.receive({ type: 'pong' });
      ws.receive(error(a.clientMessageId, 'rate_limited', true));
      await vi.advanceTimersByTimeAsync(Math.max(a.retryAt ?? 0, Date.now()) - Date.now() + 1_000);
    }
    expect(a.status).toBe('failed');
    expect(a.error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(Date.now() - 1_700_000_000_000).toBeGreaterThanOrEqual(60_000);
  });

  it('an error that names nothing waited on is published as an error event', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    const errors: ErrorFrame[] = [];
    c.addEventListener('error', (e) => errors.push(e.detail));
    ws.receive(error(undefined, 'bad_request', false));
    ws.receive(error('someone-else', 'not_found', false));
    expect(errors.map((e) => e.code)).toEqual(['bad_request', 'not_found']);
    expect(a.status).toBe('waiting');
  });
});

describe('cancel', () => {
  it('a message that never left the queue ends cancelled at once, and is never sent', async () => {
    const a = make().send('never mind');
    a.cancel();
    expect(a.status).toBe('cancelled');
    await expect(a.finished).resolves.toBe('cancelled');
    await settle();
    FakeSocket.last.welcome();
    expect(FakeSocket.last.sentOf('chat')).toEqual([]);
  });

  it('a message sent but not accepted yet is cancelled once accepted', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    a.cancel();
    expect(ws.sentOf('cancel')).toEqual([]);
    accept(ws, a);
    expect(ws.sentOf('cancel')).toEqual([{ type: 'cancel', completionId: 'cmp-1' }]);
    ws.receive({ type: 'done', completionId: 'cmp-1', status: 'cancelled', lastSeq: 0, messageId: 'm' });
    expect(a.status).toBe('cancelled');
  });

  it('a completion that finished before the cancel arrived ends done, honestly', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    accept(ws, a);
    a.cancel();
    chunk(ws, 1, 'all');
    ws.receive({ type: 'done', completionId: 'cmp-1', status: 'completed', lastSeq: 1, messageId: 'm' });
    expect(a.status).toBe('done');
    a.cancel(); // ended: nothing happens
    expect(ws.sentOf('cancel')).toHaveLength(1);
  });

  it('a message refused with a retryable error and cancelled meanwhile ends cancelled at once', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    ws.receive({ type: 'error', code: 'rate_limited', message: 'slow down', retryable: true, ref: a.clientMessageId });
    a.cancel();
    expect(a.status).toBe('cancelled');
  });
});

describe('status of answers', () => {
  it('answers in flight are paused while disconnected and resumed with the highest seq held', async () => {
    const { c, ws } = await connected();
    const a = c.send('hi');
    accept(ws, a);
    chunk(ws, 1, 'a');
    chunk(ws, 2, 'b');
    ws.serverClose(4408);
    expect(a.status).toBe('paused');
    const fresh = c.send('meanwhile');
    expect(fresh.status).toBe('paused');
    await vi.advanceTimersByTimeAsync(c.status.retryAt! - Date.now());
    await settle();
    const ws2 = FakeSocket.last;
    ws2.welcome();
    expect(ws2.sent).toEqual([
      { type: 'resume', completionId: 'cmp-1', afterSeq: 2 },
      { type: 'chat', clientMessageId: fresh.clientMessageId, text: 'meanwhile' },
    ]);
    expect(a.status).toBe('streaming');
    expect(fresh.status).toBe('waiting');
  });

  it('pending lists the answers not ended, oldest first', async () => {
    const { c, ws } = await connected();
    const a = c.send('1');
    const b = c.send('2');
    expect(c.pending).toEqual([a, b]);
    accept(ws, a);
    ws.receive({ type: 'done', completionId: 'cmp-1', status: 'completed', lastSeq: 0, messageId: 'm' });
    expect(c.pending).toEqual([b]);
  });
});
