package dev.mooring.completion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.LogCapture;
import dev.mooring.testing.PatientModel;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URL;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Text a database may refuse (a NUL; half of a surrogate pair, as a model may cut one between checkpoints) is stored
 * and shown exactly, and a row the database does refuse holds back only itself: every other running answer keeps
 * being checkpointed, and no log line carries the answer's text.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(PatientModel.class)
class UnstorableTextTest {

    /** Where an answer's text is stored: its segments while it runs, its row once it ends. */
    private static final List<String> TEXT_TABLES = List.of("completion", "completion_segment");

    @TestHTTPResource("/")
    URL base;

    @Inject
    CompletionStore store;

    @Inject
    LiveCompletions live;

    @Inject
    DataSource dataSource;

    /** Asks on {@code client} and waits until the model took {@code reply}, so that replies go out in order. */
    private static String ask(WsClient client, String frame, Reply reply) throws InterruptedException {
        client.send(frame);
        String id = client.await("accepted").path("completionId").asText();
        assertTrue(reply.awaitStarted(Duration.ofSeconds(20)));
        return id;
    }

    private static String chat(String text) {
        return WsClient.chatFrame(UUID.randomUUID().toString(), null, text).toString();
    }

    private long durable(String id) {
        return store.find(UUID.fromString(id)).orElseThrow().lastSeq();
    }

    @Test
    void nulsAndLoneSurrogatesAreStoredExactlyWhileTheOtherAnswersKeepBeingCheckpointed() throws Exception {
        String question = "why\u0000 \uD83D?";
        // escaped in the JSON as a browser's JSON.stringify writes them: a lone surrogate is no valid UTF-8
        String frame = "{\"type\":\"chat\",\"clientMessageId\":\"" + UUID.randomUUID() + "\",\"text\":\"why\\u0000 "
                + "\\ud83d?\",\"context\":{\"notebookPath\":\"odd\\u0000name.ipynb\"}}";
        List<String> oddDeltas = List.of("nul\u0000here ", "\uD83D", "\uDE00 split", " end");
        // one connection per answer: a client reads one answer's frames at a time
        try (WsClient plainClient1 = WsClient.connect(base.toString(), TOKEN).answeringPings();
             WsClient oddClient = WsClient.connect(base.toString(), TOKEN).answeringPings();
             WsClient plainClient2 = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            Reply first = FakeModelResource.server().enqueue(Reply.stream("plain ", "one").gated());
            String plain1 = ask(plainClient1, chat("plain one"), first);
            Reply odd = FakeModelResource.server().enqueue(Reply.stream(oddDeltas).gated());
            oddClient.send(frame);
            JsonNode accepted = oddClient.await("accepted");
            String oddId = accepted.path("completionId").asText();
            assertTrue(odd.awaitStarted(Duration.ofSeconds(20)));
            Reply second = FakeModelResource.server().enqueue(Reply.stream("plain ", "two").gated());
            String plain2 = ask(plainClient2, chat("plain two"), second);

            first.release(1);
            odd.release(1);
            second.release(1);
            await().until(() -> durable(plain1) == 1 && durable(plain2) == 1 && durable(oddId) == 1);
            odd.release(1); // the first half of a pair, alone at the end of the stored text
            await().until(() -> durable(oddId) == 2);
            assertEquals("nul\u0000here \uD83D", store.find(UUID.fromString(oddId)).orElseThrow().text());
            String halfway = api().get("/api/completions/" + oddId).then().statusCode(200).extract().path("text");
            assertEquals("nul\u0000here \uD83D", halfway);

            first.releaseAll();
            odd.releaseAll();
            second.releaseAll();
            assertEquals("completed", plainClient1.collect(plain1, 0).done().path("status").asText());
            assertEquals("completed", plainClient2.collect(plain2, 0).done().path("status").asText());
            WsClient.Answer told = oddClient.collect(oddId, 0);
            assertEquals("completed", told.done().path("status").asText());
            String full = String.join("", oddDeltas);
            assertEquals(full, told.text(), "the client gets the model's text intact");
            assertEquals(full, store.find(UUID.fromString(oddId)).orElseThrow().text());

            await().until(() -> live.find(UUID.fromString(oddId)) == null);
            oddClient.resume(oddId, 0);
            assertEquals(oddDeltas, oddClient.collect(oddId, 0).chunks().stream()
                    .map(c -> c.path("delta").asText()).toList(), "a resume from the database cuts the same chunks");
            JsonNode conversation = api().get("/api/conversations/" + accepted.path("conversationId").asText())
                    .then().statusCode(200).extract().as(JsonNode.class);
            assertEquals(question, conversation.path("messages").path(0).path("text").asText());
            assertEquals("odd\u0000name.ipynb",
                    conversation.path("messages").path(0).path("context").path("notebookPath").asText());
            assertEquals(full, conversation.path("messages").path(1).path("text").asText());
        }
    }

