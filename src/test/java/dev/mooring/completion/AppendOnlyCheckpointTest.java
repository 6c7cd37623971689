package dev.mooring.completion;

import dev.mooring.config.ChatConfig;
import dev.mooring.testing.FakeModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints write only what is new: each adds one segment of the chunks stored since the last one and leaves the
 * completion row's text alone, on the real database. Replay from the store cuts the chunks as sent, a pass whose
 * commit was reported failed after the database applied it is neither written twice nor skipped, a fenced process
 * stores no segment, and an end folds the whole text into the row.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class AppendOnlyCheckpointTest {

    @Inject
    DataSource dataSource;

    @Inject
    CompletionStore store;

    @Inject
    ChatConfig config;

    private final EndRecorder owner = new EndRecorder();
    private final List<String> sent = new ArrayList<>();

    @Test
    void replayAfterManyCheckpointsCutsTheChunksAsSentAndTheEndFoldsThem() throws Exception {
        CompletionRun run = run();
        Checkpointer checkpointer = checkpointer(store, run);
        int passes = 0;
        for (int i = 0; i < 90; i++) {
            send(run, switch (i % 6) {
                case 1 -> "nul\u0000 " + i;
                case 2 -> "\uD83D"; // a pair cut between two chunks, and between two checkpoints when i % 4 == 2
                case 3 -> "\uDE00\uFFFF" + i;
                default -> "word" + i + " ";
            });
            if (i % 4 == 2) {
                checkpointer.pass();
                passes++;
            }
        }
        checkpointer.pass();
        passes++;

        assertEquals("", rowText(run.id()), "a checkpoint does not rewrite the completion row's text");
        assertEquals(passes, segmentSeqs(run.id()).size(), "one segment per pass");
        assertContiguous(segmentSeqs(run.id()), sent.size());
        assertReplaysAsSent(run.id());

        run.end(CompletionStatus.COMPLETED, null);
        assertTrue(store.finish(owner.ended.get(0)));
        assertEquals(List.of(), segmentSeqs(run.id()), "the end folds the segments into the row");
        assertEquals(String.join("", sent), rowText(run.id()));
        assertReplaysAsSent(run.id());
    }

    @Test
    void aPassTheDatabaseAppliedButReportedFailedIsNeitherWrittenTwiceNorSkipped() throws Exception {
        CompletionRun run = run();
        boolean[] loseNextAnswer = new boolean[1];
        Checkpointer checkpointer = checkpointer(losingAnswers(loseNextAnswer), run);
        send(run, "one ");
        send(run, "two ");
        checkpointer.pass();
        send(run, "three ");
        loseNextAnswer[0] = true;
        checkpointer.pass();
        send(run, "four ");
        checkpointer.pass();
        send(run, "five");
        checkpointer.pass();

        assertContiguous(segmentSeqs(run.id()), sent.size());
        assertReplaysAsSent(run.id());

        Progress unchanged = new Progress(run.id(), 5, 5, "five", "4");
        Checkpoint again = store.checkpoint(List.of(unchanged), config.nodeName(), Instant.now().plusSeconds(60));
        assertEquals(java.util.Set.of(run.id()), again.lost(), "the same progress written twice changes nothing");
        assertContiguous(segmentSeqs(run.id()), sent.size());
        assertReplaysAsSent(run.id());
    }

    @Test
    void aProcessThatLostTheAnswerStoresNoSegmentAndTheInterruptFoldsWhatWasStored() throws Exception {
        CompletionRun run = run();
        Checkpointer checkpointer = checkpointer(store, run);
        send(run, "kept ");
        checkpointer.pass();
        send(run, "also kept");
        checkpointer.pass();
        assertTrue(store.interruptIfExpired(run.id(), Instant.now().plusSeconds(3600)), "another node ends it");
        assertEquals(List.of(), segmentSeqs(run.id()));
        assertEquals("kept also kept", rowText(run.id()), "the interrupted answer keeps the sum of its segments");

        send(run, " lost");
        Checkpoint fenced = store.checkpoint(List.of(run.progress(false)), config.nodeName(),
                Instant.now().plusSeconds(60));
        assertEquals(java.util.Set.of(run.id()), fenced.lost());
        assertEquals(List.of(), segmentSeqs(run.id()), "a fenced process writes no segment");
        StoredCompletion stored = store.find(run.id()).orElseThrow();
        assertEquals(CompletionStatus.INTERRUPTED, stored.status());
        assertEquals("kept also kept", stored.text());
        assertEquals(2, stored.lastSeq());
        checkpointer.pass();
        assertEquals(CompletionStatus.INTERRUPTED, owner.ended.get(0).status(), "the run learns it lost the answer");
    }

    private void send(CompletionRun run, String delta) {
        run.onDelta(delta);
        sent.add(delta);
    }

    private void assertReplaysAsSent(UUID id) {
        StoredCompletion stored = store.find(id).orElseThrow();
        assertEquals(sent.size(), stored.lastSeq());
        ChunkCursor cursor = stored.chunks();
        List<String> replayed = new ArrayList<>();
        for (String chunk = cursor.next(); chunk != null; chunk = cursor.next()) {
            replayed.add(chunk);
        }
        assertEquals(sent, replayed, "the stored chunks, boundaries included");
    }

    /** Segments cover seqs 1..{@code lastSeq} once each, in order. */
    private static void assertContiguous(List<long[]> seqs, long lastSeq) {
        long next = 1;
        for (long[] segment : seqs) {
            assertEquals(next, segment[0], "a segment starts right after the previous one");
            assertTrue(segment[1] >= segment[0]);
            next = segment[1] + 1;
        }
        assertEquals(lastSeq + 1, next, "the segments reach the last seq");
    }

    /** The real store, but the first checkpoint after {@code lose[0]} is set reports a failure once it committed. */
    private CompletionStore losingAnswers(boolean[] lose) {
        return (CompletionStore) Proxy.newProxyInstance(CompletionStore.class.getClassLoader(),
                new Class<?>[] {CompletionStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("checkpoint") && lose[0]) {
                        lose[0] = false;
                        throw new IllegalStateException("the connection broke before the commit was confirmed");
                    }
                    return result;
                });
    }

    private Checkpointer checkpointer(CompletionStore writer, CompletionRun run) {
        LocalLiveCompletions live = new LocalLiveCompletions();
        live.add(run);
        return new Checkpointer(writer, live, config);
    }

    /** A run of this process with its stored row (and the conversation and messages the row refers to). */
    private CompletionRun run() throws SQLException {
        UUID conversation = UUID.randomUUID();
        UUID question = UUID.randomUUID();
        UUID answer = UUID.randomUUID();
        try (Connection c = dataSource.getConnection()) {
            update(c, "INSERT INTO conversation (id, title, created_at, updated_at) "
                    + "VALUES (?, 'segments', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", conversation);
            update(c, "INSERT INTO message (id, conversation_id, role, created_at) "
                    + "VALUES (?, ?, 'user', CURRENT_TIMESTAMP)", question, conversation);
            update(c, "INSERT INTO message (id, conversation_id, role, created_at) "
                    + "VALUES (?, ?, 'assistant', CURRENT_TIMESTAMP)", answer, conversation);
        }
        UUID id = UUID.randomUUID();
        store.insert(id, conversation, question, answer, "", config.nodeName(), Instant.now().plusSeconds(60));
        return owner.run(id, conversation, answer);
    }

    private String rowText(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT text FROM completion WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return dev.mooring.api.StoredText.decode(rs.getString(1));
            }
        }
    }

    /** Each stored segment's first and last seq, in order. */
    private List<long[]> segmentSeqs(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT first_seq, last_seq FROM completion_segment "
                     + "WHERE completion_id = ? ORDER BY first_seq")) {
            ps.setObject(1, id);
            List<long[]> seqs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
            return seqs;
        }
    }

    private static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }
}
