package dev.mooring.completion;

/** Where a completion stands; every status but {@link #RUNNING} is final. */
public enum CompletionStatus {
    RUNNING, COMPLETED, CANCELLED, FAILED, INTERRUPTED;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    /** The status as it is stored and shown: {@code running}, {@code completed} and so on. */
    public String label() {
        return label;
    }

    static CompletionStatus ofLabel(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
