package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.WsClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A burst of questions many times the connection pool's size: those that find no place among the questions being
 * stored are refused {@code unavailable} (retryable) with their ref and nothing stored, the connections stay open
 * (their workers do not wait out the pool's acquisition timeout while their heartbeats go unread), and each question
 * sent again is stored once. A question that finds every connection taken is refused the same way.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(PoolExhaustionTest.SmallPool.class)
class PoolExhaustionTest {

    public static class SmallPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The acquisition timeout stays the default (5 s): Agroal interrupts a connection still being opened
            // when it passes, and H2 closes its file on that interrupt, so a short one breaks a loaded machine.
            return Map.of("chat.data-dir", "./target/test-data-pool", "quarkus.datasource.jdbc.max-size", "2",
                    "chat.completions.max-accepting", "2", "chat.completions.accept-wait", "100ms",
                    "chat.completions.max-running", "1000",
                    "chat.connections.max", "1000");
        }
    }

    private static final int SOCKETS = 200;
    private static final int MAX_ATTEMPTS = 200;

    @TestHTTPResource("/")
    URL base;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.jdbc.max-size")
    int poolSize;

    private static int conversations() {
        return api().get("/api/conversations").then().extract().jsonPath().getList("$").size();
    }

    /** The answer to a chat frame: its accepted frame, or the error that carries its ref. */
    private static JsonNode answerTo(WsClient client, String clientMessageId) {
        return client.await(f -> clientMessageId.equals(f.path("clientMessageId").asText())
                || clientMessageId.equals(f.path("ref").asText()), "accepted or error of " + clientMessageId);
    }

    private static void assertRetryableUnavailable(JsonNode refused) {
        assertEquals("error", refused.path("type").asText(), refused.toString());
        assertEquals("unavailable", refused.path("code").asText(), refused.toString());
        assertTrue(refused.path("retryable").asBoolean(), refused.toString());
    }

    @Test
    void aQuestionThatFindsThePoolTakenIsRefusedRetryableAndStoredWholeWhenSentAgain() throws Exception {
        int before = conversations();
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            client.await("welcome");
            String id = "pool-taken-" + UUID.randomUUID();
            List<Connection> taken = new ArrayList<>();
            try {
                for (int i = 0; i < poolSize; i++) {
                    taken.add(dataSource.getConnection());
                }
                client.send(WsClient.chatFrame(id, null, "a question while the pool is taken"));
                assertRetryableUnavailable(answerTo(client, id));
            } finally {
                for (Connection c : taken) {
                    c.close();
                }
            }
            assertEquals(before, conversations(), "nothing of the refused question is stored");
            client.send(WsClient.chatFrame(id, null, "a question while the pool is taken"));
            JsonNode accepted = answerTo(client, id);
            assertEquals("accepted", accepted.path("type").asText(), accepted.toString());
            assertEquals("completed", client.collect(accepted.path("completionId").asText(), 0).done()
                    .path("status").asText());
            assertEquals(before + 1, conversations());
        }
    }

    @Test
    void aBurstOfQuestionsManyTimesThePoolIsEachStoredOnceAfterRetries() {
        int before = conversations();
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < SOCKETS; i++) {
                clients.add(WsClient.connect(base.toString(), TOKEN).answeringPings());
            }
            clients.forEach(c -> c.await("welcome"));
            Map<WsClient, String> ids = new HashMap<>();
            clients.forEach(c -> ids.put(c, "burst-" + UUID.randomUUID()));
            clients.forEach(c -> c.send(WsClient.chatFrame(ids.get(c), null, "a question of a burst")));
            int refused = 0;
            for (WsClient client : clients) {
                JsonNode answer = answerTo(client, ids.get(client));
                // as the client's queue does: send again what was refused as retryable
                for (int attempt = 1; !"accepted".equals(answer.path("type").asText()); attempt++) {
                    assertRetryableUnavailable(answer);
                    assertTrue(attempt < MAX_ATTEMPTS, "accepted within " + MAX_ATTEMPTS + " attempts");
                    refused++;
                    client.send(WsClient.chatFrame(ids.get(client), null, "a question of a burst"));
                    answer = answerTo(client, ids.get(client));
                }
                assertEquals("completed", client.collect(answer.path("completionId").asText(), 0).done()
                        .path("status").asText());
            }
            assertEquals(before + SOCKETS, conversations(), "each question stored once (" + refused + " refusals)");
        } finally {
            clients.forEach(WsClient::close);
        }
    }
}
