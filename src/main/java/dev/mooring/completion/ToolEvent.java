package dev.mooring.completion;

import dev.mooring.model.ToolCall;
import dev.mooring.model.ToolResult;

import java.util.UUID;

/**
 * An event of an agent answer's seq stream besides its chunks: a tool call the model made, or the result stored for
 * one. Exactly one of {@code call} and {@code result} is set.
 */
public record ToolEvent(UUID completionId, long seq, ToolCall call, ToolResult result) {

    static ToolEvent call(UUID completionId, long seq, ToolCall call) {
        return new ToolEvent(completionId, seq, call, null);
    }

    static ToolEvent result(UUID completionId, long seq, ToolResult result) {
        return new ToolEvent(completionId, seq, null, result);
    }

    /** The call this event is about. */
    public String callId() {
        return call != null ? call.id() : result.callId();
    }
}
