import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';

import type { CodeActions } from './components/code-actions';
import { CellContext, cellContext, CellLike } from './notebook-context';

/** The active notebook's cell as nbformat JSON, with the notebook's path. */
export function activeCell(tracker: INotebookTracker): { path?: string; cell?: CellLike } {
  const panel = tracker.currentWidget;
  if (!panel) {
    return {};
  }
  const cell = panel.content.activeCell;
  return {
    path: panel.context.path,
    cell: cell ? (cell.model.toJSON()) : undefined
  };
}

/** The context sent with a question: the active notebook and its active cell. */
export function notebookContext(tracker: INotebookTracker): CellContext | undefined {
  const { path, cell } = activeCell(tracker);
  return path ? cellContext(path, cell) : undefined;
}

/** A short description of that context for the question box. */
export function contextHint(tracker: INotebookTracker): string {
  const panel = tracker.currentWidget;
  if (!panel) {
    return 'No notebook open: the question goes without context';
  }
  const index = panel.content.activeCellIndex;
  return `Context: ${panel.context.path}${index >= 0 ? `, cell ${index + 1}` : ''}`;
}

/** "Insert below" and "Replace active cell" acting on the active notebook. */
export function notebookCodeActions(tracker: INotebookTracker): CodeActions {
  const target = () => {
    const panel = tracker.currentWidget;
    if (!panel) {
      Notification.warning('Open a notebook first: there is no active notebook to put the code in.', {
        autoClose: 4000
      });
    }
    return panel;
  };
  return {
    insertBelow(code: string): void {
      const panel = target();
      if (!panel) {
        return;
      }
      const notebook = panel.content;
      NotebookActions.insertBelow(notebook);
      const cell = notebook.activeCell;
      if (cell && cell.model.type !== 'code') {
        NotebookActions.changeCellType(notebook, 'code');
      }
      notebook.activeCell?.model.sharedModel.setSource(code);
    },
    replaceActiveCell(code: string): void {
      const panel = target();
      const cell = panel?.content.activeCell;
      if (!panel || !cell) {
        if (panel) {
          Notification.warning('Select a cell first.', { autoClose: 4000 });
        }
        return;
      }
      cell.model.sharedModel.setSource(code);
    }
  };
}
