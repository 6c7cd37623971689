package dev.mooring.api;

/** A failure with a protocol error code, thrown by services and turned into an {@code error} frame or a REST body. */
public class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final boolean retryable;

    public ApiException(ErrorCode code, String message) {
        this(code, message, false);
    }

    public ApiException(ErrorCode code, String message, boolean retryable) {
        super(message, null, false, false);
        this.code = code;
        this.retryable = retryable;
    }

    public ErrorCode code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }

    public static ApiException notFound(String what) {
        return new ApiException(ErrorCode.NOT_FOUND, what);
    }
}
