package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Guarantee 5: pings every interval, 4408 after the timeout of silence, pongs echo {@code t}. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(HeartbeatTest.ShortHeartbeats.class)
class HeartbeatTest {

    public static class ShortHeartbeats implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.heartbeat.interval", "200ms", "chat.heartbeat.timeout", "900ms",
                    "chat.node-name", "heartbeat-node");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void welcomeAnnouncesTheHeartbeatAndTheNodeAndTheServerPingsEveryInterval() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            JsonNode welcome = client.await("welcome");
            assertEquals(1, welcome.path("protocol").asInt());
            assertEquals(true, welcome.path("connectionId").asText().length() > 8, welcome.toString());
            assertEquals("openai", welcome.path("model").path("provider").asText());
            assertEquals(false, welcome.path("model").path("demo").asBoolean());
            assertEquals(200, welcome.path("heartbeatIntervalMs").asLong());
            assertEquals(900, welcome.path("heartbeatTimeoutMs").asLong());
            assertEquals("heartbeat-node", welcome.path("node").asText());
            assertEquals(262144, welcome.path("maxFrameBytes").asInt(), "the client checks a question's size against it");
            long first = client.await("ping").path("t").asLong();
            long second = client.await("ping").path("t").asLong();
            assertEquals(true, second > first);
        }
    }

    @Test
    void silentConnectionIsClosedWith4408() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            assertEquals(4408, client.awaitClose());
        }
    }

    @Test
    void connectionThatAnswersPingsStaysOpenPastTheTimeout() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            for (int i = 0; i < 8; i++) {
                client.await("ping");
            }
            assertFalse(client.isClosed());
        }
    }

    @Test
    void clientPingIsAnsweredWithTheSameT() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            client.send("{\"type\":\"ping\",\"t\":1732212345678.5}");
            assertEquals(1732212345678.5, client.await("pong").path("t").asDouble());
        }
    }
}
