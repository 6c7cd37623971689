// 1. A question is answered: streamed into the panel, rendered as Markdown with
// code actions on the demo model's code block, and the demo banner shows.
import { selectors } from '../../mooring-page.mjs';
import { expect, test } from '../fixtures.mjs';

test('a question is streamed, rendered as Markdown, with code actions and the demo banner', async ({ mooring, jupyterLab }) => {
  const { page } = mooring;
  await mooring.startConversation();
  await mooring.startRecording();
  await mooring.ask('How do I compute the mean of a list?');
  await mooring.waitForAnswer('streaming', { timeout: 20000 });
  await mooring.waitForAnswer('done', { timeout: 60000 });

  const seen = (await mooring.recorded()).map((r) => r.a).filter(Boolean);
  expect(seen, 'the answer showed streaming before done').toContain('streaming');

  const body = mooring.lastAnswer.locator(selectors.answerBody);
  const text = await body.innerText();
  expect(text).toContain('You wrote: "How do I compute the mean of a list?"');
  // Markdown rendered: emphasis and bold become elements, the code block a <pre>.
  await expect(body.locator('em').first(), 'no <em>: the Markdown was not rendered').toBeVisible();
  await expect(body.locator('strong').first(), 'no <strong>: the Markdown was not rendered').toBeVisible();
  expect(text, 'raw ``` fences are visible').not.toContain('```');
  await expect(body.locator('pre').first(), 'the demo reply has a code block').toBeAttached();
  await expect(body.locator(selectors.insertBelow).first()).toContainText('Insert below');
  await expect(body.locator(selectors.replaceCell).first()).toContainText('Replace active cell');
  await expect(page.locator(selectors.demoBanner)).toContainText('Demo model');
  expect(await mooring.connectionState()).toBe('connected');

  // What the panel shows is what is stored.
  const entry = await mooring.lastEntry();
  const stored = await jupyterLab.api(`completions/${entry.completionId}`);
  expect(stored.status).toBe('completed');
  expect(stored.text, 'the panel text equals the stored text').toBe(entry.text);

  await mooring.lastAnswer.locator('pre').first().scrollIntoViewIfNeeded();
  await mooring.screenshot('answer');
});
