package dev.mooring.protocol;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;

/** A client frame that cannot be decoded, with the id it concerned (if the frame named one). */
public final class FrameException extends ApiException {

    private final String ref;

    public FrameException(ErrorCode code, String message, String ref) {
        super(code, message);
        this.ref = ref;
    }

    public String ref() {
        return ref;
    }
}
