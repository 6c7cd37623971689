package dev.mooring.model;

/**
 * Receives one model call's output. Calls arrive one at a time (never concurrently) and end with exactly one of
 * {@link #onComplete()} or {@link #onError(ModelError)}, unless the stream was cancelled first.
 */
public interface ModelStreamListener {

    /** A non-empty piece of the answer. */
    void onDelta(String delta);

    /** The model finished its answer. */
    void onComplete();

    /** The provider failed; nothing follows. */
    void onError(ModelError error);
}
