import type { AgentNotebook, RunOutcome, ToolCell } from '../notebook-tools';
import type { OutputLike } from '../notebook-context';

/** An in-memory notebook whose "kernel" answers runs from a table of sources; it counts what was done to it. */
export class FakeNotebook implements AgentNotebook {
  cellList: ToolCell[];
  metadataEntries: Record<string, unknown> = {};
  /** Every save: the cells' sources and the metadata at that moment. */
  saves: Array<{ sources: string[]; metadata: string }> = [];
  runs: string[] = [];
  interrupts = 0;
  /** What running a source prints; a source missing here raises NameError. */
  kernel: Record<string, string> = {};
  /** Set to hold runs until released. */
  holdRuns = false;
  private held: Array<() => void> = [];
  private nextId = 1;

  constructor(
    readonly path = 'work/analysis.ipynb',
    sources: string[] = ['import pandas as pd']
  ) {
    this.cellList = sources.map((source) => this.cell('code', source));
  }

  private cell(cellType: string, source: string): ToolCell {
    return { id: `cell-${this.nextId++}`, cellType, source, outputs: [] };
  }

  cells(): ToolCell[] {
    return this.cellList.map((cell) => ({ ...cell }));
  }

  insertCell(index: number, cellType: 'code' | 'markdown', source: string): string {
    const cell = this.cell(cellType, source);
    this.cellList.splice(index, 0, cell);
    return cell.id;
  }

  replaceSource(cellId: string, source: string): void {
    const cell = this.cellList.find((each) => each.id === cellId)!;
    cell.source = source;
    cell.outputs = [];
  }

  async runCell(cellId: string): Promise<RunOutcome> {
    const cell = this.cellList.find((each) => each.id === cellId)!;
    this.runs.push(cellId);
    if (this.holdRuns) {
      await new Promise<void>((resolve) => this.held.push(resolve));
    }
    const printed = this.kernel[cell.source];
    const outputs: OutputLike[] =
      printed === undefined
        ? [{ output_type: 'error', ename: 'NameError', evalue: "name 'x' is not defined", traceback: [] }]
        : [{ output_type: 'stream', name: 'stdout', text: printed }];
    cell.outputs = outputs;
    return { executionCount: this.runs.length, outputs };
  }

  releaseRuns(): void {
    this.holdRuns = false;
    this.held.splice(0).forEach((resolve) => resolve());
  }

  metadata(key: string): unknown {
    return this.metadataEntries[key];
  }

  setMetadata(key: string, value: unknown): void {
    this.metadataEntries[key] = value;
  }

  async save(): Promise<void> {
    this.saves.push({ sources: this.cellList.map((cell) => cell.source), metadata: JSON.stringify(this.metadataEntries) });
  }

  interrupt(): void {
    this.interrupts++;
  }

  /** The notebook as saved last: what a reload would open. */
  reopened(): FakeNotebook {
    const last = this.saves.at(-1);
    const copy = new FakeNotebook(this.path, []);
    copy.cellList = last ? this.cellList.filter((cell) => last.sources.includes(cell.source)).map((cell) => ({ ...cell })) : [];
    copy.metadataEntries = last ? (JSON.parse(last.metadata) as Record<string, unknown>) : {};
    copy.kernel = this.kernel;
    copy.runs = this.runs;
    return copy;
  }
}
