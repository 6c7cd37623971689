package dev.mooring.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.api.Ids;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The one codec of the wire: checks and decodes client frames into typed records, encodes server frames. */
@ApplicationScoped
public class FrameCodec {

    private static final int MAX_ID_LENGTH = 100;
    /** How far a refused frame is scanned for its ref. */
    static final int REF_SCAN_CHARS = 512;
    /** The fields that name what a frame is about, the one that names it best first. */
    private static final List<String> REF_FIELDS = List.of("clientMessageId", "callId", "completionId",
            "conversationId");
    /** The largest integer a JavaScript client holds exactly (2^53 - 1). */
    private static final long MAX_SEQ = 9_007_199_254_740_991L;
    private static final Set<String> MODES = Set.of("chat", "explain", "debug", "agent");

    private final ObjectMapper mapper;

    public FrameCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Decodes one text frame; every problem is a {@link FrameException} naming what is wrong and the frame's ref. */
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
        FieldReader read = new FieldReader(refOf(node));
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw read.bad("a frame needs a string field 'type'");
        }
        return switch (type.asText()) {
            case "chat" -> chat(node, read);
            case "resume" -> new ClientFrame.Resume(id(node, "completionId", "completion", read), afterSeq(node, read));
            case "cancel" -> new ClientFrame.Cancel(id(node, "completionId", "completion", read));
            case "tool_result" -> toolResult(node, read);
            case "follow" -> new ClientFrame.Follow(id(node, "conversationId", "conversation", read));
            case "unfollow" -> new ClientFrame.Unfollow(id(node, "conversationId", "conversation", read));
            case "ping" -> new ClientFrame.Ping(number(node.get("t"), read));
            case "pong" -> new ClientFrame.Pong(number(node.get("t"), read));
            default -> throw read.bad("unknown frame type '" + Ids.shortened(type.asText()) + "'");
        };
    }

    /**
     * The ref of a frame refused before it is read (too large, over budget): its {@code clientMessageId} or
     * {@code completionId} if one stands among the top-level fields within its first {@value #REF_SCAN_CHARS}
     * characters, else null. Nothing after them is looked at.
     */
    public String refOf(String text) {
        String head = text.length() <= REF_SCAN_CHARS ? text : text.substring(0, REF_SCAN_CHARS);
        String[] found = new String[REF_FIELDS.size()];
        try (JsonParser fields = mapper.getFactory().createParser(head)) {
            if (fields.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (fields.nextToken() == JsonToken.FIELD_NAME) {
                int rank = REF_FIELDS.indexOf(fields.currentName());
                if (fields.nextToken() == JsonToken.VALUE_STRING && rank >= 0) {
                    found[rank] = fields.getText();
                }
                fields.skipChildren();
            }
        } catch (IOException endOfTheHead) {
            // the rest is not among the first characters
        }
        for (String ref : found) {
            if (ref != null) {
                return Ids.shortened(ref);
            }
        }
        return null;
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

    /** The one ref extractor: the id a frame names, as sent (cut to a readable length), whatever else is wrong. */
    private static String refOf(JsonNode node) {
        for (String field : REF_FIELDS) {
            JsonNode value = node.get(field);
            if (value != null && value.isTextual()) {
                return Ids.shortened(value.asText());
            }
        }
        return null;
    }

    private static ClientFrame.Chat chat(JsonNode node, FieldReader read) {
        String clientMessageId = read.text(node.get("clientMessageId"), "clientMessageId");
        if (clientMessageId.isBlank() || clientMessageId.length() > MAX_ID_LENGTH || !printable(clientMessageId)) {
            throw read.bad("'clientMessageId' must be a non-blank string of at most " + MAX_ID_LENGTH
                    + " printable characters");
        }
        UUID conversationId = FieldReader.absent(node.get("conversationId")) ? null
                : id(node, "conversationId", "conversation", read);
        String text = read.text(node.get("text"), "text");
        if (text.isBlank()) {
            throw read.bad("'text' must not be blank");
        }
        JsonNode modeValue = node.get("mode");
        String mode = FieldReader.absent(modeValue) ? "chat" : modeValue.isTextual() ? modeValue.asText() : "";
        if (!MODES.contains(mode)) {
            throw read.bad("'mode' must be one of chat, explain, debug, agent");
        }
        return new ClientFrame.Chat(clientMessageId, conversationId, text,
                ContextDecoder.decode(node.get("context"), read), mode);
    }

    private static ClientFrame.ToolResult toolResult(JsonNode node, FieldReader read) {
        UUID completionId = id(node, "completionId", "completion", read);
        UUID callId = id(node, "callId", "tool call", read);
        String output = read.text(node.get("output"), "output");
        JsonNode error = node.get("isError");
        if (!FieldReader.absent(error) && !error.isBoolean()) {
            throw read.bad("'isError' must be true or false");
        }
        return new ClientFrame.ToolResult(completionId, callId, output, error != null && error.asBoolean());
    }

    /** A UUID field; a value that is not a UUID names nothing, so it is not_found by the one id rule. */
    private static UUID id(JsonNode node, String field, String what, FieldReader read) {
        String value = read.text(node.get(field), field);
        try {
            return Ids.parse(value, what);
        } catch (ApiException e) {
            throw new FrameException(e.code(), e.getMessage(), read.ref());
        }
    }

    private static long afterSeq(JsonNode node, FieldReader read) {
        JsonNode value = node.get("afterSeq");
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0
                || value.asLong() > MAX_SEQ) {
            throw read.bad("'afterSeq' must be an integer from 0 to 2^53 - 1");
        }
        return value.asLong();
    }

    /** No control character and no half of a surrogate pair: an id is printed, compared and stored as it is. */
    private static boolean printable(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode number(JsonNode value, FieldReader read) {
        if (FieldReader.absent(value)) {
            return null;
        }
        if (!value.isNumber()) {
            throw read.bad("'t' must be a number");
        }
        return value;
    }
}
