// 10. A reload or a new tab brings the running answer back. The panel remembers, per
// notebook, the conversation it last showed (JupyterLab's state database); after a
// reload mid-answer it opens that conversation again and the answer resumes in place:
// the text stored so far at once, the rest live after it (a resume from the last seq
// held, not from the start), each piece once and in order. A new tab gets a workspace
// of its own from JupyterLab (the first tab holds the other), so there the panel shows
// the notebook's most recent conversation, which the service keeps.
import { expect, test } from '../fixtures.mjs';

/** The resume frames the page sent for `completionId`. */
const resumesOf = (mooring, completionId) =>
  mooring.sentFrames
    .map((payload) => JSON.parse(payload))
    .filter((frame) => frame.type === 'resume' && frame.completionId === completionId);

test('a reload mid-answer shows the conversation again and the answer resumes in place', async ({ page, mooring, jupyterLab }) => {
  await mooring.startConversation();
  await mooring.ask('Tell me how a resumable answer works.');
  await mooring.waitForText(60, 30000);
  const conversationId = await mooring.conversationId();
  const before = await mooring.lastEntry();

  // Galata's own wait after a reload looks for its "Simple" switch, which can hang: the notebook and the panel say enough.
  await page.reload({ waitForIsReady: false });
  await page.waitForFunction(() => window.jupyterapp?.shell?.currentWidget?.context?.isReady, null, { timeout: 120000 });
  await mooring.show();
  await expect.poll(() => mooring.conversationId(), { message: 'the conversation shown before the reload' }).toBe(conversationId);
  await mooring.waitForAnswer(['streaming', 'done'], { timeout: 30000 });
  const reopened = await mooring.lastEntry();
  expect(reopened.completionId).toBe(before.completionId);
  expect(reopened.text.startsWith(before.text), 'the text shown before the reload is there again, in place').toBe(true);
  await mooring.screenshot('reloaded-mid-answer');

  await mooring.waitForAnswer('done', { timeout: 60000 });
  const entry = await mooring.lastEntry();
  const stored = await jupyterLab.api(`completions/${entry.completionId}`);
  expect(stored.status).toBe('completed');
  expect(stored.text, 'every piece once and in order: the panel text equals the stored text').toBe(entry.text);
  const resumes = resumesOf(mooring, entry.completionId);
  expect(resumes.length, 'the page resumed the answer').toBeGreaterThan(0);
  expect(resumes[0].afterSeq, 'resumed after the text it was shown at once, not from the start').toBeGreaterThan(0);
  const questions = (await jupyterLab.api(`conversations/${conversationId}`)).messages.filter((m) => m.role === 'user');
  expect(questions.length, 'the reload asked nothing again').toBe(1);
});

test('a new tab shows the notebook\'s conversation and the answer that was running, whole', async ({ page, mooring, jupyterLab }) => {
  await mooring.startConversation();
  await mooring.ask('Tell me how two tabs follow one answer.');
  await mooring.waitForText(40, 30000);
  const conversationId = await mooring.conversationId();
  const first = await mooring.lastEntry();
  const notebook = await page.evaluate(() => window.__mooring.model.notebook);

  const tab = await page.context().newPage();
  try {
    await tab.goto(`${jupyterLab.url}/lab/tree/${notebook}`);
    await tab.waitForFunction(() => window.jupyterapp?.shell?.currentWidget?.context?.isReady, null, { timeout: 120000 });
    // The workspace may have restored the panel already; the tab would then hide it.
    if (!(await tab.locator('[data-testid="mooring-panel"]').isVisible())) {
      await tab.locator('.jp-SideBar li[data-id="mooring-chat"]').click();
    }
    // A page Galata did not open has no in-page helpers: read the panel itself.
    const shown = () =>
      tab.evaluate(() => {
        const answers = document.querySelectorAll('[data-testid="mooring-answer"]');
        const last = answers[answers.length - 1];
        return {
          conversationId: document.querySelector('[data-testid="mooring-messages"]')?.dataset.conversationId,
          status: last?.getAttribute('data-status'),
          text: last?.querySelector('[data-testid="mooring-answer-body"]')?.innerText
        };
      });
    await expect.poll(async () => (await shown()).conversationId, { timeout: 60000 }).toBe(conversationId);
    await expect.poll(async () => (await shown()).status, { timeout: 90000 }).toBe('done');
    const inTab = (await shown()).text;
    const stored = await jupyterLab.api(`completions/${first.completionId}`);
    expect(stored.status).toBe('completed');
    expect(inTab, 'the new tab shows the whole answer, to its last sentence').toContain(
      stored.text.trim().split('\n').pop()
    );
  } finally {
    await tab.close();
  }
});
