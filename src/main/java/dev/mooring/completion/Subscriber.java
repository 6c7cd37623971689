package dev.mooring.completion;

/**
 * A receiver of one completion (a connection, or a node's relay). Called under the completion's own order: never
 * concurrently for one completion, with seqs increasing by one from the resume point.
 */
public interface Subscriber {

    /** The next chunk. */
    void chunk(Chunk chunk);

    /** The completion ended and its final state is stored. Nothing follows. */
    void end(CompletionEnd end);
}
