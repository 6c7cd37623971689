package dev.mooring.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.Cluster;
import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes on one database and one Redis, serving several users: the other node shows a running answer's stored
 * progress over REST, a clientMessageId is one question whichever node it reaches, and another user's answers answer
 * like unknown ones on every node.
 */
class CrossNodeIT {

    private static final String SECRET = "cluster-users-secret-0123456789-abcdefgh";
    private static final String ALICE = "alice";
    private static FakeOpenAiServer model;
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        model = FakeOpenAiServer.start();
        cluster = Cluster.start(2, model.baseUrl(), Map.of("CHAT_USERS_SECRET", SECRET,
                "CHAT_COMPLETIONS_LEASE", "3s"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        model.close();
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
