import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it } from 'vitest';

import { AgentRunner } from '../agent-runner';
import { ChatModel, type ChatMode, type ToolCallState } from '../chat-model';
import { ChatView } from '../components/chat-view';
import { callState, describeCall, knownCells } from '../components/tool-call-view';
import { memoryStorage } from '../tab-store';
import { FakeClient, fakeApi } from './fake-client';
import { FakeNotebook } from './fake-notebook';

afterEach(cleanup);

const flush = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};

const call = (callId: string, name: string, args: unknown, at: number, result?: ToolCallState['result']): ToolCallState => ({
  callId,
  seq: 0,
  name,
  arguments: JSON.stringify(args),
  at,
  result
});

function setup() {
  const notebook = new FakeNotebook('a.ipynb', ['print(1)']);
  const agent = new AgentRunner({ notebooks: async (path) => (path === notebook.path ? notebook : undefined), tab: memoryStorage(), browser: memoryStorage() });
  const client = new FakeClient();
  const model = new ChatModel({ agent });
  model.connect({ client, api: fakeApi({ 'GET conversations': [] }) });
  const asked: ChatMode[] = [];
  render(
    <ChatView
      model={model}
      renderText={(t) => <span data-testid="text-part">{t}</span>}
      onAsk={(t, mode) => {
        asked.push(mode);
        model.ask(t, { mode, context: { notebookPath: notebook.path } });
      }}
    />
  );
  return { client, model, notebook, asked };
}

describe('agent answers in the panel', () => {
  it('the Agent toggle sends the question in agent mode', () => {
    const { asked } = setup();
    fireEvent.click(screen.getByTestId('mooring-agent-toggle'));
    expect(screen.getByTestId('mooring-agent-toggle').getAttribute('aria-pressed')).toBe('true');
    fireEvent.change(screen.getByTestId('mooring-input'), { target: { value: 'fix it' } });
    fireEvent.keyDown(screen.getByTestId('mooring-input'), { key: 'Enter' });
    expect(asked).toEqual(['agent']);
  });

  it('shows each call where it came in the text, and a run waits for approval with its buttons', async () => {
    const { client, model, notebook } = setup();
    act(() => model.ask('run it', { mode: 'agent', context: { notebookPath: notebook.path } }));
    const answer = client.sent[0];
    const text = 'First I read. Then I run.';
    act(() =>
      answer.update({
        status: 'acting',
        completionId: 'k1',
        text,
        toolCalls: [call('c1', 'read_notebook', {}, 13, { output: '{}', isError: false }), call('c2', 'run_cell', { cell_id: 'cell-1' }, text.length)]
      })
    );
    await flush();

    expect(screen.getAllByTestId('text-part').map((part) => part.textContent)).toEqual(['First I read.', ' Then I run.']);
    const calls = screen.getAllByTestId('mooring-tool-call');
    expect(calls.map((each) => [each.dataset.tool, each.dataset.state])).toEqual([
      ['read_notebook', 'done'],
      ['run_cell', 'approval']
    ]);
    expect(screen.getByTestId('mooring-answer').dataset.status).toBe('acting');
    expect(screen.getByTestId('mooring-answer-status').textContent).toContain('waiting for you: approve, decline or answer above');
    fireEvent.click(screen.getByTestId('mooring-approve'));
    await flush();
    expect(notebook.runs).toEqual(['cell-1']);
    expect(screen.getAllByTestId('mooring-tool-call')[1].dataset.state).not.toBe('approval');
    expect(screen.getByTestId('mooring-answer-status').textContent).toContain('waiting for the notebook');
  });

  it('names the cell a call acts on by its place in the notebook and shows the code a run would run, never the model\'s cell id', () => {
    const read = { output: JSON.stringify({ cells: [{ cell_id: 'a1', index: 0, source: 'import pandas' }, { cell_id: 'b2', index: 1, source: 'df.plot()' }] }), isError: false };
    const calls = [
      call('c1', 'read_notebook', {}, 0, read),
      call('c2', 'insert_cell', { source: 'df = load()', index: 1 }, 0, { output: '{"cell_id":"n3","index":1}', isError: false }),
      call('c3', 'replace_cell', { cell_id: 'b2', source: 'df.plot(y=1)' }, 0, { output: '{"cell_id":"b2","index":2}', isError: false }),
      call('c4', 'run_cell', { cell_id: 'b2' }, 0),
      call('c5', 'run_cell', { cell_id: 'n3' }, 0),
      call('c6', 'run_cell', { cell_id: 'unseen' }, 0)
    ];
    const cells = knownCells(calls);
    expect(describeCall(calls[2], cells)).toEqual({ title: 'Replace cell 3', code: 'df.plot(y=1)' });
    expect(describeCall(calls[3], cells)).toEqual({ title: 'Run cell 3', code: 'df.plot(y=1)' });
    expect(describeCall(calls[4], cells)).toEqual({ title: 'Run cell 2', code: 'df = load()' });
    expect(describeCall(calls[5], cells)).toEqual({ title: 'Run a cell', code: undefined });
  });

  it('words every state of a call', () => {
    const run = call('c', 'run_cell', { cell_id: 'x' }, 0);
    expect(callState(run, undefined, true).detail).toBe('Waiting for the notebook');
    expect(callState(run, 'elsewhere', true).detail).toBe('Waiting for the notebook in the tab that asked');
    expect(callState(run, 'applying', true).detail).toBe('Running…');
    expect(callState(run, 'approval', false)).toEqual({ state: 'ended', detail: 'Not carried out: the answer ended' });
    expect(callState({ ...run, result: { output: 'the user declined this call', isError: true } }, undefined, true).state).toBe('declined');
    expect(callState({ ...run, result: { output: '{"error":"NameError: x\\ntrace"}', isError: true } }, undefined, true).detail).toBe('Failed: NameError: x');
  });
});
