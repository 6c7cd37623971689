import * as React from 'react';

import type { AnswerEntry, ChatMode, ChatModel, UserEntry } from '../chat-model';
import { isFinalStatus } from '../chat-model';
import type { ConversationSummary } from '../rest-api';
import { Answer } from './answer';
import type { CodeActions } from './code-actions';
import { Composer } from './composer';
import { ConversationList } from './conversation-list';
import { DemoBanner } from './demo-banner';
import { HistoryIcon, ModelIcon, NewChatIcon } from './icons';
import { ModelPanel } from './model-panel';
import type { ModelSettingsModel } from '../model-settings';
import { settlePartialMarkdown } from './partial-markdown';
import { StatusLine } from './status-line';
import { knownCells, ToolCallView } from './tool-call-view';

export interface ChatViewProps {
  model: ChatModel;
  /** Renders an answer's text (Markdown in the panel). */
  renderText: (text: string) => React.ReactNode;
  codeActions?: CodeActions;
  /** What context goes with a question, e.g. "Context: analysis.ipynb, cell 3". */
  contextHint?: () => string;
  onAsk: (text: string, mode: ChatMode) => void;
  confirmDelete?: (conversation: ConversationSummary) => Promise<boolean>;
  /** Each new value moves the focus to the question box (the panel was opened by its command). */
  focusRequest?: number;
  /** The Model section's state; without it the panel has no Model section. */
  modelSettings?: ModelSettingsModel;
}

/** Re-renders on every `model.changed`. */
export function useModel(model: ChatModel): number {
  return React.useSyncExternalStore(
    (notify) => {
      model.changed.connect(notify);
      return () => model.changed.disconnect(notify);
    },
    () => model.version
  );
}

/**
 * Keeps a scrolled container at its bottom while content grows (answers stream and
 * Markdown renders asynchronously), unless the user has scrolled up to read.
 */
export function useStickToBottom(ref: React.RefObject<HTMLElement>): void {
  React.useEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    let stick = true;
    const onScroll = (): void => {
      stick = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    };
    const follow = (): void => {
      if (stick) {
        el.scrollTop = el.scrollHeight;
      }
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    const observer = typeof MutationObserver === 'undefined' ? undefined : new MutationObserver(follow);
    observer?.observe(el, { childList: true, subtree: true, characterData: true });
    // The status line above can grow (a long failure reason) and shrink this box.
    const resize = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(follow);
    resize?.observe(el);
    follow();
    return () => {
      el.removeEventListener('scroll', onScroll);
      observer?.disconnect();
      resize?.disconnect();
    };
  }, [ref]);
}

function UserMessage({ entry }: { entry: UserEntry }): JSX.Element {
  return (
    <div className="jp-Mooring-user" data-testid="mooring-question" data-mode={entry.mode}>
      {entry.mode !== 'chat' && <span className="jp-Mooring-modeTag">{entry.mode}</span>}
      {entry.text}
    </div>
  );
}

