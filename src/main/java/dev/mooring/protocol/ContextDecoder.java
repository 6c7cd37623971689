package dev.mooring.protocol;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a {@code chat} frame's notebook context into {@link ChatContext}. An output is a string, as the panel
 * sends it, or one of Jupyter's output objects (stream text, {@code text/plain} data, an error), read as its text;
 * an error is a string or Jupyter's error object. Any other shape is {@code bad_request}.
 */
final class ContextDecoder {

    private ContextDecoder() {
    }

    static ChatContext decode(JsonNode value, FieldReader read) {
        JsonNode context = read.optionalObject(value, "context");
        if (context == null) {
            return null;
        }
        return new ChatContext(read.optionalText(context.get("notebookPath"), "context.notebookPath"),
                activeCell(context.get("activeCell"), read),
                read.optionalText(context.get("selection"), "context.selection"),
                variables(context.get("variables"), read));
    }

    private static ChatContext.ActiveCell activeCell(JsonNode value, FieldReader read) {
        JsonNode cell = read.optionalObject(value, "context.activeCell");
        if (cell == null) {
            return null;
        }
        return new ChatContext.ActiveCell(read.optionalText(cell.get("source"), "context.activeCell.source"),
                outputs(cell.get("outputs"), read), error(cell.get("error"), read),
                read.optionalText(cell.get("cellType"), "context.activeCell.cellType"),
                read.optionalInteger(cell.get("executionCount"), "context.activeCell.executionCount"));
    }

    private static List<String> outputs(JsonNode value, FieldReader read) {
        JsonNode outputs = read.optionalArray(value, "context.activeCell.outputs");
        if (outputs == null) {
            return null;
        }
        List<String> texts = new ArrayList<>(outputs.size());
        for (JsonNode output : outputs) {
            if (output.isTextual()) {
                texts.add(output.asText());
            } else if (output.isObject()) {
                texts.add(jupyterOutputText(output, read));
            } else {
                throw read.bad("each of 'context.activeCell.outputs' must be a string or a Jupyter output");
            }
        }
        return texts;
    }

    /** The readable text of a Jupyter output: stream text, text/plain data, or an error's name and value. */
    private static String jupyterOutputText(JsonNode output, FieldReader read) {
        JsonNode data = output.path("data");
        for (JsonNode text : new JsonNode[] {output.get("text"), output.get("text/plain"), data.get("text/plain")}) {
            if (!FieldReader.absent(text)) {
                return multiline(text, read);
            }
        }
        return output.has("ename") ? errorHead(output, read) : "";
    }

    private static String error(JsonNode value, FieldReader read) {
        if (FieldReader.absent(value) || value.isTextual()) {
            return read.optionalText(value, "context.activeCell.error");
        }
        if (!value.isObject()) {
            throw read.bad("'context.activeCell.error' must be a string or a Jupyter error");
        }
        JsonNode traceback = read.optionalArray(value.get("traceback"), "context.activeCell.error.traceback");
        StringBuilder text = new StringBuilder(errorHead(value, read));
        if (traceback != null) {
            for (JsonNode line : traceback) {
                text.append('\n').append(read.text(line, "context.activeCell.error.traceback[]"));
            }
        }
        return text.toString();
    }

    private static String errorHead(JsonNode error, FieldReader read) {
        String name = read.optionalText(error.get("ename"), "ename");
        String value = read.optionalText(error.get("evalue"), "evalue");
        return ((name == null ? "Error" : name) + ": " + (value == null ? "" : value)).strip();
    }

    /** Jupyter's multi-line strings: one string, or a list of lines to join. */
    private static String multiline(JsonNode value, FieldReader read) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (!value.isArray()) {
            throw read.bad("a Jupyter output's text must be a string or a list of strings");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode line : value) {
            text.append(read.text(line, "a Jupyter output's text"));
        }
        return text.toString();
    }

    private static List<ChatContext.Variable> variables(JsonNode value, FieldReader read) {
        JsonNode variables = read.optionalArray(value, "context.variables");
        if (variables == null) {
            return null;
        }
        List<ChatContext.Variable> decoded = new ArrayList<>(variables.size());
        for (JsonNode variable : variables) {
            if (!variable.isObject()) {
                throw read.bad("each of 'context.variables' must be an object");
            }
            decoded.add(new ChatContext.Variable(read.text(variable.get("name"), "context.variables[].name"),
                    read.optionalText(variable.get("type"), "context.variables[].type"),
                    read.optionalText(variable.get("preview"), "context.variables[].preview")));
        }
        return decoded;
    }
}
