// 1. A question is answered: streamed into the panel, rendered as Markdown with
// code actions on the demo model's code block, and the demo banner shows.
import { assert } from '../lib.mjs';

export default {
  name: 'a question is streamed, rendered as Markdown, with code actions and the demo banner',
  async run({ lab }) {
    const { page } = lab;
    await lab.waitForConnection('connected', { timeout: 30000 });
    await lab.newConversation();
    await lab.startRecording();
    await lab.ask('How do I compute the mean of a list?');
    await lab.waitForAnswer('streaming', { timeout: 20000 });
    await lab.waitForAnswer('done', { timeout: 60000 });

    const seen = (await lab.recorded()).map((r) => r.a).filter(Boolean);
    assert(seen.includes('streaming'), `the answer never showed streaming: ${seen.join(' > ')}`);

    const body = lab.lastAnswer.getByTestId('mooring-answer-body');
    const text = await body.innerText();
    assert(text.includes('You wrote: "How do I compute the mean of a list?"'), `answer text: ${text.slice(0, 200)}`);
    // Markdown rendered: emphasis and bold become elements, the code block a <pre>.
    assert((await body.locator('em').count()) > 0, 'no <em>: the Markdown was not rendered');
    assert((await body.locator('strong').count()) > 0, 'no <strong>: the Markdown was not rendered');
    assert(!text.includes('```'), 'raw ``` fences are visible');
    const pre = body.locator('pre');
    assert((await pre.count()) > 0, 'the demo reply has no code block');
    await body.getByTestId('mooring-insert-below').first().waitFor();
    await body.getByTestId('mooring-replace-cell').first().waitFor();
    assert((await body.getByTestId('mooring-insert-below').first().innerText()).includes('Insert below'), 'Insert below label');
    assert(
      (await body.getByTestId('mooring-replace-cell').first().innerText()).includes('Replace active cell'),
      'Replace active cell label'
    );
    const banner = page.getByTestId('mooring-demo-banner');
    await banner.waitFor();
    assert((await banner.innerText()).includes('Demo model'), 'demo banner text');
    assert((await lab.connectionState()) === 'connected', 'still connected');

    // What the panel shows is what is stored.
    const entry = await lab.lastEntry();
    const { labGet } = await import('../lib.mjs');
    const stored = await labGet(`completions/${entry.completionId}`);
    assert(stored.status === 'completed', `stored status ${stored.status}`);
    assert(stored.text === entry.text, 'the panel text differs from the stored text');

    await lab.lastAnswer.locator('pre').first().scrollIntoViewIfNeeded();
    await lab.screenshot('answer');
  }
};
