package dev.mooring.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes with a short lease (3 s): a node killed mid-answer, one frozen past its lease, Redis restarted
 * mid-answer, and a rolling restart. What the database holds is never lost, every client is told one ending, the
 * stored one (a follower on another node once the lease runs out), and no node overwrites an ending it no longer
 * owns.
 */
class NodeFailureIT extends OnCluster {

    @BeforeAll
    static void start() {
        startCluster(3, Map.of("CHAT_COMPLETIONS_LEASE", "3s"));
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

    @Test
    void aKilledNodesAnswerIsInterruptedByTheOthersWithItsStoredTextAndItsFollowersAreTold() {
        Reply reply = model.enqueue(Reply.stream(Answers.deltas(40)).gated());
        String id;
        try (WsClient owner = cluster.connectTo("node-1")) {
            id = ask(owner, "kill my node");
            reply.release(12);
            owner.chunks(id, 12);
        }
        await().until(() -> stored("node-2", id).path("durableSeq").asLong() == 12);
        try (WsClient follower = cluster.connectTo("node-2")) {
            Reassembly answer = new Reassembly(id);
            assertFalse(answer.resumeOn(follower, 12), "node-2 follows the answer node-1 runs");
            cluster.node("node-1").kill();
            assertTrue(answer.read(follower, 0), "node-2 notices once the lease runs out");
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
            try (WsClient follower = cluster.connectTo("node-2")) {
                Reassembly answer = new Reassembly(id);
                assertTrue(answer.resumeOn(follower, 0), "the others end it once the lease runs out");
                assertEquals("interrupted", answer.done().path("status").asText());
                assertEquals(16, answer.done().path("lastSeq").asLong());
            }
            reply.releaseAll(); // the rest of the answer waits in the frozen node's socket
            cluster.node("node-1").thaw();
            assertTrue(held.read(owner, 0));
            assertEquals("interrupted", held.done().path("status").asText(), "the node tells its client the stored end");
            assertEquals(16, held.done().path("lastSeq").asLong());
            assertEquals(Answers.text(1, 16), held.text());
            assertTrue(reply.awaitClientClosed(Duration.ofSeconds(20)) || reply.complete());
            for (String node : cluster.names()) {
                JsonNode stored = stored(node, id);
                assertEquals("interrupted", stored.path("status").asText(), node);
                assertEquals(16, stored.path("lastSeq").asLong(), node);
                assertEquals(Answers.text(1, 16), stored.path("text").asText(), node);
            }
        }
    }

    @Test
    void redisRestartedMidAnswerLeavesWhatTheDatabaseHoldsAndTheFollowerGetsEveryChunk() {
        model.enqueue(Reply.stream(Answers.deltas(200)).paced(Duration.ofMillis(20)));
        String id;
        try (WsClient owner = cluster.connectTo("node-1")) {
            id = ask(owner, "restart redis under me");
        }
        try (WsClient follower = cluster.connectTo("node-2")) {
            Reassembly answer = new Reassembly(id);
            assertFalse(answer.resumeOn(follower, 40));
            cluster.redis().stop();
            assertEquals(200, cluster.request("node-2", null, "GET", "/q/health/ready").statusCode(),
                    "a node stays in the balancer without Redis: answers run, followers read the database");
            assertFalse(answer.read(follower, 40), "from the database while Redis is away");
            cluster.redis().launch();
            assertTrue(answer.read(follower, 0));
            assertEquals("completed", answer.done().path("status").asText());
            assertEquals(Answers.text(1, 200), answer.text());
        }
        assertEquals(Answers.text(1, 200), stored("node-3", id).path("text").asText());
    }

    @Test
    void aRollingRestartLosesNoStoredAnswerAndItsClientsMoveToTheOtherNodesWithoutFailing() throws Exception {
        List<String> names = cluster.names();
        List<Reply> replies = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String node : names) {
            replies.add(model.enqueue(Reply.stream(Answers.deltas(250)).gated()));
            try (WsClient asking = cluster.connectTo(node)) {
                ids.add(ask(asking, "survive a rolling restart"));
            }
        }
        replies.forEach(reply -> reply.release(5));
        CountDownLatch following = new CountDownLatch(ids.size());
        List<CompletableFuture<Reassembly>> followers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            // each answer is first followed on the node stopped just before its own: that client must move
            String firstNode = names.get((i + names.size() - 1) % names.size());
            String id = ids.get(i);
            followers.add(CompletableFuture.supplyAsync(() -> {
                Reassembly answer = new Reassembly(id);
                boolean ended;
                try (WsClient client = cluster.connectTo(firstNode)) {
                    answer.resumeOn(client, 5);
                    following.countDown();
                    ended = answer.read(client, 0);
                }
                while (!ended) {
                    try (WsClient client = cluster.connect()) {
                        ended = answer.resumeOn(client, 0);
                    } catch (RuntimeException refused) {
                        // the balancer had no node ready at that moment: try again, as a client does
                    }
                }
                return answer;
            }));
        }
        assertTrue(following.await(60, TimeUnit.SECONDS), "every answer is followed on another node");
        for (String node : names) {
            replies.forEach(reply -> reply.release(5));
            cluster.node(node).stop();
            cluster.node(node).start();
        }
        int connections = 0;
        for (int i = 0; i < ids.size(); i++) {
            Reassembly answer = followers.get(i).get(180, TimeUnit.SECONDS);
            JsonNode stored = stored("node-1", ids.get(i));
            assertEquals("interrupted", stored.path("status").asText(), "its node stopped while it ran");
            assertEquals("interrupted", answer.done().path("status").asText());
            assertEquals(stored.path("lastSeq").asLong(), answer.done().path("lastSeq").asLong());
            assertEquals(stored.path("text").asText(), answer.text(), "the client holds the stored answer");
            assertTrue(stored.path("lastSeq").asLong() >= 5, stored.toString());
            assertEquals(Answers.text(1, (int) stored.path("lastSeq").asLong()), stored.path("text").asText());
            connections += answer.connections();
        }
        assertTrue(connections >= ids.size() + 2, "the clients on a node stopped before the answer's own moved");
    }
}
