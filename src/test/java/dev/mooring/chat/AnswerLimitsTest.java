package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
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
 * One connection, and the whole service, run only so many answers at once; a question beyond either bound is refused
 * {@code rate_limited} (retryable) with its ref, and nothing of it is stored or started.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(AnswerLimitsTest.FewAnswers.class)
class AnswerLimitsTest {

    public static class FewAnswers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the answers are held for as long as the test takes: the model's silence must not end them
            return Map.of("chat.completions.max-running-per-connection", "3", "chat.completions.max-running", "5",
                    "chat.model.timeout", "120s");
        }
    }

    @TestHTTPResource("/")
    URL base;

    private static FakeOpenAiServer model() {
        return FakeModelResource.server();
    }

    /** Sends every question at once; returns each one's answer frame (accepted or error) by clientMessageId. */
    private static Map<String, JsonNode> askAll(WsClient client, List<String> ids) {
        for (String id : ids) {
            client.send(WsClient.chatFrame(id, null, "question " + id));
        }
        Map<String, JsonNode> answers = new HashMap<>();
        while (answers.size() < ids.size()) {
            JsonNode f = client.await(x -> x.has("clientMessageId") || "error".equals(x.path("type").asText()),
                    "accepted or error");
            answers.put(f.has("clientMessageId") ? f.path("clientMessageId").asText() : f.path("ref").asText(), f);
        }
        return answers;
    }

    @Test
    void sixtyQuestionsOnOneConnectionStartOnlyAsManyAnswersAsAllowed() {
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            replies.add(model().enqueue(Reply.stream("held ", "answer").gated()));
        }
        int requests = model().requestCount();
        int conversations = api().get("/api/conversations").then().extract().jsonPath().getList("$").size();
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings();
             WsClient other = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                ids.add("many-" + i + "-" + UUID.randomUUID());
            }
            Map<String, JsonNode> answers = askAll(client, ids);
            List<JsonNode> accepted = answers.values().stream().filter(f -> "accepted".equals(f.path("type").asText()))
                    .toList();
            assertEquals(3, accepted.size(), "answers started by one connection");
            for (JsonNode refused : answers.values()) {
                if (!"accepted".equals(refused.path("type").asText())) {
                    assertEquals("rate_limited", refused.path("code").asText(), refused.toString());
                    assertTrue(refused.path("retryable").asBoolean());
                }
            }

            List<String> others = List.of("other-1-" + UUID.randomUUID(), "other-2-" + UUID.randomUUID(),
                    "other-3-" + UUID.randomUUID());
            Map<String, JsonNode> more = askAll(other, others);
            assertEquals("accepted", more.get(others.get(0)).path("type").asText());
            assertEquals("accepted", more.get(others.get(1)).path("type").asText());
            assertEquals("rate_limited", more.get(others.get(2)).path("code").asText(), "five run in all");
            assertEquals(requests + 5, model().requestCount(), "refused questions call no model");
            assertEquals(conversations + 5, api().get("/api/conversations").then().extract().jsonPath()
                    .getList("$").size(), "refused questions store nothing");

            replies.forEach(Reply::releaseAll);
            List<String> running = new ArrayList<>(accepted.stream().map(a -> a.path("completionId").asText()).toList());
            while (!running.isEmpty()) {
                running.remove(client.await("done").path("completionId").asText());
            }
            Map<String, JsonNode> later = askAll(client, List.of("later-" + UUID.randomUUID()));
            assertEquals("accepted", later.values().iterator().next().path("type").asText(),
                    "an answer that ended frees its place");
        } finally {
            replies.forEach(Reply::releaseAll);
        }
    }
}
