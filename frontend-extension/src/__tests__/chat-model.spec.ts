import { describe, expect, it } from 'vitest';

import { ChatModel, storedStatus } from '../chat-model';
import { FakeClient, MapMemory, failure, fakeApi } from './fake-client';

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(routes: Record<string, unknown> = { 'GET conversations': [] }) {
  const client = new FakeClient();
  const calls: string[] = [];
  const model = new ChatModel();
  model.connect({ client, api: fakeApi(routes, calls) });
  return { client, model, calls };
}

describe('ChatModel', () => {
  it('follows the client status and the model from the welcome', () => {
    const { client, model } = setup();
    expect(model.status.state).toBe('connecting');
    client.setStatus({ state: 'connected' }, { provider: 'demo', name: 'demo', demo: true });
    expect(model.status.state).toBe('connected');
    expect(model.modelInfo?.demo).toBe(true);
    client.setStatus({ state: 'disconnected', attempt: 1, retryAt: 123 });
    expect(model.status).toEqual({ state: 'disconnected', attempt: 1, retryAt: 123 });
  });

  it('sends a question with its context and mode, and mirrors the answer', async () => {
    const { client, model } = setup();
    model.ask('Why?', { mode: 'debug', context: { notebookPath: 'a.ipynb' } });
    expect(client.sent).toHaveLength(1);
    expect(client.sent[0].options).toMatchObject({ mode: 'debug', context: { notebookPath: 'a.ipynb' }, conversationId: undefined });
    client.sent[0].update({ status: 'streaming', text: 'Because', conversationId: 'c9', completionId: 'k1' });
    const answer = model.entries[1];
    expect(answer).toMatchObject({ kind: 'answer', status: 'streaming', text: 'Because', completionId: 'k1' });
    expect(model.activeConversationId).toBe('c9');
    model.ask('And then?');
    expect(client.sent[1].options).toMatchObject({ conversationId: 'c9' });
  });

  it('stops a running answer through its completion', () => {
    const { client, model } = setup();
    model.ask('Long one');
    model.stop(model.entries[1].id);
    expect(client.sent[0].cancelled).toBe(1);
  });

  it('resends the question on retry', async () => {
    const { client, model } = setup();
    model.ask('Flaky?', { mode: 'explain' });
    client.sent[0].update({ status: 'failed', error: { code: 'model_error', message: 'boom' } });
    await flush();
    model.retry(model.entries[1].id);
    expect(client.sent).toHaveLength(2);
    expect(client.sent[1].question).toBe('Flaky?');
    expect(client.sent[1].options).toMatchObject({ mode: 'explain' });
    expect(model.entries.map((e) => e.kind)).toEqual(['user', 'answer', 'user', 'answer']);
  });

  it('holds questions asked before a connection and sends them once connected', () => {
    const model = new ChatModel();
    model.ask('early');
    expect(model.entries[1]).toMatchObject({ status: 'waiting' });
    const client = new FakeClient();
    model.connect({ client, api: fakeApi({}) });
    expect(client.sent.map((c) => c.question)).toEqual(['early']);
  });

  it('retry now asks the client to reconnect', () => {
    const { client, model } = setup();
    model.reconnect();
    expect(client.reconnects).toBe(1);
  });

  it('loads conversations once connected', async () => {
    const { client, model, calls } = setup({ 'GET conversations': [{ id: 'c1', title: 'One', createdAt: '', updatedAt: '' }] });
    client.setStatus({ state: 'connected' });
    await flush();
    expect(calls).toContain('GET conversations');
    expect(model.conversations.map((c) => c.id)).toEqual(['c1']);
  });

  it('opens a stored conversation and resumes an answer still running', async () => {
    const { client, model } = setup({
      'GET conversations/c1': {
        id: 'c1',
        title: 'One',
        messages: [
          { id: 'm1', role: 'user', text: 'Q1', createdAt: '' },
          { id: 'm2', role: 'assistant', text: 'A1', createdAt: '', completion: { id: 'k1', status: 'completed', lastSeq: 3 } },
          { id: 'm3', role: 'user', text: 'Q2', createdAt: '' },
          { id: 'm4', role: 'assistant', text: 'A2 so f', createdAt: '', completion: { id: 'k2', status: 'running', lastSeq: 2 } },
          { id: 'm5', role: 'user', text: 'Q3', mode: 'debug', context: { notebookPath: 'a.ipynb' }, createdAt: '' },
          { id: 'm6', role: 'assistant', text: 'half', createdAt: '', completion: { id: 'k3', status: 'interrupted', lastSeq: 1 } }
        ]
      }
    });
    await model.openConversation('c1');
    await flush();
    expect(model.activeConversationId).toBe('c1');
    expect(model.entries.map((e) => (e.kind === 'answer' ? e.status : 'user'))).toEqual([
      'user',
      'done',
      'user',
      'streaming',
      'user',
      'interrupted'
    ]);
    expect(client.resumed.map((r) => r.id)).toEqual(['k2']);
    const last = model.entries[5];
    expect(last.kind === 'answer' && last.question?.text).toBe('Q3');
    expect(last.kind === 'answer' && last.question?.mode).toBe('debug');
    expect(last.kind === 'answer' && last.question?.context?.notebookPath).toBe('a.ipynb');
    const asked = model.entries[4];
    expect(asked.kind === 'user' && asked.mode).toBe('debug');
  });

  it('deletes a conversation and leaves it when it was open', async () => {
    const { model, calls } = setup({ 'GET conversations': [], 'DELETE conversations/c1': null, 'GET conversations/c1': { id: 'c1', title: '', messages: [] } });
    await model.openConversation('c1');
    await model.deleteConversation('c1');
    expect(calls).toContain('DELETE conversations/c1');
    expect(model.activeConversationId).toBeUndefined();
  });

  it('closes the old client when connecting anew', () => {
    const { client, model } = setup();
    model.connect({ client: new FakeClient(), api: fakeApi({}) });
    expect(client.closed).toBe(true);
  });

  it('maps stored statuses', () => {
    expect(storedStatus('completed')).toBe('done');
    expect(storedStatus('interrupted')).toBe('interrupted');
    expect(storedStatus('running')).toBe('running');
  });

  it('follows the conversation it shows, and no other', async () => {
    const { client, model } = setup({ 'GET conversations': [], 'GET conversations/c1': { id: 'c1', title: '', messages: [] }, 'GET conversations/c2': { id: 'c2', title: '', messages: [] } });
    await model.openConversation('c1');
    await model.openConversation('c2');
    model.newConversation();
    model.ask('new one');
    client.sent[0].update({ status: 'streaming', conversationId: 'c3', completionId: 'k1' });
    expect(client.follows).toEqual(['+c1', '-c1', '+c2', '-c2', '+c3']);
  });

  it('shows a question asked in another tab, with its answer streaming', async () => {
    const { client, model } = setup({ 'GET conversations': [], 'GET conversations/c1': { id: 'c1', title: '', messages: [] } });
    await model.openConversation('c1');
    const answer = client.asked('c1', 'k7', 'asked elsewhere');
    answer.update({ status: 'streaming', text: 'Live' });
    expect(model.entries).toMatchObject([
      { kind: 'user', text: 'asked elsewhere' },
      { kind: 'answer', status: 'streaming', text: 'Live', completionId: 'k7' }
    ]);
    client.asked('c1', 'k7', 'asked elsewhere');
    client.asked('other', 'k8', 'not shown here');
    expect(model.entries).toHaveLength(2);
  });

  it('a conversation deleted in another tab leaves this one for a new conversation', async () => {
    const { client, model } = setup({ 'GET conversations': [], 'GET conversations/c1': { id: 'c1', title: '', messages: [{ id: 'm1', role: 'user', text: 'Q', createdAt: '' }] } });
    await model.openConversation('c1');
    client.dispatchEvent(new CustomEvent('deleted', { detail: { conversationId: 'c1' } }));
    expect(model.activeConversationId).toBeUndefined();
    expect(model.entries).toEqual([]);
  });

  it('back after a drop with nothing asked elsewhere, the entries shown stay the same (not re-made)', async () => {
    const { client, model } = setup({ 'GET conversations': [], 'GET conversations/c1': { id: 'c1', title: '', messages: [] } });
    client.setStatus({ state: 'connected' });
    await model.openConversation('c1');
    model.ask('Q');
    client.sent[0].update({ status: 'streaming', conversationId: 'c1', completionId: 'k1', text: 'A' });
    const before = model.entries;
    const stored = { id: 'c1', title: '', messages: [{ id: 'm1', role: 'user', text: 'Q', createdAt: '' }, { id: 'm2', role: 'assistant', text: 'A', createdAt: '', completion: { id: 'k1', status: 'running', lastSeq: 1 } }] };
    model.connect({ client, api: fakeApi({ 'GET conversations': [], 'GET conversations/c1': stored }) });
    client.setStatus({ state: 'connected' });
    client.setStatus({ state: 'disconnected', attempt: 1, retryAt: 1 });
    client.setStatus({ state: 'connected' });
    await flush();
    expect(model.entries).toBe(before);
  });

  it('back after a drop, it reads the conversation again for what was asked meanwhile', async () => {
    const messages = [{ id: 'm1', role: 'user', text: 'before', createdAt: '' }];
    const { client, model } = setup({ 'GET conversations': [], 'GET conversations/c1': { id: 'c1', title: '', messages } });
    client.setStatus({ state: 'connected' });
    await model.openConversation('c1');
    model.ask('typed while offline');
    client.setStatus({ state: 'disconnected', attempt: 1, retryAt: 1 });
    messages.push({ id: 'm2', role: 'user', text: 'asked elsewhere meanwhile', createdAt: '' });
    client.setStatus({ state: 'connected' });
    await flush();
    expect(model.entries.map((e) => e.text)).toEqual(['before', 'asked elsewhere meanwhile', 'typed while offline', '']);
  });

  it('a model frame changes the model it shows', () => {
    const { client, model } = setup();
    client.setStatus({ state: 'connected' }, { provider: 'demo', name: 'mooring-demo', demo: true });
    client.switchModel({ provider: 'openai', name: 'gpt-4o', demo: false });
    expect(model.modelInfo).toEqual({ provider: 'openai', name: 'gpt-4o', demo: false });
  });
});

