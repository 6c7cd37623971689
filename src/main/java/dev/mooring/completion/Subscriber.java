package dev.mooring.completion;

/**
 * A receiver of one completion's frames (a connection, or a node's relay). Called under the completion's own order:
 * never concurrently for one completion, with seqs increasing by one from the resume point.
 */
public interface Subscriber {

    /** One chunk, already encoded as a {@code chunk} frame. */
    void deliver(long seq, String chunkFrame);

    /** The completion ended; {@code doneFrame} is its encoded {@code done}. Nothing follows. */
    void end(String doneFrame);
}
