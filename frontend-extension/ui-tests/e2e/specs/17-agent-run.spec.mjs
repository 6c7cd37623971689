// 10. An agent run (the demo model's script: read the notebook, insert a cell, run it,
// fix its error, run it again) with the chat connection cut at every point of a tool
// round trip and the page reloaded in the middle: the call dropped before it arrives, the
// insert applied but its result held back when the page reloads, a run's result sent but
// its acknowledgement lost. Every edit is applied once and every run made once (the
// kernel's execution count), approvals wait in the answer, and the answer ends equal to
// the stored one.
import { selectors } from '../../mooring-page.mjs';
import { expect, test } from '../fixtures.mjs';

test.use({ chatFaults: true });

const DEMO_CELL = 'radii = [1.0, 2.5, 4.0]\nareas = [round(math.pi * r ** 2, 2) for r in radii]\nprint(areas)';
const cellResult = (frame) => frame.type === 'tool_result' && /^\{"cell_id":"[^"]+","index":\d+\}$/.test(frame.output ?? '');

test('agent run: every edit applied once through drops and a reload, runs approved, answer equals the stored one', async ({
  mooring,
  jupyterLab,
  tmpPath
}) => {
  const { page } = mooring;
  page.on('dialog', (dialog) => void dialog.accept());
  const { faults } = mooring;
  await mooring.startConversation();

  // 1. The first tool call is cut before it reaches the page.
  const callCut = faults.at('down', (f) => f.type === 'tool_call', { forward: false });
  // 2. The insert is applied (and saved with its record); its result never leaves: the page reloads.
  const insertHeld = faults.at('up', cellResult, { forward: false, cut: false });
  await mooring.askAgent('load data.csv, plot the second column, fix any error you hit');
  expect((await callCut).name).toBe('read_notebook');
  await insertHeld;
  const applied = await mooring.notebookJson();
  expect(applied.cells.filter((c) => c.source === DEMO_CELL), 'the insert is applied').toHaveLength(1);

  await mooring.reload(`${tmpPath}/example.ipynb`);
  await mooring.waitForConnection('connected', { timeout: 30000 });

  // After the reload the conversation is back, the insert is answered from the notebook's record
  // (not applied again), and the run waits for approval.
  const run = await mooring.waitForToolCall('run_cell', 'approval');
  const reloaded = await mooring.notebookJson();
  expect(reloaded.cells.filter((c) => c.source === DEMO_CELL), 'the insert is not applied twice').toHaveLength(1);
  await expect(mooring.lastAnswer.locator(selectors.toolCallOf('insert_cell', 'done'))).toHaveCount(1);
  await run.scrollIntoViewIfNeeded();
  await mooring.screenshot('agent-approval');

  // 3. The first run's result reaches the service, then the connection is cut before its acknowledgement.
  const runSent = faults.at('up', (f) => f.type === 'tool_result' && f.output?.includes('"execution_count"'), { forward: true });
  await run.locator(selectors.approve).click();
  expect((await runSent).isError, 'the cell fails: math is not imported').toBe(true);

  await (await mooring.waitForToolCall('replace_cell', 'approval')).locator(selectors.approve).click();
  await (await mooring.waitForToolCall('run_cell', 'approval')).locator(selectors.approve).click();
  await mooring.waitForAnswer('done', { timeout: 90000 });

  const notebook = await mooring.notebookJson();
  const cells = notebook.cells.filter((c) => c.source.includes('areas = [round(math.pi'));
  expect(cells, 'one cell was inserted, once').toHaveLength(1);
  expect(cells[0].source.startsWith('import math'), 'and fixed').toBe(true);
  expect(cells[0].execution_count, 'the kernel ran code twice: the failing run and the fixed one').toBe(2);
  expect(JSON.stringify(cells[0].outputs)).toContain('[3.14, 19.63, 50.27]');
  const recorded = Object.values(notebook.metadata.mooring.agentCalls);
  expect(recorded.map((r) => r.state), 'insert, run, replace, run recorded in the notebook').toEqual(['done', 'done', 'done', 'done']);

  const entry = await mooring.lastEntry();
  const stored = await jupyterLab.api(`completions/${entry.completionId}`);
  expect(stored.status).toBe('completed');
  expect(entry.text, 'the panel text equals the stored text').toBe(stored.text);
  expect(entry.text).toContain('Done. I added one cell, fixed its missing import and ran it');
  await expect(mooring.lastAnswer.locator(selectors.toolCall)).toHaveCount(5);
  await expect(mooring.lastAnswer.locator(`${selectors.toolCall}[data-state="done"]`)).toHaveCount(4);
  await expect(mooring.lastAnswer.locator(`${selectors.toolCall}[data-state="failed"]`)).toHaveCount(1);
  await mooring.lastAnswer.scrollIntoViewIfNeeded();
  await mooring.screenshot('agent-run');
});
