/**
 * Carries out the tool calls of agent answers in the tab that asked them, each at most once: an edit or a run is
 * recorded in the notebook's metadata and saved before its result is sent, and a replayed call (after a reconnect or
 * a reload) is answered from that record; destructive and running calls wait for the user's approval unless the
 * notebook is allowed. Other tabs show the calls as carried out elsewhere.
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { CompletionStatus, ToolCallState } from '@mooring/chat-client';

import { recordedCall, recordCall } from './call-record';
import { truncate } from './notebook-context';
import { hasEffect, needsApproval, runTool, type AgentNotebook, type ToolOutcome } from './notebook-tools';
import { StoredValue, type StorageLike } from './tab-store';

/** The part of the client's `Completion` the runner uses. */
export interface AgentCompletion extends EventTarget {
  readonly completionId?: string;
  readonly status: CompletionStatus;
  readonly toolCalls?: readonly ToolCallState[];
  readonly error?: { code: string };
  readonly finished: Promise<unknown>;
  sendToolResult?(callId: string, output: string, isError?: boolean): boolean;
}

/**
 * Where a call without a result stands in this tab: carried out by another tab (`elsewhere`), waiting for the
 * user's approval or answer, being applied, or its result sent and not yet stored.
 */
export type CallPhase = 'elsewhere' | 'approval' | 'question' | 'applying' | 'sent';

/** The user's decision on a call, kept with the tab so that a reload does not ask again. */
type Decision = { kind: 'approved' } | { kind: 'declined' } | { kind: 'answered'; text: string };

interface Job {
  readonly completion: AgentCompletion;
  readonly completionId: string;
  /** The notebook this tab carries the answer out on; undefined: another tab does. */
  readonly notebookPath?: string;
  stopped: boolean;
  /** The notebook whose kernel runs one of its calls. */
  running?: AgentNotebook;
  readonly review: () => void;
}

/**
 * Most characters of a result sent: even at six bytes a character (JSON's escapes) its frame stays under the
 * service's default frame limit (256 KiB), which would refuse it again at every resend.
 */
const MAX_RESULT_CHARS = 32_000;

export const DECLINED: ToolOutcome = { output: 'the user declined this call', isError: true };
const INTERRUPTED: ToolOutcome = {
  output: 'the page was reloaded while this call was being carried out: it ran at most once and its outputs are unknown; read the notebook',
  isError: true
};

/** Options of {@link AgentRunner}. */
export interface AgentRunnerOptions {
  /** The open notebook at a path, once it is ready; undefined when it is not open. */
  notebooks: (path: string) => Promise<AgentNotebook | undefined>;
  /** The tab's own storage (sessionStorage). */
  tab: StorageLike;
  /** The browser's storage (localStorage): the notebooks allowed. */
  browser: StorageLike;
}

export class AgentRunner {
  readonly #changed = new Signal<this, void>(this);
  readonly #notebooks: AgentRunnerOptions['notebooks'];
  readonly #driving: StoredValue<Record<string, string>>;
  readonly #decisions: StoredValue<Record<string, Decision>>;
  readonly #allowed: StoredValue<string[]>;
  readonly #jobs = new Map<string, Job>();
  readonly #phases = new Map<string, CallPhase>();

  constructor(options: AgentRunnerOptions) {
    this.#notebooks = options.notebooks;
    this.#driving = new StoredValue(options.tab, 'agent-driving', {});
    this.#decisions = new StoredValue(options.tab, 'agent-decisions', {});
    this.#allowed = new StoredValue(options.browser, 'agent-allowed-notebooks', []);
  }

  /** Fires whenever a phase or an allowance changes. */
  get changed(): ISignal<this, void> {
    return this.#changed;
  }

  /** Where a call stands in this tab, while it has no result. */
  phase(callId: string): CallPhase | undefined {
    return this.#phases.get(callId);
  }

  /** Whether the user allowed edits and runs in this notebook without asking. */
  allowed(notebookPath: string): boolean {
    return this.#allowed.get().includes(notebookPath);
  }

  /** This tab asked an agent question about `notebookPath`: it carries out the calls of the answer. */
  drive(completionId: string, notebookPath: string | undefined): void {
    this.#driving.update((driving) => ({ ...driving, [completionId]: notebookPath ?? '' }));
  }

  /** Follows an answer's tool calls: carried out here when this tab drives it, else shown as carried out elsewhere. */
  track(completion: AgentCompletion): void {
    const completionId = completion.completionId;
    if (completionId === undefined || this.#jobs.has(completionId)) {
      return;
    }
    const job: Job = {
      completion,
      completionId,
      notebookPath: this.#driving.get()[completionId],
      stopped: false,
      review: () => this.#review(job)
    };
    this.#jobs.set(completionId, job);
    completion.addEventListener('update', job.review);
    void completion.finished.then(() => this.#finish(job));
    job.review();
  }

  /** The user stopped the answer: nothing more of it is applied, and a run of it is interrupted. */
  stop(completionId: string): void {
    const job = this.#jobs.get(completionId);
    if (job) {
      job.stopped = true;
      job.running?.interrupt();
    }
  }

  approve(callId: string): void {
    this.#decide(callId, { kind: 'approved' });
  }

  /** Allows edits and runs in the call's notebook from now on, and approves the call. */
  allowNotebook(callId: string): void {
    const path = this.#owner(callId)?.job.notebookPath;
    if (path) {
      this.#allowed.update((paths) => (paths.includes(path) ? paths : [...paths, path]));
    }
    this.approve(callId);
  }

  decline(callId: string): void {
    this.#decide(callId, { kind: 'declined' });
  }

  /** The user's answer to an `ask_user` call. */
  answer(callId: string, text: string): void {
    this.#decide(callId, { kind: 'answered', text });
  }

  #decide(callId: string, decision: Decision): void {
    const owner = this.#owner(callId);
    const phase = this.#phases.get(callId);
    if (!owner || owner.job.stopped || (phase !== 'approval' && phase !== 'question')) {
      return;
    }
    this.#decisions.update((decisions) => ({ ...decisions, [callId]: decision }));
    this.#phases.delete(callId);
    void this.#consider(owner.job, owner.call);
  }

