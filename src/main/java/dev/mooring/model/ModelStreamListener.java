package dev.mooring.model;

import java.util.List;

/**
 * Receives one model call's output. Calls arrive one at a time (never concurrently) and end with exactly one of
 * {@link #onComplete(List)} or {@link #onError(ModelError)}, unless the stream was cancelled first.
 */
public interface ModelStreamListener {

    /** A non-empty piece of the answer. */
    void onDelta(String delta);

    /**
     * The model finished its turn. {@code toolCalls} are the tools it asked for, in order (only in agent mode;
     * empty when the turn is the final answer).
     */
    void onComplete(List<ToolCall> toolCalls);

    /** The provider failed; nothing follows. */
    void onError(ModelError error);
}
