package dev.mooring.completion;

import dev.mooring.chat.ServerFrame;

import java.time.Instant;
import java.util.UUID;

/** A completion as the store holds it. */
public record StoredCompletion(UUID id, UUID conversationId, UUID messageId, CompletionStatus status, String text,
                               long lastSeq, String chunkLengths, ServerFrame.ErrorBody error, String ownerNode,
                               Instant leaseUntil) {

    /** The text of chunk {@code seq} (1-based), cut at the boundaries recorded when it was streamed. */
    public ChunkCursor chunks() {
        return new ChunkCursor(text, chunkLengths);
    }
}
