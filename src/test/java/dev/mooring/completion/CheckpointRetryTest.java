package dev.mooring.completion;

import dev.mooring.config.ChatConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint pass that fails (the database is briefly unreachable) leaves the progress due: the next pass writes
 * it, even when no chunk arrived in between. The store here fails on demand, which a real database does not.
 */
class CheckpointRetryTest {

    /** Fails while {@code down}, records what it is given otherwise. */
    private static final class FlakyStore implements CompletionStore {
        boolean down;
        /** Every row is no longer this process's to write (a row not committed yet, or ended by another node). */
        boolean notOwned;
        /** What {@link #find} reads. */
        StoredCompletion stored;
        final List<Progress> written = new ArrayList<>();

        @Override
        public void insert(UUID id, UUID conversationId, UUID requestMessageId, UUID messageId, String user,
                           String node, Instant leaseUntil) {
        }

        @Override
        public Checkpoint checkpoint(Collection<Progress> batch, String node, Instant leaseUntil) {
            if (down) {
                throw new IllegalStateException("database unreachable");
            }
            if (notOwned) {
                return new Checkpoint(Map.of(), batch.stream().map(Progress::id).collect(Collectors.toSet()));
            }
            written.addAll(batch);
            return Checkpoint.NOTHING;
        }

        @Override
        public boolean finish(FinalState state) {
            return true;
        }

        @Override
        public boolean interruptIfExpired(UUID id, Instant now) {
            return false;
        }

        @Override
        public Optional<StoredCompletion> find(UUID id) {
            return Optional.ofNullable(stored);
        }

        @Override
        public Optional<CompletionSummary> findByRequest(UUID requestMessageId) {
            return Optional.empty();
        }

        @Override
        public List<CompletionSummary> listByConversation(UUID conversationId) {
            return List.of();
        }

        @Override
        public int interruptOrphans(String node, Instant now) {
            return 0;
        }

        @Override
        public int interruptExpired(String exceptNode, Instant now) {
            return 0;
        }
    }

    private static ChatConfig config() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().withMapping(ChatConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new io.smallrye.config.PropertiesConfigSource(java.util.Map.of("chat.node-name", "checkpoint-test", "chat.data-dir",
                        "target/checkpoint-retry"), "test", 100))
                .build();
        return config.getConfigMapping(ChatConfig.class);
    }

    @Test
    void aFailedPassIsWrittenByTheNextOne() {
        FlakyStore store = new FlakyStore();
        LocalLiveCompletions live = new LocalLiveCompletions();
        Checkpointer checkpointer = new Checkpointer(store, live, config());
        CompletionRun run = new EndRecorder().run(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        live.add(run);
        run.onDelta("first ");
        checkpointer.pass();
        assertEquals(1, store.written.size());

        run.onDelta("second");
        store.down = true;
        checkpointer.pass();
        assertEquals(1, store.written.size());

        store.down = false;
        checkpointer.pass();
        assertEquals(2, store.written.size(), "the progress the failed pass missed is written now");
        assertEquals(new Progress(run.id(), 2, 2, "second", "6"), store.written.get(1),
                "only what is new since the stored checkpoint");

        checkpointer.pass();
        assertEquals(2, store.written.size(), "stored progress is not written again");
        run.onDelta("!");
        run.onDelta("?!");
        checkpointer.pass();
        assertEquals(new Progress(run.id(), 3, 4, "!?!", "1,2"), store.written.get(store.written.size() - 1));
    }

    @Test
    void aRowNotYetCommittedLeavesItsRunRunningButOneAnotherNodeEndedEndsIt() {
        FlakyStore store = new FlakyStore();
        LocalLiveCompletions live = new LocalLiveCompletions();
        Checkpointer checkpointer = new Checkpointer(store, live, config());
        EndRecorder owner = new EndRecorder();
        CompletionRun run = owner.run(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        live.add(run);
        run.onDelta("first ");
        store.notOwned = true;
        checkpointer.pass();
        assertTrue(owner.ended.isEmpty(), "its question's transaction has not committed: the run goes on");

        store.stored = new StoredCompletion(run.id(), UUID.randomUUID(), UUID.randomUUID(),
                CompletionStatus.INTERRUPTED, "", 0, "", CompletionError.interrupted(), null, null, "");
        checkpointer.pass();
        assertEquals(1, owner.ended.size(), "another node ended it: the run ends, to be told the stored end");
    }
}
