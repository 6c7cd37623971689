import { Token } from '@lumino/coreutils';

import type { ChatMode, ChatModel } from './chat-model';
import type { CellContext } from './notebook-context';

/** The Mooring chat panel, for other plugins. */
export interface IMooringChat {
  /** The panel's state (connection, conversations, answers). */
  readonly model: ChatModel;
  /** Ask a question; `context` defaults to the active notebook's. */
  ask(text: string, options?: { mode?: ChatMode; context?: CellContext }): void;
  /** Show the panel. */
  open(): void;
}

export const IMooringChat = new Token<IMooringChat>(
  'mooring-jupyterlab:IMooringChat',
  'The Mooring chat panel: ask questions and read its state.'
);