  #owner(callId: string): { job: Job; call: ToolCallState } | undefined {
    for (const job of this.#jobs.values()) {
      const call = job.completion.toolCalls?.find((each) => each.callId === callId);
      if (call) {
        return { job, call };
      }
    }
    return undefined;
  }

  /** Looks at every call of an answer: answered ones lose their phase, new ones are taken up. */
  #review(job: Job): void {
    for (const call of job.completion.toolCalls ?? []) {
      if (call.result || call.refused) {
        this.#setPhase(call.callId, undefined);
      } else if (!this.#phases.has(call.callId)) {
        void this.#consider(job, call);
      }
    }
  }

  async #consider(job: Job, call: ToolCallState): Promise<void> {
    if (job.notebookPath === undefined) {
      return this.#setPhase(call.callId, 'elsewhere');
    }
    this.#setPhase(call.callId, 'applying');
    const notebook = job.notebookPath ? await this.#notebooks(job.notebookPath) : undefined;
    if (!notebook) {
      const where = job.notebookPath ? `the notebook ${job.notebookPath} is not open` : 'no notebook was open when the question was asked';
      return this.#send(job, call, { output: `${where}: nothing was done`, isError: true });
    }
    const recorded = hasEffect(call.name) ? recordedCall(notebook, call.callId) : undefined;
    if (recorded) {
      return this.#send(job, call, recorded.state === 'done' ? recorded : INTERRUPTED);
    }
    const decision = this.#decisions.get()[call.callId];
    if (decision?.kind === 'declined') {
      return this.#send(job, call, DECLINED);
    }
    if (call.name === 'ask_user') {
      return decision?.kind === 'answered' ? this.#send(job, call, { output: decision.text, isError: false }) : this.#setPhase(call.callId, 'question');
    }
    if (needsApproval(call.name) && decision?.kind !== 'approved' && !this.allowed(notebook.path)) {
      return this.#setPhase(call.callId, 'approval');
    }
    await this.#apply(job, call, notebook);
  }

  async #apply(job: Job, call: ToolCallState, notebook: AgentNotebook): Promise<void> {
    const effect = hasEffect(call.name);
    if (call.name === 'run_cell') {
      // recorded and saved before the kernel runs it: a reload during the run answers it, never runs it twice
      recordCall(notebook, call.callId, { state: 'applying' });
      await saved(notebook);
    }
    if (job.stopped) {
      return this.#setPhase(call.callId, undefined);
    }
    job.running = notebook;
    const outcome = await runTool(notebook, call.name, call.arguments);
    job.running = undefined;
    if (effect) {
      recordCall(notebook, call.callId, { state: 'done', ...outcome });
      await saved(notebook);
    }
    this.#send(job, call, outcome);
  }

  #send(job: Job, call: ToolCallState, outcome: ToolOutcome): void {
    const output = truncate(outcome.output, MAX_RESULT_CHARS);
    const sent = !job.stopped && job.completion.sendToolResult?.(call.callId, output, outcome.isError);
    this.#setPhase(call.callId, sent ? 'sent' : undefined);
  }

  #finish(job: Job): void {
    this.stop(job.completionId);
    job.completion.removeEventListener('update', job.review);
    this.#jobs.delete(job.completionId);
    const callIds = new Set((job.completion.toolCalls ?? []).map((call) => call.callId));
    callIds.forEach((callId) => this.#phases.delete(callId));
    this.#changed.emit();
    if (job.completion.error?.code === 'client_closed') {
      return; // the client went, the answer did not: a new client resumes it, and this tab still carries it out
    }
    this.#driving.update(({ [job.completionId]: _ended, ...rest }) => rest);
    this.#decisions.update((decisions) => Object.fromEntries(Object.entries(decisions).filter(([callId]) => !callIds.has(callId))));
  }

  #setPhase(callId: string, phase: CallPhase | undefined): void {
    if (this.#phases.get(callId) === phase) {
      return;
    }
    if (phase) {
      this.#phases.set(callId, phase);
    } else {
      this.#phases.delete(callId);
    }
    this.#changed.emit();
  }
}

/** Saves the notebook; a failed save is logged, not fatal: the edit stays in the open notebook. */
async function saved(notebook: AgentNotebook): Promise<void> {
  try {
    await notebook.save();
  } catch (err) {
    console.warn('mooring: the notebook could not be saved after an agent edit', err);
  }
}
