/** The REST routes the panel uses (PROTOCOL "REST"), over an injected request function. */
import type { ChatMode } from '@mooring/chat-client';
import type { CellContext } from './notebook-context';

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredMessage {
  id: string;
  role: string;
  text: string;
  /** `chat`, `explain` or `debug` on user messages. */
  mode?: ChatMode | null;
  /** The notebook context stored with a question (user messages). */
  context?: CellContext | null;
  createdAt: string;
  completion?: { id: string; status: string; lastSeq: number } | null;
}

export interface StoredConversation {
  id: string;
  title: string;
  messages: StoredMessage[];
}

/** Makes one request to `<restUrl>/api/<path>`; the caller adds the credentials. */
export type RequestFn = (path: string, init?: { method?: string }) => Promise<Response>;

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
  let code = `http_${response.status}`;
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as { code?: unknown; message?: unknown } | null;
    if (body && typeof body === 'object') {
      code = typeof body.code === 'string' ? body.code : code;
      message = typeof body.message === 'string' ? body.message : message;
    }
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(response.status, code, message);
}

/** Conversations: list, open, delete. */
export class ConversationsApi {
  constructor(private readonly request: RequestFn) {}

  async list(): Promise<ConversationSummary[]> {
    const r = await checked(await this.request('conversations'));
    return (await r.json()) as ConversationSummary[];
  }

  async get(id: string): Promise<StoredConversation> {
    const r = await checked(await this.request(`conversations/${encodeURIComponent(id)}`));
    return (await r.json()) as StoredConversation;
  }

  async remove(id: string): Promise<void> {
    await checked(await this.request(`conversations/${encodeURIComponent(id)}`, { method: 'DELETE' }));
  }
}

/** A {@link RequestFn} for a service reached directly with its token. */
export function bearerRequest(restUrl: string, token: string, fetchFn: typeof fetch = fetch): RequestFn {
  const base = restUrl.replace(/\/$/, '');
  return (path, init = {}) =>
    fetchFn(`${base}/api/${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }
    });
}
