import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { MimeModel } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import * as React from 'react';

import { AnswerSanitizer, hardenRendered } from './answer-sanitizer';
import { CodeActions, decorateCodeBlocks } from './code-actions';

export interface MarkdownViewProps {
  text: string;
  rendermime: IRenderMimeRegistry;
  codeActions: CodeActions;
}

const answerRegistries = new WeakMap<IRenderMimeRegistry, IRenderMimeRegistry>();

/** `rendermime` with the sanitizer for model output in place of its own (one clone per registry). */
export function answerRendermime(rendermime: IRenderMimeRegistry): IRenderMimeRegistry {
  let clone = answerRegistries.get(rendermime);
  if (!clone) {
    clone = rendermime.clone({ sanitizer: new AnswerSanitizer(rendermime.sanitizer) });
    answerRegistries.set(rendermime, clone);
  }
  return clone;
}

/** A Markdown renderer for answers: JupyterLab's, with the sanitizer for model output. */
export function createAnswerRenderer(rendermime: IRenderMimeRegistry): IRenderMime.IRenderer {
  const renderer = answerRendermime(rendermime).createRenderer('text/markdown');
  renderer.addClass('jp-Mooring-markdown');
  return renderer;
}

/**
 * Renders `source` (untrusted) into `renderer`, typesets its math with the registry's LaTeX
 * typesetter as in Markdown cells, and adds the code block toolbars.
 */
export async function renderAnswer(
  renderer: IRenderMime.IRenderer,
  rendermime: IRenderMimeRegistry,
  source: string,
  actions: CodeActions
): Promise<void> {
  await renderer.renderModel(new MimeModel({ data: { 'text/markdown': source }, trusted: false }));
  // The renderer is not an attached Lumino widget, so it does not typeset by itself.
  await rendermime.latexTypesetter?.typeset(renderer.node);
  // What the renderer and the typesetter add after the sanitizer: links that keep the referrer, MathJax styles.
  hardenRendered(renderer.node);
  decorateCodeBlocks(renderer.node, actions);
}

/**
 * An answer's Markdown, rendered as {@link renderAnswer} does. While an answer streams,
 * renders are coalesced: at most one at a time, always ending with the latest text.
 */
export function MarkdownView({ text, rendermime, codeActions }: MarkdownViewProps): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const renderer = React.useRef<IRenderMime.IRenderer | null>(null);
  const queue = React.useRef<{ busy: boolean; next: string | null }>({ busy: false, next: null });
  const actions = React.useRef(codeActions);
  React.useLayoutEffect(() => {
    actions.current = codeActions;
  });

  const pump = React.useCallback(async () => {
    const q = queue.current;
    if (q.busy) {
      return;
    }
    q.busy = true;
    try {
      while (q.next !== null && renderer.current) {
        const source = q.next;
        q.next = null;
        await renderAnswer(renderer.current, rendermime, source, {
          insertBelow: (code) => actions.current.insertBelow(code),
          replaceActiveCell: (code) => actions.current.replaceActiveCell(code)
        });
      }
    } catch (err) {
      console.warn('mooring: markdown rendering failed', err);
    } finally {
      q.busy = false;
    }
  }, [rendermime]);

  React.useEffect(() => {
    const r = createAnswerRenderer(rendermime);
    renderer.current = r;
    host.current?.appendChild(r.node);
    return () => {
      renderer.current = null;
      r.node.remove();
      r.dispose();
    };
  }, [rendermime]);

  React.useEffect(() => {
    queue.current.next = text;
    void pump();
  }, [text, rendermime, pump]);

  return <div className="jp-Mooring-markdownHost" ref={host} />;
}
