package dev.mooring.completion;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable completion state. The embedded and PostgreSQL deployments share the JDBC implementation; a distributed
 * deployment may replace it.
 */
public interface CompletionStore {

    /** Writes the progress of many running completions in one transaction, and renews their lease. */
    void checkpoint(Collection<Progress> batch, String node, Instant leaseUntil);

    /** Writes a completion's final state. */
    void finish(FinalState state);

    /** The stored completion, if any. */
    Optional<StoredCompletion> find(UUID id);

    /**
     * Marks {@code interrupted} every running completion owned by {@code node} (whose process is gone: this one just
     * started; null names no node) or whose lease ran out before {@code now}; returns how many.
     */
    int interruptOrphans(String node, Instant now);
}