const RUNNING = {
  id: 'c1',
  title: 'One',
  messages: [
    { id: 'm1', role: 'user', text: 'Q', createdAt: '' },
    { id: 'm2', role: 'assistant', text: 'Half of the an', createdAt: '', completion: { id: 'k1', status: 'running', lastSeq: 4 } }
  ]
};

describe('the conversation last shown for a notebook', () => {
  it('comes back after a reload, its running answer resumed after the text stored so far', async () => {
    const memory = new MapMemory({ 'work/a.ipynb': 'c1' });
    const model = new ChatModel({ memory });
    // A reload: the notebook is known before the connection.
    await model.showNotebook('work/a.ipynb');
    expect(model.activeConversationId).toBe('c1');
    expect(model.loading).toBe(true);
    const client = new FakeClient();
    model.connect({ client, api: fakeApi({ 'GET conversations/c1': RUNNING, 'GET conversations?notebook=work%2Fa.ipynb': [] }) });
    await flush();
    await flush();

    expect(client.resumed).toEqual([{ id: 'k1', options: { conversationId: 'c1', afterSeq: 4, text: 'Half of the an' } }]);
    expect(model.entries[1]).toMatchObject({ kind: 'answer', status: 'streaming', text: 'Half of the an' });
    client.resumedCompletions[0].update({ text: 'Half of the answer.', status: 'done' });
    expect(model.entries[1]).toMatchObject({ status: 'done', text: 'Half of the answer.' });
  });

  it('an agent answer waiting for the notebook comes back from its start: its tool calls are in the stream, not the stored text', async () => {
    const memory = new MapMemory({ 'a.ipynb': 'c1' });
    const model = new ChatModel({ memory });
    const waiting = {
      id: 'c1',
      title: 'Agent',
      messages: [
        { id: 'm1', role: 'user', text: 'fix it', mode: 'agent', createdAt: '' },
        { id: 'm2', role: 'assistant', text: 'First I read.', createdAt: '', completion: { id: 'k1', status: 'waiting', lastSeq: 3 } }
      ]
    };
    const client = new FakeClient();
    model.connect({ client, api: fakeApi({ 'GET conversations/c1': waiting, 'GET conversations?notebook=a.ipynb': [] }) });
    await model.showNotebook('a.ipynb');
    await flush();

    expect(client.resumed).toEqual([{ id: 'k1', options: { conversationId: 'c1' } }]);
  });

  it('is remembered for the notebook a new conversation was asked in', async () => {
    const memory = new MapMemory();
    const { client, model } = setupWith(memory, {});
    await model.showNotebook('a.ipynb');
    model.ask('Why?');
    await model.showNotebook('b.ipynb');
    client.sent[0].update({ status: 'streaming', conversationId: 'c9', completionId: 'k9' });
    expect(memory.shown.get('a.ipynb')).toBe('c9');
    expect(memory.shown.has('b.ipynb')).toBe(false);
  });

  it('follows the notebook in view: each shows its own conversation, one without any a new chat', async () => {
    const memory = new MapMemory({ 'a.ipynb': 'c1' });
    const { model } = setupWith(memory, { 'GET conversations/c1': { id: 'c1', title: 'One', messages: [] } });
    await model.showNotebook('a.ipynb');
    expect(model.activeConversationId).toBe('c1');
    await model.showNotebook('b.ipynb');
    expect(model.activeConversationId).toBeUndefined();
    expect(model.entries).toEqual([]);
    await model.showNotebook('a.ipynb');
    expect(model.activeConversationId).toBe('c1');
  });

  it('is forgotten when it was deleted meanwhile, without an error', async () => {
    const memory = new MapMemory({ 'a.ipynb': 'gone' });
    const { model } = setupWith(memory, { 'GET conversations?notebook=a.ipynb': [] });
    await model.showNotebook('a.ipynb');
    await flush();
    expect(model.activeConversationId).toBeUndefined();
    expect(model.conversationsError).toBeUndefined();
    expect(memory.shown.get('a.ipynb'), 'a new chat is what it shows now').toBe('');
  });

  it("falls back to the notebook's most recent conversation where the workspace kept nothing (a new tab)", async () => {
    const memory = new MapMemory();
    const model = new ChatModel({ memory });
    const shown = model.showNotebook('a.ipynb');
    const client = new FakeClient();
    model.connect({
      client,
      api: fakeApi({
        'GET conversations?notebook=a.ipynb': [{ id: 'c1', title: 'One', notebookPath: 'a.ipynb', createdAt: '', updatedAt: '' }],
        'GET conversations/c1': RUNNING
      })
    });
    await shown;
    await flush();
    expect(model.activeConversationId).toBe('c1');
    expect(client.resumed.map((r) => r.id)).toEqual(['k1']);
    expect(memory.shown.get('a.ipynb')).toBe('c1');
  });

  it('shows a new chat where a new chat was shown last, even if the notebook has conversations', async () => {
    const memory = new MapMemory({ 'a.ipynb': '' });
    const { model, calls } = setupWith(memory, {
      'GET conversations?notebook=a.ipynb': [{ id: 'c1', title: 'One', createdAt: '', updatedAt: '' }]
    });
    await model.showNotebook('a.ipynb');
    await flush();
    expect(model.activeConversationId).toBeUndefined();
    expect(calls).not.toContain('GET conversations/c1');
  });
});

