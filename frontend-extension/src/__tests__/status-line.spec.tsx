import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ConnectionStatus } from '../chat-model';
import { describeStatus, StatusLineView } from '../components/status-line';

const NOW = 1_700_000_000_000;

function renderStatus(status: ConnectionStatus, onRetry = vi.fn()) {
  render(<StatusLineView status={status} now={NOW} onRetry={onRetry} model={{ provider: 'demo', name: 'demo-echo', demo: true }} />);
  return { el: screen.getByRole('status'), onRetry };
}

afterEach(cleanup);

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
    const { el } = renderStatus({ state: 'disconnected', attempt: 3, retryAt: NOW + 4200, reason: 'closed (1006)' });
    expect(el.dataset.state).toBe('disconnected');
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Disconnected');
    expect(screen.getByTestId('mooring-status-detail').textContent).toBe('retrying in 5s (attempt 3)');
  });

  it('counts down as the clock moves', () => {
    const status: ConnectionStatus = { state: 'disconnected', attempt: 2, retryAt: NOW + 10_000 };
    expect(describeStatus(status, NOW).detail).toBe('retrying in 10s (attempt 2)');
    expect(describeStatus(status, NOW + 7_500).detail).toBe('retrying in 3s (attempt 2)');
    expect(describeStatus(status, NOW + 60_000).detail).toBe('retrying in 0s (attempt 2)');
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
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Starting');
    expect(screen.getByTestId('mooring-status-detail').textContent).toBe('starting the chat service…');
    cleanup();
    renderStatus({ state: 'reconnecting', attempt: 3, service: 'starting' });
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Starting');
  });

  it('says the chat service is restarting after it stopped', () => {
    renderStatus({ state: 'disconnected', attempt: 1, retryAt: NOW + 1000, service: 'restarting' });
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Restarting');
    expect(screen.getByTestId('mooring-status-detail').textContent).toContain('stopped');
  });

  it('shows why the chat service is stopped when the proxy says', () => {
    renderStatus({ state: 'disconnected', attempt: 1, retryAt: NOW + 1000, reason: 'another process owns the data folder', service: 'stopped' });
    expect(screen.getByTestId('mooring-status-label').textContent).toBe('Stopped');
    expect(screen.getByTestId('mooring-status-detail').textContent).toBe('another process owns the data folder');
  });

  it('is a polite live region', () => {
    const { el } = renderStatus({ state: 'connected' });
    expect(el.getAttribute('aria-live')).toBe('polite');
  });
});
