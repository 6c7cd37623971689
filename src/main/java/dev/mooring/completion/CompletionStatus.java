package dev.mooring.completion;

/** Where a completion stands; every status but {@link #RUNNING} is final. */
public enum CompletionStatus {
    RUNNING, COMPLETED, CANCELLED, FAILED, INTERRUPTED;

    private final String wire = name().toLowerCase(java.util.Locale.ROOT);

    public String wire() {
        return wire;
    }

    public static CompletionStatus fromWire(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
