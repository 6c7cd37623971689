// 12. Model and key from the UI. The Model section offers the demo model (labelled as
// such) and what a local OpenAI-format server lists; a wrong key is refused in words
// when saving; the right one is saved (never shown again: its last 4 characters at
// most), the status line names the new model, and the next answer comes from it,
// rendered with its math typeset and its code block copied by Copy.
import { selectors } from '../../mooring-page.mjs';
import { RecordingModelServer } from '../model-server.mjs';
import { expect, test } from '../fixtures.mjs';

const KEY = 'sk-e2e-local-server-4321';
const CODE = 'print(round(3.14159 * 2 ** 2, 2))';
const REPLY = ['The area of a circle is $A = \\pi r^2$.\n\n', '```python\n', `${CODE}\n`, '```\n'];

test('the model picker: demo model, a local OpenAI-format server, a wrong key in words, math and Copy', async ({
  page,
  mooring,
  jupyterLab
}) => {
  const server = await new RecordingModelServer({ reply: REPLY, models: ['e2e-local', 'e2e-other'], apiKey: KEY }).listen();
  try {
    await mooring.startConversation();
    await page.locator(selectors.chooseModel).click();
    const picker = page.locator(selectors.modelPicker);
    await expect(picker.locator('option', { hasText: 'mooring-demo' })).toHaveText('mooring-demo: offline demo, not a real AI');
    await expect(picker).not.toBeDisabled();

    // A wrong key: refused in words, nothing changes.
    // With the demo model the provider form is open at once.
    await expect(page.locator(`${selectors.modelPanel} details`)).toHaveAttribute('open', '');
    await page.locator(selectors.modelProvider).selectOption('openai');
    await page.locator(selectors.modelBaseUrl).fill(server.baseUrl);
    await page.locator(selectors.modelApiKey).fill('sk-e2e-wrong-key-0000');
    await page.locator(selectors.modelSave).click();
    await expect(page.locator(selectors.modelError)).toContainText('The provider refused the API key (HTTP 401)');
    await mooring.screenshot('model-wrong-key');
    expect((await jupyterLab.api('model')).model.demo, 'the demo model still answers').toBe(true);

    // The right key: saved, the status line names the server's model.
    await page.locator(selectors.modelApiKey).fill(KEY);
    await page.locator(selectors.modelSave).click();
    await expect(page.locator(selectors.statusDetail)).toHaveText('e2e-local (openai)');
    await expect(page.locator(selectors.demoBanner)).toHaveCount(0);
    await expect(page.locator(selectors.modelApiKey)).toHaveAttribute('placeholder', 'set, ends in 4321 (saved)');
    const settings = JSON.stringify(await jupyterLab.api('model'));
    expect(settings, 'the key never comes back').not.toContain(KEY);
    await expect(picker.locator('optgroup[label="OpenAI or compatible server"] option')).toHaveText(['e2e-local', 'e2e-other']);

    // The picker: another model of the server.
    await picker.selectOption({ label: 'e2e-other' });
    await expect(page.locator(selectors.statusDetail)).toHaveText('e2e-other (openai)');
    await mooring.screenshot('model-picked');
    await page.locator(selectors.toggleModel).click();

    await mooring.ask('What is the area of a circle of radius 2?');
    await mooring.waitForAnswer('done', { timeout: 60000 });
    const asked = server.requests.filter((r) => r.body?.stream === true).at(-1);
    expect(asked.body.model, 'the next question went to the picked model').toBe('e2e-other');

    // Math typeset, the code block copied as it is.
    const body = mooring.lastAnswer.locator(selectors.answerBody);
    await expect(body.locator('mjx-container, .MathJax').first(), 'the formula is typeset').toBeVisible();
    expect(await body.innerText(), 'no raw TeX').not.toContain('$A =');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: jupyterLab.url });
    const copy = body.locator(selectors.copyCode).first();
    await copy.click();
    await expect(copy).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(CODE);
    await mooring.lastAnswer.scrollIntoViewIfNeeded();
    await mooring.screenshot('model-answer-math-copy');

    // And back to the demo model from the picker.
    await page.locator(selectors.toggleModel).click();
    await picker.selectOption({ label: 'mooring-demo: offline demo, not a real AI' });
    await expect(page.locator(selectors.demoBanner)).toBeVisible();
  } finally {
    await jupyterLab.send('DELETE', 'model');
    await server.close();
  }
});
