package dev.mooring.completion;

import dev.mooring.api.ErrorCode;

import java.time.Duration;

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

    /** An agent answer whose tool call got no result in time. */
    static CompletionError toolTimeout(Duration limit) {
        long seconds = limit.toSeconds();
        String within = seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
        return new CompletionError(ErrorCode.TOOL_TIMEOUT, "the notebook did not answer a tool call within " + within
                + ": is it still open in the tab that asked? Ask again to go on", true);
    }

    /** An agent answer that called tools in more turns than allowed. */
    static CompletionError tooManySteps(int max) {
        return new CompletionError(ErrorCode.MODEL_ERROR, "the agent reached its limit of " + max + " tool-calling "
                + "turns without finishing; ask again, for a smaller step", false);
    }

    /** A model failure as the user should read it. */
    static CompletionError model(String message, boolean retryable) {
        return new CompletionError(ErrorCode.MODEL_ERROR, message, retryable);
    }
}
