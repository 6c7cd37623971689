import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it } from 'vitest';

import { ChatModel } from '../chat-model';
import { ChatView } from '../components/chat-view';
import { FakeClient, fakeApi } from './fake-client';

afterEach(cleanup);

function setup() {
  const client = new FakeClient();
  const model = new ChatModel();
  model.connect({ client, api: fakeApi({ 'GET conversations': [] }) });
  render(<ChatView model={model} renderText={(t) => <span>{t}</span>} onAsk={(t) => model.ask(t)} />);
  return { client, model };
}

describe('chat panel', () => {
  it('shows the status line at all times and the demo banner after a demo welcome', () => {
    const { client } = setup();
    expect(screen.getByRole('status').dataset.state).toBe('connecting');
    expect(screen.queryByTestId('mooring-demo-banner')).toBeNull();
    act(() => client.setStatus({ state: 'connected' }, { provider: 'demo', name: 'demo', demo: true }));
    expect(screen.getByRole('status').dataset.state).toBe('connected');
    expect(screen.getByTestId('mooring-demo-banner')).toBeTruthy();
    act(() => client.setStatus({ state: 'failed', reason: 'the service refused the token (HTTP 401)' }));
    fireEvent.click(screen.getByText('Retry now'));
    expect(client.reconnects).toBe(1);
  });

  it('asks, streams, pauses and ends an answer; Stop and Retry reach the client', () => {
    const { client } = setup();
    fireEvent.change(screen.getByTestId('mooring-input'), { target: { value: 'What is 1/0?' } });
    fireEvent.click(screen.getByTestId('mooring-send'));
    expect(screen.getByTestId('mooring-question').textContent).toBe('What is 1/0?');
    const answer = () => screen.getAllByTestId('mooring-answer').at(-1)!;
    expect(answer().dataset.status).toBe('waiting');

    act(() => client.sent[0].update({ status: 'streaming', text: 'It raises' }));
    expect(answer().dataset.status).toBe('streaming');
    expect(answer().textContent).toContain('It raises');
    fireEvent.click(screen.getByTestId('mooring-stop'));
    expect(client.sent[0].cancelled).toBe(1);

    act(() => client.sent[0].update({ status: 'paused' }));
    expect(answer().dataset.status).toBe('paused');

    act(() => client.sent[0].update({ status: 'interrupted' }));
    expect(answer().dataset.status).toBe('interrupted');
    expect(screen.queryByTestId('mooring-stop')).toBeNull();
    fireEvent.click(screen.getByTestId('mooring-retry-answer'));
    expect(client.sent).toHaveLength(2);
    expect(client.sent[1].question).toBe('What is 1/0?');
  });
});
