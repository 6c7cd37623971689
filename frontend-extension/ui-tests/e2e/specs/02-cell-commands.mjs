// 2. "Explain this cell" (command) and "Fix this error" (cell context menu) send the
// cell's source and error; the service stores the question with its mode, and the
// demo model's reply names the mode.
import { assert, labGet } from '../lib.mjs';

/** The last chat frame the page sent, parsed. */
function lastChatFrame(lab) {
  const frames = lab.wsFrames
    .map((f) => {
      try {
        return JSON.parse(f.payload);
      } catch {
        return undefined;
      }
    })
    .filter((f) => f?.type === 'chat');
  return frames[frames.length - 1];
}

export default {
  name: '"Explain this cell" and "Fix this error" send the cell source and error, stored with their mode',
  async run({ lab }) {
    const { page } = lab;
    await lab.waitForConnection('connected', { timeout: 30000 });
    await lab.newConversation();

    // Explain: the command, on the second cell (code with a result).
    await lab.selectCell(1);
    await lab.command('mooring:explain-cell');
    await lab.waitForAnswer('done', { timeout: 60000 });
    const explain = lastChatFrame(lab);
    assert(explain, 'no chat frame was sent');
    assert(explain.mode === 'explain', `mode ${explain.mode}`);
    assert(explain.context?.activeCell?.source.includes('roots = [math.sqrt(v) for v in values]'), 'explain: cell source missing');
    assert(explain.context?.notebookPath === 'example.ipynb', `notebookPath ${explain.context?.notebookPath}`);
    const explainEntry = await lab.lastEntry();
    assert(explainEntry.text.includes('**explain** mode'), 'the reply does not mention explain mode');
    await page.locator('.jp-Mooring-user[data-mode="explain"]').waitFor();
    await lab.screenshot('explain-cell');

    // Fix: right-click the failing cell, "Fix this error" in the context menu.
    await lab.cellContextCommand(2, 'Fix this error');
    await lab.waitForAnswer('streaming', { timeout: 20000 });
    const fix = lastChatFrame(lab);
    assert(fix.mode === 'debug', `mode ${fix.mode}`);
    assert(fix.text.includes('ZeroDivisionError'), `question: ${fix.text}`);
    assert(fix.context?.activeCell?.source.includes('return sum(values) / len(values)'), 'fix: cell source missing');
    assert(fix.context?.activeCell?.error?.includes('ZeroDivisionError: division by zero'), 'fix: error missing');
    await lab.waitForAnswer('done', { timeout: 60000 });
    const fixEntry = await lab.lastEntry();
    assert(fixEntry.text.includes('**debug** mode'), 'the reply does not mention debug mode');

    // The history as stored.
    const id = await lab.conversationId();
    const conv = await labGet(`conversations/${id}`);
    const users = conv.messages.filter((m) => m.role === 'user');
    const answers = conv.messages.filter((m) => m.role !== 'user');
    assert(users.length === 2 && answers.length === 2, `messages: ${conv.messages.map((m) => m.role).join(',')}`);
    assert(users[0].text === 'Explain this cell.', `stored question 1: ${users[0].text}`);
    assert(users[1].text.includes('ZeroDivisionError'), `stored question 2: ${users[1].text}`);
    if ('mode' in users[1]) assert(users[1].mode === 'debug' && users[0].mode === 'explain', 'stored modes');
    assert(answers[1].text === fixEntry.text && answers[1].completion.status === 'completed', 'stored answer 2');
    assert(answers[0].text.includes('**explain** mode'), 'stored answer 1 mode');
    await page.locator('.jp-Mooring-user[data-mode="debug"]').waitFor();
    await lab.screenshot('fix-error');
  }
};
