package dev.mooring.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline demo model's agent run, the same short script whatever is asked: read the notebook, insert a cell
 * that forgets an import, run it, and when it fails, fix the cell and run it again; then a summary. Each turn is
 * computed from the tool results so far, so a run that is resumed, reloaded or restarted continues where it was.
 */
final class DemoAgentScript {

    static final String CELL = "radii = [1.0, 2.5, 4.0]\n"
            + "areas = [round(math.pi * r ** 2, 2) for r in radii]\n"
            + "print(areas)";
    static final String FIXED_CELL = "import math\n\n" + CELL;

    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoAgentScript() {
    }

    /** The prompt of an agent-mode demo call: the question, then every step so far. */
    static List<ChatMessage> prompt(ModelRequest request) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(UserMessage.from(request.userText() == null ? "" : request.userText()));
        messages.addAll(AgentMessages.of(request.steps()));
        return messages;
    }

    /** The next turn: text and tool calls, or a final text, after the steps in {@code messages}. */
    static AiMessage next(List<ChatMessage> messages) {
        String question = "";
        List<String> called = new ArrayList<>();
        ToolExecutionResultMessage last = null;
        String cellId = null;
        int cells = -1;
        for (ChatMessage message : messages) {
            if (message instanceof UserMessage user && user.hasSingleText()) {
                question = user.singleText();
            } else if (message instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                ai.toolExecutionRequests().forEach(r -> called.add(r.name()));
            } else if (message instanceof ToolExecutionResultMessage result) {
                last = result;
                JsonNode json = parse(result.text());
                if (NotebookTools.READ_NOTEBOOK.equals(result.toolName()) && json.path("cells").isArray()) {
                    cells = json.path("cells").size();
                }
                if (NotebookTools.INSERT_CELL.equals(result.toolName()) && json.path("cell_id").isTextual()) {
                    cellId = json.path("cell_id").asText();
                }
            }
        }
        if (last != null && Boolean.TRUE.equals(last.isError()) && !runFailed(last)) {
            return AiMessage.from("The notebook answered `" + last.toolName() + "` with an error: "
                    + oneLine(last.text()) + ". I stopped there.");
        }
        return switch (called.size()) {
            case 0 -> turn("*Offline demo agent: no AI provider was called. It plays one short script whatever you "
                    + "ask.* You asked: \"" + oneLine(question) + "\". First I read the notebook.",
                    NotebookTools.READ_NOTEBOOK, "{}");
            case 1 -> turn("The notebook has " + (cells < 0 ? "some" : String.valueOf(cells)) + " cell"
                    + (cells == 1 ? "" : "s") + ". I add a cell that computes the areas of three circles.",
                    NotebookTools.INSERT_CELL, json("source", CELL, "cell_type", "code"));
            case 2 -> cellId == null ? AiMessage.from("I could not find the new cell, so I stopped.")
                    : turn("Now I run it.", NotebookTools.RUN_CELL, json("cell_id", cellId));
            case 3 -> runFailed(last)
                    ? turn("It failed: `" + oneLine(firstLine(last.text())) + "`. The cell uses `math` without "
                    + "importing it; I fix the cell.", NotebookTools.REPLACE_CELL,
                    json("cell_id", cellId, "source", FIXED_CELL))
                    : done(last, false);
            case 4 -> turn("Running the fixed cell.", NotebookTools.RUN_CELL, json("cell_id", cellId));
            default -> done(last, true);
        };
    }

    private static AiMessage done(ToolExecutionResultMessage run, boolean fixed) {
        if (runFailed(run)) {
            return AiMessage.from("The cell still fails: `" + oneLine(firstLine(run.text())) + "`. I stopped there.");
        }
        JsonNode outputs = parse(run.text()).path("outputs");
        String printed = outputs.isArray() && !outputs.isEmpty() ? outputs.get(0).asText().strip() : "";
        return AiMessage.from("Done. I added one cell" + (fixed ? ", fixed its missing import" : "")
                + " and ran it" + (printed.isEmpty() ? "." : "; it printed `" + oneLine(printed) + "`."));
    }

    private static boolean runFailed(ToolExecutionResultMessage result) {
        return result != null && NotebookTools.RUN_CELL.equals(result.toolName())
                && Boolean.TRUE.equals(result.isError()) && !result.text().contains("declined");
    }

    private static AiMessage turn(String text, String tool, String arguments) {
        return AiMessage.builder().text(text + "\n\n").toolExecutionRequests(List.of(ToolExecutionRequest.builder()
                .id("demo_" + tool).name(tool).arguments(arguments).build())).build();
    }

    private static String json(String... keysAndValues) {
        var object = JSON.createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            object.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return object.toString();
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = text == null ? null : JSON.readTree(text);
            return node == null ? JSON.missingNode() : node;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static String firstLine(String text) {
        JsonNode error = parse(text).path("error");
        String source = error.isTextual() ? error.asText() : text == null ? "" : text;
        int newline = source.indexOf('\n');
        return newline < 0 ? source : source.substring(0, newline);
    }

    private static String oneLine(String text) {
        String line = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }
}
