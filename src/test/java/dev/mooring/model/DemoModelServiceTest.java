package dev.mooring.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no provider configured the offline demo model answers, and every client is told so. */
@QuarkusTest
@TestProfile(DemoModelServiceTest.Demo.class)
class DemoModelServiceTest {

    public static class Demo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.model.provider", "demo", "chat.demo.reply-tokens", "12", "chat.demo.tokens-per-second", "500");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void demoModelIsAnnouncedAndStreamsTheConfiguredNumberOfChunks() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            JsonNode model = client.await("welcome").path("model");
            assertEquals("demo", model.path("provider").asText());
            assertTrue(model.path("demo").asBoolean());
            String completionId = ask(client, "explain my cell").path("completionId").asText();
            WsClient.Answer answer = client.collect(completionId, 0);
            assertEquals(12, answer.chunks().size());
            assertEquals("completed", answer.done().path("status").asText());
            assertTrue(!answer.text().isBlank());
        }
    }
}
