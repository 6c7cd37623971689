import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Shortcut {
  command: string;
  keys: string[];
  selector: string;
}

const shortcutsOf = (file: string): Shortcut[] =>
  (JSON.parse(readFileSync(file, 'utf8')) as { 'jupyter.lab.shortcuts'?: Shortcut[] })['jupyter.lab.shortcuts'] ?? [];

/** Every schema file under `dir`. */
function schemas(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? schemas(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : []
  );
}

// JupyterLab's own schemas, installed by `MOORING_BUILD_ONLY=1 scripts/run-jupyterlab.sh`.
const LAB_SCHEMAS = join(process.env.MOORING_VENV ?? '.venv', 'share', 'jupyter', 'lab', 'schemas');
// On Linux and Windows Accel is Ctrl: a binding is taken if JupyterLab binds either spelling.
const normalise = (keys: string[]): string => keys.join(' ').replace(/\bCtrl\b/g, 'Accel');

describe('keyboard shortcuts', () => {
  const ours = shortcutsOf('schema/plugin.json');

  it('open the panel from anywhere with a default shortcut', () => {
    expect(ours).toEqual([{ command: 'mooring:open', keys: ['Accel Shift O'], selector: 'body' }]);
  });

  it('take no key that JupyterLab binds by default', () => {
    expect(existsSync(LAB_SCHEMAS), `${LAB_SCHEMAS} is missing: build first (MOORING_BUILD_ONLY=1 scripts/run-jupyterlab.sh)`).toBe(true);
    const taken = new Map<string, string>();
    for (const file of schemas(LAB_SCHEMAS)) {
      for (const s of shortcutsOf(file)) {
        taken.set(normalise(s.keys), s.command);
      }
    }
    expect(taken.get('Accel Shift M')).toBe('notebook:merge-cell-below');
    for (const s of ours) {
      expect(taken.get(normalise(s.keys)), s.keys.join(' ')).toBeUndefined();
    }
  });
});
