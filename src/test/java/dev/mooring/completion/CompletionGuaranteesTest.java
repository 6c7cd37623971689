package dev.mooring.completion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Guarantees 1, 2 and 3 of the protocol, and durable progress, over a real socket and the real LangChain4j client. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class CompletionGuaranteesTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    CompletionStore store;

    @Inject
    LiveCompletions live;

    private FakeOpenAiServer model() {
        return FakeModelResource.server();
    }

    @Test
    void completionKeepsRunningWhenItsClientDisconnects() {
        Reply reply = model().enqueue(Reply.stream("one ", "two ", "three ", "four").gated());
        String completionId;
        try (WsClient first = WsClient.connect(base.toString(), TOKEN)) {
            completionId = ask(first, "count to four").path("completionId").asText();
            reply.release(1);
            first.chunks(completionId, 1);
            first.drop();
        }
        reply.releaseAll();
        await().until(() -> store.find(UUID.fromString(completionId)).orElseThrow().status()
                == CompletionStatus.COMPLETED);
        assertEquals("one two three four", store.find(UUID.fromString(completionId)).orElseThrow().text());
    }

    @Test
    void resumeReplaysEveryMissedChunkExactlyOnceThenFollowsLive() {
        Reply reply = model().enqueue(Reply.stream("a", "b", "c", "d", "e", "f").gated());
        String completionId;
        try (WsClient first = WsClient.connect(base.toString(), TOKEN)) {
            completionId = ask(first, "letters").path("completionId").asText();
            reply.release(2);
            first.chunks(completionId, 2);
            first.drop();
        }
        reply.release(2);
        await().until(() -> live.find(UUID.fromString(completionId)).lastSeq() == 4);
        try (WsClient second = WsClient.connect(base.toString(), TOKEN)) {
            second.resume(completionId, 1);
            List<JsonNode> replayed = second.chunks(completionId, 3);
            assertEquals(List.of(2L, 3L, 4L), replayed.stream().map(c -> c.path("seq").asLong()).toList());
            reply.releaseAll();
            WsClient.Answer rest = second.collect(completionId, 4);
            assertEquals("ef", rest.text());
            assertEquals("completed", rest.done().path("status").asText());
            assertEquals(6, rest.done().path("lastSeq").asLong());
        }
        api().get("/api/completions/" + completionId).then().statusCode(200).body("text", equalTo("abcdef"));
    }

    @Test
    void resumeFromTheDatabaseCutsTheStoredTextAtTheOriginalChunks() {
        // "\uD83D", "\uDE00 ok": an emoji split between two deltas, each half a lone surrogate on the wire
        List<String> deltas = List.of("Hel", "lo, ", "wörld", " \"quoted\"\n", "```py\nprint(1)\n```", "🙂", "!",
                "\uD83D", "\uDE00 ok");
        model().enqueue(Reply.stream(deltas));
        String completionId;
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            completionId = ask(client, "greet").path("completionId").asText();
            assertEquals(String.join("", deltas), client.collect(completionId, 0).text());
        }
        UUID id = UUID.fromString(completionId);
        await().until(() -> live.find(id) == null);
        for (int afterSeq = 0; afterSeq <= deltas.size(); afterSeq++) {
            try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
                client.resume(completionId, afterSeq);
                WsClient.Answer answer = client.collect(completionId, afterSeq);
                assertEquals(deltas.subList(afterSeq, deltas.size()),
                        answer.chunks().stream().map(c -> c.path("delta").asText()).toList());
                assertEquals("completed", answer.done().path("status").asText());
                assertEquals(deltas.size(), answer.done().path("lastSeq").asLong());
            }
        }
    }

    @Test
    void dropsAtRandomPointsThenResumeGiveExactlyTheStoredText() {
        Random random = new Random(42);
        for (int round = 0; round < 6; round++) {
            List<String> deltas = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                deltas.add("t" + round + "-" + i + (i % 7 == 0 ? "\n" : " ") + (i % 11 == 0 ? "é\"" : ""));
            }
            Reply reply = model().enqueue(Reply.stream(deltas).gated());
            StringBuilder received = new StringBuilder();
            long held = 0;
            String completionId;
            try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
                completionId = ask(client, "round " + round).path("completionId").asText();
                int firstPart = 1 + random.nextInt(30);
                reply.release(firstPart);
                for (JsonNode c : client.chunks(completionId, firstPart)) {
                    received.append(c.path("delta").asText());
                    held = c.path("seq").asLong();
                }
                client.drop();
            }
            reply.release(random.nextInt(5));
            try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
                client.resume(completionId, held);
                reply.releaseAll();
                WsClient.Answer rest = client.collect(completionId, held);
                received.append(rest.text());
                assertEquals(40, rest.done().path("lastSeq").asLong());
            }
            String stored = store.find(UUID.fromString(completionId)).orElseThrow().text();
            assertEquals(String.join("", deltas), stored);
            assertEquals(stored, received.toString(), "round " + round);
        }
    }

    @Test
    void resentChatMessageIdNeverStartsASecondCompletion() {
        model().enqueue(Reply.stream("only ", "once"));
        String clientMessageId = UUID.randomUUID().toString();
        int before = model().requestCount();
        JsonNode first;
        try (WsClient a = WsClient.connect(base.toString(), TOKEN)) {
            a.send(WsClient.chatFrame(clientMessageId, null, "hello"));
            first = a.await("accepted");
            assertFalse(first.path("duplicate").asBoolean());
            a.collect(first.path("completionId").asText(), 0);
        }
        try (WsClient b = WsClient.connect(base.toString(), TOKEN)) {
            b.send(WsClient.chatFrame(clientMessageId, null, "hello"));
            JsonNode again = b.await("accepted");
            assertTrue(again.path("duplicate").asBoolean());
            for (String field : List.of("conversationId", "messageId", "completionId")) {
                assertEquals(first.path(field).asText(), again.path(field).asText(), field);
            }
        }
        assertEquals(before + 1, model().requestCount(), "the resend must not call the model again");
        api().get("/api/conversations/" + first.path("conversationId").asText()).then().statusCode(200)
                .body("messages.size()", equalTo(2));
    }

    @Test
    void progressReachesTheDatabaseWhileTheCompletionRuns() {
        Reply reply = model().enqueue(Reply.stream("durable ", "progress ", "before ", "the end").gated());
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            String completionId = ask(client, "persist").path("completionId").asText();
            reply.release(2);
            client.chunks(completionId, 2);
            UUID id = UUID.fromString(completionId);
            await().atMost(Duration.ofSeconds(5)).until(() -> store.find(id).orElseThrow().lastSeq() == 2);
            StoredCompletion stored = store.find(id).orElseThrow();
            assertEquals(CompletionStatus.RUNNING, stored.status());
            assertEquals("durable progress ", stored.text());
            reply.releaseAll();
            client.collect(completionId, 2);
        }
    }

    @Test
    void cancelStopsTheProviderStreamAndEndsCancelled() throws InterruptedException {
        Reply reply = model().enqueue(Reply.stream("1", "2", "3", "4", "5").gated());
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            String completionId = ask(client, "count").path("completionId").asText();
            reply.release(2);
            client.chunks(completionId, 2);
            client.send(WsClient.JSON.createObjectNode().put("type", "cancel").put("completionId", completionId));
            JsonNode done = client.await("done");
            assertEquals("cancelled", done.path("status").asText());
            assertEquals(2, done.path("lastSeq").asLong());
            reply.release(1);
            assertTrue(reply.awaitClientClosed(Duration.ofSeconds(10)), "the provider's stream must be closed");
            api().get("/api/completions/" + completionId).then().body("status", equalTo("cancelled"))
                    .body("text", equalTo("12"));
        }
    }

    @Test
    void restCancelEndsTheCompletionCancelledForItsSubscribers() {
        Reply reply = model().enqueue(Reply.stream("x", "y", "z").gated());
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            String completionId = ask(client, "cancel me").path("completionId").asText();
            reply.release(1);
            client.chunks(completionId, 1);
            api().post("/api/completions/" + completionId + "/cancel").then().statusCode(202);
            JsonNode done = client.await("done");
            assertEquals("cancelled", done.path("status").asText());
            reply.releaseAll();
        }
    }
}
