package dev.mooring.completion;

import java.util.List;

/** What a run hands to the runner that holds it: storing its end, and its wait for tool results. */
interface RunOwner {

    /** The run ended; its final state is to be stored, then told (see {@link CompletionRun#published}). */
    void ended(CompletionRun run, FinalState state);

    /** A model turn ended with tool calls; they are to be stored, then told (see {@link CompletionRun#paused}). */
    void paused(CompletionRun run, Progress progress, List<ToolEvent> calls);

    /** How many model turns with tool calls an answer may take. */
    int maxSteps();
}
