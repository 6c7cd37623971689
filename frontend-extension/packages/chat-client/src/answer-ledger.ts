/** The answers a client follows: seq bookkeeping, the queue of messages waiting for a connection, and resumes. */
import { Completion, type AnswerState, type ToolCallState } from './completion.js';
import type { ClientSettings } from './options.js';
import {
  refOf,
  type AcceptedFrame,
  type AskedFrame,
  type ChatContext,
  type ChatFrame,
  type ChatMode,
  type ChunkFrame,
  type ClientFrame,
  type DoneFrame,
  type ErrorFrame,
  type ErrorInfo,
  type ServerFrame,
  type ToolCallFrame,
  type ToolResultEventFrame,
  type ToolResultFrame,
  type WelcomeFrame,
} from './protocol.js';
import { RetrySchedule } from './retry-schedule.js';
import type { ConnectionStatus, FinalStatus } from './status.js';

/** Options of `ChatClient.send`. */
export interface SendOptions {
  /** Absent: a new conversation. */
  conversationId?: string;
  context?: ChatContext;
  mode?: ChatMode;
}

/** Options of `ChatClient.resume`. */
export interface ResumeOptions {
  conversationId?: string;
  /** The highest seq already held (default 0: rebuild the whole text from the replay). */
  afterSeq?: number;
  /** The text of seq 1..afterSeq, if held. */
  text?: string;
}

/** How the ledger reaches the service: the connection. */
export interface AnswerLink {
  readonly status: ConnectionStatus;
  /** The last `welcome`, for the service's frame limit. */
  readonly welcome?: WelcomeFrame;
  /** Writes on a welcomed connection; does nothing otherwise. */
  send(frame: ClientFrame): void;
}

/** One answer: the state its Completion shows, and the bookkeeping behind it. */
interface Entry {
  readonly state: AnswerState;
  readonly completion: Completion;
  /** The chat frame; absent for a resumed completion. */
  readonly chat?: ChatFrame;
  /** Deltas by seq - 1; slots below `givenSeq` are empty when `resume` was handed text. */
  readonly chunks: string[];
  /** The seq covered by text handed to `resume` (0: none). */
  givenSeq: number;
  /** The chat frame went out on a socket at least once. */
  chatSent: boolean;
  cancelRequested: boolean;
  /** Wall-clock time of the last progress (sent, accepted, chunk appended). */
  progressAt: number;
  /** Resumes asked for since the last progress to fill a gap. */
  gapResumes: number;
  /** Tries after retryable errors; progress resets it. */
  readonly errorRetries: RetrySchedule;
}

/** A tool result not yet acknowledged by the service. */
interface Outgoing {
  readonly entry: Entry;
  readonly frame: ToolResultFrame;
  /** After a retryable refusal: when to send it again. */
  retryAt?: number;
}

/** A change to an answer's state. */
type AnswerPatch = Partial<Omit<AnswerState, 'clientMessageId'>>;

const CLIENT_CLOSED: ErrorInfo = { code: 'client_closed', message: 'the client was closed; the service keeps the answer', retryable: true };
const INCOMPLETE: ErrorInfo = { code: 'incomplete', message: 'the answer could not be retrieved whole', retryable: true };
/** Resumes asked for a missing tail before an answer ends `incomplete`. */
const MAX_TAIL_RESUMES = 3;
/** Wait (ms) before a tool result refused with a retryable error is sent again. */
const RESULT_RETRY_MS = 2_000;

/** Follows every answer not ended, and keeps each one's {@link Completion} true. */
export class AnswerLedger {
  readonly #settings: ClientSettings;
  readonly #link: AnswerLink;
  #entries: Entry[] = [];
  /** Tool results sent and not yet acknowledged, oldest first. */
  #outbox: Outgoing[] = [];
  #closed = false;

  constructor(settings: ClientSettings, link: AnswerLink) {
    this.#settings = settings;
    this.#link = link;
  }

  /** The answers not ended, oldest first. */
  get pending(): Completion[] {
    return this.#entries.map((entry) => entry.completion);
  }

  /** Whether any answer is in flight. */
  get busy(): boolean {
    return this.#entries.length > 0;
  }

  send(text: string, options: SendOptions): Completion {
    const clientMessageId = this.#settings.uuid();
    const { conversationId, context, mode } = options;
    const chat: ChatFrame = { type: 'chat', clientMessageId, conversationId, text, context, mode };
    const entry = this.#add({ clientMessageId, conversationId, text: '', lastSeq: 0 }, chat);
    return this.#launch(entry, this.#refusal(chat));
  }

