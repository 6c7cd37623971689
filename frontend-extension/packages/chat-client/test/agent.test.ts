import { describe, expect, it, vi } from 'vitest';
import type { Completion, DoneStatus, ToolCallState } from '../src/index.js';
import { FakeSocket } from './helpers/fake-socket.js';
import { settle, useFakeSockets } from './helpers/fake-sockets.js';

// Agent mode's tool calls and results, and following a conversation, against an in-memory socket under fake timers.

const { connected } = useFakeSockets();

const CALL = '11111111-1111-4111-8111-111111111111';
const OTHER_CALL = '22222222-2222-4222-8222-222222222222';

function accept(ws: FakeSocket, a: Completion): void {
  ws.receive({ type: 'accepted', clientMessageId: a.clientMessageId, conversationId: 'conv-1', messageId: 'msg-1', completionId: 'cmp-1', duplicate: false });
}

const chunk = (ws: FakeSocket, seq: number, delta: string) => ws.receive({ type: 'chunk', completionId: 'cmp-1', seq, delta });
const toolCall = (ws: FakeSocket, seq: number, callId = CALL, name = 'insert_cell') =>
  ws.receive({ type: 'tool_call', completionId: 'cmp-1', seq, callId, name, arguments: '{"source":"1+1"}' });
const toolResultEvent = (ws: FakeSocket, seq: number, callId = CALL) =>
  ws.receive({ type: 'tool_result', completionId: 'cmp-1', seq, callId, output: '{"cell_id":"c"}', isError: false });
const done = (ws: FakeSocket, lastSeq: number, status: DoneStatus = 'completed') =>
  ws.receive({ type: 'done', completionId: 'cmp-1', status, lastSeq, messageId: 'answer' });

/** A welcomed client with an agent answer accepted, its first turn's text streamed and one tool call received. */
async function acting(): Promise<{ c: Awaited<ReturnType<typeof connected>>['c']; ws: FakeSocket; a: Completion; calls: ToolCallState[] }> {
  const { c, ws } = await connected();
  const a = c.send('plot it', { mode: 'agent' });
  const calls: ToolCallState[] = [];
  a.addEventListener('tool_call', (event) => calls.push(event.detail));
  accept(ws, a);
  chunk(ws, 1, 'I add a cell.');
  toolCall(ws, 2);
  return { c, ws, a, calls };
}

/** Drops the connection and welcomes the next one. */
async function reconnect(c: { status: { retryAt?: number } }, ws: FakeSocket): Promise<FakeSocket> {
  ws.serverClose(1006);
  await vi.advanceTimersByTimeAsync(c.status.retryAt! - Date.now());
  await settle();
  FakeSocket.last.welcome();
  return FakeSocket.last;
}

