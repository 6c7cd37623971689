package dev.mooring.cluster;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * What happens to a conversation on one node, told to the others: a question asked in it (so that the connections
 * following it there hear of it and follow its answer) and its deletion. Best effort: an event lost while the engine
 * is unreachable leaves a follower elsewhere to see it in the history. {@link #NONE} on a single node (no Redis).
 */
public interface ConversationEvents {

    /** No other nodes to tell. */
    ConversationEvents NONE = new ConversationEvents() {
    };

    /** Tells the other nodes; never blocks, and drops the event when the engine is unreachable. */
    default void publish(ConversationEvent event) {
    }

    /** What this node does with another node's event (never its own), on the engine's reader thread. */
    default void onEvent(Consumer<ConversationEvent> listener) {
    }

    /**
     * One event: {@code kind} {@code asked} (with the answer's {@code completionId}) or {@code deleted}, and the frame
     * to send to the conversation's followers as it was encoded on the node where it happened.
     */
    record ConversationEvent(UUID conversationId, String kind, UUID completionId, String frame) {
    }
}
