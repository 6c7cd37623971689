import { cleanup, render, screen, waitFor } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { MarkdownView } from '../components/markdown-view';
import { jupyterRendermime, RecordingTypesetter } from './rendermime';

afterEach(cleanup);

const noActions = { insertBelow: vi.fn(), replaceActiveCell: vi.fn() };

describe('an answer rendered as Markdown', () => {
  it('hands its math to the LaTeX typesetter intact, as a Markdown cell does', async () => {
    const typesetter = new RecordingTypesetter();
    render(
      <MarkdownView
        text={'The mean is $\\bar{x} = \\frac{1}{n} \\sum_i x_i$ and\n\n$$a_1 * b_1 + a_2 * b_2$$'}
        rendermime={jupyterRendermime(typesetter)}
        codeActions={noActions}
      />
    );
    await waitFor(() => expect(typesetter.seen).toHaveLength(1));
    // Markdown left the math alone: no emphasis made of its `_` and `*`.
    expect(typesetter.seen[0]).toContain('$\\bar{x} = \\frac{1}{n} \\sum_i x_i$');
    expect(typesetter.seen[0]).toContain('$$a_1 * b_1 + a_2 * b_2$$');
  });

  it('gives code blocks their toolbar and renders the latest text last', async () => {
    const rendermime = jupyterRendermime();
    const { rerender } = render(<MarkdownView text="first" rendermime={rendermime} codeActions={noActions} />);
    rerender(<MarkdownView text={'Try:\n\n```python\nprint(1)\n```'} rendermime={rendermime} codeActions={noActions} />);
    await screen.findByTestId('mooring-copy-code');
    expect(document.querySelector('pre')?.textContent).toBe('print(1)\n');
    expect(document.body.textContent).not.toContain('first');
  });
});
