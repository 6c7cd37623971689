/**
 * Adds a toolbar to each code block of a rendered answer: its language, "Copy",
 * "Insert below" and "Replace active cell". The buttons only hand the code on;
 * nothing in an answer runs by itself.
 */

export interface CodeActions {
  insertBelow(code: string): void;
  replaceActiveCell(code: string): void;
}

const TOOLBAR_CLASS = 'jp-Mooring-codeActions';

/** How long "Copied" (or "Copy failed") shows before the button says "Copy" again. */
export const COPIED_FOR_MS = 2000;

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

/** The language a code block is marked with (`language-python`), or ''. */
function languageOf(pre: HTMLElement): string {
  const code = pre.querySelector('code') ?? pre;
  return /(?:^|\s)language-(\S+)/.exec(code.className)?.[1] ?? '';
}

/**
 * Puts `text` on the clipboard: the Clipboard API where the page may use it (HTTPS or
 * localhost), else a selected hidden textarea and the copy command.
 */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) {
    throw new Error('the browser refused to copy');
  }
}

/** The Copy button: says "Copied" (to screen readers too, through `announce`) for a moment. */
function copyButton(pre: HTMLElement, announce: HTMLElement): HTMLButtonElement {
  let reset: ReturnType<typeof setTimeout> | undefined;
  const copy = button('Copy', 'mooring-copy-code', () => {
    const show = (label: string): void => {
      copy.textContent = label;
      announce.textContent = label;
      clearTimeout(reset);
      reset = setTimeout(() => {
        copy.textContent = 'Copy';
        announce.textContent = '';
      }, COPIED_FOR_MS);
    };
    copyText(codeOf(pre)).then(
      () => show('Copied'),
      () => show('Copy failed')
    );
  });
  copy.setAttribute('aria-label', 'Copy code');
  return copy;
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
    const language = document.createElement('span');
    language.className = 'jp-Mooring-codeLanguage';
    language.textContent = languageOf(pre);
    const announce = document.createElement('span');
    announce.className = 'jp-Mooring-visuallyHidden';
    announce.setAttribute('role', 'status');
    bar.append(
      language,
      copyButton(pre, announce),
      button('Insert below', 'mooring-insert-below', () => actions.insertBelow(codeOf(pre))),
      button('Replace active cell', 'mooring-replace-cell', () => actions.replaceActiveCell(codeOf(pre))),
      announce
    );
    pre.parentElement?.insertBefore(bar, pre);
    pre.classList.add('jp-Mooring-code');
    count++;
  });
  return count;
}
