package dev.mooring.completion;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Durable state of agent answers: the request each continues from, its tool calls and results (the
 * {@code completion_event} table) and its wait for the notebook. Beside {@link CompletionStore}, which keeps the
 * text and the status of every answer.
 */
interface AgentStore {

    /** What storing a tool result did. */
    enum ResultStored { STORED, DUPLICATE, ENDED }

    /** Records the request of a new agent answer, inside the caller's transaction (the one that inserts it). */
    void recordRequest(UUID id, String requestJson);

    /** The request an agent answer continues from, or null for another answer. */
    String request(UUID id);

    /**
     * A model turn ended with tool calls: stores its progress (the whole text so far, from seq 1, in place of its
     * checkpointed segments) and the calls, and makes the answer {@code waiting} (owned by no node). Nothing is
     * written when the answer is no longer running (it ended meanwhile).
     *
     * @return whether the answer now waits
     */
    boolean pause(Progress progress, List<ToolEvent> calls, Instant now);

    /**
     * Stores a tool result while the answer waits. With {@code node}, the answer runs again, on that node with a
     * lease until {@code leaseUntil} (its last result: the next model turn starts), in the same transaction.
     *
     * @return {@code DUPLICATE} when the call had its result, {@code ENDED} when the answer no longer waits
     */
    ResultStored addResult(ToolEvent result, String node, Instant leaseUntil);

    /** Every tool event of an answer, in seq order. */
    List<ToolEvent> events(UUID id);

    /** When a waiting answer began to wait, or null. */
    Instant waitingSince(UUID id);

    /** The answers that have waited since before {@code before}. */
    List<UUID> waitingBefore(Instant before);
}
