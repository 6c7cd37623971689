package dev.mooring.completion;

/**
 * A receiver of one completion (a connection, or a node's relay). Called under the completion's own order: never
 * concurrently for one completion, with seqs (chunks and tool events together) increasing by one from the resume
 * point.
 */
public interface Subscriber {

    /** The next chunk. */
    void chunk(Chunk chunk);

    /** The next event, when it is a tool call or a tool result (agent mode). */
    void toolEvent(ToolEvent event);

    /** The completion ended and its final state is stored. Nothing follows. */
    void end(CompletionEnd end);
}
