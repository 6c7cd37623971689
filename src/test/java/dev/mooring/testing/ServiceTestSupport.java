package dev.mooring.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Shared bits of the service tests: the test token and an authorised REST request. */
public final class ServiceTestSupport {

    public static final String TOKEN = "test-token-0123456789";

    private ServiceTestSupport() {
    }

    public static RequestSpecification api() {
        return RestAssured.given().header("Authorization", "Bearer " + TOKEN);
    }

    /** Sends a chat and returns its {@code accepted} frame. */
    public static JsonNode ask(WsClient client, String text) {
        String id = client.chat(text);
        JsonNode accepted = client.await(f -> "accepted".equals(f.path("type").asText())
                || "error".equals(f.path("type").asText()), "accepted of " + id);
        if (!"accepted".equals(accepted.path("type").asText())) {
            throw new AssertionError("chat refused: " + accepted);
        }
        return accepted;
    }
}
