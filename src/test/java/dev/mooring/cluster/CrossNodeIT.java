package dev.mooring.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes on one database and one Redis, serving several users: an answer that runs on one node is resumed,
 * followed and cancelled on the other, exactly once and in order; the other node shows its stored progress over
 * REST; a clientMessageId is one question whichever node it reaches; and another user's answers answer like unknown
 * ones on every node.
 */
class CrossNodeIT extends OnCluster {

    private static final String SECRET = "cluster-users-secret-0123456789-abcdefgh";
    private static final String ALICE = "alice";

    @BeforeAll
    static void start() {
        startCluster(2, Map.of("CHAT_USERS_SECRET", SECRET,
                "CHAT_COMPLETIONS_LEASE", "3s"));
    }

    private static String ask(WsClient client, String text) {
        client.chat(text);
        JsonNode accepted = client.await(f -> f.path("type").asText().matches("accepted|error"), "accepted");
        assertEquals("accepted", accepted.path("type").asText(), accepted.toString());
        return accepted.path("completionId").asText();
    }

    private static JsonNode stored(String node, String completionId) {
        return cluster.get(node, ALICE, "/api/completions/" + completionId);
    }

    @Test
    void anAnswerRunningOnOneNodeResumesOnTheOtherWithTheMissedChunksThenTheLiveOnesThenOneDone() {
        Reply reply = model.enqueue(Reply.stream(Answers.deltas(30)).gated());
        String id;
        Reassembly answer;
        try (WsClient first = cluster.connectTo("node-1", ALICE)) {
            id = ask(first, "resume me elsewhere");
            answer = new Reassembly(id);
            reply.release(15);
            answer.read(first, 10);
            first.drop();
        }
        try (WsClient second = cluster.connectTo("node-2", ALICE)) {
            assertEquals("node-2", second.await("welcome").path("node").asText());
            assertFalse(answer.resumeOn(second, 5), "the 5 chunks node-2 missed");
            reply.releaseAll();
            assertTrue(answer.read(second, 0), "then the live ones and the done");
        }
        assertEquals("completed", answer.done().path("status").asText());
        assertEquals(30, answer.done().path("lastSeq").asLong());
        JsonNode stored = stored("node-2", id);
        assertEquals("completed", stored.path("status").asText());
        assertEquals(Answers.text(1, 30), stored.path("text").asText());
    }

