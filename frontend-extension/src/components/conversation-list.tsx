import * as React from 'react';

import type { ConversationSummary } from '../rest-api';

export interface ConversationListProps {
  conversations: readonly ConversationSummary[];
  activeId?: string;
  error?: string;
  onOpen: (id: string) => void;
  onDelete: (conversation: ConversationSummary) => void;
}

const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
};

/** The stored conversations, newest first. */
export function ConversationList(props: ConversationListProps): JSX.Element {
  const { conversations, activeId, error, onOpen, onDelete } = props;
  return (
    <nav className="jp-Mooring-conversations" aria-label="Conversations" data-testid="mooring-conversations">
      {error && (
        <div className="jp-Mooring-conversationsError" role="alert" data-testid="mooring-conversations-error">
          {error}
        </div>
      )}
      {conversations.length === 0 && !error && <div className="jp-Mooring-empty">No conversations yet.</div>}
      <ul>
        {conversations.map((c) => (
          <li
            key={c.id}
            className={c.id === activeId ? 'jp-Mooring-conversation jp-mod-active' : 'jp-Mooring-conversation'}
            data-testid="mooring-conversation"
            data-conversation-id={c.id}
          >
            <button
              type="button"
              className="jp-Mooring-conversationOpen"
              aria-current={c.id === activeId ? 'true' : undefined}
              onClick={() => onOpen(c.id)}
            >
              <span className="jp-Mooring-conversationTitle">{c.title || 'Untitled conversation'}</span>
              <span className="jp-Mooring-conversationDate">{when(c.updatedAt)}</span>
            </button>
            <button
              type="button"
              className="jp-Mooring-button jp-Mooring-conversationDelete"
              data-testid="mooring-conversation-delete"
              aria-label={`Delete conversation ${c.title || c.id}`}
              title="Delete"
              onClick={() => onDelete(c)}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
