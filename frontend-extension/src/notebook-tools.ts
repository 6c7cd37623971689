/**
 * What each agent tool does to a notebook (docs/protocol.md, "Agent mode"): its arguments checked, the act, and the
 * result the model reads. The notebook is an interface, so that these rules are tested without JupyterLab; the
 * panel's adapter over a real notebook is `lab-notebook.ts`.
 */
import { errorText, outputText, truncate, type OutputLike } from './notebook-context';

/** A cell as the tools read it. */
export interface ToolCell {
  id: string;
  cellType: string;
  source: string;
  outputs: readonly OutputLike[];
}

/** What a run of one cell gave: its execution count and outputs (an error among them when it raised). */
export interface RunOutcome {
  executionCount: number | null;
  outputs: readonly OutputLike[];
}

/** The open notebook the agent acts on. */
export interface AgentNotebook {
  readonly path: string;
  cells(): ToolCell[];
  /** Inserts a cell at `index` and answers its id. */
  insertCell(index: number, cellType: 'code' | 'markdown', source: string): string;
  /** Replaces a cell's source and clears its outputs. */
  replaceSource(cellId: string, source: string): void;
  /** Runs a code cell in the notebook's kernel. Rejects when there is no kernel to run it. */
  runCell(cellId: string): Promise<RunOutcome>;
  /** The notebook's metadata entry `key` (undefined when absent). */
  metadata(key: string): unknown;
  setMetadata(key: string, value: unknown): void;
  /** Saves the notebook to its file. */
  save(): Promise<void>;
  /** Interrupts the kernel (a cancelled answer's run). */
  interrupt(): void;
}

/** A tool's answer: the `output` of the `tool_result` frame. */
export interface ToolOutcome {
  output: string;
  isError: boolean;
}

/** How a tool touches the notebook: what waits for the user's approval and what is recorded as applied. */
export type ToolKind = 'read' | 'edit' | 'destructive' | 'run' | 'ask';

const KINDS: Record<string, ToolKind> = {
  read_notebook: 'read',
  insert_cell: 'edit',
  replace_cell: 'destructive',
  run_cell: 'run',
  ask_user: 'ask'
};

/** The kind of a tool; undefined for a tool the panel does not know. */
export const toolKind = (name: string): ToolKind | undefined => KINDS[name];

/** Destructive and running tools wait for the user's approval unless allowed for the notebook. */
export const needsApproval = (name: string): boolean => toolKind(name) === 'destructive' || toolKind(name) === 'run';

/** Tools whose effect on the notebook must happen at most once per call. */
export const hasEffect = (name: string): boolean => ['edit', 'destructive', 'run'].includes(toolKind(name) ?? '');

/** Most characters of one cell's source, and of one output, in `read_notebook`; most in all. */
const MAX_SOURCE = 4000;
const MAX_OUTPUT = 2000;
const MAX_READ = 30000;

const failed = (message: string): ToolOutcome => ({ output: message, isError: true });
const json = (value: unknown, isError = false): ToolOutcome => ({ output: JSON.stringify(value), isError });

/** The arguments of a call as an object; a string when they are not one (the error to answer). */
export function parseArguments(text: string): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(text || '{}');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // answered below
  }
  return 'the arguments are not a JSON object';
}

/** Carries out one call of a tool that acts on its own (every tool but `ask_user`). */
export async function runTool(notebook: AgentNotebook, name: string, argumentsText: string): Promise<ToolOutcome> {
  const args = parseArguments(argumentsText);
  if (typeof args === 'string') {
    return failed(args);
  }
  switch (name) {
    case 'read_notebook':
      return readNotebook(notebook);
    case 'insert_cell':
      return insertCell(notebook, args);
    case 'replace_cell':
      return replaceCell(notebook, args);
    case 'run_cell':
      return runCell(notebook, args);
    default:
      return failed(`there is no tool named ${JSON.stringify(name)}; the tools are ${Object.keys(KINDS).join(', ')}`);
  }
}

function readNotebook(notebook: AgentNotebook): ToolOutcome {
  let budget = MAX_READ;
  const cells = notebook.cells().map((cell, index) => {
    const error = errorText(cell.outputs);
    const read = {
      cell_id: cell.id,
      index,
      cell_type: cell.cellType,
      source: truncate(cell.source, Math.max(200, Math.min(MAX_SOURCE, budget))),
      outputs: cell.outputs
        .filter((output) => output.output_type !== 'error')
        .map((output) => truncate(outputText(output), MAX_OUTPUT))
        .filter((text) => text !== ''),
      ...(error ? { error } : {})
    };
    budget -= JSON.stringify(read).length;
    return read;
  });
  return json({ path: notebook.path, cells });
}

function insertCell(notebook: AgentNotebook, args: Record<string, unknown>): ToolOutcome {
  const { source, cell_type: cellType = 'code', index } = args;
  const count = notebook.cells().length;
  if (typeof source !== 'string') {
    return failed("'source' must be a string");
  }
  if (cellType !== 'code' && cellType !== 'markdown') {
    return failed("'cell_type' must be code or markdown");
  }
  if (index !== undefined && (!Number.isInteger(index) || (index as number) < 0 || (index as number) > count)) {
    return failed(`'index' must be an integer from 0 to ${count}`);
  }
  const at = index === undefined ? count : (index as number);
  return json({ cell_id: notebook.insertCell(at, cellType, source), index: at });
}

/** The index of the cell `cellId`, or the error to answer. */
function cellIndex(notebook: AgentNotebook, cellId: unknown): number | ToolOutcome {
  if (typeof cellId !== 'string') {
    return failed("'cell_id' must be a string");
  }
  const index = notebook.cells().findIndex((cell) => cell.id === cellId);
  return index >= 0 ? index : failed(`no cell has the id ${JSON.stringify(cellId)}; read_notebook gives the ids`);
}

function replaceCell(notebook: AgentNotebook, args: Record<string, unknown>): ToolOutcome {
  const index = cellIndex(notebook, args.cell_id);
  if (typeof index !== 'number') {
    return index;
  }
  if (typeof args.source !== 'string') {
    return failed("'source' must be a string");
  }
  notebook.replaceSource(args.cell_id as string, args.source);
  return json({ cell_id: args.cell_id, index });
}

async function runCell(notebook: AgentNotebook, args: Record<string, unknown>): Promise<ToolOutcome> {
  const index = cellIndex(notebook, args.cell_id);
  if (typeof index !== 'number') {
    return index;
  }
  const cell = notebook.cells()[index];
  if (cell.cellType !== 'code') {
    return failed(`cell ${cell.id} is a ${cell.cellType} cell: only code cells run`);
  }
  let outcome: RunOutcome;
  try {
    outcome = await notebook.runCell(cell.id);
  } catch (err) {
    return failed(`the cell could not run: ${(err as Error).message}`);
  }
  const error = errorText(outcome.outputs);
  const outputs = outcome.outputs
    .filter((output) => output.output_type !== 'error')
    .map((output) => truncate(outputText(output), MAX_OUTPUT))
    .filter((text) => text !== '');
  return json({ cell_id: cell.id, execution_count: outcome.executionCount, outputs, ...(error ? { error } : {}) }, !!error);
}
