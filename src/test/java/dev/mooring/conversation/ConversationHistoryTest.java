package dev.mooring.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** History per notebook, titles summarised from the first question, renaming with a typed 400 for a bad title. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class ConversationHistoryTest {

    @TestHTTPResource("/")
    URL base;

    /** Starts a conversation from a question asked in {@code notebook} (null: none) and waits for its answer. */
    private String start(String notebook, String mode, String text, String source, String error) {
        ObjectNode frame = WsClient.chatFrame(UUID.randomUUID().toString(), null, text).put("mode", mode);
        if (notebook != null) {
            ObjectNode cell = frame.putObject("context").put("notebookPath", notebook).putObject("activeCell")
                    .put("source", source).put("cellType", "code");
            if (error != null) {
                cell.put("error", error);
            }
        }
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            client.send(frame);
            JsonNode accepted = client.await("accepted");
            client.collect(accepted.path("completionId").asText(), 0);
            return accepted.path("conversationId").asText();
        }
    }

    @Test
    void historyIsKeptPerNotebookAndAllOfItWithoutOne() {
        String folder = "work-" + UUID.randomUUID() + "/";
        String a = start(folder + "a.ipynb", "chat", "about a", "x = 1", null);
        String b = start(folder + "b.ipynb", "chat", "about b", "y = 2", null);
        String none = start(null, "chat", "about nothing", null, null);

        api().queryParam("notebook", folder + "a.ipynb").get("/api/conversations").then().statusCode(200)
                .body("id", equalTo(List.of(a))).body("[0].notebookPath", equalTo(folder + "a.ipynb"));
        api().queryParam("notebook", folder + "b.ipynb").get("/api/conversations").then()
                .body("id", equalTo(List.of(b)));
        api().get("/api/conversations").then().body("id", hasItem(a)).body("id", hasItem(b)).body("id", hasItem(none));
        api().queryParam("notebook", " ").get("/api/conversations").then().body("id", hasItem(a))
                .body("id", hasItem(none));
        api().get("/api/conversations/" + a).then().body("notebookPath", equalTo(folder + "a.ipynb"));
    }

    @Test
    void theNotebookIsTheFirstQuestionsEvenWhenTheConversationMovesOn() {
        String notebook = "first-" + UUID.randomUUID() + ".ipynb";
        String id = start(notebook, "chat", "first", "x", null);
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            ObjectNode next = WsClient.chatFrame(UUID.randomUUID().toString(), id, "second");
            next.putObject("context").put("notebookPath", "elsewhere.ipynb");
            client.send(next);
            client.collect(client.await("accepted").path("completionId").asText(), 0);
        }

        api().queryParam("notebook", notebook).get("/api/conversations").then().body("id", equalTo(List.of(id)));
    }

    @Test
    void explainedCellsAndFixedErrorsAreTitledAfterWhatTheyAreAbout() {
        String notebook = "titles-" + UUID.randomUUID() + ".ipynb";
        start(notebook, "debug", "Fix this error: ZeroDivisionError: division by zero",
                "def mean(xs):\n    return sum(xs) / len(xs)", "ZeroDivisionError: division by zero\nTraceback ...");
        start(notebook, "explain", "Explain this cell.", "import pandas as pd\ndf = pd.read_csv('s.csv')", null);

        api().queryParam("notebook", notebook).get("/api/conversations").then()
                .body("title", equalTo(List.of("Explain import pandas as pd", "Fix ZeroDivisionError in mean()")));
    }

    @Test
    void aConversationIsRenamedAndKeepsItsPlace() {
        String id = start("rename-" + UUID.randomUUID() + ".ipynb", "chat", "old title", "x", null);
        String updatedAt = api().get("/api/conversations/" + id).then().extract().path("updatedAt");

        api().contentType(ContentType.JSON).body(Map.of("title", "  Sales by\nregion ")).patch("/api/conversations/" + id)
                .then().statusCode(200).body("title", equalTo("Sales by region")).body("id", equalTo(id));

        api().get("/api/conversations/" + id).then().body("title", equalTo("Sales by region"))
                .body("updatedAt", equalTo(updatedAt));
    }

    @Test
    void aBadTitleIsATyped400AndChangesNothing() {
        String id = start("bad-" + UUID.randomUUID() + ".ipynb", "chat", "keep me", "x", null);
        for (Object body : new Object[] {Map.of("title", "   "), Map.of("title", "x".repeat(201)),
                Map.of("title", "nul\u0000"), Map.of("other", "field")}) {
            api().contentType(ContentType.JSON).body(body).patch("/api/conversations/" + id).then().statusCode(400)
                    .body("code", equalTo("bad_request")).body("message", containsString("title"));
        }
        api().contentType(ContentType.JSON).body("{not json").patch("/api/conversations/" + id).then().statusCode(400)
                .body("code", equalTo("bad_request"));
        api().contentType(ContentType.JSON).body(Map.of("title", "x")).patch("/api/conversations/" + UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("not_found"));

        assertEquals("keep me", api().get("/api/conversations/" + id).then().extract().path("title"));
    }
}
