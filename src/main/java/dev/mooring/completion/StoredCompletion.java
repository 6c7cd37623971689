package dev.mooring.completion;

import java.time.Instant;
import java.util.UUID;

/** A completion as the store holds it. */
record StoredCompletion(UUID id, UUID conversationId, UUID messageId, CompletionStatus status, String text,
                        long lastSeq, String chunkLengths, CompletionError error, String ownerNode,
                        Instant leaseUntil) {

    /** Its chunks, cut at the boundaries recorded when they were streamed. */
    ChunkCursor chunks() {
        return new ChunkCursor(text, chunkLengths);
    }

    CompletionEnd end() {
        return new CompletionEnd(id, status, lastSeq, messageId, error);
    }

    /**
     * Sends {@code subscriber} every stored chunk after {@code afterSeq}, then the end; returns how many chunks. It
     * reads only this record: a replay from the store touches nothing live.
     */
    long replayTo(Subscriber subscriber, long afterSeq) {
        long replayed = 0;
        ChunkCursor cursor = chunks();
        for (String delta = cursor.next(); delta != null; delta = cursor.next()) {
            if (cursor.seq() > afterSeq) {
                subscriber.chunk(new Chunk(id, cursor.seq(), delta));
                replayed++;
            }
        }
        subscriber.end(end());
        return replayed;
    }

    StoredCompletion interrupted() {
        return new StoredCompletion(id, conversationId, messageId, CompletionStatus.INTERRUPTED, text, lastSeq,
                chunkLengths, CompletionError.interrupted(), null, null);
    }
}
