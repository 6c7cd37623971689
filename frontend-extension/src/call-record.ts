/**
 * The record of agent calls applied to a notebook, kept in the notebook's own metadata (`mooring.agentCalls`), so
 * that it is saved with the edits it describes and travels with the notebook: a replayed call found here is
 * answered from the record instead of being applied again.
 */
import type { AgentNotebook, ToolOutcome } from './notebook-tools';

/** One call: `applying` while a run is under way (a reload then must not run it again), `done` with its result. */
export type RecordedCall = { state: 'applying' } | ({ state: 'done' } & ToolOutcome);

const KEY = 'mooring';
/** Calls kept per notebook: the newest; older answers ended long ago. */
const MAX_CALLS = 200;
/** Most characters of a recorded result. */
const MAX_OUTPUT = 4000;

type Entries = Record<string, RecordedCall & { at: number }>;

function entries(notebook: AgentNotebook): Entries {
  const mooring = notebook.metadata(KEY);
  const calls = typeof mooring === 'object' && mooring !== null ? (mooring as { agentCalls?: unknown }).agentCalls : undefined;
  return typeof calls === 'object' && calls !== null ? { ...(calls as Entries) } : {};
}

/** What the notebook records of a call, if anything. */
export function recordedCall(notebook: AgentNotebook, callId: string): RecordedCall | undefined {
  const entry = entries(notebook)[callId];
  if (entry?.state === 'done') {
    return { state: 'done', output: String(entry.output), isError: entry.isError === true };
  }
  return entry?.state === 'applying' ? { state: 'applying' } : undefined;
}

/** Records a call in the notebook's metadata (not saved: the caller saves with the edit). */
export function recordCall(notebook: AgentNotebook, callId: string, call: RecordedCall, now = Date.now()): void {
  const calls = entries(notebook);
  delete calls[callId];
  const kept = Object.entries(calls)
    .sort(([, a], [, b]) => a.at - b.at)
    .slice(-(MAX_CALLS - 1));
  const stored = call.state === 'done' ? { ...call, output: call.output.slice(0, MAX_OUTPUT) } : call;
  const mooring = notebook.metadata(KEY);
  const others = typeof mooring === 'object' && mooring !== null ? mooring : {};
  notebook.setMetadata(KEY, { ...others, agentCalls: Object.fromEntries([...kept, [callId, { ...stored, at: now }]]) });
}
