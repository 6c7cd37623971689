/** Remembers, per notebook, the conversation the panel last showed there, in JupyterLab's state database. */
import type { IStateDB } from '@jupyterlab/statedb';

import type { ConversationMemory } from './chat-model';

const KEY = 'mooring-jupyterlab:conversation:';

/**
 * One state entry per notebook path ('' for none): the workspace keeps it, so a reload opens that conversation again.
 */
export class StateDbMemory implements ConversationMemory {
  readonly #state: IStateDB;

  constructor(state: IStateDB) {
    this.#state = state;
  }

  async recall(notebook: string): Promise<string | undefined> {
    try {
      const id = await this.#state.fetch(KEY + notebook);
      return typeof id === 'string' ? id : undefined;
    } catch (err) {
      console.warn('mooring: could not read the conversation last shown', err);
      return undefined;
    }
  }

  /** Keeps the conversation shown, or '' for a new chat (which a reload shows again, empty). */
  remember(notebook: string, conversationId: string | undefined): void {
    this.#state
      .save(KEY + notebook, conversationId ?? '')
      .catch((err: unknown) => console.warn('mooring: could not remember the conversation shown', err));
  }
}
