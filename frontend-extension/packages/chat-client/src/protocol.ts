/**
 * The chat channel's wire and REST shapes (docs/protocol.md, version 1): every frame as a type, one to one, the
 * REST answers the client and its UIs read, and the few rules that read them (frame parsing, a frame's ref, a
 * problem body, where REST lives beside the chat URL). The single source of these types for the client and the panel.
 */

/** The protocol version this client speaks; a `welcome` with another one ends the connection `failed`. */
export const PROTOCOL_VERSION = 1;

/** Close codes the client sends. Every close it did not ask for (1001, 1008, 1013, 4408, 1006) leads to a reconnect. */
export const CloseCode = {
  /** On purpose: `close()`, `reconnect()`, an attempt given up, the browser offline. */
  NORMAL: 1000,
  /** The link is dead: nothing arrived for `heartbeatTimeoutMs`, or a ping went unanswered (the service's code too). */
  HEARTBEAT_TIMEOUT: 4408,
} as const;

/** How the assistant should treat a message; `agent` lets the model act on the notebook through tools. */
export type ChatMode = 'chat' | 'explain' | 'debug' | 'agent';

/** A variable of the kernel, shown to the model. */
export interface VariableInfo {
  name: string;
  type: string;
  preview: string;
}

/** The cell the user is looking at, as text a person would read. */
export interface ActiveCellContext {
  source?: string;
  /** The text of each output, in order. */
  outputs?: string[];
  /** `ename: evalue` and the traceback, without ANSI codes; absent without an error. */
  error?: string;
  cellType?: string;
  executionCount?: number | null;
}

/** The notebook context sent with a message (and stored with it). Every field is optional. */
export interface ChatContext {
  notebookPath?: string;
  activeCell?: ActiveCellContext;
  selection?: string;
  variables?: VariableInfo[];
}

/** Error codes of `error` frames and of `done.error`. */
export type ErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'too_large'
  | 'rate_limited'
  | 'model_error'
  | 'tool_timeout'
  | 'unavailable'
  | 'internal';

/** An error as a value: typed by a code; `retryable` tells whether trying again can help. */
export interface ErrorInfo {
  /** One of {@link ErrorCode}, or a client-side code (`queue_full`, `client_closed`, `incomplete`). */
  code: ErrorCode | (string & {});
  message: string;
  retryable: boolean;
}

// ---- client -> server ----

/** A user message; it starts one completion. */
export interface ChatFrame {
  type: 'chat';
  /** Client-made UUID, the idempotency key. */
  clientMessageId: string;
  /** Absent: start a new conversation. */
  conversationId?: string;
  /** Not blank. */
  text: string;
  context?: ChatContext;
  mode?: ChatMode;
}

/** Replay every chunk with seq > afterSeq in order, then follow live. */
export interface ResumeFrame {
  type: 'resume';
  completionId: string;
  /** The highest seq the client already has (>= 0). */
  afterSeq: number;
}

/** Stop generating; the completion ends `cancelled`. */
export interface CancelFrame {
  type: 'cancel';
  completionId: string;
}

/** The notebook's answer to a tool call; accepted once per `callId` (answered `tool_accepted`). */
export interface ToolResultFrame {
  type: 'tool_result';
  completionId: string;
  callId: string;
  output: string;
  /** The tool failed or the user declined it. */
  isError?: boolean;
}

/** Hear of every new question of a conversation and follow its answers. */
export interface FollowFrame {
  type: 'follow';
  conversationId: string;
}

/** Stop following a conversation. */
export interface UnfollowFrame {
  type: 'unfollow';
  conversationId: string;
}

/** A client heartbeat or link probe; the server answers `pong` with the same `t`. */
export interface ClientPingFrame {
  type: 'ping';
  t?: number;
}

/** The answer to a server `ping`. */
export interface ClientPongFrame {
  type: 'pong';
  t: number;
}

/** Every frame a client may send. */
export type ClientFrame =
  | ChatFrame
  | ResumeFrame
  | CancelFrame
  | ToolResultFrame
  | FollowFrame
  | UnfollowFrame
  | ClientPingFrame
  | ClientPongFrame;

// ---- server -> client ----

/** The model behind the service; `demo` is the offline demo model. */
export interface ModelInfo {
  provider: string;
  name: string;
  demo: boolean;
}

/** Sent at once when a connection opens, before any client frame. */
export interface WelcomeFrame {
  type: 'welcome';
  protocol: number;
  connectionId: string;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  model: ModelInfo;
  /** The largest client frame the service serves, in UTF-8 bytes (absent from older services). */
  maxFrameBytes?: number;
  /** The service instance that answers this connection (its `CHAT_NODE_NAME`); absent from older services. */
  node?: string;
}

