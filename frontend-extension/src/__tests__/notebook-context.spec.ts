import { describe, expect, it } from 'vitest';

import { resolveTarget, normaliseServiceUrl, readSettings } from '../connection';
import { cellContext, errorText, explainQuestion, fixErrorQuestion, stripAnsi } from '../notebook-context';

const errorCell = {
  cell_type: 'code',
  source: ['x = 1 / 0\n'],
  execution_count: 3,
  outputs: [
    { output_type: 'stream', name: 'stdout', text: ['before\n'] },
    {
      output_type: 'error',
      ename: 'ZeroDivisionError',
      evalue: 'division by zero',
      traceback: ['\u001b[0;31m---------\u001b[0m', '\u001b[0;31mZeroDivisionError\u001b[0m: division by zero']
    }
  ]
};

describe('notebook context', () => {
  it('strips ANSI colour codes', () => {
    expect(stripAnsi('\u001b[0;31mred\u001b[0m and \u001b[1mbold\u001b[22m')).toBe('red and bold');
  });

  it('builds the active cell context with outputs and the error', () => {
    const ctx = cellContext('work/analysis.ipynb', errorCell);
    expect(ctx.notebookPath).toBe('work/analysis.ipynb');
    expect(ctx.activeCell?.source).toBe('x = 1 / 0\n');
    expect(ctx.activeCell?.outputs).toEqual(['before\n', 'ZeroDivisionError: division by zero']);
    expect(ctx.activeCell?.error).toBe('ZeroDivisionError: division by zero\n---------\nZeroDivisionError: division by zero');
    expect(ctx.activeCell?.error).not.toContain('\u001b');
  });

  it('has no error for a cell that ran fine', () => {
    expect(errorText([{ output_type: 'execute_result', data: { 'text/plain': '2' } }])).toBeUndefined();
    expect(cellContext('a.ipynb', { cell_type: 'code', source: '1+1', outputs: [] }).activeCell?.error).toBeUndefined();
  });

  it('names the error in the Fix this error question', () => {
    expect(fixErrorQuestion(errorCell)).toBe('Fix this error: ZeroDivisionError: division by zero');
    expect(fixErrorQuestion({ cell_type: 'code', source: '', outputs: [] })).toBeUndefined();
    expect(explainQuestion(errorCell)).toBe('Explain this cell.');
  });
});

describe('connection target', () => {
  const server = { baseUrl: 'http://127.0.0.1:8888/base/', wsUrl: 'ws://127.0.0.1:8888/base/' };

  it('goes through the Jupyter proxy by default, with no token of its own', () => {
    expect(resolveTarget(readSettings({}), server)).toEqual({
      viaJupyter: true,
      url: 'ws://127.0.0.1:8888/base/mooring/api/chat',
      restUrl: 'http://127.0.0.1:8888/base/mooring',
      token: ''
    });
  });

  it('uses the configured service and token when set', () => {
    const t = resolveTarget(readSettings({ serviceUrl: ' https://chat.example:8765 ', token: 's3cret' }), server);
    expect(t).toEqual({ viaJupyter: false, url: 'wss://chat.example:8765/api/chat', restUrl: 'https://chat.example:8765', token: 's3cret' });
  });

  it('keeps a full ws URL as it is', () => {
    expect(normaliseServiceUrl('ws://localhost:8765/api/chat')).toBe('ws://localhost:8765/api/chat');
  });
});

describe('proxy failure reasons', () => {
  it('blames Jupyter login, not the service token, for a 401/403 through the proxy', async () => {
    const { explainProxyFailure } = await import('../connection');
    expect(explainProxyFailure('the service refused this origin (HTTP 403)')).toContain('Jupyter refused');
    expect(explainProxyFailure('retry budget spent')).toBe('retry budget spent');
  });
});
