package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A resume whose backlog is longer than {@code chat.completions.max-pending-writes} (4,096 frames) is paced by the
 * socket's drain: the whole answer arrives once, in order, over the one connection, which stays open.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(LongResumeTest.PatientModel.class)
class LongResumeTest {

    public static class PatientModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the gated answer waits for the replay to be read: the model's silence must not end it
            // and a database of its own: the long answer's checkpoints make it large for the tests that follow
            return Map.of("chat.model.timeout", "120s", "chat.data-dir", "./target/test-data-long-resume");
        }
    }

    private static final int CHUNKS = 10_000;

    @TestHTTPResource("/")
    URL base;

    private static List<String> deltas() {
        List<String> deltas = new ArrayList<>(CHUNKS);
        for (int i = 1; i <= CHUNKS; i++) {
            deltas.add("<" + i + ">");
        }
        return deltas;
    }

    @Test
    void aTenThousandChunkBacklogResumesWholeOnceInOrderOverOneSocket() {
        List<String> deltas = deltas();
        Reply reply = FakeModelResource.server().enqueue(Reply.stream(deltas).gated());
        try {
            String completionId;
            try (WsClient asker = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
                completionId = ask(asker, "write ten thousand pieces").path("completionId").asText();
            }
            reply.release(CHUNKS - 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> api().get("/api/completions/" + completionId).then()
                    .extract().<Integer>path("lastSeq") == CHUNKS - 1);
            try (WsClient resumer = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
                resumer.await("welcome");
                resumer.resume(completionId, 0);
                List<JsonNode> replayed = resumer.chunks(completionId, CHUNKS - 1);
                for (int i = 0; i < CHUNKS - 1; i++) {
                    assertEquals(i + 1, replayed.get(i).path("seq").asLong(), "each seq once, in order");
                    assertEquals(deltas.get(i), replayed.get(i).path("delta").asText());
                }
                reply.releaseAll();
                // collect checks every seq once, in order, from where the replay ended
                WsClient.Answer rest = resumer.collect(completionId, CHUNKS - 1);
                assertEquals(deltas.get(CHUNKS - 1), rest.text());
                assertEquals("completed", rest.done().path("status").asText());
                assertEquals(CHUNKS, rest.done().path("lastSeq").asLong());
                assertFalse(resumer.isClosed(), "the socket stays open");
            }
            try (WsClient later = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
                later.await("welcome");
                later.resume(completionId, 0);
                WsClient.Answer whole = later.collect(completionId, 0);
                assertEquals(String.join("", deltas), whole.text());
                assertFalse(later.isClosed(), "the socket stays open");
            }
        } finally {
            reply.releaseAll();
        }
    }
}