/** The `chat` frame was stored. */
export interface AcceptedFrame {
  type: 'accepted';
  clientMessageId: string;
  conversationId: string;
  messageId: string;
  completionId: string;
  /** True when this clientMessageId was seen before: nothing new started, the ids are the original ones. */
  duplicate: boolean;
}

/** One piece of the assistant's answer. */
export interface ChunkFrame {
  type: 'chunk';
  completionId: string;
  /** 1, 2, 3 ... with no gap. */
  seq: number;
  delta: string;
}

/** The model calls a notebook tool (agent mode): an event of the seq stream, like a chunk. */
export interface ToolCallFrame {
  type: 'tool_call';
  completionId: string;
  seq: number;
  /** The service's UUID of this call: the key of its result and of the client's record of applied calls. */
  callId: string;
  name: string;
  /** The JSON object the model wrote, as text (it may not parse: answer that with an error result). */
  arguments: string;
}

/** A tool call's result was stored: an event of the seq stream, like a chunk. */
export interface ToolResultEventFrame {
  type: 'tool_result';
  completionId: string;
  seq: number;
  callId: string;
  output: string;
  isError: boolean;
}

/** The answer to a `tool_result` frame. */
export interface ToolAcceptedFrame {
  type: 'tool_accepted';
  completionId: string;
  callId: string;
  /** The call already had its result: nothing changed. */
  duplicate: boolean;
}

/** A question of a followed conversation, accepted on another connection; its completion's events follow from seq 1. */
export interface AskedFrame {
  type: 'asked';
  conversationId: string;
  /** The stored question. */
  messageId: string;
  /** The stored answer (the completion's message). */
  answerMessageId: string;
  completionId: string;
  text: string;
  mode: ChatMode;
}

/** A followed conversation was deleted. */
export interface DeletedFrame {
  type: 'deleted';
  conversationId: string;
}

/** How a completion ended, on the wire. */
export type DoneStatus = 'completed' | 'cancelled' | 'failed' | 'interrupted';

/** The completion ended; no chunk of it follows. */
export interface DoneFrame {
  type: 'done';
  completionId: string;
  status: DoneStatus;
  lastSeq: number;
  messageId: string;
  error?: ErrorInfo;
}

/** A request failed; the connection stays open unless a close code says otherwise. */
export interface ErrorFrame extends ErrorInfo {
  type: 'error';
  code: ErrorCode;
  /** The clientMessageId or completionId the failed frame named. */
  ref?: string;
}

/** The model changed (saved from the panel's settings): it answers the next questions; running answers keep theirs. */
export interface ModelFrame {
  type: 'model';
  model: ModelInfo;
}

/** A server heartbeat, every `heartbeatIntervalMs`. */
export interface ServerPingFrame {
  type: 'ping';
  t: number;
}

/** The answer to a client `ping` (carries its `t`, if it had one). */
export interface ServerPongFrame {
  type: 'pong';
  t?: number;
}

/** Every frame the server may send. */
export type ServerFrame =
  | WelcomeFrame
  | AcceptedFrame
  | ChunkFrame
  | ToolCallFrame
  | ToolResultEventFrame
  | ToolAcceptedFrame
  | DoneFrame
  | AskedFrame
  | DeletedFrame
  | ErrorFrame
  | ModelFrame
  | ServerPingFrame
  | ServerPongFrame;

/**
 * Parses one text frame. Answers undefined for anything that is not a JSON object with a string `type`; unknown
 * types pass (the protocol may add some).
 */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  try {
    const frame = JSON.parse(String(data)) as { type?: unknown } | null;
    return typeof frame?.type === 'string' ? (frame as ServerFrame) : undefined;
  } catch {
    return undefined;
  }
}

/** The id a server frame is about: the `clientMessageId` of `accepted`, an error's `ref`, else its `completionId`. */
export function refOf(frame: ServerFrame): string | undefined {
  switch (frame.type) {
    case 'accepted':
      return frame.clientMessageId;
    case 'error':
      return frame.ref;
    case 'chunk':
    case 'tool_call':
    case 'tool_result':
    case 'tool_accepted':
    case 'done':
      return frame.completionId;
    default:
      return undefined;
  }
}

// ---- REST ----

