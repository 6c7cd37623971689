package dev.mooring.chat;

import java.util.List;

/** What the client tells about the notebook with a question: path, active cell, selection, variables. */
public record NotebookContext(String notebookPath, ActiveCell activeCell, String selection, List<Variable> variables) {

    /** The cell the user is looking at. {@code outputs} is text as the client rendered it. */
    public record ActiveCell(String source, Object outputs, String error) {
    }

    /** One variable of the kernel, as the client previews it. */
    public record Variable(String name, String type, String preview) {
    }
}
