package dev.mooring.completion;

import java.time.Instant;
import java.util.UUID;

/** A completion as the store holds it; {@code ownerUser} is whose it is, {@code ownerNode} who runs it. */
record StoredCompletion(UUID id, UUID conversationId, UUID messageId, CompletionStatus status, String text,
                        long lastSeq, String chunkLengths, CompletionError error, String ownerNode,
                        Instant leaseUntil, String ownerUser) {

    /** Whether it runs and its owner's lease has not run out by {@code now}. */
    boolean runsElsewhere(Instant now) {
        return status == CompletionStatus.RUNNING && leaseUntil != null && !leaseUntil.isBefore(now);
    }

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

    /** Its final state as stored: what a node that lost the answer tells its subscribers. */
    FinalState finalState() {
        return new FinalState(id, conversationId, status, text, lastSeq, chunkLengths, error);
    }
}
