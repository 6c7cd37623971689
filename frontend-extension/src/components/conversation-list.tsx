import * as React from 'react';

import type { HistoryScope } from '../chat-model';
import type { ConversationSummary } from '../rest-api';
import { RenameIcon } from './icons';

export interface ConversationListProps {
  conversations: readonly ConversationSummary[];
  activeId?: string;
  error?: string;
  onOpen: (id: string) => void;
  onDelete: (conversation: ConversationSummary) => void;
  /** Renames; resolves false when the service refused the title (the reason shows as `error`). */
  onRename: (id: string, title: string) => Promise<boolean>;
  /** Epoch ms the ages are counted from (when the list was opened). */
  now: number;
  /** Whether the list holds the notebook's conversations or all of them. */
  scope: HistoryScope;
  onScope: (scope: HistoryScope) => void;
  /** The notebook in view ('' for none). */
  notebook: string;
}

/** The last part of a path: `analysis.ipynb` of `work/analysis.ipynb`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
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

/** The history, newest first: this notebook's or all; one line each, the title cut to fit (in full on hover), renamable. */
export function ConversationList(props: ConversationListProps): JSX.Element {
  const { conversations, activeId, error, onOpen, onDelete, onRename, now, scope, onScope, notebook } = props;
  const [editing, setEditing] = React.useState<string>();
  const perNotebook = scope === 'notebook' && notebook !== '';
  return (
    <nav className="jp-Mooring-conversations" aria-label="Conversations" data-testid="mooring-conversations">
      <div className="jp-Mooring-historyScope" role="group" aria-label="Which conversations">
        <button
          type="button"
          className="jp-Mooring-scopeButton"
          data-testid="mooring-history-notebook"
          aria-pressed={perNotebook}
          disabled={notebook === ''}
          title={notebook ? `Conversations started in ${notebook}` : 'No notebook open'}
          onClick={() => onScope('notebook')}
        >
          {notebook ? baseName(notebook) : 'This notebook'}
        </button>
        <button
          type="button"
          className="jp-Mooring-scopeButton"
          data-testid="mooring-history-all"
          aria-pressed={!perNotebook}
          onClick={() => onScope('all')}
        >
          All notebooks
        </button>
      </div>
      {error && (
        <div className="jp-Mooring-conversationsError" role="alert" data-testid="mooring-conversations-error">
          {error}
        </div>
      )}
      {conversations.length === 0 && !error && (
        <div className="jp-Mooring-empty">
          {perNotebook ? `No conversations in ${baseName(notebook)} yet.` : 'No conversations yet.'}
        </div>
      )}
      <ul>
        {conversations.map((c) => {
          const title = c.title || 'Untitled conversation';
          const age = describeAge(c.updatedAt, now);
          const tooltip = [title, !perNotebook && c.notebookPath ? c.notebookPath : '', age?.full ?? '']
            .filter((line) => line)
            .join('\n');
          return (
            <li
              key={c.id}
              className={c.id === activeId ? 'jp-Mooring-conversation jp-mod-active' : 'jp-Mooring-conversation'}
              data-testid="mooring-conversation"
              data-conversation-id={c.id}
            >
              {editing === c.id ? (
                <TitleEditor
                  title={title}
                  onDone={async (next) => {
                    if (next === undefined || next === title || (await onRename(c.id, next))) {
                      setEditing(undefined);
                    }
                  }}
                />
              ) : (
                <button
                  type="button"
                  className="jp-Mooring-conversationOpen"
                  aria-current={c.id === activeId ? 'true' : undefined}
                  title={tooltip}
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
              )}
              {editing !== c.id && (
                <button
                  type="button"
                  className="jp-Mooring-iconButton jp-Mooring-conversationAction"
                  data-testid="mooring-conversation-rename"
                  aria-label={`Rename conversation ${title}`}
                  title="Rename"
                  onClick={() => setEditing(c.id)}
                >
                  <RenameIcon />
                </button>
              )}
              <button
                type="button"
                className="jp-Mooring-iconButton jp-Mooring-conversationAction"
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

/** The title in a text box: Enter or leaving it saves, Escape gives up (`onDone(undefined)`). */
function TitleEditor({ title, onDone }: { title: string; onDone: (title: string | undefined) => Promise<void> }): JSX.Element {
  const [text, setText] = React.useState(title);
  const done = React.useRef(false);
  const finish = (value: string | undefined): void => {
    if (!done.current) {
      done.current = true;
      void onDone(value).finally(() => (done.current = false));
    }
  };
  return (
    <input
      className="jp-Mooring-titleInput"
      data-testid="mooring-conversation-title-input"
      aria-label="Conversation title"
      maxLength={200}
      value={text}
      autoFocus
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
          e.preventDefault();
          finish(text.trim());
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          finish(undefined);
        }
      }}
      onBlur={() => finish(text.trim())}
    />
  );
}
