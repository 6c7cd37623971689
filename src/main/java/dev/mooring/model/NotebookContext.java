package dev.mooring.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What the client tells about the notebook with a question: path, active cell, selection, variables. Stored with
 * the question and shown again over REST in this shape; every field may be null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotebookContext(String notebookPath, ActiveCell activeCell, String selection, List<Variable> variables) {

    /** The cell the user is looking at: its source, the text of each output, its error, its kind and count. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ActiveCell(String source, List<String> outputs, String error, String cellType,
                             Long executionCount) {

        public ActiveCell(String source, List<String> outputs, String error) {
            this(source, outputs, error, null, null);
        }
    }

    /** One variable of the kernel, as the client previews it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Variable(String name, String type, String preview) {
    }
}
