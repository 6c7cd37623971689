import { describe, expect, it } from 'vitest';

import { AgentRunner, type AgentCompletion } from '../agent-runner';
import type { CompletionStatus, ToolCallState } from '../chat-model';
import { recordedCall } from '../call-record';
import { memoryStorage, type StorageLike } from '../tab-store';
import { FakeNotebook } from './fake-notebook';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

/** An agent answer the test drives: it receives tool calls, and stores the results sent (as the service would). */
class FakeAgentCompletion extends EventTarget implements AgentCompletion {
  status: CompletionStatus = 'streaming';
  toolCalls: ToolCallState[] = [];
  error?: { code: string };
  sent: Array<{ callId: string; output: string; isError: boolean }> = [];
  private end!: () => void;
  readonly finished = new Promise<void>((r) => (this.end = r));

  constructor(readonly completionId = 'cmp-1') {
    super();
  }

  call(callId: string, name: string, args: unknown = {}): void {
    this.toolCalls = [...this.toolCalls, { callId, seq: this.toolCalls.length + 1, name, arguments: JSON.stringify(args), at: 0 }];
    this.status = 'acting';
    this.dispatchEvent(new Event('update'));
  }

  sendToolResult(callId: string, output: string, isError = false): boolean {
    if (['done', 'cancelled', 'failed', 'interrupted'].includes(this.status)) return false;
    this.sent.push({ callId, output, isError });
    return true;
  }

  /** The service stored the result: the stream's tool_result event. */
  store(callId: string): void {
    const sent = this.sent.find((each) => each.callId === callId)!;
    this.toolCalls = this.toolCalls.map((call) => (call.callId === callId ? { ...call, result: { output: sent.output, isError: sent.isError } } : call));
    this.dispatchEvent(new Event('update'));
  }

  finish(status: CompletionStatus = 'done', error?: { code: string }): void {
    this.status = status;
    this.error = error;
    this.dispatchEvent(new Event('update'));
    this.end();
  }
}

function tab(notebook: FakeNotebook | undefined, storage: { tab: StorageLike; browser: StorageLike } = { tab: memoryStorage(), browser: memoryStorage() }) {
  const runner = new AgentRunner({ notebooks: async (path) => (notebook?.path === path ? notebook : undefined), ...storage });
  return { runner, storage };
}

