package dev.mooring.model;

/** A running model call. */
public interface ModelStream {

    /**
     * Stops the provider's stream. After this returns the listener receives nothing more, neither a delta
     * nor an end: the caller emits the cancelled end state itself.
     * <p>
     * It never blocks, so that it cannot deadlock with a listener that takes the caller's lock. The one exception
     * to "nothing more" follows from that: a callback that another thread had already begun to deliver when
     * {@code cancel()} was called may still arrive after it returns (at most one, a delta or the end). A caller that
     * cancels from outside its callbacks ignores such a late call; cancelled from inside a callback, nothing follows.
     */
    void cancel();
}
