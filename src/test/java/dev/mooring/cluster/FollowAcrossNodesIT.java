package dev.mooring.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two devices of one user follow one conversation through different nodes: a question asked on one node is heard,
 * with its whole answer, by a follower on the other, and a deletion on one node reaches the followers on the other.
 */
class FollowAcrossNodesIT extends OnCluster {

    private static final String SECRET = "cluster-users-secret-0123456789-abcdefgh";
    private static final String ALICE = "alice";

    @BeforeAll
    static void start() {
        startCluster(2, Map.of("CHAT_USERS_SECRET", SECRET));
    }

    /** Asks a first question on {@code asker} and waits for its answer; answers the new conversation's id. */
    private static String conversation(WsClient asker) {
        model.enqueue(Reply.stream("first ", "answer"));
        asker.send(WsClient.chatFrame(UUID.randomUUID().toString(), null, "first question"));
        JsonNode accepted = asker.await("accepted");
        asker.collect(accepted.path("completionId").asText(), 0);
        return accepted.path("conversationId").asText();
    }

    private static void follow(WsClient client, String conversationId) {
        client.send(WsClient.JSON.createObjectNode().put("type", "follow").put("conversationId", conversationId));
        // its pong proves the follow was handled (a connection's frames are handled in order)
        client.send("{\"type\":\"ping\",\"t\":1}");
        client.await("pong");
    }

    @Test
    void aQuestionAskedOnOneNodeIsHeardWithItsWholeAnswerByAFollowerOnTheOther() {
        try (WsClient asker = cluster.connectTo("node-2", ALICE);
             WsClient follower = cluster.connectTo("node-1", ALICE)) {
            String conversationId = conversation(asker);
            follow(follower, conversationId);

            Reply reply = model.enqueue(Reply.stream("seen ", "on ", "both ", "nodes").gated());
            asker.send(WsClient.chatFrame(UUID.randomUUID().toString(), conversationId, "second question"));
            JsonNode accepted = asker.await("accepted");
            JsonNode asked = follower.await("asked");
            String completionId = accepted.path("completionId").asText();
            assertEquals(conversationId, asked.path("conversationId").asText());
            assertEquals("second question", asked.path("text").asText());
            assertEquals(completionId, asked.path("completionId").asText());

            // live while it runs on the other node, not only replayed once it ended
            reply.release(2);
            List<JsonNode> first = follower.chunks(completionId, 2);
            assertEquals("seen on ", first.get(0).path("delta").asText() + first.get(1).path("delta").asText());
            reply.releaseAll();
            WsClient.Answer mine = asker.collect(completionId, 0);
            WsClient.Answer theirs = follower.collect(completionId, 2);
            assertEquals("both nodes", theirs.text());
            assertEquals("completed", theirs.done().path("status").asText());
            assertEquals(mine.done().path("lastSeq").asLong(), theirs.done().path("lastSeq").asLong());
            assertEquals(mine.done().path("messageId").asText(), asked.path("answerMessageId").asText());
        }
    }

    @Test
    void aConversationDeletedOnOneNodeIsDeletedForItsFollowersOnTheOther() {
        try (WsClient asker = cluster.connectTo("node-2", ALICE);
             WsClient follower = cluster.connectTo("node-1", ALICE)) {
            String conversationId = conversation(asker);
            follow(follower, conversationId);
            assertEquals(204, cluster.request("node-2", ALICE, "DELETE", "/api/conversations/" + conversationId)
                    .statusCode());
            assertEquals(conversationId, follower.await("deleted").path("conversationId").asText());
        }
    }
}
