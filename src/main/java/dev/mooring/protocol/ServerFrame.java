package dev.mooring.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.api.ErrorCode;

/** A frame the service sends. Chunks, the hot path, are written by {@link FrameCodec#chunk} without this type. */
@JsonPropertyOrder({"type"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ServerFrame {

    @JsonProperty("type")
    String type();

    /**
     * Sent at once when a connection opens; {@code maxFrameBytes} is the largest client frame served, {@code node}
     * names the service instance that answers.
     */
    record Welcome(int protocol, String connectionId, long heartbeatIntervalMs, long heartbeatTimeoutMs,
                   Model model, int maxFrameBytes, String node) implements ServerFrame {
        public String type() {
            return "welcome";
        }
    }

    /** The chat frame was stored; {@code duplicate} when its clientMessageId was seen before. */
    record Accepted(String clientMessageId, String conversationId, String messageId, String completionId,
                    boolean duplicate) implements ServerFrame {
        public String type() {
            return "accepted";
        }
    }

    /** A completion ended; no chunk of it follows. */
    record Done(String completionId, String status, long lastSeq, String messageId, ErrorBody error)
            implements ServerFrame {
        public String type() {
            return "done";
        }
    }

    /** A request failed; the connection stays open. */
    record Error(ErrorCode code, String message, boolean retryable, String ref) implements ServerFrame {
        public String type() {
            return "error";
        }
    }

    /** Server heartbeat. */
    record Ping(long t) implements ServerFrame {
        public String type() {
            return "ping";
        }
    }

    /** The answer to a client ping, echoing its {@code t}. */
    record Pong(JsonNode t) implements ServerFrame {
        public String type() {
            return "pong";
        }
    }

    /** Which model answers, inside {@code welcome}. */
    record Model(String provider, String name, boolean demo) {
    }

    /** The error of a failed completion, inside {@code done}. */
    record ErrorBody(ErrorCode code, String message, boolean retryable) {
    }
}
