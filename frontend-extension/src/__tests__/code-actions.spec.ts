import { afterEach, describe, expect, it, vi } from 'vitest';

import { COPIED_FOR_MS, decorateCodeBlocks } from '../components/code-actions';

function decorated(html: string) {
  const root = document.createElement('div');
  root.innerHTML = html;
  const actions = { insertBelow: vi.fn(), replaceActiveCell: vi.fn() };
  decorateCodeBlocks(root, actions);
  return { root, actions };
}

function stubClipboard(writeText: (text: string) => Promise<void>) {
  const clipboard = { writeText: vi.fn(writeText) };
  Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
  return clipboard;
}

afterEach(() => {
  vi.useRealTimers();
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('code block actions', () => {
  it('adds Copy, Insert below and Replace active cell to each code block, once', () => {
    const { root, actions } = decorated('<p>Try:</p><pre><code class="language-python">print(1)\n</code></pre><pre><code>x = 2</code></pre>');
    expect(decorateCodeBlocks(root, actions)).toBe(0);
    const insert = root.querySelectorAll<HTMLButtonElement>('[data-testid="mooring-insert-below"]');
    const replace = root.querySelectorAll<HTMLButtonElement>('[data-testid="mooring-replace-cell"]');
    expect(insert).toHaveLength(2);
    expect(root.querySelectorAll('[data-testid="mooring-copy-code"]')).toHaveLength(2);
    insert[0].click();
    replace[1].click();
    expect(actions.insertBelow).toHaveBeenCalledWith('print(1)');
    expect(actions.replaceActiveCell).toHaveBeenCalledWith('x = 2');
  });

  it('names the language of a marked code block', () => {
    const { root } = decorated('<pre><code class="language-python">a</code></pre><pre><code>b</code></pre>');
    expect(Array.from(root.querySelectorAll('.jp-Mooring-codeLanguage'), (s) => s.textContent)).toEqual(['python', '']);
  });

  it('copies the code from a keyboard-reachable button that says "Copied" for a moment, to screen readers too', async () => {
    vi.useFakeTimers();
    const clipboard = stubClipboard(() => Promise.resolve());
    const { root } = decorated('<pre><code>df.mean()\n</code></pre>');
    const copy = root.querySelector<HTMLButtonElement>('[data-testid="mooring-copy-code"]')!;
    expect(copy.localName).toBe('button');
    expect(copy.tabIndex).toBe(0);
    copy.click();
    await vi.waitFor(() => expect(copy.textContent).toBe('Copied'));
    expect(clipboard.writeText).toHaveBeenCalledWith('df.mean()');
    expect(root.querySelector('[role="status"]')?.textContent).toBe('Copied');
    vi.advanceTimersByTime(COPIED_FOR_MS);
    expect(copy.textContent).toBe('Copy');
    expect(root.querySelector('[role="status"]')?.textContent).toBe('');
  });

  it('says so when the browser refuses to copy', async () => {
    stubClipboard(() => Promise.reject(new Error('denied')));
    const { root } = decorated('<pre><code>x</code></pre>');
    const copy = root.querySelector<HTMLButtonElement>('[data-testid="mooring-copy-code"]')!;
    copy.click();
    await vi.waitFor(() => expect(copy.textContent).toBe('Copy failed'));
  });
});
