import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { MimeModel } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import * as React from 'react';

import { CodeActions, decorateCodeBlocks } from './code-actions';

export interface MarkdownViewProps {
  text: string;
  rendermime: IRenderMimeRegistry;
  codeActions: CodeActions;
}

/**
 * Markdown through JupyterLab's own renderer, untrusted: the registry's sanitizer
 * cleans the HTML and nothing in it runs. While an answer streams, renders are
 * coalesced: at most one at a time, always ending with the latest text.
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
        const r = renderer.current;
        await r.renderModel(new MimeModel({ data: { 'text/markdown': source }, trusted: false }));
        decorateCodeBlocks(r.node, {
          insertBelow: (code) => actions.current.insertBelow(code),
          replaceActiveCell: (code) => actions.current.replaceActiveCell(code)
        });
      }
    } catch (err) {
      console.warn('mooring: markdown rendering failed', err);
    } finally {
      q.busy = false;
    }
  }, []);

  React.useEffect(() => {
    const r = rendermime.createRenderer('text/markdown');
    r.addClass('jp-Mooring-markdown');
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
