import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { CompletionStatus, ErrorInfo } from '../chat-model';
import { Answer } from '../components/answer';
import { DemoBanner } from '../components/demo-banner';

const NOW = 1_700_000_000_000;

function renderAnswer(status: CompletionStatus, extra: { error?: ErrorInfo; retryAt?: number; canRetry?: boolean } = {}) {
  const onStop = vi.fn();
  const onRetry = vi.fn();
  render(
    <Answer
      id="a1"
      status={status}
      error={extra.error}
      retryAt={extra.retryAt}
      canRetry={extra.canRetry ?? true}
      onStop={onStop}
      onRetry={onRetry}
    >
      partial answer text
    </Answer>
  );
  return { el: screen.getByTestId('mooring-answer'), onStop, onRetry };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const RUNNING: CompletionStatus[] = ['waiting', 'streaming', 'stalled', 'paused'];
const ENDED: CompletionStatus[] = ['done', 'cancelled', 'failed', 'interrupted'];

describe('answer', () => {
  it.each([...RUNNING, ...ENDED])('shows the %s state by name, in place of a spinner', (status) => {
    const { el } = renderAnswer(status);
    expect(el.dataset.status).toBe(status);
    const badge = screen.getByTestId('mooring-answer-status');
    expect(badge.textContent?.toLowerCase()).toMatch(new RegExp(`^${status}`));
    expect(screen.getByTestId('mooring-answer-body').textContent).toBe('partial answer text');
  });

  it.each(RUNNING)('offers Stop while %s, which stops the answer', (status) => {
    const { el, onStop } = renderAnswer(status);
    expect(el.getAttribute('aria-busy')).toBe('true');
    fireEvent.click(screen.getByTestId('mooring-stop'));
    expect(onStop).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('mooring-retry-answer')).toBeNull();
  });

  it.each(ENDED)('offers no Stop once %s', (status) => {
    renderAnswer(status);
    expect(screen.queryByTestId('mooring-stop')).toBeNull();
  });

  it.each(['failed', 'interrupted'] as CompletionStatus[])('offers Retry when %s, which resends the question', (status) => {
    const { onRetry } = renderAnswer(status, { error: { code: 'model_error', message: 'the model provider failed' } });
    fireEvent.click(screen.getByTestId('mooring-retry-answer'));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it.each(['done', 'cancelled'] as CompletionStatus[])('offers no Retry when %s', (status) => {
    renderAnswer(status);
    expect(screen.queryByTestId('mooring-retry-answer')).toBeNull();
  });

  it('shows the error message of a failed answer as an alert', () => {
    renderAnswer('failed', { error: { code: 'model_error', message: 'upstream 500 from the provider' } });
    expect(screen.getByRole('alert').textContent).toContain('upstream 500 from the provider');
  });

  it('says why an interrupted answer stopped', () => {
    renderAnswer('interrupted');
    expect(screen.getByTestId('mooring-answer-status').textContent).toContain('service stopped');
  });

  it('says an orphaned answer was interrupted by the service, promising no resume', () => {
    const { el } = renderAnswer('orphaned');
    expect(el.dataset.status).toBe('orphaned');
    const badge = screen.getByTestId('mooring-answer-status').textContent ?? '';
    expect(badge).toMatch(/^Interrupted: the chat service stopped before this answer finished/);
    expect(badge).not.toContain('resumes');
    expect(screen.queryByRole('button', { name: 'Stop this answer' })).toBeNull();
  });

  it('shows a stalled answer as stalled, not as thinking', () => {
    renderAnswer('stalled');
    expect(screen.getByTestId('mooring-answer-status').textContent).toContain('no new text');
  });

  it('shows a visible countdown while a retryable error waits', () => {
    vi.useFakeTimers({ now: NOW });
    renderAnswer('waiting', { error: { code: 'rate_limited', message: 'rate limited', retryable: true }, retryAt: NOW + 3000 });
    expect(screen.getByTestId('mooring-answer-status').textContent).toContain('rate limited; retrying in 3s');
  });

  it('offers Escape as the shortcut of Stop', () => {
    renderAnswer('streaming');
    expect(screen.getByTestId('mooring-stop').getAttribute('aria-keyshortcuts')).toBe('Escape');
  });

  it('hides Retry when the question is not known', () => {
    renderAnswer('failed', { canRetry: false });
    expect(screen.queryByTestId('mooring-retry-answer')).toBeNull();
  });
});

describe('demo banner', () => {
  it('shows when the demo model answers', () => {
    render(<DemoBanner model={{ provider: 'demo', name: 'demo', demo: true }} />);
    expect(screen.getByTestId('mooring-demo-banner').textContent).toContain('Demo model');
  });

  it('stays hidden for a real model and before the welcome', () => {
    const { container, rerender } = render(<DemoBanner model={{ provider: 'openai', name: 'gpt', demo: false }} />);
    expect(container.textContent).toBe('');
    rerender(<DemoBanner model={undefined} />);
    expect(screen.queryByTestId('mooring-demo-banner')).toBeNull();
  });
});
