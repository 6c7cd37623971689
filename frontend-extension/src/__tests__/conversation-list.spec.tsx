import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ConversationList, describeAge } from '../components/conversation-list';

afterEach(cleanup);

// Wednesday 15 May 2024, 12:00 local time.
const NOW = new Date(2024, 4, 15, 12, 0).getTime();
const at = (...parts: [number, number, number, number?, number?]) => new Date(...parts).toISOString();
const short = (iso: string) => describeAge(iso, NOW, 'en-GB')?.short;

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
    render(
      <ConversationList
        conversations={[{ id: 'c1', title: LONG_TITLE, createdAt: '', updatedAt: at(2024, 4, 15, 9, 30) }]}
        now={NOW}
        onOpen={onOpen}
        onDelete={vi.fn()}
      />
    );
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
    render(<ConversationList conversations={conversations} activeId="c1" now={NOW} onOpen={vi.fn()} onDelete={onDelete} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete conversation Untitled conversation' }));
    expect(onDelete).toHaveBeenCalledWith(conversations[1]);
    expect(screen.getByRole('button', { current: true }).textContent).toContain('Plotting');
  });
});
