package dev.mooring.conversation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.model.NotebookContext;
import org.jboss.logging.Logger;

/**
 * A question's notebook context in the {@code message.context} column, as JSON. Rows written before the context
 * was typed hold a cell's outputs as one string (often the JSON text of the list); they are read back as a list.
 */
final class StoredContext {

    private static final Logger LOG = Logger.getLogger(StoredContext.class);

    private final ObjectMapper mapper;

    StoredContext(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    String write(NotebookContext context) {
        if (context == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(context);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a notebook context", e);
        }
    }

    /** The context, or null when there is none or it cannot be read (logged: the question itself still shows). */
    NotebookContext read(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode tree = mapper.readTree(json);
            JsonNode cell = tree.path("activeCell");
            if (cell.isObject() && cell.path("outputs").isTextual()) {
                ((ObjectNode) cell).set("outputs", outputsOf(cell.path("outputs").asText()));
            }
            return mapper.treeToValue(tree, NotebookContext.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.warnf("a stored notebook context could not be read: %s", e.getMessage());
            return null;
        }
    }

    /** An old row's outputs: the JSON text of a list of strings, or one output's text. */
    private ArrayNode outputsOf(String text) {
        try {
            JsonNode list = mapper.readTree(text);
            boolean strings = list != null && list.isArray();
            for (JsonNode item : strings ? list : mapper.createArrayNode()) {
                strings &= item.isTextual();
            }
            if (strings) {
                return (ArrayNode) list;
            }
        } catch (JsonProcessingException notJson) {
            // plain output text
        }
        return mapper.createArrayNode().add(text);
    }
}
