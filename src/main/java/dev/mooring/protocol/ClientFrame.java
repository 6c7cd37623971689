package dev.mooring.protocol;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.UUID;

/** A frame a client sends, decoded and checked by {@link FrameCodec}. */
public sealed interface ClientFrame {

    /** The {@code clientMessageId} or {@code completionId} this frame concerns, named in the errors it gets. */
    default String ref() {
        return null;
    }

    /** A user message; starts one completion. {@code conversationId} null starts a new conversation. */
    record Chat(String clientMessageId, UUID conversationId, String text, ChatContext context, String mode)
            implements ClientFrame {
        @Override
        public String ref() {
            return clientMessageId;
        }
    }

    /** Replay every chunk with seq above {@code afterSeq}, then follow live. */
    record Resume(UUID completionId, long afterSeq) implements ClientFrame {
        @Override
        public String ref() {
            return completionId.toString();
        }
    }

    /** Stop generating. */
    record Cancel(UUID completionId) implements ClientFrame {
        @Override
        public String ref() {
            return completionId.toString();
        }
    }

    /**
     * The notebook's answer to the tool call {@code callId} of a completion; accepted once per call, on any
     * connection. {@code error}: the tool failed or the user declined it.
     */
    record ToolResult(UUID completionId, UUID callId, String output, boolean error) implements ClientFrame {
        @Override
        public String ref() {
            return callId.toString();
        }
    }

    /** Hear of every new question and answer of a conversation, from any connection, until unfollowed. */
    record Follow(UUID conversationId) implements ClientFrame {
        @Override
        public String ref() {
            return conversationId.toString();
        }
    }

    /** Stop following a conversation. */
    record Unfollow(UUID conversationId) implements ClientFrame {
        @Override
        public String ref() {
            return conversationId.toString();
        }
    }

    /** A client heartbeat; answered with a pong carrying the same {@code t}. */
    record Ping(JsonNode t) implements ClientFrame {
    }

    /** The answer to a server ping. */
    record Pong(JsonNode t) implements ClientFrame {
    }
}
