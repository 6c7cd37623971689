package dev.mooring.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;

/**
 * Everything a model call needs: earlier turns (oldest first), the user's text, the notebook context (may be null),
 * the mode ({@code chat}, {@code explain}, {@code debug} or {@code agent}) and, in agent mode, the steps taken so far
 * in this answer (each a model turn with its tool calls and their results).
 */
public record ModelRequest(List<HistoryTurn> history, String userText, NotebookContext context, String mode,
                           List<AgentStep> steps) {

    /** The mode in which the model may call the notebook's tools. */
    public static final String AGENT = "agent";

    public ModelRequest {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    public ModelRequest(List<HistoryTurn> history, String userText, NotebookContext context, String mode) {
        this(history, userText, context, mode, List.of());
    }

    /** Whether the model may call tools. */
    @JsonIgnore
    public boolean agent() {
        return AGENT.equals(mode);
    }

    /** The same request at a later point of its agent run. */
    public ModelRequest withSteps(List<AgentStep> next) {
        return new ModelRequest(history, userText, context, mode, next);
    }
}
