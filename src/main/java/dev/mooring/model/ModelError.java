package dev.mooring.model;

/**
 * Why a model call ended without an answer, as the user should read it. {@code busy} when the service had no room
 * to start the call: nothing is wrong with the provider or the question, and trying again soon can work.
 */
public record ModelError(String message, boolean retryable, boolean busy) {

    public ModelError(String message, boolean retryable) {
        this(message, retryable, false);
    }

    /** The call could not start: every model-call thread is busy and the queue for them is full. */
    static ModelError noRoom() {
        return new ModelError("The service is busy: too many answers are waiting for the model. Try again in a moment.",
                true, true);
    }
}
