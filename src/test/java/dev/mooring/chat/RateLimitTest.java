package dev.mooring.chat;

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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A connection that sends faster than its budget gets {@code rate_limited}; one that keeps at it is closed 1008. */
@QuarkusTest
@TestProfile(RateLimitTest.TightBudget.class)
class RateLimitTest {

    public static class TightBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.model.provider", "demo", "chat.rate-limit.frames-per-second", "0.01",
                    "chat.rate-limit.burst", "3", "chat.rate-limit.max-violations", "4");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void framesBeyondTheBudgetAreRefusedThenRepeatedAbuseCloses1008() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            for (int i = 0; i < 3; i++) {
                client.send("{\"type\":\"ping\",\"t\":" + i + "}");
                assertEquals(i, client.await("pong").path("t").asInt());
            }
            client.send("{\"type\":\"chat\",\"clientMessageId\":\"over-1\",\"text\":\"one too many\"}");
            JsonNode refused = client.await("error");
            assertEquals("rate_limited", refused.path("code").asText());
            assertTrue(refused.path("retryable").asBoolean());
            assertEquals("over-1", refused.path("ref").asText());
            // a refused frame is not parsed: its ref comes from a scan of its first bytes, the broken rest unread
            client.send("{\"type\":\"chat\",\"clientMessageId\":\"over-2\",\"text\":\"" + "z".repeat(100_000));
            JsonNode cut = client.await("error");
            assertEquals("rate_limited", cut.path("code").asText());
            assertEquals("over-2", cut.path("ref").asText(), cut.toString());
            for (int i = 0; i < 2; i++) {
                client.send("{\"type\":\"ping\",\"t\":9}");
            }
            assertEquals(1008, client.awaitClose());
        }
    }
}
