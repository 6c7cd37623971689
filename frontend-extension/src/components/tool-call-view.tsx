import * as React from 'react';

import type { CallPhase } from '../agent-runner';
import type { ToolCallState } from '../chat-model';
import { parseArguments } from '../notebook-tools';

/** What the user can do about a call waiting in this tab. */
export interface ToolCallActions {
  approve(callId: string): void;
  allowNotebook(callId: string): void;
  decline(callId: string): void;
  answer(callId: string, text: string): void;
}

export interface ToolCallViewProps {
  call: ToolCallState;
  /** Where the call stands in this tab while it has no result. */
  phase?: CallPhase;
  /** Whether its answer still runs. */
  live: boolean;
  actions?: ToolCallActions;
  /** The cells the answer's calls have seen, to name the cell a call acts on. */
  cells?: ReadonlyMap<string, KnownCell>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A cell an answer's calls have seen: its place in the notebook (from 0) and its source, when known. */
export interface KnownCell {
  index?: number;
  source?: string;
}

/** A tool's JSON output as an object, or undefined. */
function outputObject(output: string): Record<string, unknown> | undefined {
  const value = parseArguments(output);
  return typeof value === 'string' ? undefined : value;
}

/**
 * The cells an answer's calls read, inserted or replaced, by id, as the calls left them: the user is shown
 * "cell 4" and its code, not the id the model uses.
 */
export function knownCells(calls: readonly ToolCallState[]): Map<string, KnownCell> {
  const cells = new Map<string, KnownCell>();
  const note = (cellId: unknown, index: unknown, source: unknown) => {
    if (typeof cellId === 'string') {
      const known = cells.get(cellId);
      cells.set(cellId, { index: typeof index === 'number' ? index : known?.index, source: typeof source === 'string' ? source : known?.source });
    }
  };
  for (const call of calls) {
    const result = call.result && !call.result.isError ? outputObject(call.result.output) : undefined;
    if (!result) {
      continue;
    }
    if (call.name === 'read_notebook' && Array.isArray(result.cells)) {
      for (const cell of result.cells as Array<Record<string, unknown>>) {
        note(cell.cell_id, cell.index, cell.source);
      }
    } else if (call.name === 'insert_cell' || call.name === 'replace_cell') {
      if (call.name === 'insert_cell' && typeof result.index === 'number') {
        // the cells from there on moved down one
        for (const [cellId, cell] of cells) {
          if (cell.index !== undefined && cell.index >= result.index) cells.set(cellId, { ...cell, index: cell.index + 1 });
        }
      }
      const args = parseArguments(call.arguments);
      note(result.cell_id, result.index, typeof args === 'string' ? undefined : args.source);
    }
  }
  return cells;
}

/** The call in words, and the code it writes or runs (if any); `cells` names the cells it acts on. */
export function describeCall(call: ToolCallState, cells: ReadonlyMap<string, KnownCell> = new Map()): { title: string; code?: string } {
  const args = parseArguments(call.arguments);
  const arg = (key: string) => (typeof args === 'string' ? '' : text(args[key]));
  const cell = cells.get(arg('cell_id'));
  const which = cell?.index !== undefined ? `cell ${cell.index + 1}` : 'a cell';
  switch (call.name) {
    case 'read_notebook':
      return { title: 'Read the notebook' };
    case 'insert_cell':
      return { title: `Insert a ${arg('cell_type') || 'code'} cell`, code: arg('source') };
    case 'replace_cell':
      return { title: `Replace ${which}`, code: arg('source') };
    case 'run_cell':
      return { title: `Run ${which}`, code: cell?.source };
    case 'ask_user':
      return { title: `Question: ${arg('question')}` };
    default:
      return { title: `Call ${call.name}` };
  }
}

/** How the call stands, in a word for `data-state` and in words for the user. */
export function callState(call: ToolCallState, phase: CallPhase | undefined, live: boolean): { state: string; detail: string } {
  if (call.result) {
    const first = call.result.output.split('\n')[0];
    if (!call.result.isError) {
      return { state: 'done', detail: call.name === 'ask_user' ? `Answered: ${first}` : 'Done' };
    }
    return first.includes('declined') ? { state: 'declined', detail: 'Declined' } : { state: 'failed', detail: `Failed: ${summary(call.result.output)}` };
  }
  if (call.refused) {
    return { state: 'refused', detail: `Not delivered: ${call.refused.message}` };
  }
  if (!live) {
    return { state: 'ended', detail: 'Not carried out: the answer ended' };
  }
  switch (phase) {
    case 'approval':
      return { state: 'approval', detail: 'Waiting for your approval' };
    case 'question':
      return { state: 'question', detail: 'Waiting for your answer' };
    case 'applying':
      return { state: 'applying', detail: call.name === 'run_cell' ? 'Running…' : 'Applying…' };
    case 'sent':
      return { state: 'sent', detail: 'Done; handing the result to the service' };
    case 'elsewhere':
      return { state: 'elsewhere', detail: 'Waiting for the notebook in the tab that asked' };
    default:
      return { state: 'waiting', detail: 'Waiting for the notebook' };
  }
}

/** A result's error in one line: the `error` of a run's JSON, else its first line. */
function summary(output: string): string {
  try {
    const error: unknown = (JSON.parse(output) as { error?: unknown }).error;
    if (typeof error === 'string') {
      return error.split('\n')[0];
    }
  } catch {
    // plain text
  }
  return output.split('\n')[0];
}

/** One tool call in an answer: what the model does, how it stands, and the approval or question it waits on. */
export function ToolCallView({ call, phase, live, actions, cells }: ToolCallViewProps): JSX.Element {
  const { title, code } = describeCall(call, cells);
  const { state, detail } = callState(call, phase, live);
  const [reply, setReply] = React.useState('');
  const approving = live && phase === 'approval' && actions;
  const asking = live && phase === 'question' && actions;
  return (
    <div className={`jp-Mooring-toolCall jp-Mooring-toolCall-${state}`} data-testid="mooring-tool-call" data-tool={call.name} data-state={state} data-call-id={call.callId}>
      <div className="jp-Mooring-toolCallTitle">{title}</div>
      {code && <pre className="jp-Mooring-toolCallCode">{code}</pre>}
      <div className="jp-Mooring-toolCallState" data-testid="mooring-tool-call-state" role={state === 'approval' ? 'status' : undefined}>
        {detail}
      </div>
      {approving && (
        <div className="jp-Mooring-toolCallActions">
          <button type="button" className="jp-Mooring-button jp-mod-accept" data-testid="mooring-approve" onClick={() => actions.approve(call.callId)}>
            {call.name === 'run_cell' ? 'Run' : 'Apply'}
          </button>
          <button type="button" className="jp-Mooring-button" data-testid="mooring-allow-notebook" title="Apply edits and runs in this notebook without asking" onClick={() => actions.allowNotebook(call.callId)}>
            Allow for this notebook
          </button>
          <button type="button" className="jp-Mooring-button" data-testid="mooring-decline" onClick={() => actions.decline(call.callId)}>
            Decline
          </button>
        </div>
      )}
      {asking && (
        <form
          className="jp-Mooring-toolCallActions"
          onSubmit={(event) => {
            event.preventDefault();
            if (reply.trim()) {
              actions.answer(call.callId, reply.trim());
            }
          }}
        >
          <input className="jp-Mooring-toolCallReply" data-testid="mooring-tool-reply" aria-label="Your answer" value={reply} onChange={(event) => setReply(event.target.value)} />
          <button type="submit" className="jp-Mooring-button jp-mod-accept" disabled={!reply.trim()}>
            Answer
          </button>
          <button type="button" className="jp-Mooring-button" onClick={() => actions.decline(call.callId)}>
            Decline
          </button>
        </form>
      )}
    </div>
  );
}
