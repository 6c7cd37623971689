package dev.mooring.conversation;

import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.OwnDataDirProfile;
import dev.mooring.testing.WsClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real model names a new conversation after its first answer, in one short call, unless the user renamed it first. */
@QuarkusTest
@TestProfile(OwnDataDirProfile.class)
class ConversationNamingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL base;

    @Inject
    MeterRegistry meters;

    private double titles(String outcome) {
        return meters.counter(ConversationNamer.TITLES, "outcome", outcome).count();
    }

    private String title(String conversationId) {
        return api().get("/api/conversations/" + conversationId).then().extract().path("title");
    }

    @Test
    void theModelNamesTheConversationAfterItsFirstAnswer() {
        Reply answer = FakeModelResource.server().enqueue(Reply.stream("The list ", "is empty.").gated());
        Reply naming = FakeModelResource.server().enqueueCompletion(Reply.stream("\"Fix ZeroDivisionError in mean()\""));
        double named = titles("named");
        String conversationId;
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            var accepted = ask(client, "why does mean([]) fail?");
            conversationId = accepted.path("conversationId").asText();
            assertEquals("why does mean([]) fail?", title(conversationId), "the first title is the question's");
            answer.releaseAll();
            client.collect(accepted.path("completionId").asText(), 0);
        }

        await().atMost(WAIT).until(() -> titles("named") > named);

        assertEquals("Fix ZeroDivisionError in mean()", title(conversationId));
        assertTrue(naming.request().body().contains("why does mean([]) fail?"), naming.request().body());
        assertTrue(naming.request().body().contains("The list is empty."), "it reads the answer");
    }

    @Test
    void aTitleTheUserGaveBeforeTheAnswerEndedStays() {
        Reply answer = FakeModelResource.server().enqueue(Reply.stream("a ", "slow ", "answer").gated());
        FakeModelResource.server().enqueueCompletion(Reply.stream("The model's title"));
        double kept = titles("kept");
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            var accepted = ask(client, "a question");
            String conversationId = accepted.path("conversationId").asText();
            api().contentType(ContentType.JSON).body(Map.of("title", "Mine")).patch("/api/conversations/" + conversationId)
                    .then().statusCode(200);
            answer.releaseAll();
            client.collect(accepted.path("completionId").asText(), 0);

            await().atMost(WAIT).until(() -> titles("kept") > kept);

            assertEquals("Mine", title(conversationId));
        }
    }

    @Test
    void anAnswerThatDidNotCompleteNamesNothing() {
        FakeModelResource.server().enqueue(Reply.error(500));
        long titleRequestsBefore = titleRequests();
        double named = titles("named");
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            var failed = ask(client, "this one fails");
            client.collect(failed.path("completionId").asText(), 0);
            // a conversation named after it: had the failed one asked for a title, that request came first
            var next = ask(client, "this one works");
            client.collect(next.path("completionId").asText(), 0);
            await().atMost(WAIT).until(() -> titles("named") > named);

            assertEquals("this one fails", title(failed.path("conversationId").asText()));
        }
        assertEquals(titleRequestsBefore + 1, titleRequests(), "one title: the second conversation's");
    }

    /** Non-streaming requests the fake model received: the titles. */
    private static long titleRequests() {
        return FakeModelResource.server().requests().stream()
                .filter(request -> request.path().endsWith("/chat/completions")
                        && !request.body().matches("(?s).*\"stream\"\\s*:\\s*true.*"))
                .count();
    }
}
