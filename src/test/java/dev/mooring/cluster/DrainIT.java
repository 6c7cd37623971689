package dev.mooring.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node stopped for a rolling restart with {@code CHAT_COMPLETIONS_DRAIN}: it leaves the balancer and refuses new
 * questions, but lets its running answer end on its own, and every client of that answer, on that node and on the
 * other one, is told {@code completed} with the whole text.
 */
class DrainIT extends OnCluster {

    @BeforeAll
    static void start() {
        startCluster(2, Map.of("CHAT_COMPLETIONS_DRAIN", "60s"));
    }

    @Test
    void aStoppingNodeFinishesItsRunningAnswerOutOfTheBalancerAndRefusesNewQuestions() {
        Reply reply = model.enqueue(Reply.stream(Answers.deltas(40)).gated());
        String id;
        try (WsClient owner = cluster.connectTo("node-1"); WsClient follower = cluster.connectTo("node-2")) {
            owner.chat("finish me while you stop");
            id = owner.await("accepted").path("completionId").asText();
            reply.release(5);
            owner.chunks(id, 5);
            Reassembly elsewhere = new Reassembly(id);
            assertFalse(elsewhere.resumeOn(follower, 5));

            cluster.node("node-1").terminate();
            await().until(() -> cluster.node("node-1").status("/q/health/ready") == 503);
            owner.chat("a new question while it stops");
            JsonNode refused = owner.await("error");
            assertEquals("unavailable", refused.path("code").asText(), refused.toString());
            assertTrue(refused.path("retryable").asBoolean(), refused.toString());

            reply.releaseAll();
            assertTrue(elsewhere.read(follower, 0));
            assertEquals("completed", elsewhere.done().path("status").asText());
            assertEquals(Answers.text(1, 40), elsewhere.text());
            JsonNode done = owner.await("done");
            assertEquals("completed", done.path("status").asText());
            assertEquals(40, done.path("lastSeq").asLong());
            assertEquals(1001, owner.awaitClose(), "then the stopping node closes its sockets as going away");
        }
        await().until(() -> !cluster.node("node-1").alive());
        JsonNode stored = cluster.get("node-2", null, "/api/completions/" + id);
        assertEquals("completed", stored.path("status").asText());
        assertEquals(Answers.text(1, 40), stored.path("text").asText());
    }
}
