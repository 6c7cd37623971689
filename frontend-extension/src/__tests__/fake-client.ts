import type {
  ChatClientLike,
  CompletionLike,
  CompletionStatus,
  ConnectionStatus,
  ConversationMemory,
  ErrorInfo,
  ModelInfo,
  ToolCallState
} from '../chat-model';
import { ConversationsApi, type RequestFn } from '../rest-api';

/** A completion the test drives by hand. */
export class FakeCompletion extends EventTarget implements CompletionLike {
  status: CompletionStatus = 'waiting';
  text = '';
  conversationId?: string;
  completionId?: string;
  error?: ErrorInfo;
  retryAt?: number;
  toolCalls?: ToolCallState[];
  cancelled = 0;
  results: Array<{ callId: string; output: string; isError?: boolean }> = [];
  private _end!: (s: CompletionStatus) => void;
  readonly finished = new Promise<CompletionStatus>((r) => (this._end = r));

  constructor(
    readonly question: string,
    readonly options: Record<string, unknown>
  ) {
    super();
  }

  update(patch: Partial<Pick<FakeCompletion, 'status' | 'text' | 'conversationId' | 'completionId' | 'error' | 'retryAt' | 'toolCalls'>>): void {
    Object.assign(this, patch);
    this.dispatchEvent(new CustomEvent('update', { detail: this }));
    if (['done', 'cancelled', 'failed', 'interrupted'].includes(this.status)) {
      this._end(this.status);
    }
  }

  cancel(): void {
    this.cancelled++;
  }

  sendToolResult(callId: string, output: string, isError?: boolean): boolean {
    this.results.push({ callId, output, isError });
    return true;
  }
}

/** A chat client the test drives by hand. */
export class FakeClient extends EventTarget implements ChatClientLike {
  status: ConnectionStatus = { state: 'connecting' };
  model?: ModelInfo;
  sent: FakeCompletion[] = [];
  resumed: Array<{ id: string; options: unknown }> = [];
  resumedCompletions: FakeCompletion[] = [];
  reconnects = 0;
  closed = false;
  /** Conversations followed, in the order of follow and unfollow calls: `+id` and `-id`. */
  follows: string[] = [];

  send(text: string, options: Record<string, unknown> = {}): FakeCompletion {
    const c = new FakeCompletion(text, options);
    this.sent.push(c);
    return c;
  }

  /** Like the client's: the completion starts from the text it is given, then follows. */
  resume(id: string, options: Record<string, unknown> = {}): FakeCompletion {
    this.resumed.push({ id, options });
    const c = new FakeCompletion('', options);
    c.completionId = id;
    c.status = 'streaming';
    c.text = typeof options.text === 'string' ? options.text : '';
    this.resumedCompletions.push(c);
    return c;
  }

  reconnect(): void {
    this.reconnects++;
  }

  follow(conversationId: string): void {
    this.follows.push('+' + conversationId);
  }

  unfollow(conversationId: string): void {
    this.follows.push('-' + conversationId);
  }

  /** A question of a followed conversation, asked in another tab: its answer is the completion answered. */
  asked(conversationId: string, completionId: string, text: string): FakeCompletion {
    const completion = new FakeCompletion(text, {});
    completion.completionId = completionId;
    completion.conversationId = conversationId;
    const frame = { conversationId, messageId: `q-${completionId}`, answerMessageId: `a-${completionId}`, completionId, text, mode: 'chat' };
    this.dispatchEvent(new CustomEvent('asked', { detail: { frame, completion } }));
    return completion;
  }

  close(): void {
    this.closed = true;
  }

  /** The service switched models (a `model` frame). */
  switchModel(model: ModelInfo): void {
    this.model = model;
    this.dispatchEvent(new CustomEvent('model', { detail: model }));
  }

  setStatus(status: ConnectionStatus, model?: ModelInfo): void {
    this.status = status;
    if (model) {
      this.model = model;
      this.dispatchEvent(new CustomEvent('welcome', { detail: { model } }));
    }
    this.dispatchEvent(new CustomEvent('status', { detail: status }));
  }
}

/** Canned REST answers keyed `METHOD path`; `null` answers 204, a `{status, body}` of {@link failure} a failure. */
export function fakeRequest(routes: Record<string, unknown>, calls: string[] = [], bodies: unknown[] = []): RequestFn {
  return async (path, init) => {
    const key = `${init?.method ?? 'GET'} ${path}`;
    calls.push(key);
    bodies.push(init?.body);
    if (!(key in routes)) {
      return new Response(JSON.stringify({ code: 'not_found', message: `no ${key}` }), { status: 404 });
    }
    const answer = routes[key];
    if (answer instanceof Failure) {
      return new Response(JSON.stringify(answer.body), { status: answer.status });
    }
    return answer === null ? new Response(null, { status: 204 }) : new Response(JSON.stringify(answer), { status: 200 });
  };
}

/** A REST failure: its status and its `{code, message}` body. */
export class Failure {
  constructor(
    readonly status: number,
    readonly body: { code: string; message: string }
  ) {}
}

export const failure = (status: number, code: string, message: string): Failure => new Failure(status, { code, message });

/** The conversations API over canned answers. */
export function fakeApi(routes: Record<string, unknown>, calls: string[] = [], bodies: unknown[] = []): ConversationsApi {
  return new ConversationsApi(fakeRequest(routes, calls, bodies));
}

/** A {@link ConversationMemory} in a map. */
export class MapMemory implements ConversationMemory {
  readonly shown = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    Object.entries(initial).forEach(([notebook, id]) => this.shown.set(notebook, id));
  }

  recall(notebook: string): Promise<string | undefined> {
    return Promise.resolve(this.shown.get(notebook));
  }

  remember(notebook: string, conversationId: string | undefined): void {
    this.shown.set(notebook, conversationId ?? '');
  }
}
