import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ConversationList, ConversationListProps, describeAge } from '../components/conversation-list';

afterEach(cleanup);

// Wednesday 15 May 2024, 12:00 local time.
const NOW = new Date(2024, 4, 15, 12, 0).getTime();
const at = (...parts: [number, number, number, number?, number?]) => new Date(...parts).toISOString();
const short = (iso: string) => describeAge(iso, NOW, 'en-GB')?.short;

/** The list with every callback a no-op, and these props. */
function list(props: Partial<ConversationListProps> & Pick<ConversationListProps, 'conversations'>): JSX.Element {
  return (
    <ConversationList
      now={NOW}
      onOpen={vi.fn()}
      onDelete={vi.fn()}
      onRename={vi.fn(async () => true)}
      scope="notebook"
      onScope={vi.fn()}
      notebook="work/analysis.ipynb"
      {...props}
    />
  );
}

const LONG_TITLE = 'Why does my groupby drop the rows where the key is NaN, and how do I keep them?';

describe('conversation history', () => {
  it('says how old a conversation is in a few characters', () => {
    expect(short(at(2024, 4, 15, 11, 59, 30))).toBe('now');
    expect(short(at(2024, 4, 15, 11, 55))).toBe('5 min');
    expect(short(at(2024, 4, 15, 9, 30))).toBe('2 h');
    expect(short(at(2024, 4, 13, 9, 0))).toBe('Mon');
    expect(short(at(2024, 2, 12, 9, 0))).toBe('12 Mar');
    expect(short(at(2023, 2, 12, 9, 0))).toBe('Mar 2023');
    expect(describeAge('not a date', NOW)).toBeUndefined();
  });

  it('shows each conversation on one line, the full title on hover and to screen readers', () => {
    const onOpen = vi.fn();
    render(list({ conversations: [{ id: 'c1', title: LONG_TITLE, createdAt: '', updatedAt: at(2024, 4, 15, 9, 30) }], onOpen }));
    const open = screen.getByRole('button', { name: new RegExp(`^${LONG_TITLE.replace(/[?]/g, '\\?')}\\s+updated .*2024`) });
    expect(open.getAttribute('title')).toContain(LONG_TITLE);
    expect(screen.getByTestId('mooring-conversation-title').textContent).toBe(LONG_TITLE);
    // The short age is for the eye; screen readers get the full date instead.
    const date = open.querySelector('time')!;
    expect(date.getAttribute('dateTime')).toBe(at(2024, 4, 15, 9, 30));
    expect(date.querySelector('[aria-hidden="true"]')?.textContent).toBe('2 h');
    fireEvent.click(open);
    expect(onOpen).toHaveBeenCalledWith('c1');
  });

  it('names the delete button after the conversation and marks the open one', () => {
    const onDelete = vi.fn();
    const conversations = [
      { id: 'c1', title: 'Plotting', createdAt: '', updatedAt: at(2024, 4, 15, 11, 0) },
      { id: 'c2', title: '', createdAt: '', updatedAt: at(2024, 4, 14, 11, 0) }
    ];
    render(list({ conversations, activeId: 'c1', onDelete }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete conversation Untitled conversation' }));
    expect(onDelete).toHaveBeenCalledWith(conversations[1]);
    expect(screen.getByRole('button', { current: true }).textContent).toContain('Plotting');
  });

  it("switches between the notebook's conversations and all of them, naming the notebook", () => {
    const onScope = vi.fn();
    const { rerender } = render(list({ conversations: [], onScope }));
    const mine = screen.getByTestId('mooring-history-notebook');
    const all = screen.getByTestId('mooring-history-all');
    expect(mine.textContent).toBe('analysis.ipynb');
    expect(mine.getAttribute('aria-pressed')).toBe('true');
    expect(all.getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByText('No conversations in analysis.ipynb yet.')).toBeTruthy();
    fireEvent.click(all);
    expect(onScope).toHaveBeenCalledWith('all');
    rerender(list({ conversations: [], onScope, notebook: '' }));
    expect(screen.getByTestId<HTMLButtonElement>('mooring-history-notebook').disabled).toBe(true);
    expect(screen.getByTestId('mooring-history-all').getAttribute('aria-pressed')).toBe('true');
  });

  it('shows the notebook of each conversation on hover when all are listed', () => {
    render(
      list({
        conversations: [{ id: 'c1', title: 'Plot', notebookPath: 'b/other.ipynb', createdAt: '', updatedAt: at(2024, 4, 15, 11, 0) }],
        scope: 'all'
      })
    );
    expect(screen.getByRole('button', { name: /^Plot/ }).getAttribute('title')).toMatch(/^Plot\nb\/other\.ipynb\n/);
  });

  it('renames in place: Enter saves, Escape gives up, a refused title stays in the box', async () => {
    const onRename = vi.fn(async (_id: string, title: string) => title.length <= 200);
    render(list({ conversations: [{ id: 'c1', title: 'Old', createdAt: '', updatedAt: at(2024, 4, 15, 11, 0) }], onRename }));
    fireEvent.click(screen.getByRole('button', { name: 'Rename conversation Old' }));
    const box = screen.getByTestId<HTMLInputElement>('mooring-conversation-title-input');
    expect(box.value).toBe('Old');
    fireEvent.keyDown(box, { key: 'Escape' });
    await act(async () => {});
    expect(onRename).not.toHaveBeenCalled();
    expect(screen.queryByTestId('mooring-conversation-title-input')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Rename conversation Old' }));
    fireEvent.change(screen.getByTestId('mooring-conversation-title-input'), { target: { value: 'x'.repeat(201) } });
    fireEvent.keyDown(screen.getByTestId('mooring-conversation-title-input'), { key: 'Enter' });
    await act(async () => {});
    expect(screen.getByTestId('mooring-conversation-title-input')).toBeTruthy();

    fireEvent.change(screen.getByTestId('mooring-conversation-title-input'), { target: { value: '  Sales by region ' } });
    fireEvent.keyDown(screen.getByTestId('mooring-conversation-title-input'), { key: 'Enter' });
    await act(async () => {});
    expect(onRename).toHaveBeenLastCalledWith('c1', 'Sales by region');
    expect(screen.queryByTestId('mooring-conversation-title-input')).toBeNull();
  });
});
