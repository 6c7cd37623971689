package dev.mooring.cluster;

import java.util.Collection;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The live path of running answers between nodes: the node that runs an answer appends its chunks, any other node
 * follows them, and a node can be asked to cancel what it runs. Only a copy: the database holds the truth, and a
 * follower fills from it whatever the relay lost. {@link #NONE} on a single node (no Redis).
 */
public interface AnswerRelay {

    /** No relay: followers on other nodes read the database alone. */
    AnswerRelay NONE = new AnswerRelay() {
    };

    /** Whether chunks travel between nodes at all. */
    default boolean live() {
        return false;
    }

    /** Appends chunk {@code seq} of answer {@code id}; never blocks, and drops it when the relay is unreachable. */
    default void append(UUID id, long seq, String delta) {
    }

    /**
     * Entry {@code seq} of answer {@code id} is a tool event (agent mode), stored before it is appended: followers
     * read it from the database. Never blocks, like {@link #append}.
     */
    default void appendEvent(UUID id, long seq) {
    }

    /**
     * Answer {@code id} ended at {@code lastSeq} with {@code status} (its label), its final state stored: followers read
     * it from the database, or take it as relayed once the database no longer has the answer (it was deleted).
     */
    default void ended(UUID id, long lastSeq, String status) {
    }

    /**
     * Follows answer {@code id} after {@code afterSeq}: the listener hears each entry, on the relay's reader thread,
     * in order; {@link RelayListener#broken} when entries may have been lost. Close the handle to stop.
     */
    default AutoCloseable follow(UUID id, long afterSeq, RelayListener listener) {
        return () -> { };
    }

    /** Asks {@code node} to cancel answer {@code id}, which it runs. */
    default void cancel(String node, UUID id) {
    }

    /** What this node does when another asks it to cancel an answer it runs. */
    default void onCancel(Consumer<UUID> handler) {
    }

    /** Keeps the streams of answers this node runs from expiring (a dead node's expire on their own). */
    default void keepAlive(Collection<UUID> running) {
    }

    /** What a follower hears of one answer. */
    interface RelayListener {
        /** The next chunk; seqs increase, but may jump where the relay lost entries. */
        void chunk(long seq, String delta);

        /** Entry {@code seq} is a tool event, to read from the database. */
        default void event(long seq) {
        }

        /** The answer ended at {@code lastSeq} with {@code status} (null if the owner did not say): it is stored. */
        void ended(long lastSeq, String status);

        /** The relay's connection failed: entries may be missing until it is back. */
        void broken();
    }
}
