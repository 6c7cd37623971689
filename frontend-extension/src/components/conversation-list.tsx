import * as React from 'react';

import type { ConversationSummary } from '../rest-api';

export interface ConversationListProps {
  conversations: readonly ConversationSummary[];
  activeId?: string;
  error?: string;
  onOpen: (id: string) => void;
  onDelete: (conversation: ConversationSummary) => void;
  /** Epoch ms the ages are counted from (when the list was opened). */
  now: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago `iso` was, in a few characters ("now", "5 min", "2 h", "Mon", "12 Mar",
 * "Mar 2023"), and in full for a tooltip and screen readers; undefined for a bad date.
 */
export function describeAge(iso: string, now: number, locale?: string): { short: string; full: string } | undefined {
  const date = new Date(iso);
  const time = date.getTime();
  if (Number.isNaN(time)) {
    return undefined;
  }
  const age = now - time;
  const full = date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
  let short: string;
  if (age < MINUTE) {
    short = 'now';
  } else if (age < HOUR) {
    short = `${Math.floor(age / MINUTE)} min`;
  } else if (age < DAY) {
    short = `${Math.floor(age / HOUR)} h`;
  } else if (age < 6 * DAY) {
    short = date.toLocaleDateString(locale, { weekday: 'short' });
  } else if (date.getFullYear() === new Date(now).getFullYear()) {
    short = date.toLocaleDateString(locale, { day: 'numeric', month: 'short' });
  } else {
    short = date.toLocaleDateString(locale, { month: 'short', year: 'numeric' });
  }
  return { short, full };
}

/** The stored conversations, newest first: one line each, the title cut to fit. */
export function ConversationList(props: ConversationListProps): JSX.Element {
  const { conversations, activeId, error, onOpen, onDelete, now } = props;
  return (
    <nav className="jp-Mooring-conversations" aria-label="Conversations" data-testid="mooring-conversations">
      {error && (
        <div className="jp-Mooring-conversationsError" role="alert" data-testid="mooring-conversations-error">
          {error}
        </div>
      )}
      {conversations.length === 0 && !error && <div className="jp-Mooring-empty">No conversations yet.</div>}
      <ul>
        {conversations.map((c) => {
          const title = c.title || 'Untitled conversation';
          const age = describeAge(c.updatedAt, now);
          return (
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
                title={age ? `${title}\n${age.full}` : title}
                onClick={() => onOpen(c.id)}
              >
                <span className="jp-Mooring-conversationTitle" data-testid="mooring-conversation-title">
                  {title}
                </span>
                {age && (
                  <time className="jp-Mooring-conversationDate" dateTime={c.updatedAt}>
                    <span aria-hidden="true">{age.short}</span>
                    <span className="jp-Mooring-visuallyHidden"> updated {age.full}</span>
                  </time>
                )}
              </button>
              <button
                type="button"
                className="jp-Mooring-iconButton jp-Mooring-conversationDelete"
                data-testid="mooring-conversation-delete"
                aria-label={`Delete conversation ${title}`}
                title="Delete"
                onClick={() => onDelete(c)}
              >
                <span aria-hidden="true">✕</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
