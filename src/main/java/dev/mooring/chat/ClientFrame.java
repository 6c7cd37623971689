package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;

/** A frame a client sends, decoded and checked by {@link FrameCodec}. */
public sealed interface ClientFrame {

    /** A user message; starts one completion. {@code conversationId} null starts a new conversation. */
    record Chat(String clientMessageId, String conversationId, String text, NotebookContext context, String mode)
            implements ClientFrame {
    }

    /** Replay every chunk with seq above {@code afterSeq}, then follow live. */
    record Resume(String completionId, long afterSeq) implements ClientFrame {
    }

    /** Stop generating. */
    record Cancel(String completionId) implements ClientFrame {
    }

    /** A client heartbeat; answered with a pong carrying the same {@code t}. */
    record Ping(JsonNode t) implements ClientFrame {
    }

    /** The answer to a server ping. */
    record Pong(JsonNode t) implements ClientFrame {
    }
}