    @Test
    void aRowTheDatabaseRefusesHoldsBackOnlyItselfAndItsTextNeverReachesTheLog() throws Exception {
        String secret = "secret-" + UUID.randomUUID();
        try (WsClient fineClient1 = WsClient.connect(base.toString(), TOKEN).answeringPings();
             WsClient badClient = WsClient.connect(base.toString(), TOKEN).answeringPings();
             WsClient fineClient2 = WsClient.connect(base.toString(), TOKEN).answeringPings();
             LogCapture log = LogCapture.start()) {
            refuse(secret);
            Reply first = FakeModelResource.server().enqueue(Reply.stream("fine ", "one").gated());
            String fine1 = ask(fineClient1, chat("fine one"), first);
            Reply bad = FakeModelResource.server().enqueue(Reply.stream("the " + secret + " ", "text").gated());
            String badId = ask(badClient, chat("the refused one"), bad);
            Reply second = FakeModelResource.server().enqueue(Reply.stream("fine ", "two").gated());
            String fine2 = ask(fineClient2, chat("fine two"), second);

            bad.release(1);
            badClient.chunks(badId, 1);
            first.release(1);
            second.release(1);
            await().until(() -> durable(fine1) == 1 && durable(fine2) == 1);
            assertEquals(0, durable(badId), "the refused row is not written");
            first.releaseAll();
            second.releaseAll();
            bad.releaseAll();
            assertEquals("completed", fineClient1.collect(fine1, 0).done().path("status").asText());
            assertEquals("completed", fineClient2.collect(fine2, 0).done().path("status").asText());

            badClient.chunks(badId, 1);
            await().until(() -> RestAssured.get("/q/metrics").asString().contains("mooring_completions_ending 1.0"));
            assertFalse(badClient.received().stream().anyMatch(f -> "done".equals(f.path("type").asText())),
                    "its end cannot be stored yet, so nobody is told it ended");
            allow();
            JsonNode done = badClient.await("done");
            assertEquals(badId, done.path("completionId").asText());
            assertEquals("completed", done.path("status").asText());
            assertEquals("the " + secret + " text", store.find(UUID.fromString(badId)).orElseThrow().text());

            List<String> leaks = log.lines().stream().filter(line -> line.contains(secret)).toList();
            assertEquals(List.of(), leaks, "log lines quoting the answer");
        } finally {
            allow();
        }
    }

    /** Makes the database refuse any completion row or segment whose text contains {@code marker}. */
    private void refuse(String marker) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : TEXT_TABLES) {
                s.execute("ALTER TABLE " + table + " ADD CONSTRAINT test_refused_text_" + table
                        + " CHECK (text NOT LIKE '%" + marker + "%')");
            }
        }
    }

    private void allow() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : TEXT_TABLES) {
                s.execute("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS test_refused_text_" + table);
            }
        }
    }
}
