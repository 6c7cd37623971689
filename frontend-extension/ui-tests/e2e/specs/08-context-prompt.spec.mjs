// 8. The notebook context as the model reads it. A cell that prints a line and
// shows a result is run in a real kernel; "Explain this cell" (its context menu)
// sends it through the panel to the service, which runs the openai provider against
// a local server recording every request. The prompt holds the outputs as a person
// reads them, `printed` and `42` as lines of text, never as the JSON array the panel
// sent them in (`["printed\n","42"]`).
import { expect, RECORDED_REPLY, test } from '../fixtures.mjs';

test.use({ chatModel: 'recorder' });

const SOURCE = 'print("print" + "ed")\n6 * 7';

test('"Explain this cell" gives the model the cell outputs as text, not as a JSON list', async ({
  page,
  mooring,
  modelServer,
  jupyterLab
}) => {
  await mooring.startConversation();
  await page.notebook.createNew('context.ipynb');
  await page.notebook.setCell(0, 'code', SOURCE);
  await page.notebook.runCell(0);
  expect(await page.notebook.getCellTextOutput(0), 'the kernel printed a line and showed a result').toEqual([
    expect.stringContaining('printed'),
    expect.stringContaining('42')
  ]);

  await mooring.cellContextCommand(0, 'Explain this cell');
  await mooring.waitForAnswer('done', { timeout: 60000 });
  const entry = await mooring.lastEntry();
  expect(entry.text, 'the panel shows what the model streamed').toBe(RECORDED_REPLY.join(''));
  const stored = await jupyterLab.api(`completions/${entry.completionId}`);
  expect(stored.text, 'the answer is stored as shown').toBe(entry.text);

  const sent = mooring.chatFrames().at(-1);
  expect(sent.mode).toBe('explain');
  const prompt = modelServer.prompts().find((p) => p.includes(SOURCE));
  expect(prompt, 'the model was asked about the cell (its source is in a prompt)').toBeTruthy();
  const sentOutputs = `the panel sent outputs ${JSON.stringify(sent.context?.activeCell?.outputs)}`;
  expect(prompt, `the printed line reaches the model as a line of text (${sentOutputs})`).toMatch(/^printed$/m);
  expect(prompt, `the result reaches the model as a line of text (${sentOutputs})`).toMatch(/^42$/m);
  expect(prompt, `no JSON array text reaches the model (${sentOutputs})`).not.toContain('["');
});
