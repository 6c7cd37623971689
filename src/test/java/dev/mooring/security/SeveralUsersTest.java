package dev.mooring.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** With a users secret: each request acts for the user its proxy asserts, and sees only that user's conversations. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(SeveralUsersTest.Secret.class)
class SeveralUsersTest {

    static final String SECRET = "test-users-secret-0123456789-abcdefgh";

    public static class Secret implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.users.secret", SECRET);
        }
    }

    @TestHTTPResource("/")
    URL base;

    static String assertionOf(String user) {
        return UserAssertions.assertion(UserAssertions.userKey(SECRET, user), user, Instant.now().plusSeconds(60));
    }

    private static RequestSpecification as(String user) {
        return api().header(UserAssertions.HEADER, assertionOf(user));
    }

    private WsClient connectAs(String user) {
        return WsClient.connect(WsClient.chatUri(base.toString(), TOKEN), Map.of(UserAssertions.HEADER, assertionOf(user)));
    }

    @Test
    void aRequestWithoutAValidAssertionIsRefused() {
        api().get("/api/conversations").then().statusCode(401).body("code", equalTo("unauthorized"));
        api().header(UserAssertions.HEADER, "v1.YWxpY2U.1.AAAA").get("/api/conversations").then().statusCode(401);
        assertEquals(401, WsClient.upgradeStatus(WsClient.chatUri(base.toString(), TOKEN), Map.of()));
        String forged = UserAssertions.assertion(UserAssertions.userKey(SECRET, "mallory"), "alice",
                Instant.now().plusSeconds(60));
        assertEquals(401, WsClient.upgradeStatus(WsClient.chatUri(base.toString(), TOKEN),
                Map.of(UserAssertions.HEADER, forged)));
    }

    @Test
    void anotherUsersConversationIsInvisibleOnRest() {
        String conversationId = aliceConversation();
        as("alice").get("/api/conversations").then().statusCode(200).body("id", hasItem(conversationId));
        as("bob").get("/api/conversations").then().statusCode(200).body("id", not(hasItem(conversationId)));
        String unknown = as("bob").get("/api/conversations/" + UUID.randomUUID()).then().statusCode(404)
                .extract().path("code");
        as("bob").get("/api/conversations/" + conversationId).then().statusCode(404).body("code", equalTo(unknown));
        as("bob").delete("/api/conversations/" + conversationId).then().statusCode(404);
        as("alice").get("/api/conversations/" + conversationId).then().statusCode(200)
                .body("messages[0].text", equalTo("alice asks"));
    }

    @Test
    void anotherUsersConversationCannotBeContinuedOnTheSocket() {
        String conversationId = aliceConversation();
        try (WsClient bob = connectAs("bob")) {
            String clientMessageId = UUID.randomUUID().toString();
            bob.send(WsClient.chatFrame(clientMessageId, conversationId, "bob joins in"));
            JsonNode error = bob.await("error");
            assertEquals("not_found", error.path("code").asText());
            assertEquals(clientMessageId, error.path("ref").asText());
        }
        as("alice").get("/api/conversations/" + conversationId).then().body("messages.size()", equalTo(2));
    }

    @Test
    void theSameClientMessageIdFromTwoUsersIsTwoQuestions() {
        String clientMessageId = UUID.randomUUID().toString();
        JsonNode aliceAccepted;
        JsonNode bobAccepted;
        try (WsClient alice = connectAs("alice"); WsClient bob = connectAs("bob")) {
            alice.send(WsClient.chatFrame(clientMessageId, null, "same id, alice"));
            aliceAccepted = alice.await("accepted");
            bob.send(WsClient.chatFrame(clientMessageId, null, "same id, bob"));
            bobAccepted = bob.await("accepted");
            bob.send(WsClient.chatFrame(clientMessageId, null, "same id, bob, again"));
            assertEquals(true, bob.await("accepted").path("duplicate").asBoolean());
        }
        assertEquals(false, aliceAccepted.path("duplicate").asBoolean());
        assertEquals(false, bobAccepted.path("duplicate").asBoolean());
        assertNotEquals(aliceAccepted.path("conversationId").asText(), bobAccepted.path("conversationId").asText());
    }

    @Test
    void anotherUsersConversationIsNeitherListedForItsNotebookNorRenamed() {
        String notebook = "shared-" + UUID.randomUUID() + ".ipynb";
        String alices = conversationOf("alice", notebook, "alice asks");
        String bobs = conversationOf("bob", notebook, "bob asks");

        as("bob").queryParam("notebook", notebook).get("/api/conversations").then().statusCode(200)
                .body("id", equalTo(List.of(bobs)));
        as("alice").queryParam("notebook", notebook).get("/api/conversations").then().statusCode(200)
                .body("id", equalTo(List.of(alices)));
        as("bob").contentType(ContentType.JSON).body(Map.of("title", "bob was here"))
                .patch("/api/conversations/" + alices).then().statusCode(404).body("code", equalTo("not_found"));
        as("alice").get("/api/conversations/" + alices).then().body("title", equalTo("alice asks"));
        as("alice").contentType(ContentType.JSON).body(Map.of("title", "mine"))
                .patch("/api/conversations/" + alices).then().statusCode(200).body("title", equalTo("mine"));
    }

    @Test
    void noUserChangesTheModelOfEveryone() {
        String inUse = as("alice").get("/api/model").then().statusCode(200).extract().path("model.name");
        as("alice").contentType(ContentType.JSON).body(Map.of("provider", "demo")).put("/api/model").then()
                .statusCode(403).body("code", equalTo("forbidden"));
        as("bob").get("/api/model").then().statusCode(200).body("model.name", equalTo(inUse))
                .body("model.demo", equalTo(false)).body("source", equalTo("environment"));
    }

    private String aliceConversation() {
        return conversationOf("alice", null, "alice asks");
    }

    /** A conversation of {@code user} started from a question asked in {@code notebook} (null: none), answered. */
    private String conversationOf(String user, String notebook, String text) {
        FakeModelResource.server().enqueue(Reply.stream("for ", user));
        try (WsClient client = connectAs(user)) {
            ObjectNode frame = WsClient.chatFrame(UUID.randomUUID().toString(), null, text);
            if (notebook != null) {
                frame.putObject("context").put("notebookPath", notebook);
            }
            client.send(frame);
            JsonNode accepted = client.await("accepted");
            client.collect(accepted.path("completionId").asText(), 0);
            return accepted.path("conversationId").asText();
        }
    }
}
