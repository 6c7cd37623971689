import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { ChatMode, ChatModel } from './chat-model';
import { ChatView } from './components/chat-view';
import type { CodeActions } from './components/code-actions';
import { MarkdownView } from './components/markdown-view';
import type { ModelSettingsModel } from './model-settings';
import type { ConversationSummary } from './rest-api';

/** Options of {@link ChatPanel}. */
export interface ChatPanelOptions {
  model: ChatModel;
  /** The Model section's state. */
  modelSettings?: ModelSettingsModel;
  rendermime: IRenderMimeRegistry;
  codeActions: CodeActions;
  /** Asks from the question box (the plugin adds the notebook context). */
  onAsk: (text: string, mode: ChatMode) => void;
  contextHint?: () => string;
  confirmDelete?: (conversation: ConversationSummary) => Promise<boolean>;
}

/** The chat side panel: a thin widget around {@link ChatView}. */
export class ChatPanel extends ReactWidget {
  #focusRequests = 0;

  constructor(private readonly options: ChatPanelOptions) {
    super();
    this.id = 'mooring-chat';
    this.addClass('jp-Mooring');
    this.node.setAttribute('data-testid', 'mooring-sidebar');
  }

  get model(): ChatModel {
    return this.options.model;
  }

  /** Activating the panel (its tab, its command) puts the focus in the question box. */
  protected onActivateRequest(): void {
    this.#focusRequests++;
    this.update();
  }

  protected render(): JSX.Element {
    const { model, modelSettings, rendermime, codeActions, onAsk, contextHint, confirmDelete } = this.options;
    return (
      <ChatView
        model={model}
        modelSettings={modelSettings}
        onAsk={onAsk}
        contextHint={contextHint}
        confirmDelete={confirmDelete}
        codeActions={codeActions}
        focusRequest={this.#focusRequests}
        renderText={(text) => <MarkdownView text={text} rendermime={rendermime} codeActions={codeActions} />}
      />
    );
  }
}
