/**
 * The chat channel protocol, version 1: every frame of PROTOCOL.md as a type,
 * one to one, plus the REST shapes the client and its UIs read.
 */

/** The protocol version this client speaks (`welcome.protocol`). */
export const PROTOCOL_VERSION = 1;

/** Close codes the service uses; a client reconnects after each of them. */
export const CloseCode = {
  /** The service is shutting down. */
  GOING_AWAY: 1001,
  /** Repeated abuse, or a frame too large. */
  POLICY: 1008,
  /** Nothing arrived for `heartbeatTimeoutMs`. */
  HEARTBEAT_TIMEOUT: 4408,
} as const;

/** How the assistant should treat a message. */
export type ChatMode = 'chat' | 'explain' | 'debug';

/** A variable of the kernel, shown to the model. */
export interface VariableInfo {
  name: string;
  type: string;
  preview: string;
}

/** The notebook context sent with a message. Every field is optional. */
export interface ChatContext {
  notebookPath?: string;
  activeCell?: { source?: string; outputs?: unknown[]; error?: unknown };
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

/** A client heartbeat; the server answers `pong` with the same `t`. */
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
export type ClientFrame = ChatFrame | ResumeFrame | CancelFrame | ClientPingFrame | ClientPongFrame;

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
  | DoneFrame
  | ErrorFrame
  | ServerPingFrame
  | ServerPongFrame;

/**
 * Parses one text frame. Answers undefined for anything that is not a JSON
 * object with a string `type`; unknown types pass (the protocol may add some).
 */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  try {
    const f = JSON.parse(String(data)) as { type?: unknown } | null;
    return f && typeof f.type == 'string' ? (f as ServerFrame) : undefined;
  } catch {
    return undefined;
  }
}

// ---- REST ----

/** `GET /api/conversations` items, newest first. */
export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

/** A message of `GET /api/conversations/{id}`. */
export interface ConversationMessage {
  id: string;
  role: 'user' | 'assistant' | (string & {});
  text: string;
  createdAt: string;
  completion?: { id: string; status: DoneStatus | 'running' | (string & {}); lastSeq: number } | null;
}

/** `GET /api/conversations/{id}`. */
export interface Conversation {
  id: string;
  title: string;
  messages: ConversationMessage[];
}

/** `GET /api/completions/{id}`. */
export interface CompletionRecord {
  id: string;
  conversationId: string;
  status: DoneStatus | 'running' | (string & {});
  lastSeq: number;
  text: string;
}

/** The body of a 400 or 404 answer. */
export interface Problem {
  code: string;
  message: string;
}
