import * as React from 'react';

import type { CompletionStatus, ErrorInfo } from '../chat-model';
import { isFinalStatus } from '../chat-model';
import { Countdown } from './countdown';

const LABELS: Record<CompletionStatus, string> = {
  waiting: 'Waiting',
  streaming: 'Streaming',
  acting: 'Acting',
  stalled: 'Stalled',
  paused: 'Paused',
  orphaned: 'Interrupted',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
  interrupted: 'Interrupted'
};

/** The words shown for an answer's state: its name and what it means (a retry's countdown is apart). */
export function describeAnswer(
  status: CompletionStatus,
  error: ErrorInfo | undefined,
  retryAt: number | undefined,
  waitingForUser = false
): { label: string; detail: string } {
  const label = LABELS[status] ?? status;
  if (retryAt !== undefined && !isFinalStatus(status)) {
    return { label, detail: `${error?.message ?? 'the service asked to try again'}; retrying in` };
  }
  switch (status) {
    case 'waiting':
      return { label, detail: 'sent; waiting for the first words' };
    case 'streaming':
      return { label, detail: '' };
    case 'acting':
      return { label, detail: waitingForUser ? 'waiting for you: approve, decline or answer above' : 'waiting for the notebook' };
    case 'stalled':
      return { label, detail: 'connected, but no new text for a while' };
    case 'paused':
      return { label, detail: 'the connection is down; the answer resumes when it is back' };
    case 'orphaned':
      return { label, detail: 'the chat service stopped before this answer finished; what it saved shows once the service is back' };
    case 'done':
      return { label, detail: '' };
    case 'cancelled':
      return { label, detail: 'stopped before the end' };
    case 'failed':
      return { label, detail: error?.message ?? 'the answer failed' };
    case 'interrupted':
      return { label, detail: 'the service stopped before this answer finished' };
    default:
      return { label, detail: '' };
  }
}

export interface AnswerProps {
  id: string;
  status: CompletionStatus;
  error?: ErrorInfo;
  retryAt?: number;
  /** Whether a call of it waits for the user's approval or answer in this tab. */
  waitingForUser?: boolean;
  /** The rendered text (Markdown view in the panel, plain text in tests). */
  children?: React.ReactNode;
  /** Whether the question is known, so Retry can resend it. */
  canRetry: boolean;
  onStop: () => void;
  onRetry: () => void;
}

/** One assistant answer with its state in place of a spinner. */
export function Answer(props: AnswerProps): JSX.Element {
  const { id, status, error, retryAt, waitingForUser, children, canRetry, onStop, onRetry } = props;
  const { label, detail } = describeAnswer(status, error, retryAt, waitingForUser);
  const running = !isFinalStatus(status);
  const retryable = canRetry && (status === 'failed' || status === 'interrupted');
  return (
    <div
      className={`jp-Mooring-answer jp-Mooring-answer-${status}`}
      data-testid="mooring-answer"
      data-status={status}
      data-entry-id={id}
      aria-busy={running}
    >
      <div className="jp-Mooring-answerBody" data-testid="mooring-answer-body">
        {children}
      </div>
      <div className="jp-Mooring-answerFooter">
        <span
          className={`jp-Mooring-answerState jp-Mooring-answerState-${status}`}
          data-testid="mooring-answer-status"
          role={status === 'failed' ? 'alert' : undefined}
        >
          <span className="jp-Mooring-answerStateLabel">{label}</span>
          {detail && (
            <span className="jp-Mooring-answerStateDetail">
              : {detail}
              {running && retryAt !== undefined && <> <Countdown until={retryAt} /></>}
            </span>
          )}
        </span>
        {running && status !== 'orphaned' && (
          <button
            type="button"
            className="jp-Mooring-button"
            data-testid="mooring-stop"
            aria-label="Stop this answer"
            aria-keyshortcuts="Escape"
            title="Stop this answer (Escape)"
            onClick={onStop}
          >
            Stop
          </button>
        )}
        {retryable && (
          <button
            type="button"
            className="jp-Mooring-button"
            data-testid="mooring-retry-answer"
            aria-label="Ask this question again"
            onClick={onRetry}
          >
            Retry
          </button>
        )}
      </div>
    </div>
  );
}
