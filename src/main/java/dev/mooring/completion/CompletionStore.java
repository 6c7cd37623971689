package dev.mooring.completion;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable completion state: the one owner of the {@code completion} table. The embedded and PostgreSQL deployments
 * share the JDBC implementation; a distributed deployment may replace it.
 */
interface CompletionStore {

    /**
     * Records a new running completion owned by {@code node}, inside the caller's transaction (the one that stores
     * the question it answers), so that both are stored or neither.
     */
    void insert(UUID id, UUID conversationId, UUID requestMessageId, UUID messageId, String node, Instant leaseUntil);

    /**
     * Writes the progress of many running completions in one transaction, and renews their lease. When the database
     * refuses the batch, writes them one by one so that a row it refuses holds back only itself.
     *
     * @return the completions whose progress the database refused, with why
     * @throws RuntimeException when nothing could be written (the database is unreachable)
     */
    Map<UUID, RuntimeException> checkpoint(Collection<Progress> batch, String node, Instant leaseUntil);

    /** Writes a completion's final state. */
    void finish(FinalState state);

    /** The stored completion, if any. */
    Optional<StoredCompletion> find(UUID id);

    /** The completion that answers the user message {@code requestMessageId}, if any. */
    Optional<CompletionSummary> findByRequest(UUID requestMessageId);

    /** Every completion of a conversation. */
    List<CompletionSummary> listByConversation(UUID conversationId);

    /**
     * At start-up: marks {@code interrupted} every running completion owned by {@code node} (whose process is gone:
     * this one just started) or whose lease ran out before {@code now}; returns how many.
     */
    int interruptOrphans(String node, Instant now);

    /**
     * Marks {@code interrupted} every running completion whose lease ran out before {@code now}, but those of
     * {@code exceptNode} (this node: it runs its own); returns how many.
     */
    int interruptExpired(String exceptNode, Instant now);
}
