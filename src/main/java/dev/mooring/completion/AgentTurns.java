package dev.mooring.completion;

import dev.mooring.model.AgentStep;
import dev.mooring.model.ModelRequest;
import dev.mooring.model.ToolCall;
import dev.mooring.model.ToolResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps of one agent answer so far: each model turn that called tools, with its text, its calls and their
 * results; and the request the next turn is sent (the question's, with these steps). Guarded by its run's monitor.
 */
final class AgentTurns {

    private final ModelRequest request;
    private final List<String> texts = new ArrayList<>();
    private final List<List<ToolCall>> calls = new ArrayList<>();
    private final Map<String, ToolResult> results = new LinkedHashMap<>();

    AgentTurns(ModelRequest request) {
        this.request = request;
    }

    /** How many turns called tools. */
    int count() {
        return calls.size();
    }

    /** A turn that wrote {@code text} begins to call tools. */
    void startTurn(String text) {
        texts.add(text);
        calls.add(new ArrayList<>());
    }

    /** A call of the turn begun last. */
    void addCall(ToolCall call) {
        calls.get(calls.size() - 1).add(call);
    }

    void answered(ToolResult result) {
        results.put(result.callId(), result);
    }

    /** The call {@code callId} of any turn, or null. */
    ToolCall call(String callId) {
        for (List<ToolCall> turn : calls) {
            for (ToolCall call : turn) {
                if (call.id().equals(callId)) {
                    return call;
                }
            }
        }
        return null;
    }

    boolean hasResult(String callId) {
        return results.containsKey(callId);
    }

    /** Whether every call of the last turn has its result, once {@code callId} has one too. */
    boolean lastTurnAnsweredWith(String callId) {
        List<ToolCall> last = calls.isEmpty() ? List.of() : calls.get(calls.size() - 1);
        return last.stream().allMatch(call -> call.id().equals(callId) || results.containsKey(call.id()));
    }

    /** The request of the next model turn: the question's, with every step so far. */
    ModelRequest next() {
        List<AgentStep> steps = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            List<ToolResult> answered = calls.get(i).stream().map(call -> results.get(call.id()))
                    .filter(result -> result != null).toList();
            steps.add(new AgentStep(texts.get(i), calls.get(i), answered));
        }
        return request.withSteps(steps);
    }
}
