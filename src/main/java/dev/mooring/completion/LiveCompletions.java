package dev.mooring.completion;

import java.util.Collection;
import java.util.UUID;

/**
 * The completions this node holds in memory: running ones, and ended ones for a while after (fast resume).
 * A distributed deployment replaces it with one that also relays other nodes' runs.
 */
interface LiveCompletions {

    void add(CompletionRun run);

    /** Adds the run unless one of the same id is held; answers the one held. */
    CompletionRun addIfAbsent(CompletionRun run);

    /** The run, or null if this node does not hold it. */
    CompletionRun find(UUID id);

    /** Forgets an ended run (its replay then comes from the store). */
    void remove(UUID id);

    /** Every run held, running or recently ended. */
    Collection<CompletionRun> all();
}
