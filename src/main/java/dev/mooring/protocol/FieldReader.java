package dev.mooring.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.api.ErrorCode;

/** Reads the typed fields of one client frame; every error it raises is {@code bad_request} naming the frame's ref. */
final class FieldReader {

    private final String ref;

    FieldReader(String ref) {
        this.ref = ref;
    }

    String ref() {
        return ref;
    }

    FrameException bad(String message) {
        return new FrameException(ErrorCode.BAD_REQUEST, message, ref);
    }

    static boolean absent(JsonNode value) {
        return value == null || value.isNull();
    }

    String text(JsonNode value, String name) {
        if (value == null || !value.isTextual()) {
            throw bad("'" + name + "' must be a string");
        }
        return value.asText();
    }

    String optionalText(JsonNode value, String name) {
        return absent(value) ? null : text(value, name);
    }

    Long optionalInteger(JsonNode value, String name) {
        if (absent(value)) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw bad("'" + name + "' must be an integer");
        }
        return value.asLong();
    }

    /** The value if it is an object, null if absent. */
    JsonNode optionalObject(JsonNode value, String name) {
        if (absent(value)) {
            return null;
        }
        if (!value.isObject()) {
            throw bad("'" + name + "' must be an object");
        }
        return value;
    }

    /** The value if it is an array, null if absent. */
    JsonNode optionalArray(JsonNode value, String name) {
        if (absent(value)) {
            return null;
        }
        if (!value.isArray()) {
            throw bad("'" + name + "' must be a list");
        }
        return value;
    }
}
