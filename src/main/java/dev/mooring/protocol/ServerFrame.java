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

    /** The model called a notebook tool; an event of the completion's seq stream, replayed like a chunk. */
    record ToolCall(String completionId, long seq, String callId, String name, String arguments)
            implements ServerFrame {
        public String type() {
            return "tool_call";
        }
    }

    /** A tool call's result was stored; an event of the completion's seq stream, replayed like a chunk. */
    record ToolResult(String completionId, long seq, String callId, String output,
                      @JsonProperty("isError") boolean isError) implements ServerFrame {
        public String type() {
            return "tool_result";
        }
    }

    /** The answer to a {@code tool_result} frame: stored, or {@code duplicate} when the call had its result. */
    record ToolAccepted(String completionId, String callId, boolean duplicate) implements ServerFrame {
        public String type() {
            return "tool_accepted";
        }
    }

    /**
     * A question was asked in a followed conversation, on another connection; the completion that answers it is
     * followed from its first seq.
     */
    record Asked(String conversationId, String messageId, String answerMessageId, String completionId, String text,
                 String mode) implements ServerFrame {
        public String type() {
            return "asked";
        }
    }

    /** A followed conversation was deleted. */
    record Deleted(String conversationId) implements ServerFrame {
        public String type() {
            return "deleted";
        }
    }

    /** A request failed; the connection stays open. */
    record Error(ErrorCode code, String message, boolean retryable, String ref) implements ServerFrame {
        public String type() {
            return "error";
        }
    }

    /** The model changed (the panel's settings): it answers the next questions of every connection. */
    record ModelChanged(Model model) implements ServerFrame {
        public String type() {
            return "model";
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

    /** Which model answers, inside {@code welcome} and {@code model}. */
    record Model(String provider, String name, boolean demo) {
    }

    /** The error of a failed completion, inside {@code done}. */
    record ErrorBody(ErrorCode code, String message, boolean retryable) {
    }
}