/** `GET /api/conversations` items (`?notebook=` filters), most recently active first. */
export interface ConversationSummary {
  id: string;
  title: string;
  /** The notebook its first question was asked in; absent for none. */
  notebookPath?: string;
  createdAt: string;
  updatedAt: string;
}

/** How a stored completion stands: running, waiting for tool results (agent mode), or how it ended. */
export type StoredCompletionStatus = 'running' | 'waiting' | DoneStatus;

/** The completion that writes an assistant message. */
export interface CompletionRef {
  id: string;
  status: StoredCompletionStatus;
  lastSeq: number;
}

/** A message of `GET /api/conversations/{id}`. */
export interface ConversationMessage {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  /** The question's mode (user messages). */
  mode?: ChatMode;
  createdAt: string;
  /** The notebook context stored with a question (user messages that had one). */
  context?: ChatContext;
  /** The completion writing it (assistant messages). */
  completion?: CompletionRef;
}

/** `GET /api/conversations/{id}`. */
export interface Conversation extends ConversationSummary {
  messages: ConversationMessage[];
}

/** `GET /api/completions/{id}`. */
export interface CompletionRecord {
  id: string;
  conversationId: string;
  status: StoredCompletionStatus;
  lastSeq: number;
  /** Live while it runs here. */
  text: string;
  /** The last seq already in the database. */
  durableSeq: number;
  error?: ErrorInfo;
}

/** The providers the service can call. */
export type ModelProvider = 'demo' | 'openai' | 'anthropic' | 'ollama';

/** What one provider would use, in `GET /api/model`; the key itself is never sent. */
export interface ProviderSetup {
  provider: ModelProvider;
  name: string;
  baseUrl?: string;
  demo: boolean;
  apiKeySet: boolean;
  /** The key's last 4 characters (keys of 12 or more). */
  apiKeyEnd?: string;
  apiKeyFrom?: 'settings' | 'environment';
}

/** `GET /api/model` (also the answer of `PUT` and `DELETE`). */
export interface ModelSettings {
  model: ModelInfo;
  /** `settings`: saved from the panel; `environment`: `CHAT_MODEL_*`. */
  source: 'settings' | 'environment';
  providers: ProviderSetup[];
}

/** `PUT /api/model`: an absent part stays as it is, an empty one goes back to the default. */
export interface ModelSettingsChange {
  provider: ModelProvider;
  name?: string;
  baseUrl?: string;
  apiKey?: string;
}

/** A model to pick, in `GET /api/model/models`. */
export interface ModelOption {
  provider: ModelProvider;
  name: string;
  demo: boolean;
  current: boolean;
}

/** `GET /api/model/models`: every model the service can reach, and the providers it could not ask, in words. */
export interface ModelList {
  models: ModelOption[];
  problems: Array<{ provider: ModelProvider; message: string }>;
}

/** The body of a REST failure. */
export interface Problem {
  code: string;
  message: string;
}

/**
 * What the Jupyter proxy says about the service process while it is not serving (its 503 body's `state`):
 * `starting` · `restarting`: the process ended and is being started again, so every answer it ran is over ·
 * `stopped`: it is not running.
 */
export type ServiceState = 'starting' | 'restarting' | 'stopped';

/** The Jupyter proxy's 503 body while the service is not serving. */
export interface ServiceUnavailable extends Problem {
  code: 'unavailable';
  state: ServiceState;
}

const isServiceState = (value: unknown): value is ServiceState =>
  value === 'starting' || value === 'restarting' || value === 'stopped';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads a REST failure body: a {@link Problem}, or undefined when it is not one. */
export function parseProblem(body: unknown): Problem | undefined {
  return isObject(body) && typeof body.code === 'string' && typeof body.message === 'string'
    ? { code: body.code, message: body.message }
    : undefined;
}

/** Reads the proxy's 503 body: a {@link ServiceUnavailable}, or undefined when it is not one. */
export function parseServiceUnavailable(body: unknown): ServiceUnavailable | undefined {
  const problem = parseProblem(body);
  const state = isObject(body) ? body.state : undefined;
  return problem?.code === 'unavailable' && isServiceState(state) ? { code: 'unavailable', message: problem.message, state } : undefined;
}

/** The REST base of a chat URL: ws->http, wss->https, without `/api/chat`, query, hash or trailing slash. */
export function restBaseFromWsUrl(url: string): string {
  const parsed = new URL(url);
  const scheme = parsed.protocol === 'wss:' || parsed.protocol === 'https:' ? 'https://' : 'http://';
  return scheme + parsed.host + parsed.pathname.replace(/\/?(api\/chat\/?)?$/, '');
}
