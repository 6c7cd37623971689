package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A connection that follows a conversation hears of its new questions, gets their answers live, and its deletion. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class FollowTest {

    @TestHTTPResource("/")
    URL base;

    private static void follow(WsClient client, String conversationId) {
        client.send(WsClient.JSON.createObjectNode().put("type", "follow").put("conversationId", conversationId));
        // a ping after it: its pong proves the follow was handled (frames of a connection are handled in order)
        client.send("{\"type\":\"ping\",\"t\":1}");
        client.await("pong");
    }

    @Test
    void aFollowerHearsOfAQuestionAskedElsewhereAndGetsItsWholeAnswerLive() {
        try (WsClient asker = WsClient.connect(base.toString(), TOKEN);
             WsClient follower = WsClient.connect(base.toString(), TOKEN)) {
            JsonNode first = ask(asker, "first question");
            String conversationId = first.path("conversationId").asText();
            asker.collect(first.path("completionId").asText(), 0);
            follow(follower, conversationId);

            Reply reply = FakeModelResource.server().enqueue(Reply.stream("seen ", "in ", "both ", "tabs").gated());
            String clientMessageId = UUID.randomUUID().toString();
            asker.send(WsClient.chatFrame(clientMessageId, conversationId, "second question"));
            JsonNode accepted = asker.await("accepted");
            JsonNode asked = follower.await("asked");
            assertEquals(conversationId, asked.path("conversationId").asText());
            assertEquals("second question", asked.path("text").asText());
            assertEquals("chat", asked.path("mode").asText());
            assertEquals(accepted.path("messageId").asText(), asked.path("messageId").asText());
            String completionId = accepted.path("completionId").asText();
            assertEquals(completionId, asked.path("completionId").asText());

            reply.releaseAll();
            WsClient.Answer mine = asker.collect(completionId, 0);
            WsClient.Answer theirs = follower.collect(completionId, 0);
            assertEquals("seen in both tabs", theirs.text());
            assertEquals(mine.text(), theirs.text());
            assertEquals(mine.done().path("messageId").asText(), asked.path("answerMessageId").asText());
        }
    }

    @Test
    void theAskerIsNotToldOfItsOwnQuestionAndAnUnfollowerHearsNothingMore() {
        try (WsClient asker = WsClient.connect(base.toString(), TOKEN);
             WsClient other = WsClient.connect(base.toString(), TOKEN)) {
            JsonNode first = ask(asker, "one");
            String conversationId = first.path("conversationId").asText();
            asker.collect(first.path("completionId").asText(), 0);
            follow(asker, conversationId);
            follow(other, conversationId);
            other.send(WsClient.JSON.createObjectNode().put("type", "unfollow").put("conversationId", conversationId));

            asker.send(WsClient.chatFrame(UUID.randomUUID().toString(), conversationId, "two"));
            String completionId = asker.await("accepted").path("completionId").asText();
            asker.collect(completionId, 0);
            // a ping after the question: everything sent to either connection before its pong has arrived
            for (WsClient client : new WsClient[] {asker, other}) {
                client.send("{\"type\":\"ping\",\"t\":2}");
                JsonNode next = client.await(f -> !f.path("type").asText().equals("ping"), "pong");
                assertEquals("pong", next.path("type").asText(), "no asked before the pong: " + next);
            }
        }
    }

    @Test
    void deletingAConversationTellsItsFollowers() {
        try (WsClient asker = WsClient.connect(base.toString(), TOKEN);
             WsClient follower = WsClient.connect(base.toString(), TOKEN)) {
            JsonNode first = ask(asker, "to be deleted");
            String conversationId = first.path("conversationId").asText();
            asker.collect(first.path("completionId").asText(), 0);
            follow(follower, conversationId);

            api().delete("/api/conversations/" + conversationId).then().statusCode(204);

            assertEquals(conversationId, follower.await("deleted").path("conversationId").asText());
        }
    }

    @Test
    void followingAnUnknownConversationIsNotFoundAndTheConnectionStaysUsable() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            String unknown = UUID.randomUUID().toString();
            client.send(WsClient.JSON.createObjectNode().put("type", "follow").put("conversationId", unknown));
            JsonNode error = client.await("error");
            assertEquals("not_found", error.path("code").asText());
            assertEquals(unknown, error.path("ref").asText());
            assertFalse(error.path("retryable").asBoolean());
            ask(client, "still usable");
        }
    }
}
