package dev.mooring.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The REST routes of the protocol: history, completion status, cancel, delete, typed 404s. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class RestApiTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void conversationHistoryListsMessagesInOrderWithTheirCompletions() {
        FakeModelResource.server().enqueue(Reply.stream("first ", "answer"));
        FakeModelResource.server().enqueue(Reply.stream("second ", "answer"));
        String conversationId;
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            JsonNode first = ask(client, "First question\nwith two lines");
            conversationId = first.path("conversationId").asText();
            client.collect(first.path("completionId").asText(), 0);
            client.send(WsClient.chatFrame(UUID.randomUUID().toString(), conversationId, "Second question"));
            JsonNode second = client.await("accepted");
            assertEquals(conversationId, second.path("conversationId").asText());
            client.collect(second.path("completionId").asText(), 0);
        }
        String prompt = FakeModelResource.server().lastRequest().body();
        org.junit.jupiter.api.Assertions.assertTrue(prompt.contains("first answer"), "history reaches the model");
        api().get("/api/conversations/" + conversationId).then().statusCode(200)
                .body("title", equalTo("First question"))
                .body("messages.role", equalTo(List.of("user", "assistant", "user", "assistant")))
                .body("messages[1].text", equalTo("first answer"))
                .body("messages[1].completion.status", equalTo("completed"))
                .body("messages[1].completion.lastSeq", equalTo(2))
                .body("messages[3].text", equalTo("second answer"));
        api().get("/api/conversations").then().statusCode(200).body("[0].id", equalTo(conversationId))
                .body("[0].createdAt", notNullValue());
    }

    @Test
    void deletedConversationIsGone() {
        String conversationId;
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            JsonNode accepted = ask(client, "to be deleted");
            conversationId = accepted.path("conversationId").asText();
            client.collect(accepted.path("completionId").asText(), 0);
        }
        api().delete("/api/conversations/" + conversationId).then().statusCode(204);
        api().get("/api/conversations/" + conversationId).then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void unknownOrMalformedIdsAnswer404WithATypedBody() {
        api().get("/api/conversations/" + UUID.randomUUID()).then().statusCode(404)
                .body("code", equalTo("not_found")).body("message", containsString("conversation"));
        api().get("/api/completions/not-a-uuid").then().statusCode(404).body("code", equalTo("not_found"));
        api().post("/api/completions/" + UUID.randomUUID() + "/cancel").then().statusCode(404);
        api().get("/api/nothing-here").then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void openApiAndMetricsAreServed() {
        RestAssured.get("/q/openapi").then().statusCode(200).body(containsString("/api/conversations"));
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            client.await("welcome");
            RestAssured.get("/q/metrics").then().statusCode(200)
                    .body(containsString("mooring_connections_open"))
                    .body(containsString("mooring_completions_total"))
                    .body(containsString("mooring_resumes_total"))
                    .body(containsString("mooring_heartbeat_closes_total"));
        }
    }
}
