/** The agent's tools over a real JupyterLab notebook: its cell model, `NotebookActions` for runs, its context for saves. */
import type { ICodeCellModel } from '@jupyterlab/cells';
import { NotebookActions, type INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';

import type { OutputLike } from './notebook-context';
import type { AgentNotebook, RunOutcome, ToolCell } from './notebook-tools';

/** The notebook open at `path` once its document is ready, or undefined when it is not open. */
export async function openNotebook(tracker: INotebookTracker, path: string): Promise<AgentNotebook | undefined> {
  const panel = tracker.find((each) => each.context.path === path);
  if (!panel) {
    return undefined;
  }
  await panel.context.ready;
  return labNotebook(panel);
}

/** An {@link AgentNotebook} over a notebook panel. */
export function labNotebook(panel: NotebookPanel): AgentNotebook {
  const notebook = panel.content;
  const model = () => {
    if (!notebook.model) {
      throw new Error('the notebook was closed');
    }
    return notebook.model;
  };
  const widgetOf = (cellId: string) => {
    const index = notebook.widgets.findIndex((widget) => widget.model.id === cellId);
    if (index < 0) {
      throw new Error(`no cell has the id ${cellId}`);
    }
    return { index, widget: notebook.widgets[index] };
  };
  return {
    path: panel.context.path,
    cells: (): ToolCell[] =>
      notebook.widgets.map((widget) => ({
        id: widget.model.id,
        cellType: widget.model.type,
        source: widget.model.sharedModel.getSource(),
        outputs: (widget.model.toJSON() as { outputs?: OutputLike[] }).outputs ?? []
      })),
    insertCell(index, cellType, source) {
      const cell = model().sharedModel.insertCell(index, { cell_type: cellType, source });
      notebook.activeCellIndex = index;
      return cell.getId();
    },
    replaceSource(cellId, source) {
      const { index, widget } = widgetOf(cellId);
      widget.model.sharedModel.setSource(source);
      if (widget.model.type === 'code') {
        const code = widget.model as ICodeCellModel;
        code.outputs.clear();
        code.executionCount = null;
      }
      notebook.activeCellIndex = index;
    },
    async runCell(cellId): Promise<RunOutcome> {
      const { index, widget } = widgetOf(cellId);
      await panel.sessionContext.ready;
      if (!panel.sessionContext.session?.kernel) {
        throw new Error('the notebook has no kernel: start one, then ask again');
      }
      notebook.activeCellIndex = index;
      await NotebookActions.runCells(notebook, [widget], panel.sessionContext);
      const json = widget.model.toJSON() as { execution_count?: number | null; outputs?: OutputLike[] };
      return { executionCount: json.execution_count ?? null, outputs: json.outputs ?? [] };
    },
    metadata: (key) => model().getMetadata(key) as unknown,
    setMetadata: (key, value) => model().setMetadata(key, value),
    save: () => panel.context.save(),
    interrupt: () => void panel.sessionContext.session?.kernel?.interrupt()
  };
}
