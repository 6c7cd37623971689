package dev.mooring.completion;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable completion state: the one owner of the {@code completion} table, as this process sees it. The process
 * owns the answers it inserts by a fencing token of its own; every later write of them names that token, so once
 * another node has ended an answer (its lease ran out), this process's writes of it change nothing. The embedded and
 * PostgreSQL deployments share the JDBC implementation.
 */
interface CompletionStore {

    /**
     * Records a new running completion of {@code user}, owned by this process on {@code node}, inside the caller's
     * transaction (the one that stores the question it answers), so that both are stored or neither.
     */
    void insert(UUID id, UUID conversationId, UUID requestMessageId, UUID messageId, String user, String node,
                Instant leaseUntil);

    /**
     * Writes the progress of many running completions of this process in one transaction, and renews their lease.
     * When the database refuses the batch, writes them one by one so that a row it refuses holds back only itself.
     *
     * @return the completions whose progress the database refused, with why, and those no longer this process's
     * @throws RuntimeException when nothing could be written (the database is unreachable)
     */
    Checkpoint checkpoint(Collection<Progress> batch, String node, Instant leaseUntil);

    /**
     * Writes a completion's final state, if it is still this process's running answer.
     *
     * @return false when it is not (another node ended it): nothing was written
     */
    boolean finish(FinalState state);

    /** Marks {@code interrupted} one running completion whose owner's lease ran out before {@code now}; whether it did. */
    boolean interruptIfExpired(UUID id, Instant now);


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
