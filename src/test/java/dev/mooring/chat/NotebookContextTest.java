package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notebook context, in exactly the shape the panel sends it (frontend-extension/src/notebook-context.ts), reaches
 * the model (the real OpenAI client, over HTTP) as the text a person would read, and comes back over REST as sent.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class NotebookContextTest {

    @TestHTTPResource("/")
    URL base;

    /** What {@code cellContext()} makes of a code cell that printed a line, returned 42, then raised. */
    private static ObjectNode panelContext() {
        ObjectNode context = WsClient.JSON.createObjectNode().put("notebookPath", "work/analysis.ipynb");
        ObjectNode cell = context.putObject("activeCell").put("source", "print('printed')\n42\n1/0");
        cell.putArray("outputs").add("printed\n").add("42").add("ZeroDivisionError: division by zero");
        cell.put("cellType", "code").put("executionCount", 7)
                .put("error", "ZeroDivisionError: division by zero\nTraceback (most recent call last):\n  line 3");
        return context;
    }

    /** The text of the last message the model server was sent. */
    private static String lastPrompt() throws Exception {
        JsonNode messages = WsClient.JSON.readTree(FakeModelResource.server().lastRequest().body()).path("messages");
        JsonNode content = messages.get(messages.size() - 1).path("content");
        return content.isTextual() ? content.asText() : content.path(0).path("text").asText();
    }

    @Test
    void thePanelsContextReachesTheModelAsTextAndComesBackOverRestAsSent() throws Exception {
        ObjectNode frame = WsClient.chatFrame(UUID.randomUUID().toString(), null, "Why does it fail?")
                .put("mode", "debug");
        frame.set("context", panelContext());
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            client.send(frame);
            JsonNode accepted = client.await("accepted");
            client.collect(accepted.path("completionId").asText(), 0);

            String prompt = lastPrompt();
            assertTrue(prompt.contains("Output of the active cell:\n```text\nprinted\n42\n"
                    + "ZeroDivisionError: division by zero\n```"), prompt);
            assertFalse(prompt.contains("[\""), "outputs are text, not a JSON array: " + prompt);
            assertTrue(prompt.contains("Notebook: work/analysis.ipynb"), prompt);

            api().get("/api/conversations/" + accepted.path("conversationId").asText()).then().statusCode(200)
                    .body("messages[0].context.notebookPath", equalTo("work/analysis.ipynb"))
                    .body("messages[0].context.activeCell.outputs",
                            equalTo(List.of("printed\n", "42", "ZeroDivisionError: division by zero")))
                    .body("messages[0].context.activeCell.cellType", equalTo("code"))
                    .body("messages[0].context.activeCell.executionCount", equalTo(7))
                    .body("messages[0].context.activeCell.source", equalTo("print('printed')\n42\n1/0"));
        }
    }

    @Test
    void anIllTypedContextIsRefusedWithItsRefAndTheConnectionStaysUsable() {
        ObjectNode frame = WsClient.chatFrame("ill-typed-1", null, "why?");
        frame.putObject("context").putObject("activeCell").put("outputs", 42);
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            client.send(frame);
            JsonNode error = client.await("error");
            assertEquals("bad_request", error.path("code").asText());
            assertEquals("ill-typed-1", error.path("ref").asText());
            assertTrue(error.path("message").asText().contains("context.activeCell.outputs"), error.toString());

            JsonNode accepted = ask(client, "still works?");
            assertEquals("completed", client.collect(accepted.path("completionId").asText(), 0).done()
                    .path("status").asText());
        }
    }
}