/** The whole panel: status line, demo banner, conversations, messages, question box. */
export function ChatView(props: ChatViewProps): JSX.Element {
  const { model, renderText, onAsk, confirmDelete, contextHint, focusRequest, modelSettings } = props;
  useModel(model);
  // When the history was opened (its ages count from then); undefined while it is closed.
  const [listOpenedAt, setListOpenedAt] = React.useState<number>();
  const showList = listOpenedAt !== undefined;
  const [showModel, setShowModel] = React.useState(false);
  const toggleModel = (open: boolean): void => {
    setShowModel(open);
    if (open) {
      void modelSettings?.load();
    }
  };
  const messages = React.useRef<HTMLDivElement>(null);
  const entries = model.entries;
  useStickToBottom(messages);

  const remove = async (c: ConversationSummary): Promise<void> => {
    if (!confirmDelete || (await confirmDelete(c))) {
      await model.deleteConversation(c.id);
    }
  };

  // Escape stops the answers still running (not while an input method is composing).
  const onKeyDown = (event: React.KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.nativeEvent.isComposing) {
      return;
    }
    const running = entries.filter((e) => e.kind === 'answer' && !isFinalStatus(e.status));
    if (running.length > 0) {
      event.preventDefault();
      event.stopPropagation();
      running.forEach((e) => model.stop(e.id));
    }
  };

  return (
    <div className="jp-Mooring-panel" data-testid="mooring-panel" onKeyDown={onKeyDown}>
      <div className="jp-Mooring-header">
        <span className="jp-Mooring-title">Mooring</span>
        <button
          type="button"
          className="jp-Mooring-iconButton"
          data-testid="mooring-toggle-conversations"
          aria-expanded={showList}
          aria-label="History"
          title={showList ? 'Hide history' : 'History'}
          onClick={() => {
            setListOpenedAt(showList ? undefined : Date.now());
            if (!showList) {
              void model.refreshConversations();
            }
          }}
        >
          <HistoryIcon />
          <span className="jp-Mooring-iconLabel">History</span>
        </button>
        {modelSettings && (
          <button
            type="button"
            className="jp-Mooring-iconButton"
            data-testid="mooring-toggle-model"
            aria-expanded={showModel}
            aria-label="Model"
            title={showModel ? 'Hide the model settings' : 'Model'}
            onClick={() => toggleModel(!showModel)}
          >
            <ModelIcon />
            <span className="jp-Mooring-iconLabel">Model</span>
          </button>
        )}
        <button
          type="button"
          className="jp-Mooring-iconButton"
          data-testid="mooring-new-conversation"
          aria-label="New chat"
          title="New chat"
          onClick={() => model.newConversation()}
        >
          <NewChatIcon />
          <span className="jp-Mooring-iconLabel">New chat</span>
        </button>
      </div>
      <StatusLine status={model.status} model={model.modelInfo} onRetry={() => model.reconnect()} />
      <DemoBanner model={model.modelInfo} onChooseModel={modelSettings && !showModel ? () => toggleModel(true) : undefined} />
      {showModel && modelSettings && <ModelPanel settings={modelSettings} />}
      {showList && (
        <ConversationList
          conversations={model.conversations}
          activeId={model.activeConversationId}
          error={model.conversationsError}
          now={listOpenedAt}
          scope={model.historyScope}
          notebook={model.notebook}
          onScope={(scope) => model.setHistoryScope(scope)}
          onOpen={(id) => {
            setListOpenedAt(undefined);
            void model.openConversation(id);
          }}
          onRename={(id, title) => model.renameConversation(id, title)}
          onDelete={(c) => void remove(c)}
        />
      )}
      <div
        ref={messages}
        className="jp-Mooring-messages"
        data-testid="mooring-messages"
        data-conversation-id={model.activeConversationId ?? ''}
        aria-label="Messages"
      >
        {model.loading && <div className="jp-Mooring-empty">Loading the conversation…</div>}
        {!model.loading && entries.length === 0 && (
          <div className="jp-Mooring-empty" data-testid="mooring-empty">
            Ask a question about your notebook. Right-click a cell for “Explain this cell” or “Fix this error”.
          </div>
        )}
        {entries.map((e) =>
          e.kind === 'user' ? (
            <UserMessage key={e.id} entry={e} />
          ) : (
            <AnswerItem key={e.id} entry={e} model={model} renderText={renderText} />
          )
        )}
      </div>
      <Composer onSend={onAsk} contextHint={contextHint?.()} focusRequest={focusRequest} />
    </div>
  );
}

function AnswerItem(props: {
  entry: AnswerEntry;
  model: ChatModel;
  renderText: (text: string) => React.ReactNode;
}): JSX.Element {
  const { entry, model, renderText } = props;
  const live = !isFinalStatus(entry.status);
  const settled = (text: string, last: boolean) => renderText(entry.status === 'done' || !last ? text : settlePartialMarkdown(text));
  // the answer's text cut where each tool call came, the calls shown in between
  const parts: React.ReactNode[] = [];
  let from = 0;
  const cells = knownCells(entry.toolCalls ?? []);
  for (const call of entry.toolCalls ?? []) {
    if (call.at > from) {
      parts.push(<React.Fragment key={`text-${from}`}>{settled(entry.text.slice(from, call.at), false)}</React.Fragment>);
      from = call.at;
    }
    parts.push(<ToolCallView key={call.callId} call={call} phase={model.agent?.phase(call.callId)} live={live} actions={model.agent} cells={cells} />);
  }
  if (entry.text.length > from) {
    parts.push(<React.Fragment key={`text-${from}`}>{settled(entry.text.slice(from), true)}</React.Fragment>);
  }
  return (
    <Answer
      id={entry.id}
      status={entry.status}
      error={entry.error}
      retryAt={entry.retryAt}
      waitingForUser={(entry.toolCalls ?? []).some((call) => !call.result && ['approval', 'question'].includes(model.agent?.phase(call.callId) ?? ''))}
      canRetry={entry.question !== undefined}
      onStop={() => model.stop(entry.id)}
      onRetry={() => model.retry(entry.id)}
    >
      {/* Until it is done (streaming, or cut off by Stop, a failure or a restart), what is half written is closed or held back rather than shown raw. */}
      {parts}
    </Answer>
  );
}
