/**
 * The panel's state, outside React: the connection status, the model, the
 * conversation list and the messages of the open conversation. It adapts the
 * chat client's events; it holds no retry logic of its own.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { AgentRunner } from './agent-runner';
import { ApiError, type ConversationsApi } from './rest-api';

import { isFinal } from '@mooring/chat-client';
import type {
  ChatContext,
  ChatMode,
  CompletionStatus,
  ConnectionState,
  ConnectionStatus,
  ConversationMessage,
  ConversationSummary,
  ErrorInfo,
  ModelInfo,
  ResumeOptions,
  SendOptions,
  ServiceState,
  ToolCallState
} from '@mooring/chat-client';

export type { ChatMode, CompletionStatus, ConnectionState, ConnectionStatus, ErrorInfo, ModelInfo, ServiceState, ToolCallState };

/** Whether an answer has ended (the client's own rule). */
export const isFinalStatus = (s: CompletionStatus): boolean => isFinal(s);

/** The part of the client's `Completion` the panel uses. */
export interface CompletionLike extends EventTarget {
  readonly status: CompletionStatus;
  readonly text: string;
  readonly conversationId?: string;
  readonly completionId?: string;
  readonly error?: ErrorInfo;
  readonly retryAt?: number;
  /** Agent mode: the tool calls so far. */
  readonly toolCalls?: readonly ToolCallState[];
  readonly finished: Promise<unknown>;
  cancel(): void;
  sendToolResult?(callId: string, output: string, isError?: boolean): boolean;
}

/** The part of the client's `ChatClient` the panel uses. */
export interface ChatClientLike extends EventTarget {
  readonly status: ConnectionStatus;
  readonly model?: ModelInfo;
  send(text: string, options?: SendOptions): CompletionLike;
  resume(completionId: string, options?: ResumeOptions): CompletionLike;
  reconnect(): void;
  close(): void;
  /** Hear of questions asked in a conversation elsewhere (`asked` events) and of its deletion (`deleted`). */
  follow?(conversationId: string): void;
  unfollow?(conversationId: string): void;
}

/** Detail of the client's `asked` event: a question of the followed conversation, asked in another tab. */
export interface AskedElsewhere {
  frame: { conversationId: string; messageId: string; answerMessageId: string; completionId: string; text: string; mode: ChatMode };
  completion: CompletionLike;
}

/** What the model needs for one connection. */
export interface Connection {
  client: ChatClientLike;
  api: ConversationsApi;
  /** Rewords a `failed` reason for where this connection goes (e.g. Jupyter's proxy). */
  explainFailure?: (reason: string) => string;
}

export interface Question {
  text: string;
  mode: ChatMode;
  context?: ChatContext;
}

export interface UserEntry {
  kind: 'user';
  id: string;
  text: string;
  mode: ChatMode;
}

export interface AnswerEntry {
  kind: 'answer';
  id: string;
  status: CompletionStatus;
  text: string;
  error?: ErrorInfo;
  retryAt?: number;
  completionId?: string;
  /** Agent mode: the answer's tool calls. */
  toolCalls?: readonly ToolCallState[];
  /** What to send again on Retry. */
  question?: Question;
}

export type ChatEntry = UserEntry | AnswerEntry;

/** Which conversations the history lists: those of the notebook in view, or all. */
export type HistoryScope = 'notebook' | 'all';

/**
 * Where the panel keeps, per notebook path ('' for none), the conversation it last showed, so that a reload shows it
 * again (JupyterLab's state database in the panel). `recall` answers '' when a new chat was shown last, undefined
 * when nothing was kept (a workspace of its own: JupyterLab gives a second tab a fresh one).
 */
export interface ConversationMemory {
  recall(notebook: string): Promise<string | undefined>;
  remember(notebook: string, conversationId: string | undefined): void;
}

/** Maps a stored completion status to what the panel shows. */
export function storedStatus(status: string | undefined): CompletionStatus | 'running' {
  switch (status) {
    case undefined:
    case 'completed':
    case 'done':
      return 'done';
    case 'cancelled':
    case 'failed':
    case 'interrupted':
      return status;
    default:
      return 'running';
  }
}

let counter = 0;
const localId = (prefix: string): string => `${prefix}-${++counter}`;

