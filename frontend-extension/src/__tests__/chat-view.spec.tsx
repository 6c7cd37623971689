import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it } from 'vitest';

import type { ConversationSummary } from '../rest-api';

import { ChatModel } from '../chat-model';
import { ChatView } from '../components/chat-view';
import { FakeClient, fakeApi } from './fake-client';

afterEach(cleanup);

function setup(conversations: ConversationSummary[] = []) {
  const client = new FakeClient();
  const model = new ChatModel();
  model.connect({ client, api: fakeApi({ 'GET conversations': conversations }) });
  const rendered: string[] = [];
  const view = (focusRequest?: number) => (
    <ChatView
      model={model}
      renderText={(t) => {
        rendered.push(t);
        return <span>{t}</span>;
      }}
      onAsk={(t) => model.ask(t)}
      focusRequest={focusRequest}
    />
  );
  const { rerender } = render(view());
  return { client, model, rendered, focus: (n: number) => rerender(view(n)) };
}

const status = () => screen.getByTestId('mooring-status');
const input = () => screen.getByTestId<HTMLTextAreaElement>('mooring-input');

function ask(text: string): void {
  fireEvent.change(input(), { target: { value: text } });
  fireEvent.keyDown(input(), { key: 'Enter' });
}

describe('chat panel', () => {
  it('shows the status line at all times and the demo banner after a demo welcome', () => {
    const { client } = setup();
    expect(status().dataset.state).toBe('connecting');
    expect(screen.queryByTestId('mooring-demo-banner')).toBeNull();
    act(() => client.setStatus({ state: 'connected' }, { provider: 'demo', name: 'demo', demo: true }));
    expect(status().dataset.state).toBe('connected');
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

  it('sends with Enter and starts a new line with Shift+Enter', () => {
    const { client } = setup();
    fireEvent.change(input(), { target: { value: 'first line' } });
    expect(fireEvent.keyDown(input(), { key: 'Enter', shiftKey: true })).toBe(true);
    expect(client.sent).toHaveLength(0);
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(client.sent.map((c) => c.question)).toEqual(['first line']);
    expect(input().value).toBe('');
  });

  it('sends what the box holds when Enter comes before React has seen the text', () => {
    const { client } = setup();
    // The text is in the box, but no change event reached React yet.
    input().value = 'typed fast';
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(client.sent.map((c) => c.question)).toEqual(['typed fast']);
  });

  it('does not send on the Enter that picks an input method candidate', () => {
    const { client } = setup();
    fireEvent.change(input(), { target: { value: 'にほんご' } });
    fireEvent.keyDown(input(), { key: 'Enter', isComposing: true });
    // Safari: the Enter that ends a composition comes after compositionend, with key code 229.
    fireEvent.keyDown(input(), { key: 'Enter', keyCode: 229 });
    expect(client.sent).toHaveLength(0);
    expect(input().value).toBe('にほんご');
  });

  it('stops the running answer on Escape, from the question box or anywhere in the panel', () => {
    const { client } = setup();
    ask('Long one');
    act(() => client.sent[0].update({ status: 'streaming', text: 'It goes on' }));
    fireEvent.keyDown(input(), { key: 'Escape' });
    expect(client.sent[0].cancelled).toBe(1);
    fireEvent.keyDown(screen.getByTestId('mooring-stop'), { key: 'Escape' });
    expect(client.sent[0].cancelled).toBe(2);
  });

  it('lets Escape through when no answer runs, and while an input method composes', () => {
    const { client } = setup();
    ask('Quick');
    expect(fireEvent.keyDown(input(), { key: 'Escape', isComposing: true })).toBe(true);
    expect(client.sent[0].cancelled).toBe(0);
    act(() => client.sent[0].update({ status: 'done', text: 'Yes.' }));
    expect(fireEvent.keyDown(input(), { key: 'Escape' })).toBe(true);
    expect(client.sent[0].cancelled).toBe(0);
  });

  it('puts the focus in the question box when the panel is opened by its command', () => {
    const { focus } = setup();
    input().blur();
    focus(1);
    expect(document.activeElement).toBe(input());
  });

  it('renders a streaming or cut-off answer with its half-written Markdown settled, a completed one as it is', () => {
    const { client, rendered } = setup();
    ask('Show me');
    act(() => client.sent[0].update({ status: 'streaming', text: 'Use **pandas\n\n```python\nimport pan' }));
    expect(rendered.at(-1)).toBe('Use **pandas\n\n```python\nimport pan\n```');
    act(() => client.sent[0].update({ status: 'interrupted', text: '*This is cut' }));
    expect(rendered.at(-1)).toBe('*This is cut*');
    ask('Again');
    act(() => client.sent[1].update({ status: 'done', text: 'Done: *x' }));
    expect(rendered.at(-1)).toBe('Done: *x');
  });

  it('names its header buttons for screen readers and says whether the history is open', () => {
    setup();
    const history = screen.getByRole('button', { name: 'History' });
    expect(screen.getByRole('button', { name: 'New chat' })).toBeTruthy();
    expect(history.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(history);
    expect(history.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('navigation', { name: 'Conversations' })).toBeTruthy();
  });
});
