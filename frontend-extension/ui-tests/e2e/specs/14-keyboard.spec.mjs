// 14. The keyboard: Ctrl+Shift+O shows the panel with the cursor in the question box;
// Shift+Enter starts a new line and Enter sends; Escape stops the answer running.
import { selectors } from '../../mooring-page.mjs';
import { expect, test } from '../fixtures.mjs';

test('Ctrl+Shift+O opens the panel in the question box, Shift+Enter and Enter, Escape stops', async ({ page, mooring }) => {
  await mooring.startConversation();
  // Hide the panel and put the focus in the notebook.
  await page.locator('.jp-SideBar li[data-id="mooring-chat"]').click();
  await expect(mooring.panel).toBeHidden();
  await page.locator(`${selectors.notebook}:visible ${selectors.cell}`).first().click();

  await page.keyboard.press('Control+Shift+O');
  await expect(mooring.panel).toBeVisible();
  await expect(page.locator(selectors.input), 'the cursor is in the question box').toBeFocused();

  const sentBefore = mooring.chatFrames().length;
  await page.keyboard.type('first line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  await expect(page.locator(selectors.input)).toHaveValue('first line\nsecond line');
  expect(mooring.chatFrames().length, 'Shift+Enter sends nothing').toBe(sentBefore);

  await page.keyboard.press('Enter');
  await mooring.waitForAnswer('streaming', { timeout: 30000 });
  expect(mooring.chatFrames().at(-1).text, 'Enter sends both lines').toBe('first line\nsecond line');
  await expect(page.locator(selectors.input)).toHaveValue('');

  await page.keyboard.press('Escape');
  await mooring.waitForAnswer('cancelled', { timeout: 30000 });
  const cancels = mooring.sentFrames.map((p) => JSON.parse(p)).filter((f) => f.type === 'cancel');
  expect(cancels.length, 'Escape sent a cancel').toBeGreaterThan(0);
});
