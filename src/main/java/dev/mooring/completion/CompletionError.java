package dev.mooring.completion;

import dev.mooring.api.ErrorCode;

/** Why a completion did not complete: shown in {@code done.error} and over REST. */
public record CompletionError(ErrorCode code, String message, boolean retryable) {

    /** The error of a completion that was running when its service stopped. */
    static CompletionError interrupted() {
        return new CompletionError(ErrorCode.UNAVAILABLE,
                "the service stopped while this answer was being written; its text so far is kept", true);
    }

    /** The service had no room to start the model call: nothing was wrong with the question. */
    static CompletionError busy(String message) {
        return new CompletionError(ErrorCode.UNAVAILABLE, message, true);
    }

    /** A model failure as the user should read it. */
    static CompletionError model(String message, boolean retryable) {
        return new CompletionError(ErrorCode.MODEL_ERROR, message, retryable);
    }
}
