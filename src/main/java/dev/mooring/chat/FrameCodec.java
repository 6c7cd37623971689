package dev.mooring.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.api.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The one codec of the wire: checks and decodes client frames, encodes server frames. */
@ApplicationScoped
public class FrameCodec {

    private static final int MAX_ID_LENGTH = 100;

    private final ObjectMapper mapper;

    public FrameCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Decodes one text frame; every problem is a {@link FrameException} naming what is wrong. */
    public ClientFrame decode(String text) {
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "the frame is not valid JSON", null);
        }
        if (node == null || !node.isObject()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "a frame must be a JSON object", null);
        }
        String ref = textOrNull(node, "clientMessageId");
        if (ref == null) {
            ref = textOrNull(node, "completionId");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "a frame needs a string field 'type'", ref);
        }
        return switch (type.asText()) {
            case "chat" -> chat(node, ref);
            case "resume" -> new ClientFrame.Resume(uuid(node, "completionId", ref), afterSeq(node, ref));
            case "cancel" -> new ClientFrame.Cancel(uuid(node, "completionId", ref));
            case "ping" -> new ClientFrame.Ping(number(node, "t", ref));
            case "pong" -> new ClientFrame.Pong(number(node, "t", ref));
            default -> throw new FrameException(ErrorCode.BAD_REQUEST,
                    "unknown frame type '" + abbreviate(type.asText()) + "'", ref);
        };
    }

    /** The {@code clientMessageId} or {@code completionId} a frame names, if it can be read at all. */
    public String refOf(String text) {
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || !node.isObject()) {
                return null;
            }
            String ref = textOrNull(node, "clientMessageId");
            return ref != null ? ref : textOrNull(node, "completionId");
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Encodes any server frame but chunks. */
    public String encode(ServerFrame frame) {
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + frame.type(), e);
        }
    }

    /** Encodes a chunk frame by hand: it is written once per model delta and shared by every subscriber. */
    public static String chunk(String completionId, long seq, String delta) {
        StringBuilder out = new StringBuilder(64 + completionId.length() + delta.length() + (delta.length() >> 3));
        out.append("{\"type\":\"chunk\",\"completionId\":\"").append(completionId)
                .append("\",\"seq\":").append(seq).append(",\"delta\":");
        JsonText.appendQuoted(out, delta);
        return out.append('}').toString();
    }

    private ClientFrame.Chat chat(JsonNode node, String ref) {
        String clientMessageId = requiredText(node, "clientMessageId", ref);
        if (clientMessageId.isBlank() || clientMessageId.length() > MAX_ID_LENGTH) {
            throw new FrameException(ErrorCode.BAD_REQUEST,
                    "'clientMessageId' must be a non-blank string of at most " + MAX_ID_LENGTH + " characters", ref);
        }
        String conversationId = null;
        JsonNode conversation = node.get("conversationId");
        if (conversation != null && !conversation.isNull()) {
            conversationId = uuid(node, "conversationId", ref);
        }
        String text = requiredText(node, "text", ref);
        if (text.isBlank()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "'text' must not be blank", ref);
        }
        String mode = "chat";
        JsonNode modeNode = node.get("mode");
        if (modeNode != null && !modeNode.isNull()) {
            mode = modeNode.isTextual() ? modeNode.asText() : "";
            if (!mode.equals("chat") && !mode.equals("explain") && !mode.equals("debug")) {
                throw new FrameException(ErrorCode.BAD_REQUEST, "'mode' must be one of chat, explain, debug", ref);
            }
        }
        return new ClientFrame.Chat(clientMessageId, conversationId, text, context(node.get("context"), ref), mode);
    }

    private static NotebookContext context(JsonNode node, String ref) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "'context' must be an object", ref);
        }
        NotebookContext.ActiveCell cell = null;
        JsonNode activeCell = node.get("activeCell");
        if (activeCell != null && !activeCell.isNull()) {
            if (!activeCell.isObject()) {
                throw new FrameException(ErrorCode.BAD_REQUEST, "'context.activeCell' must be an object", ref);
            }
            JsonNode outputs = activeCell.get("outputs");
            cell = new NotebookContext.ActiveCell(loose(activeCell.get("source")),
                    outputs == null || outputs.isNull() ? null : outputs.isTextual() ? outputs.asText() : outputs.toString(),
                    loose(activeCell.get("error")));
        }
        List<NotebookContext.Variable> variables = List.of();
        JsonNode vars = node.get("variables");
        if (vars != null && !vars.isNull()) {
            if (!vars.isArray()) {
                throw new FrameException(ErrorCode.BAD_REQUEST, "'context.variables' must be an array", ref);
            }
            variables = new ArrayList<>(vars.size());
            for (JsonNode v : vars) {
                if (!v.isObject()) {
                    throw new FrameException(ErrorCode.BAD_REQUEST, "each of 'context.variables' must be an object", ref);
                }
                variables.add(new NotebookContext.Variable(loose(v.get("name")), loose(v.get("type")), loose(v.get("preview"))));
            }
        }
        return new NotebookContext(loose(node.get("notebookPath")), cell, loose(node.get("selection")), variables);
    }

    /** Text of a field that may be a string or any JSON value (rendered as JSON); null when absent. */
    private static String loose(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static String requiredText(JsonNode node, String field, String ref) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "'" + field + "' must be a string", ref);
        }
        return value.asText();
    }

    private static String uuid(JsonNode node, String field, String ref) {
        String value = requiredText(node, field, ref);
        try {
            return UUID.fromString(value).toString();
        } catch (IllegalArgumentException e) {
            throw new FrameException(ErrorCode.NOT_FOUND, "no " + field.replace("Id", "") + " has the id '"
                    + abbreviate(value) + "'", ref);
        }
    }

    private static long afterSeq(JsonNode node, String ref) {
        JsonNode value = node.get("afterSeq");
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "'afterSeq' must be an integer >= 0", ref);
        }
        return value.asLong();
    }

    private static JsonNode number(JsonNode node, String field, String ref) {
        JsonNode value = node.get(field);
        if (value != null && !value.isNull() && !value.isNumber()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "'" + field + "' must be a number", ref);
        }
        return value == null || value.isNull() ? null : value;
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? abbreviate(value.asText()) : null;
    }

    private static String abbreviate(String s) {
        return s.length() <= MAX_ID_LENGTH ? s : s.substring(0, MAX_ID_LENGTH) + "…";
    }
}
