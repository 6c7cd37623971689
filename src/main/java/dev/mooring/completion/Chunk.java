package dev.mooring.completion;

import java.util.UUID;
import java.util.function.Function;

/**
 * One piece of an answer, shared by every subscriber of its completion. It keeps the first rendering asked of it,
 * so a chunk followed by several connections is encoded once.
 */
public final class Chunk {

    private final UUID completionId;
    private final long seq;
    private final String delta;
    private String rendered;

    Chunk(UUID completionId, long seq, String delta) {
        this.completionId = completionId;
        this.seq = seq;
        this.delta = delta;
    }

    public UUID completionId() {
        return completionId;
    }

    public long seq() {
        return seq;
    }

    public String delta() {
        return delta;
    }

    /** {@code render} of this chunk, computed on the first call only (there is one wire). */
    public String rendered(Function<Chunk, String> render) {
        String text = rendered;
        if (text == null) {
            text = render.apply(this);
            rendered = text;
        }
        return text;
    }
}
