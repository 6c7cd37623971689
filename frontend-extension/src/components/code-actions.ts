/**
 * Adds "Insert below" and "Replace active cell" buttons above each code block of
 * a rendered answer. The buttons only hand the code to the callbacks; nothing in
 * an answer runs by itself.
 */

export interface CodeActions {
  insertBelow(code: string): void;
  replaceActiveCell(code: string): void;
}

const TOOLBAR_CLASS = 'jp-Mooring-codeActions';

function button(label: string, testId: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'jp-Mooring-button jp-Mooring-codeButton';
  b.textContent = label;
  b.setAttribute('data-testid', testId);
  b.addEventListener('click', (event) => {
    event.preventDefault();
    onClick();
  });
  return b;
}

/** The code text of a rendered `<pre>` block. */
export function codeOf(pre: HTMLElement): string {
  const code = pre.querySelector('code') ?? pre;
  return (code.textContent ?? '').replace(/\n$/, '');
}

/** Decorate every `<pre>` under `root` that has no toolbar yet; answers how many were decorated. */
export function decorateCodeBlocks(root: HTMLElement, actions: CodeActions): number {
  let count = 0;
  root.querySelectorAll('pre').forEach((pre) => {
    const prev = pre.previousElementSibling;
    if (prev && prev.classList.contains(TOOLBAR_CLASS)) {
      return;
    }
    const bar = document.createElement('div');
    bar.className = TOOLBAR_CLASS;
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Code block actions');
    bar.append(
      button('Insert below', 'mooring-insert-below', () => actions.insertBelow(codeOf(pre))),
      button('Replace active cell', 'mooring-replace-cell', () => actions.replaceActiveCell(codeOf(pre)))
    );
    pre.parentElement?.insertBefore(bar, pre);
    count++;
  });
  return count;
}
