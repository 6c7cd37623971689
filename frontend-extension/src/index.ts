import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ServerConnection } from '@jupyterlab/services';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { LabIcon } from '@jupyterlab/ui-components';
import { ChatClient } from '@mooring/chat-client';

import mooringSvg from '../style/icons/mooring.svg';
import { AgentRunner } from './agent-runner';
import { ChatMode, ChatModel, Connection } from './chat-model';
import { ChatPanel } from './chat-panel';
import { DEFAULT_SETTINGS, explainProxyFailure, MooringSettings, readSettings, resolveTarget } from './connection';
import { StateDbMemory } from './conversation-memory';
import { ModelSettingsModel } from './model-settings';
import { activeCell, contextHint, notebookCodeActions, notebookContext } from './notebook-actions';
import { CellContext, cellContext, explainQuestion, fixErrorQuestion } from './notebook-context';
import { bearerRequest, ConversationsApi, fetchInit, ModelApi, RequestFn } from './rest-api';
import { openNotebook } from './lab-notebook';
import { browserStorage } from './tab-store';
import { IMooringChat } from './tokens';

export { IMooringChat } from './tokens';

const PLUGIN_ID = 'mooring-jupyterlab:plugin';

const CommandIDs = {
  open: 'mooring:open',
  explainCell: 'mooring:explain-cell',
  fixError: 'mooring:fix-error'
} as const;

export const mooringIcon = new LabIcon({ name: 'mooring:icon', svgstr: mooringSvg });

/** A client and REST access for the given settings (no network until the client connects). */
function makeConnection(settings: MooringSettings): Connection & { modelApi: ModelApi } {
  const server = ServerConnection.makeSettings();
  const target = resolveTarget(settings, { baseUrl: server.baseUrl, wsUrl: server.wsUrl });
  const client = new ChatClient({
    url: target.url,
    restUrl: target.restUrl,
    // Through Jupyter: Jupyter's own credentials (its token, or none and the cookie);
    // the proxy swaps them for the service token, which the browser never sees.
    token: target.viaJupyter ? () => server.token : target.token,
    ...(settings.retryBudgetMs ? { retryBudgetMs: settings.retryBudgetMs } : {})
  });
  const request: RequestFn = target.viaJupyter
    ? (path, init) => ServerConnection.makeRequest(URLExt.join(target.restUrl, 'api', path), fetchInit(init), server)
    : bearerRequest(target.restUrl, target.token);
  return {
    client,
    api: new ConversationsApi(request),
    modelApi: new ModelApi(request),
    explainFailure: target.viaJupyter ? explainProxyFailure : undefined
  };
}