describe('tool calls', () => {
  it('a tool call is an event of the seq stream: held with its seq, announced, and the answer shows acting', async () => {
    const { a, calls } = await acting();
    expect(a.status).toBe('acting');
    expect(a.text).toBe('I add a cell.');
    expect(a.lastSeq).toBe(2);
    expect(a.toolCalls).toEqual([{ callId: CALL, seq: 2, name: 'insert_cell', arguments: '{"source":"1+1"}', at: 13 }]);
    expect(calls).toEqual(a.toolCalls);
  });

  it('a gap before a tool call is asked for, and the call is taken once when the replay brings it', async () => {
    const { c, ws } = await connected();
    const a = c.send('go', { mode: 'agent' });
    accept(ws, a);
    toolCall(ws, 2);
    expect(a.toolCalls).toEqual([]);
    expect(ws.sentOf('resume')).toEqual([{ type: 'resume', completionId: 'cmp-1', afterSeq: 0 }]);
    chunk(ws, 1, 'text');
    toolCall(ws, 2);
    toolCall(ws, 2);
    expect(a.toolCalls.map((call) => call.seq)).toEqual([2]);
  });

  it('a result is sent until the service acknowledges it: again after a reconnect, then never more', async () => {
    const { c, ws, a } = await acting();
    expect(a.sendToolResult(CALL, '{"cell_id":"c"}')).toBe(true);
    expect(ws.sentOf('tool_result')).toEqual([{ type: 'tool_result', completionId: 'cmp-1', callId: CALL, output: '{"cell_id":"c"}', isError: false }]);

    const second = await reconnect(c, ws);
    expect(second.sent.map((f) => f.type)).toEqual(['resume', 'tool_result']);
    expect(second.sentOf('resume')).toEqual([{ type: 'resume', completionId: 'cmp-1', afterSeq: 2 }]);
    expect(a.status).toBe('acting');
    second.receive({ type: 'tool_accepted', completionId: 'cmp-1', callId: CALL, duplicate: false });

    const third = await reconnect(c, second);
    expect(third.sentOf('tool_result')).toEqual([]);
  });

  it('the stored result in the stream answers the call, from this tab or another, and the answer streams again', async () => {
    const { c, ws, a } = await acting();
    a.sendToolResult(CALL, 'mine');
    toolResultEvent(ws, 3);
    expect(a.toolCalls[0].result).toEqual({ output: '{"cell_id":"c"}', isError: false });
    expect(a.status).toBe('streaming');
    expect(a.sendToolResult(CALL, 'again')).toBe(false);
    const next = await reconnect(c, ws);
    expect(next.sentOf('tool_result')).toEqual([]);
  });

  it('nothing is sent for an answer after its done, and a queued result is dropped', async () => {
    const { c, ws, a } = await acting();
    ws.serverClose(1006);
    expect(a.sendToolResult(CALL, 'queued while offline')).toBe(true);
    await vi.advanceTimersByTimeAsync(c.status.retryAt! - Date.now());
    await settle();
    const next = FakeSocket.last;
    next.welcome();
    next.receive({ type: 'done', completionId: 'cmp-1', status: 'cancelled', lastSeq: 2, messageId: 'answer' });
    expect(a.status).toBe('cancelled');
    expect(a.sendToolResult(CALL, 'too late')).toBe(false);
    const after = await reconnect(c, next);
    expect(after.sentOf('tool_result')).toEqual([]);
  });

  it('a result the service refuses for good is dropped and shown on its call; a retryable refusal is sent again', async () => {
    const { c, ws, a } = await acting();
    toolCall(ws, 3, OTHER_CALL, 'run_cell');
    a.sendToolResult(CALL, 'one');
    a.sendToolResult(OTHER_CALL, 'two');
    ws.receive({ type: 'error', code: 'not_found', message: 'the answer ended', retryable: false, ref: CALL });
    ws.receive({ type: 'error', code: 'rate_limited', message: 'slow down', retryable: true, ref: OTHER_CALL });
    expect(a.toolCalls[0].refused).toEqual({ code: 'not_found', message: 'the answer ended', retryable: false });
    expect(a.status).toBe('acting');
    const errors: unknown[] = [];
    c.addEventListener('error', (event) => errors.push(event.detail));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(ws.sentOf('tool_result').map((f) => f.callId)).toEqual([CALL, OTHER_CALL, OTHER_CALL]);
    expect(errors).toEqual([]);
  });

  it('an answer waiting for the notebook is never stalled, however long the wait', async () => {
    const { a } = await acting();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(a.status).toBe('acting');
  });

  it('done keeps only the calls up to its lastSeq', async () => {
    const { ws, a } = await acting();
    toolResultEvent(ws, 3);
    chunk(ws, 4, ' Done.');
    done(ws, 4);
    expect(a.status).toBe('done');
    expect(a.text).toBe('I add a cell. Done.');
    expect(a.toolCalls).toHaveLength(1);
  });
});

describe('following a conversation', () => {
  it('follow is sent now and again after every reconnect, until unfollowed', async () => {
    const { c, ws } = await connected();
    c.follow('conv-1');
    c.follow('conv-1');
    expect(ws.sentOf('follow')).toEqual([{ type: 'follow', conversationId: 'conv-1' }]);
    const next = await reconnect(c, ws);
    expect(next.sentOf('follow')).toEqual([{ type: 'follow', conversationId: 'conv-1' }]);
    c.unfollow('conv-1');
    expect(next.sentOf('unfollow')).toEqual([{ type: 'unfollow', conversationId: 'conv-1' }]);
    const last = await reconnect(c, next);
    expect(last.sentOf('follow')).toEqual([]);
  });

  it('a question asked elsewhere comes with its answer followed live, resumed after a reconnect', async () => {
    const { c, ws } = await connected();
    c.follow('conv-1');
    const asked: Completion[] = [];
    c.addEventListener('asked', (event) => asked.push(event.detail.completion));
    ws.receive({ type: 'asked', conversationId: 'conv-1', messageId: 'q', answerMessageId: 'a', completionId: 'cmp-1', text: 'hi', mode: 'chat' });
    expect(asked).toHaveLength(1);
    const answer = asked[0];
    expect([answer.completionId, answer.conversationId, answer.messageId]).toEqual(['cmp-1', 'conv-1', 'q']);
    expect(ws.sentOf('resume')).toEqual([]);
    chunk(ws, 1, 'Hel');
    const next = await reconnect(c, ws);
    expect(next.sentOf('resume')).toEqual([{ type: 'resume', completionId: 'cmp-1', afterSeq: 1 }]);
    chunk(next, 2, 'lo');
    done(next, 2);
    expect([answer.status, answer.text]).toEqual(['done', 'Hello']);
  });

  it('a deleted conversation is announced and followed no more', async () => {
    const { c, ws } = await connected();
    c.follow('conv-1');
    const deleted: string[] = [];
    c.addEventListener('deleted', (event) => deleted.push(event.detail.conversationId));
    ws.receive({ type: 'deleted', conversationId: 'conv-1' });
    expect(deleted).toEqual(['conv-1']);
    const next = await reconnect(c, ws);
    expect(next.sentOf('follow')).toEqual([]);
  });
});
