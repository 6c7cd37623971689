// 11. History that fits: each notebook shows its own conversations, "All notebooks"
// every one; titles say what a conversation is about (a fixed error's name and
// function, not "Explain this cell." for every cell); a conversation is renamed in
// place; the full title and its notebook show on hover; and at 250 px every row is one
// line and nothing overflows the panel.
import { selectors } from '../../mooring-page.mjs';
import { expect, test } from '../fixtures.mjs';

test('history per notebook with the All notebooks switch, summarised titles, rename, tooltip, 250 px', async ({
  page,
  mooring,
  jupyterLab,
  tmpPath
}) => {
  const first = `${tmpPath}/example.ipynb`;
  const second = `${tmpPath}/second.ipynb`;
  await page.contents.uploadFile(jupyterLab.exampleNotebook, second);
  await mooring.startConversation();

  // In the first notebook: "Fix this error" on the failing cell.
  await mooring.cellContextCommand(2, 'Fix this error');
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const fixed = await mooring.conversationId();

  // The second notebook brings its own (empty) chat; a question there starts its conversation.
  await mooring.openNotebook(second);
  await expect.poll(() => mooring.conversationId(), { message: 'a new chat for the other notebook' }).toBeUndefined();
  await mooring.ask('How do I plot the readings by day?');
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const asked = await mooring.conversationId();
  expect(asked).not.toBe(fixed);

  await page.locator(selectors.toggleConversations).click();
  const rows = page.locator(selectors.conversation);
  await expect(page.locator(selectors.historyNotebook)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(selectors.historyNotebook)).toHaveText('second.ipynb');
  await expect(rows, "only the notebook's own conversation").toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-conversation-id', asked);

  await page.locator(selectors.historyAll).click();
  await expect(page.locator(selectors.historyAll)).toHaveAttribute('aria-pressed', 'true');
  // The worker's service keeps the conversations of earlier scenarios: All notebooks lists every one it holds.
  const everyConversation = (await jupyterLab.api('conversations')).map((c) => c.id);
  expect(everyConversation).toEqual(expect.arrayContaining([fixed, asked]));
  await expect(rows).toHaveCount(everyConversation.length);
  const fixedRow = page.locator(`${selectors.conversation}[data-conversation-id="${fixed}"]`);
  await expect(fixedRow.locator(selectors.conversationTitle), 'the error and the function name the conversation').toHaveText(
    'Fix ZeroDivisionError in mean()'
  );
  const tooltip = await fixedRow.locator('button').first().getAttribute('title');
  expect(tooltip, 'the full title and the notebook on hover').toContain('Fix ZeroDivisionError in mean()');
  expect(tooltip).toContain(first);

  // Rename in place.
  const askedRow = page.locator(`${selectors.conversation}[data-conversation-id="${asked}"]`);
  await askedRow.hover();
  await askedRow.locator(selectors.conversationRename).click();
  const box = askedRow.locator(selectors.conversationTitleInput);
  await box.fill('Daily readings plot');
  await box.press('Enter');
  await expect(askedRow.locator(selectors.conversationTitle)).toHaveText('Daily readings plot');
  expect((await jupyterLab.api(`conversations/${asked}`)).title).toBe('Daily readings plot');

  // At 250 px: one line per row, nothing wider than the panel.
  await mooring.setPanelWidth(250);
  await expect.poll(async () => Math.round((await mooring.panel.boundingBox()).width)).toBeLessThanOrEqual(252);
  const layout = await page.evaluate(
    ([panel, row, title]) => {
      const node = document.querySelector(panel);
      const lineHeights = [...document.querySelectorAll(row)].map((r) => {
        const t = r.querySelector(title);
        return { height: t.getBoundingClientRect().height, line: parseFloat(getComputedStyle(t).lineHeight) || 18 };
      });
      const right = node.getBoundingClientRect().right + 1;
      // What a box that scrolls or clips holds (a code block's long lines) may run past it, not past the panel.
      const clipped = (e) => {
        for (let a = e.parentElement; a && a !== node; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== 'visible') return a.getBoundingClientRect().right <= right;
        }
        return false;
      };
      const overflowing = [...node.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > right && !clipped(e));
      return { scroll: node.scrollWidth, client: node.clientWidth, lineHeights, overflowing: overflowing.map((e) => e.className).slice(0, 5) };
    },
    [selectors.panel, selectors.conversation, selectors.conversationTitle]
  );
  expect(layout.scroll, 'no horizontal overflow at 250 px').toBeLessThanOrEqual(layout.client);
  expect(layout.overflowing, 'nothing sticks out of the panel').toEqual([]);
  for (const { height, line } of layout.lineHeights) expect(height, 'one line per conversation').toBeLessThan(line * 1.6);
  await mooring.screenshot('history-250px');

  // Back in the first notebook, its conversation shows again.
  await page.locator(selectors.toggleConversations).click();
  await mooring.openNotebook(first);
  await expect.poll(() => mooring.conversationId(), { message: "the first notebook's conversation" }).toBe(fixed);
});