  /** Why a question cannot go out as it is: too large for the service (never sent, so never resent), or too many waiting. */
  #refusal(chat: ChatFrame): ErrorInfo | undefined {
    const limit = this.#link.welcome?.maxFrameBytes ?? this.#settings.maxFrameBytes;
    const bytes = new TextEncoder().encode(JSON.stringify(chat)).length;
    if (bytes > limit) {
      const kib = (n: number) => Math.ceil(n / 1024);
      return { code: 'too_large', message: `the question with its context is ${kib(bytes)} KiB, over the limit of ${kib(limit)} KiB; send less context`, retryable: false };
    }
    const unaccepted = this.#entries.filter((other) => other.state.completionId === undefined).length;
    const maxQueued = this.#settings.maxQueued;
    return unaccepted > maxQueued
      ? { code: 'queue_full', message: `too many messages waiting for the connection (${maxQueued})`, retryable: true }
      : undefined;
  }

  resume(completionId: string, options: ResumeOptions): Completion {
    const followed = this.#entries.find((entry) => entry.state.completionId === completionId);
    if (followed) return followed.completion;
    const givenSeq = options.afterSeq ?? 0;
    const text = options.text ?? '';
    const entry = this.#add({ clientMessageId: this.#settings.uuid(), conversationId: options.conversationId, completionId, text, lastSeq: givenSeq });
    entry.givenSeq = givenSeq;
    if (givenSeq) entry.chunks[givenSeq - 1] = text;
    return this.#launch(entry);
  }

  /** An answer the service follows for this connection already (`asked`): held like a resumed one, nothing sent. */
  adopt(frame: AskedFrame): Completion {
    const followed = this.#entries.find((entry) => entry.state.completionId === frame.completionId);
    if (followed) return followed.completion;
    const { conversationId, completionId, messageId } = frame;
    return this.#add({ clientMessageId: this.#settings.uuid(), conversationId, completionId, messageId, text: '', lastSeq: 0 }).completion;
  }

  /** A connection was welcomed: every answer not waiting out a retryable error goes out again. */
  resendDue(now: number): void {
    for (const entry of [...this.#entries]) if ((entry.state.retryAt ?? now) <= now) this.#resend(entry, now);
  }

  /** The connection is gone: answers wait for the next one. */
  pause(): void {
    for (const entry of this.#entries) {
      const status = entry.state.status;
      if (status !== 'paused' && status !== 'orphaned') this.#update(entry, { status: 'paused' });
    }
  }

  /** The service process ended: every accepted answer is over and will read `interrupted` once it is back. */
  orphan(): void {
    for (const entry of this.#entries)
      if (entry.state.completionId !== undefined && entry.state.status !== 'orphaned') this.#update(entry, { status: 'orphaned' });
  }

  /** Acts on a frame about answers; answers false when it names none this ledger follows. */
  receive(frame: ServerFrame, now: number): boolean {
    if (frame.type === 'error' && this.#resultRefused(frame, now)) return true;
    const ref = refOf(frame);
    const entry = this.#entries.find((each) => ref !== undefined && (each.state.clientMessageId === ref || each.state.completionId === ref));
    if (!entry) return false;
    if (frame.type === 'accepted') this.#accepted(entry, frame, now);
    else if (frame.type === 'chunk') this.#chunk(entry, frame, now);
    else if (frame.type === 'tool_call') this.#toolCall(entry, frame, now);
    else if (frame.type === 'tool_result') this.#toolResult(entry, frame, now);
    else if (frame.type === 'tool_accepted') this.#outbox = this.#outbox.filter((item) => item.frame.callId !== frame.callId);
    else if (frame.type === 'done') this.#done(entry, frame);
    else if (frame.type === 'error') this.#error(entry, frame, now);
    return true;
  }

  /** The periodic check while connected: retries that fell due, and answers silent on a link that answers. */
  check(now: number, lastFrameAt: number): void {
    for (const item of this.#outbox) if (item.retryAt !== undefined && item.retryAt <= now) this.#sendResult(item);
    for (const entry of [...this.#entries]) {
      const { retryAt, status } = entry.state;
      if (retryAt !== undefined) {
        if (now >= retryAt) this.#resend(entry, now);
      } else if (
        (status === 'waiting' || status === 'streaming') &&
        now - entry.progressAt >= this.#settings.stallAfterMs &&
        lastFrameAt > entry.progressAt
      ) {
        entry.gapResumes = 0;
        this.#update(entry, { status: 'stalled' });
      }
    }
  }

  /** The client closed: nothing more is sent; answers not ended fail as `client_closed` (the service keeps them). */
  close(): void {
    this.#closed = true;
    this.#outbox = [];
    for (const entry of [...this.#entries]) this.#end(entry, 'failed', CLIENT_CLOSED);
  }

  #add(initial: Omit<AnswerState, 'status' | 'toolCalls'>, chat?: ChatFrame): Entry {
    const connectionState = this.#link.status.state;
    const status = connectionState === 'connected' || connectionState === 'connecting' ? 'waiting' : 'paused';
    const state: AnswerState = { ...initial, status, toolCalls: [] };
    const entry: Entry = {
      state,
      completion: new Completion(state, {
        cancel: () => this.#cancel(entry),
        sendToolResult: (callId, output, isError) => this.#queueResult(entry, callId, output, isError),
      }),
      chat,
      chunks: [],
      givenSeq: 0,
      chatSent: false,
      cancelRequested: false,
      progressAt: this.#settings.now(),
      gapResumes: 0,
      errorRetries: new RetrySchedule(this.#settings),
    };
    this.#entries.push(entry);
    return entry;
  }

  /** A new answer fails at once on a closed client (or with `refusal`), goes out on a welcomed connection, else waits. */
  #launch(entry: Entry, refusal?: ErrorInfo): Completion {
    const error = this.#closed ? CLIENT_CLOSED : refusal;
    if (error) this.#end(entry, 'failed', error);
    else if (this.#link.status.state === 'connected') this.#resend(entry, this.#settings.now());
    return entry.completion;
  }

  #accepted(entry: Entry, frame: AcceptedFrame, now: number): void {
    if (entry.state.completionId !== undefined) return;
    entry.progressAt = now;
    entry.errorRetries.reset();
    this.#update(entry, { completionId: frame.completionId, conversationId: frame.conversationId, messageId: frame.messageId });
    if (entry.cancelRequested) this.#link.send({ type: 'cancel', completionId: frame.completionId });
    if (frame.duplicate) this.#link.send({ type: 'resume', completionId: frame.completionId, afterSeq: entry.state.lastSeq });
  }

  /** Whether `seq` is the next event of the answer (held as `delta`: a tool event holds no text); asks for a gap. */
  #next(entry: Entry, seq: number, delta: string, now: number): boolean {
    const held = entry.state.lastSeq;
    if (seq > held + 1) this.#askForRest(entry, false);
    if (seq !== held + 1) return false;
    entry.chunks[held] = delta;
    entry.progressAt = now;
    entry.gapResumes = 0;
    entry.errorRetries.reset();
    return true;
  }

  #chunk(entry: Entry, frame: ChunkFrame, now: number): void {
    if (!this.#next(entry, frame.seq, frame.delta, now)) return;
    this.#update(entry, { lastSeq: frame.seq, text: entry.state.text + frame.delta, status: 'streaming' });
    entry.completion.dispatchEvent(new CustomEvent('chunk', { detail: { seq: frame.seq, delta: frame.delta } }));
  }

  #toolCall(entry: Entry, frame: ToolCallFrame, now: number): void {
    if (!this.#next(entry, frame.seq, '', now)) return;
    const { callId, seq, name } = frame;
    const call: ToolCallState = { callId, seq, name, arguments: frame.arguments, at: entry.state.text.length };
    this.#update(entry, { lastSeq: frame.seq, toolCalls: [...entry.state.toolCalls, call], status: 'acting' });
    entry.completion.dispatchEvent(new CustomEvent('tool_call', { detail: call }));
  }

  #toolResult(entry: Entry, frame: ToolResultEventFrame, now: number): void {
    if (!this.#next(entry, frame.seq, '', now)) return;
    // stored by the service: from whichever connection, it needs sending no more
    this.#outbox = this.#outbox.filter((item) => item.frame.callId !== frame.callId);
    const result = { output: frame.output, isError: frame.isError };
    const toolCalls = entry.state.toolCalls.map((call) => (call.callId === frame.callId ? { ...call, result } : call));
    this.#update(entry, { lastSeq: frame.seq, toolCalls, status: waitsForTools(toolCalls) ? 'acting' : 'streaming' });
  }

  #queueResult(entry: Entry, callId: string, output: string, isError: boolean): boolean {
    const call = entry.state.toolCalls.find((each) => each.callId === callId);
    const completionId = entry.state.completionId;
    if (this.#closed || !this.#entries.includes(entry) || !call || call.result || call.refused || completionId === undefined) return false;
    if (!this.#outbox.some((item) => item.frame.callId === callId)) {
      const item: Outgoing = { entry, frame: { type: 'tool_result', completionId, callId, output, isError } };
      this.#outbox.push(item);
      this.#sendResult(item);
    }
    return true;
  }

  #sendResult(item: Outgoing): void {
    item.retryAt = undefined;
    this.#link.send(item.frame);
  }

  /** An error about a tool result: sent again later when retryable, else dropped and shown on its call. */
  #resultRefused(frame: ErrorFrame, now: number): boolean {
    const item = this.#outbox.find((each) => each.frame.callId === frame.ref);
    if (!item) return false;
    if (frame.retryable) {
      item.retryAt = now + RESULT_RETRY_MS;
      return true;
    }
    this.#outbox = this.#outbox.filter((each) => each !== item);
    const refused: ErrorInfo = { code: frame.code, message: frame.message, retryable: false };
    const entry = item.entry;
    this.#update(entry, { toolCalls: entry.state.toolCalls.map((call) => (call.callId === frame.ref ? { ...call, refused } : call)) });
    return true;
  }

  #done(entry: Entry, frame: DoneFrame): void {
    if (frame.lastSeq > entry.state.lastSeq) {
      // A tail is missing (chunks lost to a gap): fetch it before ending.
      if (entry.gapResumes > MAX_TAIL_RESUMES) this.#end(entry, 'failed', INCOMPLETE);
      else this.#askForRest(entry, true);
      return;
    }
    if (frame.lastSeq < entry.givenSeq) {
      // Trimming inside text handed to resume(): rebuild it from a full replay instead.
      entry.givenSeq = entry.chunks.length = 0;
      this.#update(entry, { text: '', lastSeq: 0 });
      this.#askForRest(entry, true);
      return;
    }
    entry.chunks.length = frame.lastSeq;
    this.#end(entry, frame.status === 'completed' ? 'done' : frame.status, frame.error, {
      lastSeq: frame.lastSeq,
      text: entry.chunks.join(''),
      answerMessageId: frame.messageId,
      toolCalls: entry.state.toolCalls.filter((call) => call.seq <= frame.lastSeq),
    });
  }

  #error(entry: Entry, frame: ErrorFrame, now: number): void {
    const error: ErrorInfo = { code: frame.code, message: frame.message, retryable: frame.retryable };
    const next = frame.retryable ? entry.errorRetries.next(now) : undefined;
    if (next) this.#update(entry, { retryAt: now + next.delayMs, error });
    else this.#end(entry, 'failed', error);
  }

  /** Asks for the chunks after the last one held: once per gap, or always when `again`. */
  #askForRest(entry: Entry, again: boolean): void {
    const completionId = entry.state.completionId;
    if (completionId === undefined || (entry.gapResumes && !again)) return;
    entry.gapResumes++;
    this.#link.send({ type: 'resume', completionId, afterSeq: entry.state.lastSeq });
  }

  /** (Re)sends what an answer needs on a fresh connection: its chat frame, or cancel and resume. */
  #resend(entry: Entry, now: number): void {
    const { completionId, status, text, lastSeq, toolCalls } = entry.state;
    entry.progressAt = now;
    entry.gapResumes = 0;
    const next = status === 'orphaned' ? status : waitsForTools(toolCalls) ? 'acting' : text ? 'streaming' : 'waiting';
    this.#update(entry, { status: next, retryAt: undefined, error: undefined });
    if (completionId === undefined) {
      if (entry.chat) this.#link.send(entry.chat);
      entry.chatSent = true;
      return;
    }
    if (entry.cancelRequested) this.#link.send({ type: 'cancel', completionId });
    this.#link.send({ type: 'resume', completionId, afterSeq: lastSeq });
    for (const item of this.#outbox) if (item.entry === entry) this.#sendResult(item);
  }

  #cancel(entry: Entry): void {
    const { completionId, retryAt } = entry.state;
    // Never sent, or refused with a retryable error: the service holds nothing to cancel.
    if (completionId === undefined && (!entry.chatSent || retryAt !== undefined)) return this.#end(entry, 'cancelled');
    entry.cancelRequested = true;
    if (completionId !== undefined) this.#link.send({ type: 'cancel', completionId });
  }

  #update(entry: Entry, patch: AnswerPatch): void {
    Object.assign(entry.state, patch);
    entry.completion.dispatchEvent(new CustomEvent('update', { detail: entry.completion }));
  }

  #end(entry: Entry, status: FinalStatus, error?: ErrorInfo, patch: AnswerPatch = {}): void {
    this.#entries = this.#entries.filter((other) => other !== entry);
    this.#outbox = this.#outbox.filter((item) => item.entry !== entry);
    this.#update(entry, { ...patch, status, error, retryAt: undefined });
    entry.completion.dispatchEvent(new CustomEvent('done', { detail: status }));
  }
}

/** Whether a tool call waits for its result. */
const waitsForTools = (calls: readonly ToolCallState[]): boolean => calls.some((call) => !call.result && !call.refused);
