package dev.mooring.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.Cluster;
import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes with a short lease (3 s): a node killed mid-answer, and one frozen past its lease. What the database
 * holds is never lost, the other nodes end the answer {@code interrupted} once the lease runs out, and no node
 * overwrites an ending it no longer owns: its client is told the stored one.
 */
class NodeFailureIT {

    private static FakeOpenAiServer model;
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        model = FakeOpenAiServer.start();
        cluster = Cluster.start(3, model.baseUrl(), Map.of("CHAT_COMPLETIONS_LEASE", "3s"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        model.close();
    }

    /** Every node and Redis back and answering, whatever a test did to them. */
    @AfterEach
    void everythingRuns() {
        cluster.redis().ensureRunning();
        for (String name : cluster.names()) {
            if (!cluster.node(name).alive()) {
                cluster.node(name).start();
            }
        }
    }

    private static String ask(WsClient client, String text) {
        client.chat(text);
        return client.await("accepted").path("completionId").asText();
    }

    private static JsonNode stored(String node, String completionId) {
        return cluster.get(node, null, "/api/completions/" + completionId);
    }

    /** The status REST shows on {@code node}, or why it refused (unavailable while another node's lease holds). */
    private static String status(String node, String completionId) {
        try {
            return stored(node, completionId).path("status").asText();
        } catch (AssertionError refused) {
            return refused.getMessage();
        }
    }

    @Test
    void aKilledNodesAnswerIsInterruptedByTheOthersWithItsStoredTextOnceItsLeaseRunsOut() {
        Reply reply = model.enqueue(Reply.stream(Answers.deltas(40)).gated());
        String id;
        try (WsClient owner = cluster.connectTo("node-1")) {
            id = ask(owner, "kill my node");
            reply.release(12);
            owner.chunks(id, 12);
        }
        await().until(() -> stored("node-2", id).path("durableSeq").asLong() == 12);
        cluster.node("node-1").kill();
        await().atMost(Duration.ofSeconds(60)).until(() -> status("node-2", id).equals("interrupted"));
        try (WsClient follower = cluster.connectTo("node-3")) {
            Reassembly answer = new Reassembly(id);
            assertTrue(answer.resumeOn(follower, 0));
            assertEquals("interrupted", answer.done().path("status").asText());
            assertEquals(12, answer.done().path("lastSeq").asLong());
            assertEquals(Answers.text(1, 12), answer.text());
        }
        JsonNode stored = stored("node-3", id);
        assertEquals("interrupted", stored.path("status").asText());
        assertEquals(Answers.text(1, 12), stored.path("text").asText());
    }

    @Test
    void aNodeFrozenPastItsLeaseComesBackWithoutOverwritingTheEndingTheOthersStored() throws Exception {
        Reply reply = model.enqueue(Reply.stream(Answers.deltas(40)).gated());
        try (WsClient owner = cluster.connectTo("node-1")) {
            String id = ask(owner, "freeze my node");
            Reassembly held = new Reassembly(id);
            reply.release(16);
            held.read(owner, 16);
            await().until(() -> stored("node-2", id).path("durableSeq").asLong() == 16);
            cluster.node("node-1").freeze();
            await().atMost(Duration.ofSeconds(60)).until(() -> status("node-2", id).equals("interrupted"));
            reply.releaseAll(); // the rest of the answer waits in the frozen node's socket
            cluster.node("node-1").thaw();
            assertTrue(held.read(owner, 0));
            assertEquals("interrupted", held.done().path("status").asText(), "the node tells its client the stored end");
            assertEquals(16, held.done().path("lastSeq").asLong());
            assertEquals(Answers.text(1, 16), held.text());
            for (String node : cluster.names()) {
                JsonNode stored = stored(node, id);
                assertEquals("interrupted", stored.path("status").asText(), node);
                assertEquals(16, stored.path("lastSeq").asLong(), node);
                assertEquals(Answers.text(1, 16), stored.path("text").asText(), node);
            }
        }
    }
}
