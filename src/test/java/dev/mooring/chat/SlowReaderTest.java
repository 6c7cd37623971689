package dev.mooring.chat;

import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client that never reads is closed with 1013, whether live frames or replays pile up; the answer it asked for runs
 * on and is whole for the next one.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(SlowReaderTest.FewUnwrittenFrames.class)
class SlowReaderTest {

    public static class FewUnwrittenFrames implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.completions.max-pending-writes", "16");
        }
    }

    private static final int CHUNKS = 400;

    @TestHTTPResource("/")
    URL base;

    @Test
    void aClientThatNeverReadsIsClosed1013AndTheAnswerIsUnaffected() {
        // more than the kernel's socket buffers hold, so that the service's writes back up
        List<String> deltas = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) {
            deltas.add(i + ":" + "w".repeat(64 * 1024) + "\n");
        }
        FakeModelResource.server().enqueue(Reply.stream(deltas));
        try (WsClient reader = WsClient.connect(base.toString(), TOKEN)) {
            reader.await("welcome");
            reader.pauseReading();
            reader.chat("write a lot");
            // the client still sends (its heartbeat): it only does not read, until the service gave up on it
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                reader.send("{\"type\":\"ping\",\"t\":1}");
                return RestAssured.get("/q/metrics").asString().contains("mooring_slow_closes_total 1.0");
            });
            reader.resumeReading();
            assertEquals(1013, reader.awaitClose());
        }
        String conversationId = api().get("/api/conversations").then().extract().path("[0].id");
        String completionId = api().get("/api/conversations/" + conversationId).then().extract()
                .path("messages[1].completion.id");
        await().atMost(Duration.ofSeconds(60)).until(() -> "completed".equals(
                api().get("/api/completions/" + completionId).then().extract().path("status")));
        assertEquals(String.join("", deltas), api().get("/api/completions/" + completionId).then().extract()
                .path("text"), "the whole answer is stored");
        try (WsClient next = WsClient.connect(base.toString(), TOKEN)) {
            next.resume(completionId, CHUNKS - 3);
            WsClient.Answer answer = next.collect(completionId, CHUNKS - 3);
            assertEquals(String.join("", deltas.subList(CHUNKS - 3, CHUNKS)), answer.text());
            assertEquals(CHUNKS, answer.done().path("lastSeq").asLong());
        }
    }

    private static double slowCloses() {
        String metrics = RestAssured.get("/q/metrics").asString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^mooring_slow_closes_total (\\S+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aClientThatResumesAnswerAfterAnswerAndNeverReadsIsClosed1013() {
        List<String> deltas = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            deltas.add(i + ":" + "r".repeat(16 * 1024) + "\n");
        }
        FakeModelResource.server().enqueue(Reply.stream(deltas));
        String completionId;
        try (WsClient asker = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            asker.await("welcome");
            asker.chat("write a long answer");
            completionId = asker.await("accepted").path("completionId").asText();
        }
        // read back through REST, not live: 16 unwritten live frames would close the asker too
        await().atMost(Duration.ofSeconds(60)).until(() -> "completed".equals(
                api().get("/api/completions/" + completionId).then().extract().path("status")));
        double before = slowCloses();
        try (WsClient reader = WsClient.connect(base.toString(), TOKEN)) {
            reader.await("welcome");
            reader.pauseReading();
            // each resume replays 1.6 MB; once the kernel's buffers are full, they wait in the service, until more
            // than chat.completions.max-pending-bytes (4 MiB) do
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    reader.resume(completionId, 0);
                } catch (RuntimeException closedMeanwhile) {
                    // the service may have closed the socket already: the metric says so
                }
                return slowCloses() > before;
            });
            reader.resumeReading();
            assertEquals(1013, reader.awaitClose());
        }
    }
}
