/** The REST routes the panel uses (docs/protocol.md "REST"), typed by the client's protocol, over an injected request function. */
import {
  parseProblem,
  type Conversation,
  type ConversationSummary,
  type ModelList,
  type ModelSettings,
  type ModelSettingsChange
} from '@mooring/chat-client';

export type { ConversationSummary, ModelList, ModelSettings, ModelSettingsChange };

/** What a request sends: its method, and a body sent as JSON. */
export interface ApiRequest {
  method?: string;
  body?: unknown;
}

/** Makes one request to `<restUrl>/api/<path>`; the caller adds the credentials. */
export type RequestFn = (path: string, init?: ApiRequest) => Promise<Response>;

/** A REST answer that was not 2xx: `code` from the JSON problem body when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function checked(response: Response): Promise<Response> {
  if (response.ok) {
    return response;
  }
  const problem = parseProblem(await response.json().catch(() => undefined)) ?? {
    code: `http_${response.status}`,
    message: `${response.status} ${response.statusText}`.trim()
  };
  throw new ApiError(response.status, problem.code, problem.message);
}

async function json<T>(request: Promise<Response>): Promise<T> {
  return (await (await checked(await request)).json()) as T;
}

/** Conversations: list (all, or one notebook's), open, rename, delete. */
export class ConversationsApi {
  constructor(private readonly request: RequestFn) {}

  list(notebook?: string): Promise<ConversationSummary[]> {
    return json(this.request(notebook ? `conversations?notebook=${encodeURIComponent(notebook)}` : 'conversations'));
  }

  get(id: string): Promise<Conversation> {
    return json(this.request(`conversations/${encodeURIComponent(id)}`));
  }

  rename(id: string, title: string): Promise<ConversationSummary> {
    return json(this.request(`conversations/${encodeURIComponent(id)}`, { method: 'PATCH', body: { title } }));
  }

  async remove(id: string): Promise<void> {
    await checked(await this.request(`conversations/${encodeURIComponent(id)}`, { method: 'DELETE' }));
  }
}

/** The model in use and its settings: read, change (checked by the service with the provider), forget, list models. */
export class ModelApi {
  constructor(private readonly request: RequestFn) {}

  get(): Promise<ModelSettings> {
    return json(this.request('model'));
  }

  save(change: ModelSettingsChange): Promise<ModelSettings> {
    return json(this.request('model', { method: 'PUT', body: change }));
  }

  reset(): Promise<ModelSettings> {
    return json(this.request('model', { method: 'DELETE' }));
  }

  models(): Promise<ModelList> {
    return json(this.request('model/models'));
  }
}

/** The fetch options of a request: its method, and its body as JSON. */
export function fetchInit(init: ApiRequest = {}, headers: Record<string, string> = {}): RequestInit {
  const method = init.method ?? 'GET';
  if (init.body === undefined) {
    return { method, headers };
  }
  return { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(init.body) };
}

/** A {@link RequestFn} for a service reached directly with its token. */
export function bearerRequest(restUrl: string, token: string, fetchFn: typeof fetch = fetch): RequestFn {
  const base = restUrl.replace(/\/$/, '');
  return (path, init) =>
    fetchFn(`${base}/api/${path}`, fetchInit(init, { Authorization: `Bearer ${token}`, Accept: 'application/json' }));
}
