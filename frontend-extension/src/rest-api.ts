/** The REST routes the panel uses (docs/protocol.md "REST"), typed by the client's protocol, over an injected request function. */
import { parseProblem, type Conversation, type ConversationSummary } from '@mooring/chat-client';

export type { ConversationSummary };

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
  const problem = parseProblem(await response.json().catch(() => undefined)) ?? {
    code: `http_${response.status}`,
    message: `${response.status} ${response.statusText}`.trim()
  };
  throw new ApiError(response.status, problem.code, problem.message);
}

/** Conversations: list, open, delete. */
export class ConversationsApi {
  constructor(private readonly request: RequestFn) {}

  async list(): Promise<ConversationSummary[]> {
    const r = await checked(await this.request('conversations'));
    return (await r.json()) as ConversationSummary[];
  }

  async get(id: string): Promise<Conversation> {
    const r = await checked(await this.request(`conversations/${encodeURIComponent(id)}`));
    return (await r.json()) as Conversation;
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