    @Test
    void randomDropsAcrossNodesStillDeliverEveryChunkOnceAndInOrder() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        model.enqueue(Reply.stream(Answers.deltas(300)).paced(Duration.ofMillis(15)));
        String id;
        try (WsClient asking = cluster.connectTo("node-1", ALICE)) {
            id = ask(asking, "drop me often");
        }
        Reassembly answer = new Reassembly(id);
        boolean ended = false;
        while (!ended) {
            String node = cluster.names().get(random.nextInt(2));
            try (WsClient client = cluster.connectTo(node, ALICE)) {
                ended = answer.resumeOn(client, 1 + random.nextInt(40));
                if (!ended && random.nextBoolean()) {
                    client.drop();
                }
            }
        }
        assertEquals("completed", answer.done().path("status").asText(), "seed " + seed);
        assertEquals(Answers.text(1, 300), answer.text(), "seed " + seed);
        assertEquals(Answers.text(1, 300), stored("node-1", id).path("text").asText());
        assertTrue(answer.connections() > 3, "the answer was followed across several connections");
    }

    @Test
    void aCancelSentToTheOtherNodeStopsTheModelCallWhereTheAnswerRuns() throws Exception {
        Reply reply = model.enqueue(Reply.stream(Answers.deltas(50)).gated());
        try (WsClient owner = cluster.connectTo("node-1", ALICE)) {
            String id = ask(owner, "cancel me from afar");
            reply.release(3);
            owner.chunks(id, 3);
            try (WsClient other = cluster.connectTo("node-2", ALICE)) {
                other.send(WsClient.JSON.createObjectNode().put("type", "cancel").put("completionId", id));
                JsonNode done = other.await(f -> "done".equals(f.path("type").asText()), "done on node-2");
                assertEquals("cancelled", done.path("status").asText());
                assertEquals(3, done.path("lastSeq").asLong());
            }
            assertTrue(reply.awaitClientClosed(Duration.ofSeconds(20)), "node-1 stopped the model call");
            JsonNode done = owner.await("done");
            assertEquals("cancelled", done.path("status").asText());
            assertEquals(3, done.path("lastSeq").asLong());
            assertEquals("cancelled", stored("node-2", id).path("status").asText());
        }
    }

    /**
     * A conversation deleted on the node that does not run its answer: the answer is cancelled where it runs before
     * the rows go, so that its follower there is told {@code cancelled} at the stored seq. The deleting node used to
     * cancel only its own runs, and the follower heard nothing more.
     */
    @Test
    void aConversationDeletedOnTheOtherNodeCancelsItsAnswerWhereItRunsAndItsFollowerIsTold() throws Exception {
        deleteWhileFollowedOnNode2("node-2");
    }

    /**
     * A conversation deleted on the node that runs its answer while a follower on the other node streams it: the
     * follower reads the end from the store at its next tick, by when the rows are usually gone; it is told the end
     * its owner relayed after storing it. Before, it stopped without a {@code done}.
     */
    @Test
    void aConversationDeletedWhereItsAnswerRunsTellsItsFollowerOnTheOtherNodeCancelled() throws Exception {
        deleteWhileFollowedOnNode2("node-1");
    }

    /**
     * An answer runs on node-1 (3 chunks out) and is followed on node-2; its conversation is deleted on
     * {@code deletingNode}: the follower and the asking client are told {@code cancelled} at seq 3, and node-1's model
     * call stops.
     */
    private static void deleteWhileFollowedOnNode2(String deletingNode) throws InterruptedException {
        Reply reply = model.enqueue(Reply.stream(Answers.deltas(50)).gated());
        try (WsClient owner = cluster.connectTo("node-1", ALICE); WsClient follower = cluster.connectTo("node-2", ALICE)) {
            owner.chat("delete me on " + deletingNode);
            JsonNode accepted = owner.await("accepted");
            String id = accepted.path("completionId").asText();
            reply.release(3);
            owner.chunks(id, 3);
            follower.resume(id, 0);
            follower.chunks(id, 3);
            HttpResponse<String> deleted = cluster.request(deletingNode, ALICE, "DELETE",
                    "/api/conversations/" + accepted.path("conversationId").asText());
            assertEquals(204, deleted.statusCode(), deleted.body());
            JsonNode done = follower.await(f -> "done".equals(f.path("type").asText()), "done on node-2");
            assertEquals("cancelled", done.path("status").asText());
            assertEquals(3, done.path("lastSeq").asLong());
            assertFalse(done.path("messageId").asText().isEmpty(), "names the assistant message it wrote");
            assertTrue(reply.awaitClientClosed(Duration.ofSeconds(20)), "node-1 stopped the model call");
            assertEquals("cancelled", owner.await("done").path("status").asText());
        }
    }

    @Test
    void anAgentAnswerRunningOnOneNodeIsFollowedOnTheOtherThroughItsToolCallAndTheResultSentThere() {
        Reply firstTurn = model.enqueue(Reply.stream("Looking ", "first. ").toolCall("call_1", "read_notebook", "{}")
                .gated());
        model.enqueue(Reply.stream("Seen ", "it."));
        try (WsClient asking = cluster.connectTo("node-1", ALICE); WsClient other = cluster.connectTo("node-2", ALICE)) {
            ObjectNode chat = WsClient.chatFrame(UUID.randomUUID().toString(), null, "look at my notebook")
                    .put("mode", "agent");
            chat.putObject("context").put("notebookPath", "work/data.ipynb");
            asking.send(chat);
            String id = asking.await("accepted").path("completionId").asText();
            other.resume(id, 0);
            firstTurn.release(1);
            assertEquals("Looking ", seqEvent(other, id, 1).path("delta").asText());
            firstTurn.releaseAll();
            assertEquals("first. ", seqEvent(other, id, 2).path("delta").asText());
            JsonNode call = seqEvent(other, id, 3);
            assertEquals("tool_call", call.path("type").asText(), "the call node-1 stored, told on node-2");
            other.send(WsClient.JSON.createObjectNode().put("type", "tool_result").put("completionId", id)
                    .put("callId", call.path("callId").asText()).put("output", "{\"cells\":[]}"));
            assertEquals("tool_result", seqEvent(other, id, 4).path("type").asText());
            WsClient.Answer rest = other.collect(id, 4);
            assertEquals("Seen it.", rest.text());
            assertEquals("completed", rest.done().path("status").asText());
            assertEquals(6, rest.done().path("lastSeq").asLong());
            WsClient.Answer onNode1 = asking.collect(id, 0);
            assertEquals("Looking first. Seen it.", onNode1.text(), "node-1's client hears the turn node-2 ran");
            assertEquals("completed", onNode1.done().path("status").asText());
            JsonNode stored = stored("node-1", id);
            assertEquals("completed", stored.path("status").asText(), "node-1 holds no stale waiting run");
            assertEquals("Looking first. Seen it.", stored.path("text").asText());
        }
    }

    /**
     * A conversation deleted while its agent answer waits for the notebook, on a node that never held that answer:
     * no node owns a waiting answer, so the deleting node cancels it itself, and its follower there is told
     * {@code cancelled}. Before, nothing cancelled it and the follower found its rows gone without a {@code done}.
     */
    @Test
    void aConversationDeletedWhileItsAgentAnswerWaitsForTheNotebookTellsItsFollowersCancelled() {
        model.enqueue(Reply.stream("Looking. ").toolCall("call_1", "read_notebook", "{}"));
        try (WsClient asking = cluster.connectTo("node-1", ALICE); WsClient other = cluster.connectTo("node-2", ALICE)) {
            ObjectNode chat = WsClient.chatFrame(UUID.randomUUID().toString(), null, "look, then I delete")
                    .put("mode", "agent");
            chat.putObject("context").put("notebookPath", "work/data.ipynb");
            asking.send(chat);
            JsonNode accepted = asking.await("accepted");
            String id = accepted.path("completionId").asText();
            other.resume(id, 0);
            seqEvent(other, id, 1);
            assertEquals("tool_call", seqEvent(other, id, 2).path("type").asText(), "stored: the answer waits");
            HttpResponse<String> deleted = cluster.request("node-2", ALICE, "DELETE",
                    "/api/conversations/" + accepted.path("conversationId").asText());
            assertEquals(204, deleted.statusCode(), deleted.body());
            JsonNode done = other.await(f -> "done".equals(f.path("type").asText()), "done on node-2");
            assertEquals("cancelled", done.path("status").asText());
            assertEquals(2, done.path("lastSeq").asLong());
        }
    }

    /** The event of seq {@code seq} of the answer (a chunk or a tool event), which must come next. */
    private static JsonNode seqEvent(WsClient client, String id, long seq) {
        JsonNode f = client.take(x -> id.equals(x.path("completionId").asText()) && x.has("seq"), "seq " + seq);
        assertEquals(seq, f.path("seq").asLong(), f.toString());
        return f;
    }

    @Test
    void theOtherNodeShowsTheStoredProgressOfARunningAnswerInsteadOfRefusing() {
        Reply reply = model.enqueue(Reply.stream(Answers.deltas(20)).gated());
        try (WsClient owner = cluster.connectTo("node-1", ALICE)) {
            String id = ask(owner, "show my progress");
            reply.release(5);
            owner.chunks(id, 5);
            await().atMost(Duration.ofSeconds(20)).until(() -> stored("node-2", id).path("durableSeq").asLong() == 5);
            JsonNode view = stored("node-2", id);
            assertEquals("running", view.path("status").asText());
            assertEquals(Answers.text(1, 5), view.path("text").asText());
            reply.releaseAll();
            assertEquals("completed", owner.collect(id, 5).done().path("status").asText());
        }
    }

    @Test
    void oneClientMessageIdSentToBothNodesAtOnceIsOneQuestion() throws Exception {
        for (int round = 0; round < 10; round++) {
            String clientMessageId = UUID.randomUUID().toString();
            try (WsClient one = cluster.connectTo("node-1", ALICE); WsClient two = cluster.connectTo("node-2", ALICE)) {
                one.await("welcome");
                two.await("welcome");
                CyclicBarrier together = new CyclicBarrier(2);
                List<CompletableFuture<JsonNode>> sent = List.of(one, two).stream().map(c -> CompletableFuture.supplyAsync(() -> {
                    try {
                        together.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    c.send(WsClient.chatFrame(clientMessageId, null, "asked twice"));
                    return c.await("accepted");
                })).toList();
                JsonNode a = sent.get(0).get();
                JsonNode b = sent.get(1).get();
                assertEquals(a.path("completionId").asText(), b.path("completionId").asText());
                assertEquals(a.path("conversationId").asText(), b.path("conversationId").asText());
                assertEquals(1, (a.path("duplicate").asBoolean() ? 0 : 1) + (b.path("duplicate").asBoolean() ? 0 : 1),
                        "exactly one of them started the answer");
            }
        }
    }

    @Test
    void anotherUsersConversationAndAnswerAnswerLikeUnknownOnesOnEveryNode() {
        Reply reply = model.enqueue(Reply.stream(Answers.deltas(10)).gated());
        try (WsClient alice = cluster.connectTo("node-1", ALICE)) {
            String id = ask(alice, "mine only");
            reply.release(2);
            alice.chunks(id, 2);
            String conversationId = stored("node-1", id).path("conversationId").asText();
            for (String node : cluster.names()) {
                assertFalse(cluster.get(node, "bob", "/api/conversations").toString().contains(conversationId));
                for (String path : List.of("/api/conversations/" + conversationId, "/api/completions/" + id)) {
                    HttpResponse<String> response = cluster.request(node, "bob", "GET", path);
                    assertEquals(404, response.statusCode(), node + " " + path);
                    assertTrue(response.body().contains("\"not_found\""), response.body());
                }
                assertEquals(404, cluster.request(node, "bob", "POST", "/api/completions/" + id + "/cancel").statusCode());
                assertEquals(404, cluster.request(node, "bob", "DELETE", "/api/conversations/" + conversationId)
                        .statusCode());
                try (WsClient bob = cluster.connectTo(node, "bob")) {
                    bob.resume(id, 0);
                    JsonNode error = bob.await("error");
                    assertEquals("not_found", error.path("code").asText());
                    assertEquals(id, error.path("ref").asText());
                    bob.send(WsClient.JSON.createObjectNode().put("type", "cancel").put("completionId", id));
                    assertEquals("not_found", bob.await("error").path("code").asText());
                }
            }
            reply.releaseAll();
            JsonNode done = alice.collect(id, 2).done();
            assertEquals("completed", done.path("status").asText());
            assertEquals(10, done.path("lastSeq").asLong());
        }
    }
}
