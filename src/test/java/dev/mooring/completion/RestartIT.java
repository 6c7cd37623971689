package dev.mooring.completion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.ServiceProcess;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Guarantees 4 and 6 against the packaged service in its own process: killed or stopped mid-answer and started again
 * on the same database, the answer is {@code interrupted} with its partial text, and resumable.
 */
class RestartIT extends PackagedServiceIT {

    @Test
    void killedMidAnswerTheCompletionIsInterruptedAfterRestartWithItsPartialText() {
        Reply reply = model.enqueue(Reply.stream("kept ", "after ", "the ", "crash", " lost").gated());
        String completionId;
        try (WsClient client = WsClient.connect(service.baseUrl(), ServiceProcess.TOKEN)) {
            completionId = ServiceTestSupportIt.ask(client, "crash me");
            reply.release(4);
            client.chunks(completionId, 4);
            await().until(() -> service.completion(completionId).path("durableSeq").asLong() == 4);
            service.kill();
            assertEquals(1006, client.awaitClose());
        }
        service.start();
        JsonNode stored = service.completion(completionId);
        assertEquals("interrupted", stored.path("status").asText());
        assertEquals("kept after the crash", stored.path("text").asText());
        try (WsClient client = WsClient.connect(service.baseUrl(), ServiceProcess.TOKEN)) {
            client.resume(completionId, 1);
            WsClient.Answer answer = client.collect(completionId, 1);
            assertEquals("after the crash", answer.text());
            assertEquals("interrupted", answer.done().path("status").asText());
            assertEquals(4, answer.done().path("lastSeq").asLong());
        }
    }

    @Test
    void gracefulShutdownEndsRunningAnswersInterruptedThenCloses1001() {
        Reply reply = model.enqueue(Reply.stream("stopped ", "politely", " never").gated());
        String completionId;
        try (WsClient client = WsClient.connect(service.baseUrl(), ServiceProcess.TOKEN)) {
            completionId = ServiceTestSupportIt.ask(client, "stop me");
            reply.release(2);
            client.chunks(completionId, 2);
            service.terminate();
            JsonNode done = client.await("done");
            assertEquals("interrupted", done.path("status").asText());
            assertEquals(2, done.path("lastSeq").asLong());
            assertEquals(1001, client.awaitClose());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !service.alive());
        service.start();
        JsonNode stored = service.completion(completionId);
        assertEquals("interrupted", stored.path("status").asText());
        assertEquals("stopped politely", stored.path("text").asText());
    }

    /** The ask helper for tests without Quarkus on the classpath path. */
    static final class ServiceTestSupportIt {
        static String ask(WsClient client, String text) {
            client.chat(text);
            return client.await("accepted").path("completionId").asText();
        }
    }
}