const plugin: JupyterFrontEndPlugin<IMooringChat> = {
  id: PLUGIN_ID,
  description: 'Mooring: an AI chat assistant for notebooks that never lies about its connection.',
  autoStart: true,
  requires: [IRenderMimeRegistry, INotebookTracker],
  optional: [ISettingRegistry, ICommandPalette, ILayoutRestorer, IStateDB],
  provides: IMooringChat,
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    state: IStateDB | null
  ): IMooringChat => {
    const agent = new AgentRunner({
      // after a reload, JupyterLab opens the notebooks again: calls wait for that before looking
      notebooks: async (path) => {
        await app.restored;
        return openNotebook(tracker, path);
      },
      tab: browserStorage('sessionStorage'),
      browser: browserStorage('localStorage')
    });
    const model = new ChatModel({ agent, memory: state ? new StateDbMemory(state) : undefined });
    let modelApi: ModelApi | undefined;
    const modelSettings = new ModelSettingsModel(() => modelApi);

    const ask = (text: string, options: { mode?: ChatMode; context?: CellContext } = {}): void => {
      model.ask(text, { mode: options.mode ?? 'chat', context: options.context ?? notebookContext(tracker) });
      app.shell.activateById(panel.id);
    };

    const panel = new ChatPanel({
      model,
      modelSettings,
      rendermime,
      codeActions: notebookCodeActions(tracker),
      onAsk: (text, mode) => ask(text, { mode }),
      contextHint: () => contextHint(tracker),
      confirmDelete: async (c) => {
        const result = await showDialog({
          title: 'Delete conversation',
          body: `Delete “${c.title || c.id}” and all its messages?`,
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
        });
        return result.button.accept;
      }
    });
    panel.title.icon = mooringIcon;
    panel.title.caption = 'Mooring chat';
    app.shell.add(panel, 'right', { rank: 500 });
    restorer?.add(panel, 'mooring-chat');
    // The panel shows the conversation last shown for the notebook in view, and its history.
    tracker.currentChanged.connect(() => {
      panel.update();
      void model.showNotebook(tracker.currentWidget?.context.path);
    });
    tracker.activeCellChanged.connect(() => panel.update());
    void app.restored.then(() => model.showNotebook(tracker.currentWidget?.context.path));

    // Connect without waiting: the status line says "connecting" meanwhile.
    let current = '';
    const apply = (settings: MooringSettings): void => {
      const key = JSON.stringify(settings);
      if (key !== current) {
        current = key;
        const connection = makeConnection(settings);
        modelApi = connection.modelApi;
        model.connect(connection);
      }
    };
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then((s) => {
          apply(readSettings(s.composite));
          s.changed.connect(() => apply(readSettings(s.composite)));
        })
        .catch((err) => {
          console.warn('mooring: could not load settings; using the defaults', err);
          apply(DEFAULT_SETTINGS);
        });
    } else {
      apply(DEFAULT_SETTINGS);
    }

    /**
     * The cell a context menu was opened on, else the active cell. With `activate`,
     * that cell becomes the active one (so "Replace active cell" later means it).
     */
    const targetCell = (activate: boolean) => {
      const notebook = tracker.currentWidget?.content;
      if (!notebook) {
        return undefined;
      }
      const node = app.contextMenuHitTest((n) => n.classList.contains('jp-Cell'));
      const index = node ? notebook.widgets.findIndex((w) => w.node === node) : -1;
      if (index < 0) {
        return notebook.activeCell ?? undefined;
      }
      if (activate && index !== notebook.activeCellIndex) {
        notebook.activeCellIndex = index;
      }
      return notebook.widgets[index];
    };

    app.commands.addCommand(CommandIDs.open, {
      label: 'Open Mooring Chat',
      caption: 'Show the Mooring chat panel with the cursor in its question box',
      icon: mooringIcon,
      execute: () => app.shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.explainCell, {
      label: 'Explain this cell',
      caption: 'Ask Mooring to explain the active cell',
      icon: mooringIcon,
      isEnabled: () => !!targetCell(false),
      execute: () => {
        targetCell(true);
        const { path, cell } = activeCell(tracker);
        if (cell) {
          ask(explainQuestion(cell), { mode: 'explain', context: cellContext(path, cell) });
        }
      }
    });
    app.commands.addCommand(CommandIDs.fixError, {
      label: 'Fix this error',
      caption: "Ask Mooring to fix the active cell's error",
      icon: mooringIcon,
      isEnabled: () => {
        const cell = targetCell(false);
        const outputs = cell ? (cell.model.toJSON() as { outputs?: { output_type: string }[] }).outputs : undefined;
        return !!outputs?.some((o) => o.output_type === 'error');
      },
      execute: () => {
        targetCell(true);
        const { path, cell } = activeCell(tracker);
        const question = cell ? fixErrorQuestion(cell) : undefined;
        if (cell && question) {
          ask(question, { mode: 'debug', context: cellContext(path, cell) });
        }
      }
    });
    if (palette) {
      for (const command of [CommandIDs.open, CommandIDs.explainCell, CommandIDs.fixError]) {
        palette.addItem({ command, category: 'Mooring' });
      }
    }

    return { model, ask, open: () => app.shell.activateById(panel.id) };
  }
};

export default plugin;