describe('AgentRunner', () => {
  it('applies an edit once: recorded in the notebook and saved before its result is sent', async () => {
    const notebook = new FakeNotebook();
    const { runner } = tab(notebook);
    const answer = new FakeAgentCompletion();
    runner.drive('cmp-1', notebook.path);
    runner.track(answer);
    answer.call('k1', 'insert_cell', { source: 'df = pd.read_csv("data.csv")' });
    await flush();

    expect(notebook.cellList.map((cell) => cell.source)).toEqual(['import pandas as pd', 'df = pd.read_csv("data.csv")']);
    expect(answer.sent).toEqual([{ callId: 'k1', output: '{"cell_id":"cell-2","index":1}', isError: false }]);
    expect(notebook.saves).toHaveLength(1);
    expect(notebook.saves[0].sources).toContain('df = pd.read_csv("data.csv")');
    expect(JSON.parse(notebook.saves[0].metadata).mooring.agentCalls.k1).toMatchObject({ state: 'done', output: '{"cell_id":"cell-2","index":1}' });
    expect(runner.phase('k1')).toBe('sent');
    answer.store('k1');
    expect(runner.phase('k1')).toBeUndefined();
  });

  it('a call replayed after a reload is answered from the saved record, never applied again', async () => {
    const notebook = new FakeNotebook();
    const first = tab(notebook);
    first.runner.drive('cmp-1', notebook.path);
    const answer = new FakeAgentCompletion();
    first.runner.track(answer);
    answer.call('k1', 'insert_cell', { source: 'once' });
    await flush();

    // the page reloads before the result reached the service: same tab storage, the notebook as saved
    const reopened = notebook.reopened();
    const second = tab(reopened, first.storage);
    const replayed = new FakeAgentCompletion();
    second.runner.track(replayed);
    replayed.call('k1', 'insert_cell', { source: 'once' });
    await flush();

    expect(reopened.cellList.filter((cell) => cell.source === 'once')).toHaveLength(1);
    expect(replayed.sent).toEqual([{ callId: 'k1', output: answer.sent[0].output, isError: false }]);
  });

  it('an edit applied but not saved when the page reloads is applied again on the notebook as reopened: once in the end', async () => {
    const notebook = new FakeNotebook();
    const { runner, storage } = tab(notebook);
    runner.drive('cmp-1', notebook.path);
    // saving fails: the edit and its record stay in the page only
    notebook.save = () => Promise.reject(new Error('disk full'));
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'insert_cell', { source: 'edit' });
    await flush();

    const reopened = new FakeNotebook(notebook.path, ['import pandas as pd']);
    const second = tab(reopened, storage);
    const replayed = new FakeAgentCompletion();
    second.runner.track(replayed);
    replayed.call('k1', 'insert_cell', { source: 'edit' });
    await flush();
    expect(reopened.cellList.map((cell) => cell.source)).toEqual(['import pandas as pd', 'edit']);
  });

  it('a run waits for approval; approved, it runs once and its outputs are the result', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['print(1)']);
    notebook.kernel['print(1)'] = '1\n';
    const { runner } = tab(notebook);
    runner.drive('cmp-1', notebook.path);
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'run_cell', { cell_id: 'cell-1' });
    await flush();
    expect(runner.phase('k1')).toBe('approval');
    expect(notebook.runs).toEqual([]);

    runner.approve('k1');
    runner.approve('k1');
    await flush();
    expect(notebook.runs).toEqual(['cell-1']);
    expect(answer.sent).toEqual([{ callId: 'k1', output: '{"cell_id":"cell-1","execution_count":1,"outputs":["1\\n"]}', isError: false }]);
  });

  it('declined, a call is answered so and nothing happens', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['x']);
    const { runner } = tab(notebook);
    runner.drive('cmp-1', notebook.path);
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'replace_cell', { cell_id: 'cell-1', source: 'y' });
    await flush();
    runner.decline('k1');
    await flush();
    expect(notebook.cellList[0].source).toBe('x');
    expect(answer.sent).toEqual([{ callId: 'k1', output: 'the user declined this call', isError: true }]);
  });

  it('"allow for this notebook" approves the call and every later one in that notebook, in this browser', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['x']);
    notebook.kernel.x = '';
    const { runner, storage } = tab(notebook);
    runner.drive('cmp-1', notebook.path);
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'run_cell', { cell_id: 'cell-1' });
    await flush();
    runner.allowNotebook('k1');
    await flush();
    answer.call('k2', 'replace_cell', { cell_id: 'cell-1', source: 'x' });
    await flush();
    expect(answer.sent.map((each) => each.callId)).toEqual(['k1', 'k2']);
    expect(tab(notebook, { tab: memoryStorage(), browser: storage.browser }).runner.allowed('a.ipynb')).toBe(true);
  });

  it('an approval survives a reload: the approved call is carried out without asking again', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['print(1)']);
    notebook.kernel['print(1)'] = '1\n';
    notebook.holdRuns = true;
    const { runner, storage } = tab(notebook);
    runner.drive('cmp-1', notebook.path);
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'replace_cell', { cell_id: 'cell-1', source: 'print(1)' });
    await flush();
    expect(runner.phase('k1')).toBe('approval');

    // a second tab of the page's life: the same session storage, nothing decided yet
    const pending = tab(notebook.reopened(), storage);
    const replayedPending = new FakeAgentCompletion();
    pending.runner.track(replayedPending);
    replayedPending.call('k1', 'replace_cell', { cell_id: 'cell-1', source: 'print(1)' });
    await flush();
    expect(pending.runner.phase('k1')).toBe('approval');

    pending.runner.approve('k1');
    const reopened = new FakeNotebook('a.ipynb', ['print(1)']);
    const after = tab(reopened, storage);
    const replayed = new FakeAgentCompletion();
    after.runner.track(replayed);
    replayed.call('k1', 'replace_cell', { cell_id: 'cell-1', source: 'print(1)' });
    await flush();
    expect(after.runner.phase('k1')).toBe('sent');
    expect(replayed.sent).toHaveLength(1);
  });

  it('a run under way when the page reloads is never run again: answered as interrupted', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['slow()']);
    notebook.holdRuns = true;
    const { runner, storage } = tab(notebook);
    runner.drive('cmp-1', notebook.path);
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'run_cell', { cell_id: 'cell-1' });
    await flush();
    runner.approve('k1');
    await flush();
    expect(notebook.runs).toEqual(['cell-1']);
    expect(recordedCall(notebook, 'k1')).toEqual({ state: 'applying' });

    const reopened = notebook.reopened();
    const after = tab(reopened, storage);
    const replayed = new FakeAgentCompletion();
    after.runner.track(replayed);
    replayed.call('k1', 'run_cell', { cell_id: 'cell-1' });
    await flush();
    expect(notebook.runs).toEqual(['cell-1']);
    expect(replayed.sent[0].isError).toBe(true);
    expect(replayed.sent[0].output).toContain('ran at most once');
  });

  it('a tab that did not ask shows the calls as carried out elsewhere and sends nothing', async () => {
    const notebook = new FakeNotebook();
    const { runner } = tab(notebook);
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'insert_cell', { source: 'x' });
    await flush();
    expect(runner.phase('k1')).toBe('elsewhere');
    expect(answer.sent).toEqual([]);
    expect(notebook.cellList).toHaveLength(1);
  });

  it('nothing is applied after the answer is stopped, and a run under way is interrupted', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['slow()', 'x']);
    notebook.holdRuns = true;
    const { runner } = tab(notebook);
    runner.drive('cmp-1', notebook.path);
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'run_cell', { cell_id: 'cell-1' });
    answer.call('k2', 'replace_cell', { cell_id: 'cell-2', source: 'changed' });
    await flush();
    runner.approve('k1');
    await flush();
    runner.stop('cmp-1');
    expect(notebook.interrupts).toBe(1);
    runner.approve('k2');
    answer.finish('cancelled');
    notebook.releaseRuns();
    await flush();
    expect(notebook.cellList[1].source).toBe('x');
    expect(answer.sent).toEqual([]);
  });

  it('ask_user waits for the answer the user types', async () => {
    const notebook = new FakeNotebook();
    const { runner } = tab(notebook);
    runner.drive('cmp-1', notebook.path);
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'ask_user', { question: 'Which column?' });
    await flush();
    expect(runner.phase('k1')).toBe('question');
    runner.answer('k1', 'the second');
    await flush();
    expect(answer.sent).toEqual([{ callId: 'k1', output: 'the second', isError: false }]);
  });

  it('a result too long for one frame is sent cut, saying so, never refused by the service over and over', async () => {
    const notebook = new FakeNotebook();
    const { runner } = tab(notebook);
    runner.drive('cmp-1', notebook.path);
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'ask_user', { question: 'Paste the data' });
    await flush();
    runner.answer('k1', '\u0001'.repeat(300_000));
    await flush();
    const frame = JSON.stringify({ type: 'tool_result', completionId: 'cmp-1', callId: 'k1', output: answer.sent[0].output, isError: false });
    expect(new TextEncoder().encode(frame).length).toBeLessThan(262_144);
    expect(answer.sent[0].output).toMatch(/more characters\]$/);
  });

  it('a notebook that is not open is answered with an error, and nothing else happens', async () => {
    const { runner } = tab(undefined);
    runner.drive('cmp-1', 'gone.ipynb');
    const answer = new FakeAgentCompletion();
    runner.track(answer);
    answer.call('k1', 'insert_cell', { source: 'x' });
    await flush();
    expect(answer.sent).toEqual([{ callId: 'k1', output: 'the notebook gone.ipynb is not open: nothing was done', isError: true }]);
  });
});
