package dev.mooring.model;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;

import java.util.List;
import java.util.Set;

/**
 * The tools an agent-mode model may call. They act on the user's open notebook and run in the browser, where the
 * notebook lives: the service only relays the call and the result. Which of them change the notebook or run code
 * (and so wait for the user's approval unless allowed) is the panel's rule; the names are the contract.
 */
public final class NotebookTools {

    public static final String READ_NOTEBOOK = "read_notebook";
    public static final String INSERT_CELL = "insert_cell";
    public static final String REPLACE_CELL = "replace_cell";
    public static final String RUN_CELL = "run_cell";
    public static final String ASK_USER = "ask_user";

    public static final Set<String> NAMES = Set.of(READ_NOTEBOOK, INSERT_CELL, REPLACE_CELL, RUN_CELL, ASK_USER);

    public static final List<ToolSpecification> SPECIFICATIONS = List.of(
            ToolSpecification.builder().name(READ_NOTEBOOK)
                    .description("Read the open notebook: for every cell its id, index, type, source, outputs and "
                            + "error. Call it before changing cells you have not seen.")
                    .parameters(JsonObjectSchema.builder().build())
                    .build(),
            ToolSpecification.builder().name(INSERT_CELL)
                    .description("Insert a new cell into the notebook. Answers the new cell's id and index.")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("source", "the cell's whole source")
                            .addEnumProperty("cell_type", List.of("code", "markdown"), "code (the default) or markdown")
                            .addIntegerProperty("index", "0-based position of the new cell; absent: after the last")
                            .required("source")
                            .build())
                    .build(),
            ToolSpecification.builder().name(REPLACE_CELL)
                    .description("Replace the whole source of a cell (its outputs are cleared).")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("cell_id", "the cell's id, as read_notebook or insert_cell gave it")
                            .addStringProperty("source", "the cell's new source")
                            .required("cell_id", "source")
                            .build())
                    .build(),
            ToolSpecification.builder().name(RUN_CELL)
                    .description("Run a code cell in the notebook's kernel and answer its outputs and error.")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("cell_id", "the cell's id")
                            .required("cell_id")
                            .build())
                    .build(),
            ToolSpecification.builder().name(ASK_USER)
                    .description("Ask the user a question and wait for the answer; only when you cannot go on "
                            + "without it.")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("question", "the question, in one or two sentences")
                            .required("question")
                            .build())
                    .build());

    private NotebookTools() {
    }
}
