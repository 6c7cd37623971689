// 2. "Explain this cell" (command) and "Fix this error" (cell context menu) send the
// cell's source and error; the service stores the question with its mode, and the
// demo model's reply names the mode.
import { selectors } from '../../mooring-page.mjs';
import { expect, test } from '../fixtures.mjs';

test('"Explain this cell" and "Fix this error" send the cell source and error, stored with their mode', async ({
  mooring,
  jupyterLab,
  tmpPath
}) => {
  const { page } = mooring;
  await mooring.startConversation();

  // Explain: the command, on the second cell (code with a result).
  await mooring.selectCell(1);
  await mooring.command('mooring:explain-cell');
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const explain = mooring.chatFrames().at(-1);
  expect(explain, 'a chat frame was sent').toBeTruthy();
  expect(explain.mode).toBe('explain');
  expect(explain.context?.activeCell?.source, 'explain: the cell source').toContain('roots = [math.sqrt(v) for v in values]');
  expect(explain.context?.notebookPath).toBe(`${tmpPath}/example.ipynb`);
  const explainEntry = await mooring.lastEntry();
  expect(explainEntry.text, 'the reply names explain mode').toContain('**explain** mode');
  await page.locator(selectors.userMessage('explain')).waitFor();
  await mooring.screenshot('explain-cell');

  // Fix: right-click the failing cell, "Fix this error" in the context menu.
  await mooring.cellContextCommand(2, 'Fix this error');
  await mooring.waitForAnswer('streaming', { timeout: 20000 });
  const fix = mooring.chatFrames().at(-1);
  expect(fix.mode).toBe('debug');
  expect(fix.text).toContain('ZeroDivisionError');
  expect(fix.context?.activeCell?.source, 'fix: the cell source').toContain('return sum(values) / len(values)');
  expect(fix.context?.activeCell?.error, 'fix: the error').toContain('ZeroDivisionError: division by zero');
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const fixEntry = await mooring.lastEntry();
  expect(fixEntry.text, 'the reply names debug mode').toContain('**debug** mode');

  // The history as stored.
  const conversation = await jupyterLab.api(`conversations/${await mooring.conversationId()}`);
  const users = conversation.messages.filter((m) => m.role === 'user');
  const answers = conversation.messages.filter((m) => m.role !== 'user');
  expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  expect(users[0].text).toBe('Explain this cell.');
  expect(users[1].text).toContain('ZeroDivisionError');
  if ('mode' in users[1]) expect([users[0].mode, users[1].mode], 'stored modes').toEqual(['explain', 'debug']);
  expect(answers[1].text, 'stored answer 2').toBe(fixEntry.text);
  expect(answers[1].completion.status).toBe('completed');
  expect(answers[0].text, 'stored answer 1 names its mode').toContain('**explain** mode');
  await page.locator(selectors.userMessage('debug')).waitFor();
  await mooring.screenshot('fix-error');
});
