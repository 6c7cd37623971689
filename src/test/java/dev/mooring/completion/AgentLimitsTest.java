package dev.mooring.completion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static dev.mooring.completion.AgentLoopTest.askAgent;
import static dev.mooring.completion.AgentLoopTest.next;
import static dev.mooring.completion.AgentLoopTest.sendResult;
import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An agent answer never waits endlessly, and never loops endlessly: both limits end it with a clear error. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(AgentLimitsTest.ShortLimits.class)
class AgentLimitsTest {

    /** A tool result is awaited 2 s; one model turn may call tools. */
    public static class ShortLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.agent.tool-timeout", "2s", "chat.agent.max-steps", "1");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void forgetRepliesLeftBehind() {
        FakeModelResource.server().clearReplies();
    }

    @Test
    void aCallThatGetsNoResultInTimeEndsTheAnswerFailedWithToolTimeout() {
        FakeModelResource.server().enqueue(Reply.stream("Waiting. ").toolCall("call_w", "read_notebook", "{}"));
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            String id = askAgent(client, "wait for me");
            next(client, id);
            assertEquals("tool_call", next(client, id).path("type").asText());
            JsonNode done = next(client, id);
            assertEquals("failed", done.path("status").asText());
            assertEquals("tool_timeout", done.path("error").path("code").asText());
            assertTrue(done.path("error").path("message").asText().contains("within 2 s"), done::toString);
            assertTrue(done.path("error").path("retryable").asBoolean());
            api().get("/api/completions/" + id).then().statusCode(200).body("status", equalTo("failed"))
                    .body("error.code", equalTo("tool_timeout")).body("text", equalTo("Waiting. "));
        }
    }

    @Test
    void aModelThatCallsToolsInMoreTurnsThanAllowedEndsFailed() {
        FakeModelResource.server().enqueue(Reply.stream("One. ").toolCall("call_1", "read_notebook", "{}"));
        FakeModelResource.server().enqueue(Reply.stream("Two. ").toolCall("call_2", "read_notebook", "{}"));
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            String id = askAgent(client, "loop");
            next(client, id);
            String callId = next(client, id).path("callId").asText();
            sendResult(client, id, callId, "{}");
            assertEquals("tool_result", next(client, id).path("type").asText());
            assertEquals("Two. ", next(client, id).path("delta").asText());
            JsonNode done = next(client, id);
            assertEquals("failed", done.path("status").asText());
            assertEquals("model_error", done.path("error").path("code").asText());
            assertTrue(done.path("error").path("message").asText().contains("limit of 1 tool-calling turns"), done::toString);
        }
    }
}
