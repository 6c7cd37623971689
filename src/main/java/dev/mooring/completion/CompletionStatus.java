package dev.mooring.completion;

/**
 * Where a completion stands. {@link #RUNNING}: a model call runs on its owner node; {@link #WAITING} (agent mode):
 * no model call runs, it waits for the notebook's tool results, on no node in particular, and survives restarts;
 * every other status is final.
 */
public enum CompletionStatus {
    RUNNING, WAITING, COMPLETED, CANCELLED, FAILED, INTERRUPTED;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    /** Whether the completion is over (every status but running and waiting). */
    public boolean ended() {
        return this != RUNNING && this != WAITING;
    }

    /** The status as it is stored and shown: {@code running}, {@code completed} and so on. */
    public String label() {
        return label;
    }

    static CompletionStatus ofLabel(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
