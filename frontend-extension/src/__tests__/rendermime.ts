import { Sanitizer } from '@jupyterlab/apputils';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { marked } from 'marked';

/** A typesetter that records the text of each node it is given (MathJax needs a real layout engine). */
export class RecordingTypesetter implements IRenderMime.ILatexTypesetter {
  readonly seen: string[] = [];

  typeset(node: HTMLElement): Promise<void> {
    this.seen.push(node.textContent ?? '');
    return Promise.resolve();
  }
}

/**
 * JupyterLab's rendermime registry as the app builds it: the standard renderers, JupyterLab's own
 * sanitizer and a real Markdown parser (marked, which JupyterLab's parser is built on).
 */
export function jupyterRendermime(typesetter?: IRenderMime.ILatexTypesetter): RenderMimeRegistry {
  return new RenderMimeRegistry({
    initialFactories: standardRendererFactories,
    sanitizer: new Sanitizer(),
    markdownParser: { render: (source) => marked.parse(source, { async: true }) },
    latexTypesetter: typesetter
  });
}
