export { ChatClient, type AskedDetail, type ChatClientEventMap } from './chat-client.js';
export {
  Completion,
  type AnswerState,
  type ChunkDetail,
  type CompletionActions,
  type CompletionEventMap,
  type ToolCallState,
} from './completion.js';
export type { ResumeOptions, SendOptions } from './answer-ledger.js';
export { isFinal, type CompletionStatus, type ConnectionState, type ConnectionStatus, type FinalStatus } from './status.js';
export {
  DEFAULTS,
  type ChatClientOptions,
  type ChatEnvironment,
  type FetchLike,
  type Logger,
  type ProbeResponse,
  type Settings,
  type Timers,
  type WebSocketConstructor,
  type WebSocketLike,
} from './options.js';
export { backoffDelay } from './retry-schedule.js';
export * from './protocol.js';
