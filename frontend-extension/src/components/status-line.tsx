import * as React from 'react';

import type { ConnectionStatus, ModelInfo, ServiceState } from '../chat-model';
import { useNow } from './use-now';

/** Whole seconds from `now` until `at` (never negative). */
export function secondsUntil(at: number | undefined, now: number): number | undefined {
  return at === undefined ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const LABELS: Record<ConnectionStatus['state'], string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  disconnected: 'Disconnected',
  reconnecting: 'Reconnecting',
  failed: 'Failed'
};

/** While not connected, what the Jupyter proxy says of the service process, in place of the reconnect words. */
const SERVICE: Record<ServiceState, { label: string; detail: string }> = {
  starting: { label: 'Starting', detail: 'starting the chat service…' },
  restarting: { label: 'Restarting', detail: 'the chat service stopped; starting it again…' },
  stopped: { label: 'Stopped', detail: 'the chat service is not running' }
};

/** The words of the status line: the state's name and what it means now. */
export function describeStatus(status: ConnectionStatus, now: number, model?: ModelInfo): { label: string; detail: string } {
  if (status.service && (status.state === 'disconnected' || status.state === 'reconnecting')) {
    const words = SERVICE[status.service];
    return status.service === 'stopped' && status.reason ? { label: words.label, detail: status.reason } : words;
  }
  const label = LABELS[status.state] ?? status.state;
  const attempt = status.attempt ? `attempt ${status.attempt}` : '';
  const wait = secondsUntil(status.retryAt, now);
  switch (status.state) {
    case 'connecting':
      return { label, detail: 'opening the connection to the chat service…' };
    case 'connected':
      return { label, detail: model ? `${model.name} (${model.provider})` : '' };
    case 'disconnected':
      if (wait !== undefined) {
        return { label, detail: `retrying in ${wait}s${attempt ? ` (${attempt})` : ''}` };
      }
      return { label, detail: status.reason ?? '' };
    case 'reconnecting':
      return {
        label,
        detail: [attempt, wait ? `next try in ${wait}s` : ''].filter(Boolean).join(', ') || 'trying now…'
      };
    case 'failed':
      return { label, detail: status.reason ?? 'gave up reconnecting' };
    default:
      return { label, detail: '' };
  }
}

export interface StatusLineViewProps {
  status: ConnectionStatus;
  /** Epoch ms used for the countdown. */
  now: number;
  model?: ModelInfo;
  /** "Retry now": `client.reconnect()`. */
  onRetry: () => void;
}

/** The connection status line (pure: the clock is a prop). */
export function StatusLineView({ status, now, model, onRetry }: StatusLineViewProps): JSX.Element {
  const { label, detail } = describeStatus(status, now, model);
  const canRetry = status.state === 'failed' || (status.state === 'disconnected' && status.retryAt !== undefined);
  return (
    <div
      className={`jp-Mooring-status jp-Mooring-status-${status.state}`}
      role="status"
      aria-live="polite"
      data-testid="mooring-status"
      data-state={status.state}
      data-attempt={status.attempt ?? ''}
      data-service={status.service ?? ''}
    >
      <span className="jp-Mooring-statusDot" aria-hidden="true" />
      <span className="jp-Mooring-statusLabel" data-testid="mooring-status-label">
        {label}
      </span>
      {detail && (
        <span className="jp-Mooring-statusDetail" data-testid="mooring-status-detail">
          {detail}
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

/** The status line with a ticking clock while a retry is scheduled. */
export function StatusLine(props: Omit<StatusLineViewProps, 'now'>): JSX.Element {
  const now = useNow(props.status.retryAt !== undefined);
  return <StatusLineView {...props} now={now} />;
}
