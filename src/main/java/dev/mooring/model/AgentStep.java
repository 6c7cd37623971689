package dev.mooring.model;

import java.util.List;

/**
 * One model turn of an agent run that asked for tools: the text it wrote, the calls it made (in order) and the
 * results they got so far. The next turn is sent every step.
 */
public record AgentStep(String text, List<ToolCall> calls, List<ToolResult> results) {

    public AgentStep {
        calls = List.copyOf(calls);
        results = List.copyOf(results);
    }

    /** The result of {@code call}, or null while it waits. */
    public ToolResult resultOf(ToolCall call) {
        for (ToolResult result : results) {
            if (result.callId().equals(call.id())) {
                return result;
            }
        }
        return null;
    }
}