/** Options of {@link ChatModel}. */
export interface ChatModelOptions {
  /** Carries out agent answers' tool calls. */
  agent?: AgentRunner;
  /** Where the conversation last shown per notebook is kept, so that a reload shows it again. */
  memory?: ConversationMemory;
}

/** The panel's state; `changed` fires after every change. */
export class ChatModel implements IDisposable {
  private _changed = new Signal<this, void>(this);
  private _notebook = '';
  private _scope: HistoryScope = 'notebook';
  private _status: ConnectionStatus = { state: 'connecting' };
  private _modelInfo?: ModelInfo;
  private _conversations: ConversationSummary[] = [];
  private _conversationsError?: string;
  private _activeId?: string;
  private _entries: ChatEntry[] = [];
  private _loading = false;
  private _conn?: Connection;
  private _pending: Array<() => void> = [];
  private _live = new Map<string, CompletionLike>();
  private _version = 0;
  private _disposed = false;
  private _wasConnected = false;
  private readonly _agent?: AgentRunner;
  private readonly _memory?: ConversationMemory;

  constructor(options: ChatModelOptions = {}) {
    this._agent = options.agent;
    this._agent?.changed.connect(this._onAgentChanged);
    this._memory = options.memory;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Increases with every change (a snapshot key for React). */
  get version(): number {
    return this._version;
  }
  get status(): ConnectionStatus {
    return this._status;
  }
  get modelInfo(): ModelInfo | undefined {
    return this._modelInfo;
  }
  get conversations(): readonly ConversationSummary[] {
    return this._conversations;
  }
  get conversationsError(): string | undefined {
    return this._conversationsError;
  }
  get activeConversationId(): string | undefined {
    return this._activeId;
  }
  get entries(): readonly ChatEntry[] {
    return this._entries;
  }
  get loading(): boolean {
    return this._loading;
  }
  /** The path of the notebook in view ('' for none): new conversations belong to it. */
  get notebook(): string {
    return this._notebook;
  }
  get historyScope(): HistoryScope {
    return this._scope;
  }
  get connected(): boolean {
    return this._conn !== undefined;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** What carries out agent answers in this tab (the tool calls' phases, the user's approvals). */
  get agent(): AgentRunner | undefined {
    return this._agent;
  }

  /** Use this connection from now on (closing the previous one). */
  connect(conn: Connection): void {
    this.disconnect();
    this._conn = conn;
    conn.client.addEventListener('status', this._onStatus);
    conn.client.addEventListener('welcome', this._onModel);
    conn.client.addEventListener('model', this._onModel);
    conn.client.addEventListener('asked', this._onAsked);
    conn.client.addEventListener('deleted', this._onDeleted);
    if (this._activeId) {
      conn.client.follow?.(this._activeId);
    }
    this._status = conn.client.status ?? { state: 'connecting' };
    this._modelInfo = conn.client.model;
    this._wasConnected = false;
    this._emit();
    if (this._status.state === 'connected') {
      this._onConnected();
    }
    const pending = this._pending;
    this._pending = [];
    pending.forEach((f) => f());
  }

  /** Drop the current connection (the client is closed for good). */
  disconnect(): void {
    const conn = this._conn;
    if (!conn) {
      return;
    }
    conn.client.removeEventListener('status', this._onStatus);
    conn.client.removeEventListener('welcome', this._onModel);
    conn.client.removeEventListener('model', this._onModel);
    conn.client.removeEventListener('asked', this._onAsked);
    conn.client.removeEventListener('deleted', this._onDeleted);
    this._conn = undefined;
    this._live.clear();
    conn.client.close();
  }

  /** "Retry now": a new round of attempts with a fresh budget. */
  reconnect(): void {
    this._conn?.client.reconnect();
  }

  /** Ask a question in the open conversation (a new one when none is open). */
  ask(text: string, options: { mode?: ChatMode; context?: ChatContext } = {}): void {
    const question: Question = { text: text.trim(), mode: options.mode ?? 'chat', context: options.context };
    if (!question.text) {
      return;
    }
    const user: UserEntry = { kind: 'user', id: localId('user'), text: question.text, mode: question.mode };
    const answer: AnswerEntry = { kind: 'answer', id: localId('answer'), status: 'waiting', text: '', question };
    this._entries = [...this._entries, user, answer];
    this._emit();
    const send = (): void => this._send(answer.id, question);
    if (this._conn) {
      send();
    } else {
      this._pending.push(send);
    }
  }

  /** Stop the answer `entryId` while it runs. */
  stop(entryId: string): void {
    const entry = this._entry(entryId);
    const live = entry?.completionId ? this._live.get(entry.completionId) : this._liveByEntry.get(entryId);
    if (entry?.completionId) {
      this._agent?.stop(entry.completionId);
    }
    live?.cancel();
  }

  /** Send the question of the failed or interrupted answer `entryId` again. */
  retry(entryId: string): void {
    const entry = this._entry(entryId);
    if (entry?.question) {
      this.ask(entry.question.text, { mode: entry.question.mode, context: entry.question.context });
    }
  }

  /** Start a new conversation (the next question creates it). */
  newConversation(): void {
    this._setActive(undefined);
    this._entries = [];
    this._memory?.remember(this._notebook, undefined);
    this._emit();
  }

  /**
   * The notebook in view changed (or the panel started): show the conversation last shown for it (when this
   * workspace kept none, the notebook's most recent one, from the service), or a new one, and list its history.
   */
  async showNotebook(path: string | undefined): Promise<void> {
    const notebook = path ?? '';
    this._notebook = notebook;
    this._emit();
    if (this._scope === 'notebook') {
      void this.refreshConversations();
    }
    const remembered = (await this._memory?.recall(notebook)) ?? (notebook ? await this._latestOf(notebook) : '');
    if (this._notebook !== notebook || (remembered || undefined) === this._activeId) {
      return;
    }
    if (remembered) {
      await this.openConversation(remembered);
    } else if (this._activeId !== undefined) {
      this.newConversation();
    }
  }

  /** The notebook's most recently active conversation, once connected; '' for none. */
  private async _latestOf(notebook: string): Promise<string> {
    const conn =
      this._conn ??
      (await new Promise<Connection | undefined>((resolve) => this._pending.push(() => resolve(this._conn))));
    if (!conn) {
      return '';
    }
    try {
      return (await conn.api.list(notebook))[0]?.id ?? '';
    } catch {
      return '';
    }
  }

  /** List the notebook's conversations, or all of them. */
  setHistoryScope(scope: HistoryScope): void {
    if (scope !== this._scope) {
      this._scope = scope;
      this._emit();
      void this.refreshConversations();
    }
  }

  /** Load the conversation list (the notebook's, or all). */
  async refreshConversations(): Promise<void> {
    const conn = this._conn;
    if (!conn) {
      return;
    }
    const notebook = this._scope === 'notebook' && this._notebook ? this._notebook : undefined;
    try {
      const list = await conn.api.list(notebook);
      const current = this._scope === 'notebook' && this._notebook ? this._notebook : undefined;
      if (conn !== this._conn || current !== notebook) {
        return;
      }
      this._conversations = list;
      this._conversationsError = undefined;
    } catch (err) {
      this._conversationsError = `Could not load conversations: ${(err as Error).message}`;
    }
    this._emit();
  }

  /** Open a stored conversation; answers still running are followed live. */
  async openConversation(id: string): Promise<void> {
    const conn = this._conn;
    this._setActive(id);
    this._memory?.remember(this._notebook, id);
    this._entries = [];
    if (!conn) {
      // Opened once connected (a reload shows the last conversation before the service answers).
      this._pending.push(() => void this._load(id));
      this._loading = true;
      this._emit();
      return;
    }
    await this._load(id);
  }

  /** Give a conversation the user's title; false (and the reason in `conversationsError`) when refused. */
  async renameConversation(id: string, title: string): Promise<boolean> {
    const conn = this._conn;
    if (!conn) {
      return false;
    }
    try {
      const renamed = await conn.api.rename(id, title);
      this._conversations = this._conversations.map((c) => (c.id === id ? { ...c, title: renamed.title } : c));
      this._conversationsError = undefined;
      this._emit();
      return true;
    } catch (err) {
      this._conversationsError = `Could not rename the conversation: ${(err as Error).message}`;
      this._emit();
      return false;
    }
  }

  private async _load(id: string): Promise<void> {
    const conn = this._conn;
    if (!conn || this._activeId !== id) {
      return;
    }
    this._loading = true;
    this._entries = [];
    this._emit();
    try {
      const conversation = await conn.api.get(id);
      if (this._activeId !== id || conn !== this._conn) {
        return;
      }
      this._entries = this._fromStored(id, conversation.messages);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && this._activeId === id) {
        // Deleted meanwhile (in another tab, say): start afresh rather than show an error.
        this.newConversation();
      } else {
        this._conversationsError = `Could not open the conversation: ${(err as Error).message}`;
      }
    } finally {
      this._loading = false;
      this._emit();
    }
  }

  /** Delete a stored conversation. */
  async deleteConversation(id: string): Promise<void> {
    const conn = this._conn;
    if (!conn) {
      return;
    }
    try {
      await conn.api.remove(id);
      if (this._activeId === id) {
        this.newConversation();
      }
    } catch (err) {
      this._conversationsError = `Could not delete the conversation: ${(err as Error).message}`;
      this._emit();
    }
    await this.refreshConversations();
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this.disconnect();
    this._agent?.changed.disconnect(this._onAgentChanged);
    this._disposed = true;
    Signal.clearData(this);
  }

  // ---- internals ----

  private _liveByEntry = new Map<string, CompletionLike>();

  private _entry(id: string): AnswerEntry | undefined {
    const e = this._entries.find((x) => x.id === id);
    return e?.kind === 'answer' ? e : undefined;
  }

  private _send(entryId: string, question: Question): void {
    const conn = this._conn;
    if (!conn) {
      return;
    }
    const conversationKey = this._activeId;
    const notebook = this._notebook;
    let completion: CompletionLike;
    try {
      completion = conn.client.send(question.text, {
        conversationId: this._activeId,
        context: question.context,
        mode: question.mode
      });
    } catch (err) {
      this._patch(entryId, { status: 'failed', error: { code: 'client', message: (err as Error).message, retryable: false } });
      return;
    }
    this._follow(entryId, completion, conversationKey === undefined ? notebook : undefined, question);
  }

  /**
   * Mirror a completion into the entry `entryId`. With `startsIn`, its question starts a conversation in that
   * notebook: once the service names it, it is remembered there (and shown, if its entry still is). `asked` is the
   * question when this tab asked it: its agent answer is then carried out here.
   */
  private _follow(entryId: string, completion: CompletionLike, startsIn?: string, asked?: Question): void {
    this._liveByEntry.set(entryId, completion);
    const sync = (): void => {
      const completionId = completion.completionId;
      if (completionId && !this._live.has(completionId)) {
        this._live.set(completionId, completion);
        if (asked?.mode === 'agent') {
          this._agent?.drive(completionId, asked.context?.notebookPath);
        }
        this._agent?.track(completion);
      }
      if (startsIn !== undefined && completion.conversationId) {
        this._memory?.remember(startsIn, completion.conversationId);
        if (this._activeId === undefined && this._entry(entryId)) {
          this._setActive(completion.conversationId);
        }
        startsIn = undefined;
        void this.refreshConversations();
      }
      this._patch(entryId, {
        status: completion.status,
        text: completion.text,
        error: completion.error,
        retryAt: completion.retryAt,
        completionId,
        toolCalls: completion.toolCalls
      });
    };
    completion.addEventListener('update', sync);
    sync();
    void completion.finished.then(() => {
      completion.removeEventListener('update', sync);
      sync();
      this._liveByEntry.delete(entryId);
      if (completion.completionId) {
        this._live.delete(completion.completionId);
      }
      void this.refreshConversations();
    });
  }

  private _patch(entryId: string, patch: Partial<AnswerEntry>): void {
    let found = false;
    this._entries = this._entries.map((e) => {
      if (e.id !== entryId || e.kind !== 'answer') {
        return e;
      }
      found = true;
      return { ...e, ...patch };
    });
    if (found) {
      this._emit();
    }
  }

  private _fromStored(conversationId: string, messages: ConversationMessage[]): ChatEntry[] {
    const entries: ChatEntry[] = [];
    let lastQuestion: Question | undefined;
    for (const m of messages) {
      if (m.role === 'user') {
        const mode = m.mode ?? 'chat';
        // A Retry of a stored answer resends its question with the notebook context it was asked with.
        lastQuestion = { text: m.text, mode, context: m.context };
        entries.push({ kind: 'user', id: m.id, text: m.text, mode });
        continue;
      }
      const status = storedStatus(m.completion?.status);
      const entry: AnswerEntry = {
        kind: 'answer',
        id: m.id,
        status: status === 'running' ? 'streaming' : status,
        text: m.text,
        completionId: m.completion?.id,
        question: lastQuestion
      };
      entries.push(entry);
      if (status === 'running' && m.completion) {
        // Resumed after the text stored so far, which shows at once: the rest follows exactly once, in order. An
        // agent answer is resumed from its start: its tool calls are events of the stream, not in the stored text.
        const after = lastQuestion?.mode === 'agent' ? {} : { afterSeq: m.completion.lastSeq, text: m.text };
        const live = this._live.get(m.completion.id) ?? this._conn?.client.resume(m.completion.id, { conversationId, ...after });
        if (live) {
          // Follow after the entries are in place.
          queueMicrotask(() => this._follow(entry.id, live));
        }
      }
    }
    return entries;
  }

  private _onStatus = (event: Event): void => {
    const detail = (event as CustomEvent<ConnectionStatus>).detail ?? this._conn?.client.status;
    if (!detail) {
      return;
    }
    this._status = { ...detail };
    if (detail.state === 'failed' && detail.reason && this._conn?.explainFailure) {
      this._status.reason = this._conn.explainFailure(detail.reason);
    }
    if (detail.state === 'connected') {
      this._modelInfo = this._conn?.client.model ?? this._modelInfo;
      this._onConnected();
    }
    this._emit();
  };

  /** A welcome, or a `model` frame: the client's model is the one that answers now. */
  private _onModel = (): void => {
    const model = this._conn?.client.model;
    if (model) {
      this._modelInfo = model;
      this._emit();
    }
  };

  private _onConnected(): void {
    if (!this._wasConnected || this._conversationsError) {
      void this.refreshConversations();
    }
    if (this._wasConnected && this._activeId !== undefined && !this._loading) {
      // back after a drop: what was asked elsewhere meanwhile came to no `asked` event
      void this._reload(this._activeId);
    }
    this._wasConnected = true;
  }

  /** Shows `id` (or a new conversation) and follows it: questions asked in it elsewhere come as `asked`. */
  private _setActive(id: string | undefined): void {
    if (id === this._activeId) {
      return;
    }
    if (this._activeId) {
      this._conn?.client.unfollow?.(this._activeId);
    }
    this._activeId = id;
    if (id) {
      this._conn?.client.follow?.(id);
    }
  }

  /** Reads the conversation again, keeping the answers followed and the questions not yet accepted. */
  private async _reload(id: string): Promise<void> {
    const conn = this._conn;
    try {
      const conversation = await conn?.api.get(id);
      if (!conversation || this._activeId !== id || conn !== this._conn) {
        return;
      }
      const waiting = this._entries.filter((e, i, all) => {
        const answer = e.kind === 'answer' ? e : all[i + 1];
        return answer?.kind === 'answer' && !answer.completionId;
      });
      const shown = new Set(this._entries.flatMap((e) => (e.kind === 'answer' && e.completionId ? [e.completionId] : [])));
      const stored = conversation.messages;
      if (stored.length === this._entries.length - waiting.length && stored.every((m) => m.role === 'user' || (m.completion && shown.has(m.completion.id)))) {
        return; // nothing was asked elsewhere: the answers shown stay as they are (re-made, they would flicker)
      }
      this._entries = [...this._fromStored(id, conversation.messages), ...waiting];
      this._emit();
    } catch (err) {
      console.warn('mooring: could not read the conversation again', err);
    }
  }

  private _onAgentChanged = (): void => this._emit();

  private _onAsked = (event: Event): void => {
    const { frame, completion } = (event as CustomEvent<AskedElsewhere>).detail;
    if (frame.conversationId !== this._activeId || this._entries.some((e) => e.kind === 'answer' && e.completionId === frame.completionId)) {
      return;
    }
    const question: Question = { text: frame.text, mode: frame.mode };
    this._entries = [
      ...this._entries,
      { kind: 'user', id: frame.messageId, text: frame.text, mode: frame.mode },
      { kind: 'answer', id: frame.answerMessageId, status: completion.status, text: completion.text, completionId: frame.completionId, question }
    ];
    this._emit();
    this._follow(frame.answerMessageId, completion);
  };

  private _onDeleted = (event: Event): void => {
    if ((event as CustomEvent<{ conversationId: string }>).detail.conversationId === this._activeId) {
      this.newConversation();
    }
    void this.refreshConversations();
  };

  private _emit(): void {
    if (this._disposed) {
      return;
    }
    this._version++;
    this._changed.emit();
  }
}
