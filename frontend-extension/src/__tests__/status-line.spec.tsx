import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ConnectionStatus } from '../chat-model';
import { secondsUntil } from '../components/countdown';
import { StatusLine } from '../components/status-line';

const NOW = 1_700_000_000_000;
const demo = { provider: 'demo', name: 'demo-echo', demo: true };

function renderStatus(status: ConnectionStatus, onRetry = vi.fn()) {
  const view = render(<StatusLine status={status} onRetry={onRetry} model={demo} />);
  return { el: screen.getByTestId('mooring-status'), live: screen.getByRole('status'), onRetry, view };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('status line', () => {
  it('shows connecting on the first attempt', () => {
    const { el } = renderStatus({ state: 'connecting' });
    expect(el.dataset.state).toBe('connecting');
    expect(el.textContent).toMatch(/^Connecting/);
    expect(screen.queryByTestId('mooring-retry-now')).toBeNull();
  });

  it('shows connected with the model', () => {
    const { el } = renderStatus({ state: 'connected' });
    expect(el.dataset.state).toBe('connected');
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Connected');
    expect(el.textContent).toContain('demo-echo');
    expect(screen.queryByTestId('mooring-retry-now')).toBeNull();
  });

  it('shows disconnected with a countdown and the attempt number', () => {
    vi.useFakeTimers({ now: NOW });
    const { el } = renderStatus({ state: 'disconnected', attempt: 3, retryAt: NOW + 4200, reason: 'closed (1006)' });
    expect(el.dataset.state).toBe('disconnected');
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Disconnected');
    expect(screen.getByTestId('mooring-status-detail').textContent).toBe('retrying (attempt 3)');
    expect(screen.getByTestId('mooring-status-countdown').textContent).toBe('in 5s');
  });

  it('counts down as the clock moves', () => {
    vi.useFakeTimers({ now: NOW });
    renderStatus({ state: 'disconnected', attempt: 2, retryAt: NOW + 10_000 });
    const countdown = screen.getByTestId('mooring-status-countdown');
    expect(countdown.textContent).toBe('in 10s');
    act(() => vi.advanceTimersByTime(7_000));
    expect(countdown.textContent).toBe('in 3s');
    act(() => vi.advanceTimersByTime(60_000));
    expect(countdown.textContent).toBe('in 0s');
    expect(secondsUntil(NOW + 7_500, NOW)).toBe(8);
  });

  it('never shows a countdown counted from an old clock reading, not even for one render', () => {
    vi.useFakeTimers({ now: NOW });
    const { el, view } = renderStatus({ state: 'connected' });
    // The panel has been open for a minute when the connection drops.
    vi.setSystemTime(NOW + 60_000);
    const shown = new MutationObserver(() => undefined);
    shown.observe(el, { subtree: true, childList: true, characterData: true, characterDataOldValue: true });
    view.rerender(
      <StatusLine status={{ state: 'disconnected', attempt: 1, retryAt: NOW + 65_000 }} onRetry={vi.fn()} model={demo} />
    );
    const texts = shown.takeRecords().flatMap((r) => [r.oldValue ?? '', ...Array.from(r.addedNodes, (n) => n.textContent ?? '')]);
    shown.disconnect();
    expect(screen.getByTestId('mooring-status-countdown').textContent).toBe('in 5s');
    expect(texts.filter((t) => /\b6\ds/.test(t))).toEqual([]);
  });

  it('announces changes of state, but not the ticking countdown, which stays outside the live region', () => {
    vi.useFakeTimers({ now: NOW });
    const { live, view } = renderStatus({ state: 'disconnected', attempt: 2, retryAt: NOW + 10_000 });
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.contains(screen.getByTestId('mooring-status-countdown'))).toBe(false);
    const announced = live.textContent;
    act(() => vi.advanceTimersByTime(3_000));
    expect(screen.getByTestId('mooring-status-countdown').textContent).toBe('in 7s');
    expect(live.textContent).toBe(announced);
    view.rerender(<StatusLine status={{ state: 'reconnecting', attempt: 2 }} onRetry={vi.fn()} model={demo} />);
    expect(live.textContent).toBe('Reconnecting attempt 2');
  });

  it('shows reconnecting with the attempt under way', () => {
    const { el } = renderStatus({ state: 'reconnecting', attempt: 4 });
    expect(el.dataset.state).toBe('reconnecting');
    expect(el.dataset.attempt).toBe('4');
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Reconnecting');
    expect(screen.getByTestId('mooring-status-detail').textContent).toContain('attempt 4');
  });

  it('shows failed with its reason and a Retry now button that calls reconnect', () => {
    const { el, onRetry } = renderStatus({ state: 'failed', reason: 'the service refused the token (HTTP 401)' });
    expect(el.dataset.state).toBe('failed');
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Failed');
    expect(el.textContent).toContain('the service refused the token (HTTP 401)');
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('offers Retry now while waiting for the next attempt', () => {
    const { onRetry } = renderStatus({ state: 'disconnected', attempt: 1, retryAt: NOW + 1000 });
    fireEvent.click(screen.getByTestId('mooring-retry-now'));
    expect(onRetry).toHaveBeenCalled();
  });

  it('says the chat service is starting, not reconnecting, while the Jupyter proxy says so', () => {
    const { el } = renderStatus({ state: 'disconnected', attempt: 2, retryAt: NOW + 1000, reason: 'the chat service is starting', service: 'starting' });
    expect(el.dataset.service).toBe('starting');
    expect(screen.queryByTestId('mooring-status-countdown')).toBeNull();
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Starting');
    expect(screen.getByRole('status').textContent, 'one sentence').toBe('Starting the chat service…');
    cleanup();
    renderStatus({ state: 'reconnecting', attempt: 3, service: 'starting' });
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Starting');
  });

  it('offers no Retry now while the chat service is starting or restarting, but does once it is stopped', () => {
    renderStatus({ state: 'disconnected', attempt: 2, retryAt: NOW + 1000, service: 'starting' });
    expect(screen.queryByTestId('mooring-retry-now')).toBeNull();
    cleanup();
    renderStatus({ state: 'disconnected', attempt: 2, retryAt: NOW + 1000, service: 'restarting' });
    expect(screen.queryByTestId('mooring-retry-now')).toBeNull();
    cleanup();
    renderStatus({ state: 'disconnected', attempt: 2, retryAt: NOW + 1000, service: 'stopped' });
    expect(screen.getByTestId('mooring-retry-now')).toBeTruthy();
  });

  it('says the chat service is restarting after it stopped', () => {
    renderStatus({ state: 'disconnected', attempt: 1, retryAt: NOW + 1000, service: 'restarting' });
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Restarting');
    expect(screen.getByRole('status').textContent).toBe('Restarting the chat service after it stopped…');
  });

  it('shows why the chat service is stopped when the proxy says', () => {
    renderStatus({ state: 'disconnected', attempt: 1, retryAt: NOW + 1000, reason: 'another process owns the data folder', service: 'stopped' });
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Stopped');
    expect(screen.getByTestId('mooring-status-detail').textContent).toBe('another process owns the data folder');
  });

});
