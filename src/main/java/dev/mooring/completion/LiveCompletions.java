package dev.mooring.completion;

import java.util.Collection;
import java.util.UUID;

/**
 * The completions this node holds in memory: running ones, and ended ones for a while after (fast resume).
 * Other nodes' runs are followed through {@link RemoteFollowers}.
 */
interface LiveCompletions {

    void add(CompletionRun run);

    /** The run, or null if this node does not hold it. */
    CompletionRun find(UUID id);

    /** Forgets an ended run (its replay then comes from the store). */
    void remove(UUID id);

    /** Every run held, running or recently ended. */
    Collection<CompletionRun> all();

    /** Cancels the run if it is held here (another node asked for it). */
    default void cancel(UUID id) {
        CompletionRun run = find(id);
        if (run != null) {
            run.cancel();
        }
    }
}
