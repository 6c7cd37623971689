package dev.mooring.model;

/** A running model call. */
public interface ModelStream {

    /**
     * Stops the provider's stream. After this returns the listener receives nothing more, neither a delta
     * nor an end: the caller emits the cancelled end state itself.
     */
    void cancel();
}
