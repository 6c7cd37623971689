package dev.mooring.completion;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A completion as the store holds it; {@code ownerUser} is whose it is, {@code ownerNode} who runs it. */
record StoredCompletion(UUID id, UUID conversationId, UUID messageId, CompletionStatus status, String text,
                        long lastSeq, String chunkLengths, CompletionError error, String ownerNode,
                        Instant leaseUntil, String ownerUser) {

    /** Whether it runs and its owner's lease has not run out by {@code now}. */
    boolean leaseHolds(Instant now) {
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
     * Sends {@code subscriber} every stored chunk and tool event after {@code afterSeq}, then the end (unless it
     * still waits for tool results); returns how many. It reads only this record and its events: a replay from the
     * store touches nothing live. Events past {@code lastSeq} (calls stored by a turn that ended meanwhile) are
     * not part of it.
     */
    long replayTo(Subscriber subscriber, long afterSeq, List<ToolEvent> events) {
        Map<Long, ToolEvent> bySeq = new HashMap<>();
        events.forEach(event -> bySeq.put(event.seq(), event));
        long replayed = 0;
        ChunkCursor cursor = chunks();
        for (long seq = 1; seq <= lastSeq; seq++) {
            ToolEvent event = bySeq.get(seq);
            String delta = event == null ? cursor.next() : null;
            if (seq <= afterSeq) {
                continue;
            }
            if (event != null) {
                subscriber.toolEvent(event);
            } else if (delta != null) {
                subscriber.chunk(new Chunk(id, seq, delta));
            }
            replayed++;
        }
        if (status.ended()) {
            subscriber.end(end());
        }
        return replayed;
    }

    /** Its final state as stored: what a node that lost the answer tells its subscribers. */
    FinalState finalState() {
        return new FinalState(id, conversationId, status, text, lastSeq, chunkLengths, error);
    }
}
