import { describe, expect, it } from 'vitest';

import { needsApproval, runTool } from '../notebook-tools';
import { FakeNotebook } from './fake-notebook';

const parsed = (output: string) => JSON.parse(output) as Record<string, unknown>;

describe('the notebook tools', () => {
  it('read_notebook gives every cell with its id, index, type, source, outputs and error', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['x = 1', 'print(x)']);
    notebook.cellList[1].outputs = [
      { output_type: 'stream', name: 'stdout', text: '1\n' },
      { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[31mValueError\u001b[0m: bad'] }
    ];
    const { output, isError } = await runTool(notebook, 'read_notebook', '{}');
    expect(isError).toBe(false);
    expect(parsed(output)).toEqual({
      path: 'a.ipynb',
      cells: [
        { cell_id: 'cell-1', index: 0, cell_type: 'code', source: 'x = 1', outputs: [] },
        { cell_id: 'cell-2', index: 1, cell_type: 'code', source: 'print(x)', outputs: ['1\n'], error: 'ValueError: bad\nValueError: bad' }
      ]
    });
  });

  it('insert_cell puts the cell where asked, at the end by default, and answers its id', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['first', 'second']);
    expect(parsed((await runTool(notebook, 'insert_cell', '{"source":"last"}')).output)).toEqual({ cell_id: 'cell-3', index: 2 });
    expect(parsed((await runTool(notebook, 'insert_cell', '{"source":"# top","cell_type":"markdown","index":0}')).output)).toEqual({ cell_id: 'cell-4', index: 0 });
    expect(notebook.cellList.map((cell) => [cell.cellType, cell.source])).toEqual([
      ['markdown', '# top'],
      ['code', 'first'],
      ['code', 'second'],
      ['code', 'last']
    ]);
  });

  it('refuses bad arguments with an error the model can act on, and changes nothing', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['only']);
    for (const [name, args, says] of [
      ['insert_cell', '{"source":1}', "'source' must be a string"],
      ['insert_cell', '{"source":"x","index":5}', "'index' must be an integer from 0 to 1"],
      ['insert_cell', '{"source":"x","cell_type":"raw"}', "'cell_type' must be code or markdown"],
      ['replace_cell', '{"cell_id":"nope","source":"x"}', 'no cell has the id "nope"'],
      ['run_cell', '{}', "'cell_id' must be a string"],
      ['run_cell', 'not json', 'the arguments are not a JSON object'],
      ['delete_everything', '{}', 'there is no tool named "delete_everything"']
    ]) {
      const outcome = await runTool(notebook, name, args);
      expect(outcome.isError, name).toBe(true);
      expect(outcome.output, name).toContain(says);
    }
    expect(notebook.cellList.map((cell) => cell.source)).toEqual(['only']);
    expect(notebook.runs).toEqual([]);
  });

  it('replace_cell replaces the source and clears the outputs', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['old']);
    notebook.cellList[0].outputs = [{ output_type: 'stream', text: 'was' }];
    expect(parsed((await runTool(notebook, 'replace_cell', '{"cell_id":"cell-1","source":"new"}')).output)).toEqual({ cell_id: 'cell-1', index: 0 });
    expect(notebook.cellList[0]).toMatchObject({ source: 'new', outputs: [] });
  });

  it('run_cell answers the outputs, and the error as a failed result', async () => {
    const notebook = new FakeNotebook('a.ipynb', ['print(42)', 'boom']);
    notebook.kernel['print(42)'] = '42\n';
    const ok = await runTool(notebook, 'run_cell', '{"cell_id":"cell-1"}');
    expect(ok.isError).toBe(false);
    expect(parsed(ok.output)).toEqual({ cell_id: 'cell-1', execution_count: 1, outputs: ['42\n'] });
    const failed = await runTool(notebook, 'run_cell', '{"cell_id":"cell-2"}');
    expect(failed.isError).toBe(true);
    expect(parsed(failed.output)).toMatchObject({ cell_id: 'cell-2', outputs: [], error: "NameError: name 'x' is not defined" });
  });

  it('a markdown cell does not run', async () => {
    const notebook = new FakeNotebook('a.ipynb', []);
    notebook.insertCell(0, 'markdown', '# title');
    expect(await runTool(notebook, 'run_cell', '{"cell_id":"cell-1"}')).toEqual({ output: 'cell cell-1 is a markdown cell: only code cells run', isError: true });
  });

  it('only destructive and running tools wait for approval', () => {
    expect(['read_notebook', 'insert_cell', 'replace_cell', 'run_cell', 'ask_user'].filter(needsApproval)).toEqual(['replace_cell', 'run_cell']);
  });
});
