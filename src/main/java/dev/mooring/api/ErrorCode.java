package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonValue;

/** The typed error codes of the protocol, on the socket and in REST bodies alike. */
public enum ErrorCode {
    BAD_REQUEST("bad_request"),
    NOT_FOUND("not_found"),
    TOO_LARGE("too_large"),
    RATE_LIMITED("rate_limited"),
    MODEL_ERROR("model_error"),
    TOOL_TIMEOUT("tool_timeout"),
    UNAVAILABLE("unavailable"),
    INTERNAL("internal"),
    UNAUTHORIZED("unauthorized"),
    FORBIDDEN("forbidden");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
