import * as React from 'react';

import type { ConnectionStatus, ModelInfo, ServiceState } from '../chat-model';
import { Countdown } from './countdown';

const LABELS: Record<ConnectionStatus['state'], string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  disconnected: 'Disconnected',
  reconnecting: 'Reconnecting',
  failed: 'Failed'
};

/**
 * While not connected, what the Jupyter proxy says of the service process, in place of the reconnect words; label
 * and detail read as one sentence ("Starting the chat service…").
 */
const SERVICE: Record<ServiceState, { label: string; detail: string }> = {
  starting: { label: 'Starting', detail: 'the chat service…' },
  restarting: { label: 'Restarting', detail: 'the chat service after it stopped…' },
  stopped: { label: 'Stopped', detail: 'the chat service is not running' }
};

/** Whether the proxy's word on the service replaces the reconnect words (and their countdown). */
function serviceSpeaks(status: ConnectionStatus): boolean {
  return status.service !== undefined && (status.state === 'disconnected' || status.state === 'reconnecting');
}

/** The words of the status line: the state's name and what it means (the countdown is apart). */
export function describeStatus(status: ConnectionStatus, model?: ModelInfo): { label: string; detail: string } {
  if (status.service !== undefined && serviceSpeaks(status)) {
    const words = SERVICE[status.service];
    return status.service === 'stopped' && status.reason ? { label: words.label, detail: status.reason } : words;
  }
  const label = LABELS[status.state] ?? status.state;
  const attempt = status.attempt ? `attempt ${status.attempt}` : '';
  switch (status.state) {
    case 'connecting':
      return { label, detail: 'opening the connection to the chat service…' };
    case 'connected':
      return { label, detail: model ? `${model.name} (${model.provider})` : '' };
    case 'disconnected':
      if (status.retryAt !== undefined) {
        return { label, detail: `retrying${attempt ? ` (${attempt})` : ''}` };
      }
      return { label, detail: status.reason ?? '' };
    case 'reconnecting':
      return { label, detail: attempt || 'trying now…' };
    case 'failed':
      return { label, detail: status.reason ?? 'gave up reconnecting' };
    default:
      return { label, detail: '' };
  }
}

export interface StatusLineProps {
  status: ConnectionStatus;
  model?: ModelInfo;
  /** "Retry now": `client.reconnect()`. */
  onRetry: () => void;
}

/**
 * The connection status line. Screen readers hear its state and detail when they change;
 * the countdown beside them ticks outside the live region, so it is seen, not announced.
 */
export function StatusLine({ status, model, onRetry }: StatusLineProps): JSX.Element {
  const { label, detail } = describeStatus(status, model);
  // While the proxy says the service is starting or restarting, a retry cannot hasten it: no button then.
  const serviceComing = serviceSpeaks(status) && status.service !== 'stopped';
  const canRetry =
    status.state === 'failed' || (status.state === 'disconnected' && status.retryAt !== undefined && !serviceComing);
  return (
    <div
      className={`jp-Mooring-status jp-Mooring-status-${status.state}`}
      data-testid="mooring-status"
      data-state={status.state}
      data-attempt={status.attempt ?? ''}
      data-service={status.service ?? ''}
    >
      <span className="jp-Mooring-statusDot" aria-hidden="true" />
      <span className="jp-Mooring-statusText" role="status" aria-live="polite" aria-atomic="true">
        <span className="jp-Mooring-statusLabel" data-testid="mooring-status-label">
          {label}
        </span>
        {detail && ' '}
        {detail && (
          <span className="jp-Mooring-statusDetail" data-testid="mooring-status-detail">
            {detail}
          </span>
        )}
      </span>
      {status.retryAt !== undefined && !serviceSpeaks(status) && (
        <span className="jp-Mooring-statusCountdown" data-testid="mooring-status-countdown">
          in <Countdown until={status.retryAt} />
        </span>
      )}
      {canRetry && (
        <button
          type="button"
          className="jp-Mooring-button jp-Mooring-retryNow"
          data-testid="mooring-retry-now"
          onClick={onRetry}
        >
          Retry now
        </button>
      )}
    </div>
  );
}
