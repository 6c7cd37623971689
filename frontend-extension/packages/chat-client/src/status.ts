/** The states the client publishes: of its connection, and of each answer. */
import type { ServiceState } from './protocol.js';

/** The connection, as a UI shows it. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'failed';

/** The connection status, published with every `status` event. */
export interface ConnectionStatus {
  /**
   * `connecting`: first attempt (after construction or `reconnect()`) · `connected`: the server's `welcome` arrived ·
   * `disconnected`: lost, the next attempt is scheduled (`attempt`, `retryAt`); also after `close()`, then with
   * neither · `reconnecting`: attempt number `attempt` is under way · `failed`: gave up (`reason`); only
   * `reconnect()` starts again.
   */
  state: ConnectionState;
  /** The number of the attempt scheduled or under way since the connection was lost (1, 2, ...). */
  attempt?: number;
  /** Epoch ms (by the client's clock) of the next attempt, for a countdown. */
  retryAt?: number;
  /** Why: the close code of a lost connection, the proxy's message, or why the client gave up. */
  reason?: string;
  /**
   * While not connected: what the Jupyter proxy last said about the service process (its 503 body), so a UI can say
   * "starting the chat service" rather than "reconnecting". Absent when nothing is known.
   */
  service?: ServiceState;
}

/**
 * What a UI shows for one answer. `waiting`: sent, nothing back yet · `streaming` · `acting` (agent mode): a tool
 * call waits for the notebook's result · `stalled`: connected, the link answers, but the model has sent nothing for a
 * while · `paused`: the connection is down; the service keeps the
 * answer running and the client resumes it once back · `orphaned`: the service process that ran it ended (the proxy
 * said `restarting` or `stopped`): no more text will come, and it ends `interrupted` once the service is back ·
 * then one final status.
 */
export type CompletionStatus =
  | 'waiting'
  | 'streaming'
  | 'acting'
  | 'stalled'
  | 'paused'
  | 'orphaned'
  | 'done'
  | 'cancelled'
  | 'failed'
  | 'interrupted';

/** The statuses a completion ends with. */
export type FinalStatus = 'done' | 'cancelled' | 'failed' | 'interrupted';

/** Tells whether a status is final. */
export const isFinal = (status: CompletionStatus): status is FinalStatus =>
  status === 'done' || status === 'cancelled' || status === 'failed' || status === 'interrupted';
