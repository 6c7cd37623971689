package dev.mooring.protocol;

import java.util.List;

/**
 * The notebook context of a {@code chat} frame, as decoded: every field may be null. Outputs and error are text,
 * whether the client sent text or Jupyter's own output objects.
 */
public record ChatContext(String notebookPath, ActiveCell activeCell, String selection, List<Variable> variables) {

    /** The cell the user is looking at: its source, the text of each output, its error, its kind and count. */
    public record ActiveCell(String source, List<String> outputs, String error, String cellType,
                             Long executionCount) {
    }

    /** One variable of the kernel, as the client previews it. */
    public record Variable(String name, String type, String preview) {
    }
}
