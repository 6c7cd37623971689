package dev.mooring.completion;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A follow whose answer's rows vanish (its conversation was deleted) once the owner relayed the end it stored: which
 * ends it may tell from the relay, and that it tells nothing it cannot stand behind.
 */
class RelayedFollowTest {

    private final UUID id = UUID.randomUUID();
    private final UUID messageId = UUID.randomUUID();
    private final List<String> told = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private StoredCompletion stored = new StoredCompletion(id, UUID.randomUUID(), messageId, CompletionStatus.RUNNING,
            "", 0, "", null, "node-1", Instant.now().plusSeconds(30), "");

    private final RelayedFollow follow = new RelayedFollow(id, 0, new Subscriber() {
        @Override
        public void chunk(Chunk chunk) {
            told.add(chunk.seq() + ":" + chunk.delta());
        }

        @Override
        public void toolEvent(ToolEvent event) {
            told.add("event " + event.seq());
        }

        @Override
        public void end(CompletionEnd end) {
            told.add("done " + end.status().label() + " " + end.lastSeq() + " " + end.messageId());
        }
    }, new RelayedFollow.StoreReads() {
        @Override
        public StoredCompletion settledNow(UUID completionId) {
            return stored;
        }

        @Override
        public List<ToolEvent> events(UUID completionId) {
            return List.of();
        }
    }, () -> closed.set(true));

    /** The store read of a follow's start, then the relay's chunks, its end, and the rows gone. */
    private void relayedThenDeleted(int chunks, long endSeq, String status) {
        follow.catchUp(true);
        for (int seq = 1; seq <= chunks; seq++) {
            follow.chunk(seq, "c" + seq);
        }
        follow.ended(endSeq, status);
        stored = null;
        follow.catchUp(false);
    }

    @Test
    void aCancelledEndWithEverySeqSentIsToldAsRelayed() {
        relayedThenDeleted(2, 2, "cancelled");
        assertEquals(List.of("1:c1", "2:c2", "done cancelled 2 " + messageId), told);
        assertTrue(closed.get());
    }

    @Test
    void anEndWithAnErrorIsNotToldWithoutItsError() {
        relayedThenDeleted(2, 2, "failed");
        assertEquals(List.of("1:c1", "2:c2"), told);
        assertTrue(closed.get(), "the follow ends all the same");
    }

    @Test
    void anEndPastASeqTheRelayLostIsNotTold() {
        relayedThenDeleted(1, 2, "completed");
        assertEquals(List.of("1:c1"), told);
        assertTrue(closed.get());
    }

    @Test
    void aStatusThisNodeDoesNotKnowIsNotToldAndBreaksNothing() {
        relayedThenDeleted(2, 2, "archived");
        assertEquals(List.of("1:c1", "2:c2"), told);
        assertTrue(closed.get());
    }
}
