package dev.mooring.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provider failures end the completion {@code failed} with a {@code model_error} that says what to do. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class ModelFailureEndsFailedTest {

    @TestHTTPResource("/")
    URL base;

    private JsonNode failWith(Reply reply) {
        FakeModelResource.server().enqueue(reply);
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            String completionId = ask(client, "will fail").path("completionId").asText();
            JsonNode done = client.collect(completionId, 0).done();
            assertEquals("failed", done.path("status").asText());
            assertEquals("model_error", done.path("error").path("code").asText());
            api().get("/api/completions/" + completionId).then().body("status", equalTo("failed"));
            return done;
        }
    }

    @Test
    void refusedApiKeyIsNotRetryableAndSaysWhatToFix() {
        JsonNode error = failWith(Reply.error(401)).path("error");
        assertFalse(error.path("retryable").asBoolean());
        assertTrue(error.path("message").asText().contains("CHAT_MODEL_API_KEY"), error.toString());
    }

    @Test
    void rateLimitIsRetryable() {
        assertTrue(failWith(Reply.error(429)).path("error").path("retryable").asBoolean());
    }

    @Test
    void serverErrorIsRetryable() {
        assertTrue(failWith(Reply.error(500)).path("error").path("retryable").asBoolean());
    }

    @Test
    void streamCutHalfwayFailsAndKeepsThePartialText() {
        // Gated: the cut comes only once both deltas reached the client, since the JDK HTTP client may drop bytes
        // that arrive just before a connection breaks.
        Reply reply = FakeModelResource.server().enqueue(Reply.stream("part ", "of ", "an ", "answer").cutAfter(2).gated());
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            String completionId = ask(client, "cut").path("completionId").asText();
            reply.release(2);
            java.util.List<com.fasterxml.jackson.databind.JsonNode> first = client.chunks(completionId, 2);
            reply.release(1);
            WsClient.Answer rest = client.collect(completionId, 2);
            WsClient.Answer answer = new WsClient.Answer(new java.util.ArrayList<>(first), rest.done());
            assertTrue(rest.chunks().isEmpty(), "nothing after the cut");
            assertEquals("failed", answer.done().path("status").asText());
            assertTrue(answer.done().path("error").path("retryable").asBoolean());
            assertEquals("part of ", answer.text());
            api().get("/api/completions/" + completionId).then().body("text", equalTo("part of "));
        }
    }

    @Test
    void unansweredRequestTimesOutAsRetryable() {
        JsonNode error = failWith(Reply.hang()).path("error");
        assertTrue(error.path("retryable").asBoolean(), error.toString());
    }
}
