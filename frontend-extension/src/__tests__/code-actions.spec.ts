import { describe, expect, it, vi } from 'vitest';

import { decorateCodeBlocks } from '../components/code-actions';

describe('code block actions', () => {
  it('adds Insert below and Replace active cell to each code block, once', () => {
    const root = document.createElement('div');
    root.innerHTML = '<p>Try:</p><pre><code class="language-python">print(1)\n</code></pre><pre><code>x = 2</code></pre>';
    const actions = { insertBelow: vi.fn(), replaceActiveCell: vi.fn() };
    expect(decorateCodeBlocks(root, actions)).toBe(2);
    expect(decorateCodeBlocks(root, actions)).toBe(0);
    const insert = root.querySelectorAll<HTMLButtonElement>('[data-testid="mooring-insert-below"]');
    const replace = root.querySelectorAll<HTMLButtonElement>('[data-testid="mooring-replace-cell"]');
    expect(insert).toHaveLength(2);
    insert[0].click();
    replace[1].click();
    expect(actions.insertBelow).toHaveBeenCalledWith('print(1)');
    expect(actions.replaceActiveCell).toHaveBeenCalledWith('x = 2');
  });
});
