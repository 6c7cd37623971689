/**
 * The sanitizer for model output. An answer is untrusted: a prompt injection hidden
 * in a notebook can steer it. So after JupyterLab's own sanitizer, nothing in an
 * answer may load a URL by itself (a remote image would send data out with no
 * click), drive JupyterLab (command-linker buttons) or run a script URL.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';

/** Elements that load, embed or run something, dropped with their content. */
const DROPPED = [
  'applet', 'area', 'base', 'embed', 'frame', 'frameset', 'iframe', 'link', 'map', 'meta', 'noscript',
  'object', 'portal', 'script', 'style', 'svg', 'template'
].join(',');

/** Form controls: a look-alike button or field is replaced by its text. */
const UNWRAPPED = ['button', 'datalist', 'form', 'optgroup', 'option', 'select', 'textarea'].join(',');

/** Media that would load their source: shown as a link to it instead. */
const MEDIA = ['audio', 'video'].join(',');

/** Attributes that make the browser fetch a URL (`src` and `href` are handled per element). */
const LOADING_ATTRIBUTES = new Set([
  'action', 'background', 'dynsrc', 'formaction', 'longdesc', 'lowsrc', 'ping', 'poster', 'srcset', 'usemap',
  'xlink:href'
]);

/** CSS that can fetch: url(), image(), image-set(), @import, and escapes that could spell them. */
const LOADING_CSS = /url\s*\(|image(-set)?\s*\(|@import|expression\s*\(|\\/i;

/** Inline images the panel shows: raster data URLs only (they load nothing). */
const IMAGE_DATA_URL = /^data:image\/(png|gif|jpeg|webp);base64,[a-z0-9+/=\s]*$/i;

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const REMOTE_PROTOCOLS = new Set(['http:', 'https:']);

/** The protocol a browser would use for `url` on this page, or undefined when it does not parse. */
function protocolOf(url: string): string | undefined {
  try {
    return new URL(url, document.baseURI).protocol;
  } catch {
    return undefined;
  }
}

/** Makes every link in `root` safe to click: http(s), mailto or relative only, in a new tab, no referrer. */
function hardenLinks(root: ParentNode): void {
  root.querySelectorAll('a').forEach((a) => {
    a.removeAttribute('download');
    a.removeAttribute('ping');
    const href = a.getAttribute('href');
    if (href === null) {
      return;
    }
    if (!LINK_PROTOCOLS.has(protocolOf(href) ?? '')) {
      a.removeAttribute('href');
      return;
    }
    if (href.startsWith('#')) {
      return;
    }
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
  });
}

function dropLoadingStyles(root: ParentNode): void {
  root.querySelectorAll('[style]').forEach((el) => {
    if (LOADING_CSS.test(el.getAttribute('style') ?? '')) {
      el.removeAttribute('style');
    }
  });
}

/**
 * Hardens what comes into `root` after the sanitizer: the renderer's and the LaTeX
 * typesetter's links and inline styles (MathJax's own filter lets `cursor: url(...)` through).
 */
export function hardenRendered(root: ParentNode): void {
  dropLoadingStyles(root);
  hardenLinks(root);
}

/** A link (plain text inside another link) standing in for media not loaded: "Image: a plot (example.com)". */
function placeholder(media: Element, kind: string, source: string | null, description: string): HTMLElement {
  const remote = source !== null && REMOTE_PROTOCOLS.has(protocolOf(source) ?? '') && !media.closest('a');
  const el = document.createElement(remote ? 'a' : 'span');
  el.className = 'jp-Mooring-blockedMedia';
  let text = `${kind}: ${description.trim() || 'no description'}`;
  if (remote) {
    const url = new URL(source, document.baseURI);
    el.setAttribute('href', url.href);
    el.setAttribute('title', `${url.href} (not loaded: opens in a new tab)`);
    text += ` (${url.host})`;
  }
  el.textContent = text;
  return el;
}

function unwrap(el: Element): void {
  el.replaceWith(...Array.from(el.childNodes));
}

/** Applies the rules to a parsed, inert fragment. */
function harden(root: DocumentFragment): void {
  root.querySelectorAll(DROPPED).forEach((el) => el.remove());
  root.querySelectorAll(UNWRAPPED).forEach(unwrap);
  root.querySelectorAll('input').forEach((input) => {
    if (input.getAttribute('type')?.toLowerCase() === 'checkbox') {
      input.setAttribute('disabled', '');
    } else {
      input.remove();
    }
  });
  root.querySelectorAll(MEDIA).forEach((media) => {
    const source = media.getAttribute('src') ?? media.querySelector('source[src]')?.getAttribute('src') ?? null;
    const kind = media.localName === 'video' ? 'Video' : 'Audio';
    media.replaceWith(placeholder(media, kind, source, media.textContent ?? ''));
  });
  root.querySelectorAll('picture').forEach(unwrap);
  root.querySelectorAll('source, track').forEach((el) => el.remove());
  root.querySelectorAll('img').forEach((img) => {
    const source = img.getAttribute('src');
    if (source === null || !IMAGE_DATA_URL.test(source.trim())) {
      img.replaceWith(placeholder(img, 'Image', source, img.getAttribute('alt') ?? ''));
    }
  });
  root.querySelectorAll('*').forEach((el) => {
    for (const name of el.getAttributeNames()) {
      const loads =
        LOADING_ATTRIBUTES.has(name) ||
        name.startsWith('data-command') ||
        name.startsWith('on') ||
        (name === 'src' && el.localName !== 'img') ||
        (name === 'href' && el.localName !== 'a');
      if (loads) {
        el.removeAttribute(name);
      }
    }
  });
  hardenRendered(root);
}

/** Applies the rules to HTML that a sanitizer already cleaned; answers the HTML to show. */
export function hardenAnswerHtml(html: string): string {
  // A template's content is inert: nothing in it loads while the rules run.
  const template = document.createElement('template');
  template.innerHTML = html;
  harden(template.content);
  return template.innerHTML;
}

/** JupyterLab's sanitizer (`base`), then the rules for model output. */
export class AnswerSanitizer implements IRenderMime.ISanitizer {
  readonly #base: IRenderMime.ISanitizer;

  constructor(base: IRenderMime.ISanitizer) {
    this.#base = base;
  }

  get allowNamedProperties(): boolean {
    return false;
  }

  get allowCommandLinker(): boolean {
    return false;
  }

  getAutolink(): boolean {
    return this.#base.getAutolink?.() ?? true;
  }

  sanitize(dirty: string, options?: IRenderMime.ISanitizerOptions): string {
    return hardenAnswerHtml(this.#base.sanitize(dirty, options));
  }
}
