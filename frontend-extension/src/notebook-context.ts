/**
 * Pure helpers that turn a notebook cell (nbformat JSON) into the `context` of a
 * chat message. Nothing here touches the DOM or JupyterLab widgets.
 */
import type { ChatContext } from '@mooring/chat-client';

/** The `context` object sent with a question: the wire's own type (docs/protocol.md, chat frame `context`). */
export type CellContext = ChatContext;

/** The part of an nbformat output these helpers read. */
export interface OutputLike {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** The part of an nbformat cell these helpers read. */
export interface CellLike {
  cell_type: string;
  source: string | string[];
  outputs?: OutputLike[];
  execution_count?: number | null;
}

/** Most text kept per output and for the whole cell, so a question stays small. */
export const MAX_OUTPUT_CHARS = 4000;
export const MAX_SOURCE_CHARS = 20000;

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** `text` without ANSI escape codes (tracebacks are coloured). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

const joined = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join('') : v ?? '');

/** `text` cut to `max` characters, saying so. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max) + `\n… [${text.length - max} more characters]`;
}

/** The error of a cell's outputs as one string, or undefined when none failed. */
export function errorText(outputs: readonly OutputLike[] | undefined): string | undefined {
  const err = outputs?.find((o) => o.output_type === 'error');
  if (!err) {
    return undefined;
  }
  const head = `${err.ename ?? 'Error'}: ${err.evalue ?? ''}`.trim();
  const trace = stripAnsi((err.traceback ?? []).join('\n')).trim();
  return truncate(trace ? `${head}\n${trace}` : head, MAX_OUTPUT_CHARS * 2);
}

/** The readable text of one output (stream text, text/plain, an error's name and value). */
export function outputText(output: OutputLike): string {
  switch (output.output_type) {
    case 'stream':
      return stripAnsi(joined(output.text));
    case 'error':
      return `${output.ename ?? 'Error'}: ${output.evalue ?? ''}`;
    case 'execute_result':
    case 'display_data': {
      const data = output.data ?? {};
      const plain = data['text/plain'];
      if (plain !== undefined) {
        return stripAnsi(joined(plain as string | string[]));
      }
      const kinds = Object.keys(data);
      return kinds.length ? `[${kinds.join(', ')}]` : '';
    }
    default:
      return '';
  }
}

/** The context of one cell in the notebook at `notebookPath`. */
export function cellContext(notebookPath: string | undefined, cell: CellLike | undefined): CellContext {
  const context: CellContext = {};
  if (notebookPath) {
    context.notebookPath = notebookPath;
  }
  if (cell) {
    const outputs = (cell.outputs ?? []).map((o) => truncate(outputText(o), MAX_OUTPUT_CHARS)).filter((t) => t !== '');
    const error = errorText(cell.outputs);
    context.activeCell = {
      source: truncate(joined(cell.source), MAX_SOURCE_CHARS),
      outputs,
      cellType: cell.cell_type
    };
    if (error) {
      context.activeCell.error = error;
    }
    if (cell.execution_count !== undefined) {
      context.activeCell.executionCount = cell.execution_count;
    }
  }
  return context;
}

/** The question "Fix this error" asks, naming the error it is about. */
export function fixErrorQuestion(cell: CellLike): string | undefined {
  const err = cell.outputs?.find((o) => o.output_type === 'error');
  if (!err) {
    return undefined;
  }
  return `Fix this error: ${err.ename ?? 'Error'}: ${err.evalue ?? ''}`.trim();
}

/** The question "Explain this cell" asks. */
export function explainQuestion(cell: CellLike): string {
  return cell.cell_type === 'markdown' ? 'Explain this markdown cell.' : 'Explain this cell.';
}
