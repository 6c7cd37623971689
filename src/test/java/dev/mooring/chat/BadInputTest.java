package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed frame gets a typed error naming what it concerned, and the connection stays usable. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class BadInputTest {

    @TestHTTPResource("/")
    URL base;

    private JsonNode errorFor(WsClient client, String frame) {
        client.send(frame);
        JsonNode error = client.await("error");
        assertFalse(error.path("message").asText().contains("Exception"), "no stack trace: " + error);
        return error;
    }

    @Test
    void malformedFramesAreAnsweredWithTypedErrorsAndTheConnectionStaysUsable() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            assertEquals("bad_request", errorFor(client, "{not json").path("code").asText());
            assertEquals("bad_request", errorFor(client, "[1,2]").path("code").asText());
            assertEquals("bad_request", errorFor(client, "{\"type\":\"shout\"}").path("code").asText());
            assertEquals("bad_request", errorFor(client, "{\"text\":\"no type\"}").path("code").asText());
            JsonNode blank = errorFor(client, "{\"type\":\"chat\",\"clientMessageId\":\"m-1\",\"text\":\"  \"}");
            assertEquals("bad_request", blank.path("code").asText());
            assertEquals("m-1", blank.path("ref").asText());
            JsonNode noText = errorFor(client, "{\"type\":\"chat\",\"clientMessageId\":\"m-2\"}");
            assertEquals("m-2", noText.path("ref").asText());
            JsonNode badMode = errorFor(client,
                    "{\"type\":\"chat\",\"clientMessageId\":\"m-3\",\"text\":\"hi\",\"mode\":\"rant\"}");
            assertEquals("bad_request", badMode.path("code").asText());
            String someId = UUID.randomUUID().toString();
            JsonNode badSeq = errorFor(client,
                    "{\"type\":\"resume\",\"completionId\":\"" + someId + "\",\"afterSeq\":-1}");
            assertEquals("bad_request", badSeq.path("code").asText());
            assertEquals(someId, badSeq.path("ref").asText());
            JsonNode unknown = errorFor(client,
                    "{\"type\":\"resume\",\"completionId\":\"" + someId + "\",\"afterSeq\":0}");
            assertEquals("not_found", unknown.path("code").asText());
            assertEquals(someId, unknown.path("ref").asText());
            JsonNode unknownCancel = errorFor(client, "{\"type\":\"cancel\",\"completionId\":\"" + someId + "\"}");
            assertEquals("not_found", unknownCancel.path("code").asText());
            JsonNode noConversation = errorFor(client, WsClient.chatFrame("m-4", someId, "hello").toString());
            assertEquals("not_found", noConversation.path("code").asText());
            assertEquals("m-4", noConversation.path("ref").asText());

            JsonNode accepted = ask(client, "still works?");
            assertEquals("completed", client.collect(accepted.path("completionId").asText(), 0).done()
                    .path("status").asText());
        }
    }

    @Test
    void resumeWithTheLargestAfterSeqOnARunningAnswerIsABadRequest() {
        Reply reply = FakeModelResource.server().enqueue(Reply.stream("still ", "going").gated());
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            String completionId = ask(client, "a long answer").path("completionId").asText();
            reply.release(1);
            client.chunks(completionId, 1);
            client.send("{\"type\":\"resume\",\"completionId\":\"" + completionId
                    + "\",\"afterSeq\":9223372036854775807}");
            JsonNode error = client.await("error");
            assertEquals("bad_request", error.path("code").asText(), error.toString());
            assertEquals(completionId, error.path("ref").asText());
            reply.releaseAll();
            assertEquals("completed", client.collect(completionId, 1).done().path("status").asText());
        }
    }

    @Test
    void aClientMessageIdWithControlCharactersIsABadRequest() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            JsonNode error = errorFor(client, "{\"type\":\"chat\",\"clientMessageId\":\"id\\u0000x\",\"text\":\"hi\"}");
            assertEquals("bad_request", error.path("code").asText(), error.toString());
        }
    }

    @Test
    void tooLargeFrameIsRefusedWithItsRef() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            String huge = "x".repeat(300 * 1024);
            JsonNode error = errorFor(client, WsClient.chatFrame("big-1", null, huge).toString());
            assertEquals("too_large", error.path("code").asText());
            assertEquals("big-1", error.path("ref").asText());
            client.send("{\"type\":\"ping\",\"t\":7}");
            assertEquals(7, client.await("pong").path("t").asInt());
        }
    }

    @Test
    void notebookContextIsAcceptedInAnyReasonableShape() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            client.send("{\"type\":\"chat\",\"clientMessageId\":\"" + UUID.randomUUID() + "\",\"text\":\"why?\","
                    + "\"mode\":\"debug\",\"context\":{\"notebookPath\":\"a.ipynb\",\"activeCell\":{\"source\":"
                    + "\"1/0\",\"outputs\":[{\"text\":\"x\"}],\"error\":{\"ename\":\"ZeroDivisionError\"}},"
                    + "\"variables\":[{\"name\":\"df\",\"type\":\"DataFrame\",\"preview\":\"3 rows\"}]}}");
            JsonNode accepted = client.await("accepted");
            client.collect(accepted.path("completionId").asText(), 0);
            String prompt = FakeModelResource.server().lastRequest().body();
            assertTrue(prompt.contains("ZeroDivisionError"), prompt);
            assertTrue(prompt.contains("1/0"), prompt);
            dev.mooring.testing.ServiceTestSupport.api().get("/api/conversations/" + accepted.path("conversationId").asText())
                    .then().statusCode(200)
                    .body("messages[0].context.activeCell.source", org.hamcrest.Matchers.equalTo("1/0"))
                    .body("messages[0].context.notebookPath", org.hamcrest.Matchers.equalTo("a.ipynb"));
        }
    }
}