describe('history', () => {
  it("lists the notebook's conversations, and all of them on request", async () => {
    const { model, calls } = setupWith(new MapMemory(), {
      'GET conversations?notebook=work%2Fa.ipynb': [{ id: 'c1', title: 'A', notebookPath: 'work/a.ipynb', createdAt: '', updatedAt: '' }],
      'GET conversations': [
        { id: 'c1', title: 'A', notebookPath: 'work/a.ipynb', createdAt: '', updatedAt: '' },
        { id: 'c2', title: 'B', notebookPath: 'b.ipynb', createdAt: '', updatedAt: '' }
      ]
    });
    await model.showNotebook('work/a.ipynb');
    await flush();
    expect(model.historyScope).toBe('notebook');
    expect(model.conversations.map((c) => c.id)).toEqual(['c1']);
    model.setHistoryScope('all');
    await flush();
    expect(model.conversations.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(calls).toContain('GET conversations?notebook=work%2Fa.ipynb');
  });

  it("renames a conversation, or says why the service refused the title", async () => {
    const bodies: unknown[] = [];
    const calls: string[] = [];
    const client = new FakeClient();
    const model = new ChatModel();
    model.connect({
      client,
      api: fakeApi(
        {
          'GET conversations': [{ id: 'c1', title: 'Old', createdAt: '', updatedAt: '' }],
          'PATCH conversations/c1': { id: 'c1', title: 'Sales by region', createdAt: '', updatedAt: '' },
          'PATCH conversations/c2': failure(400, 'bad_request', 'the title must be at most 200 characters long (it has 201)')
        },
        calls,
        bodies
      )
    });
    await model.refreshConversations();
    expect(await model.renameConversation('c1', 'Sales by region')).toBe(true);
    expect(bodies.at(-1)).toEqual({ title: 'Sales by region' });
    expect(model.conversations[0].title).toBe('Sales by region');
    expect(await model.renameConversation('c2', 'x'.repeat(201))).toBe(false);
    expect(model.conversationsError).toMatch(/at most 200 characters/);
  });
});

function setupWith(memory: MapMemory, routes: Record<string, unknown>) {
  const client = new FakeClient();
  const calls: string[] = [];
  const model = new ChatModel({ memory });
  model.connect({ client, api: fakeApi(routes, calls) });
  return { client, model, calls };
}
