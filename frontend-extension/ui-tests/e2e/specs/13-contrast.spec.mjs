// 13. Readable in every theme: the contrast of the question, the answer and the
// status line (and of a refusal in the Model section), computed from the colours
// Chromium renders (each background composited over what lies behind it), is at least
// 4.5:1 (WCAG AA for text) in the light, dark and high-contrast themes.
import { selectors } from '../../mooring-page.mjs';
import { expect, measured, test } from '../fixtures.mjs';

const THEMES = ['JupyterLab Light', 'JupyterLab Dark', 'JupyterLab Dark High Contrast'];

/** In the page: the WCAG contrast ratio of each element's text against the background it is painted on. */
function contrasts(targets) {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  /** Any CSS colour as [r, g, b, a] (0-255, 0-1), as the browser paints it. */
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3])).concat(1);
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) layers.push(rgba(getComputedStyle(e).backgroundColor));
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const luminance = ([r, g, b]) =>
    [r, g, b]
      .map((c) => c / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const result = {};
  for (const [name, selector] of Object.entries(targets)) {
    const el = document.querySelector(selector);
    if (!el) {
      result[name] = null;
      continue;
    }
    const bg = background(el);
    const fg = over(rgba(getComputedStyle(el).color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    result[name] = Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
  }
  return result;
}

test('the question, the answer and the status line keep 4.5:1 in light, dark and high-contrast themes', async ({ page, mooring }) => {
  await mooring.startConversation();
  await mooring.ask('How readable is this panel?');
  await mooring.waitForAnswer('done', { timeout: 60000 });
  // A refusal in words: Anthropic without a key.
  await page.locator(selectors.toggleModel).click();
  await page.locator(selectors.modelProvider).selectOption('anthropic');
  await page.locator(selectors.modelSave).click();
  await expect(page.locator(selectors.modelError)).toContainText('API key');
  const targets = {
    question: selectors.question,
    answer: `${selectors.answerBody} p`,
    statusLabel: selectors.statusLabel,
    statusDetail: selectors.statusDetail,
    answerStatus: selectors.answerStatus,
    modelError: selectors.modelError
  };
  const all = {};
  for (const theme of THEMES) {
    await page.evaluate((theme) => window.jupyterapp.commands.execute('apputils:change-theme', { theme }), theme);
    await page.waitForFunction((theme) => document.body.dataset.jpThemeName === theme, theme, { timeout: 30000 });
    // The theme's stylesheet is applied once its variables are.
    await page.waitForFunction(() => getComputedStyle(document.body).getPropertyValue('--jp-layout-color1').trim() !== '');
    const ratios = await page.evaluate(contrasts, targets);
    all[theme] = ratios;
    for (const [name, ratio] of Object.entries(ratios)) {
      expect(ratio, `${name} in ${theme}`).not.toBeNull();
      expect(ratio, `${name} in ${theme}: ${ratio}:1`).toBeGreaterThanOrEqual(4.5);
    }
    await mooring.screenshot(`contrast-${theme.toLowerCase().replace(/\s+/g, '-')}`);
  }
  measured(all);
  await page.evaluate(() => window.jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Light' }));
});
