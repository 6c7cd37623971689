package dev.mooring.settings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.OwnDataDirProfile;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model chosen from the panel, over HTTP and the socket, with the real LangChain4j clients against local servers
 * in OpenAI's format: checked by listing models, saved 0600, never shown back, in effect from the next question.
 */
@QuarkusTest
@TestProfile(OwnDataDirProfile.class)
class ModelSettingsTest {

    private static final String GOOD_KEY = "sk-other-server-key-9876";
    private static final Path FILE = Path.of("target/test-data-own", ModelSettingsFile.NAME);
    private static final FakeOpenAiServer OTHER = FakeOpenAiServer.start();

    static {
        OTHER.route("GET", "/v1/models", request -> ("Bearer " + GOOD_KEY).equals(request.header("authorization"))
                ? Reply.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"other-model\",\"object\":\"model\","
                        + "\"created\":1,\"owned_by\":\"me\"}]}")
                : Reply.error(401));
        OTHER.setDefaultReply(() -> Reply.stream("from ", "the other ", "server"));
    }

    @TestHTTPResource("/")
    URL base;

    @AfterEach
    void forgetTheSettings() {
        api().delete("/api/model").then().statusCode(200);
    }

    @AfterAll
    static void stopTheOtherServer() {
        OTHER.close();
    }

    private static Map<String, String> other(String key) {
        return Map.of("provider", "openai", "baseUrl", OTHER.baseUrl(), "apiKey", key);
    }

    @Test
    void theSettingsShowTheEnvironmentsModelAndNeverItsKey() {
        String body = api().get("/api/model").then().statusCode(200)
                .body("model.provider", equalTo("openai")).body("model.name", equalTo("fake-gpt"))
                .body("model.demo", equalTo(false)).body("source", equalTo("environment"))
                .body("providers.provider", equalTo(java.util.List.of("demo", "openai", "anthropic", "ollama")))
                .body("providers[1].apiKeySet", equalTo(true)).body("providers[1].apiKeyFrom", equalTo("environment"))
                .body("providers[1].apiKeyEnd", nullValue()).body("providers[2].apiKeySet", equalTo(false))
                .extract().asString();

        assertFalse(body.contains("sk-test"), body);
    }

    @Test
    void aWrongKeyIsRefusedInTheProvidersWordsAndNothingChanges() {
        api().contentType(ContentType.JSON).body(other("sk-wrong-key-0000")).put("/api/model").then().statusCode(400)
                .body("code", equalTo("bad_request"))
                .body("message", startsWith("The provider refused the API key (HTTP 401)"));

        assertFalse(Files.exists(FILE));
        api().get("/api/model").then().body("model.name", equalTo("fake-gpt")).body("source", equalTo("environment"));
    }

    @Test
    void aSavedModelAnswersTheNextQuestionWhileTheRunningOneFinishesWhereItBegan() throws IOException {
        Reply running = FakeModelResource.server().enqueue(Reply.stream("begun ", "on the ", "first").gated());
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            assertEquals("fake-gpt", client.await("welcome").path("model").path("name").asText());
            String first = ask(client, "a long question").path("completionId").asText();
            running.release(1);
            client.chunks(first, 1);

            String body = api().contentType(ContentType.JSON).body(other(GOOD_KEY)).put("/api/model").then()
                    .statusCode(200).body("model.name", equalTo("other-model")).body("source", equalTo("settings"))
                    .body("providers[1].apiKeyEnd", equalTo("9876")).body("providers[1].apiKeyFrom", equalTo("settings"))
                    .extract().asString();
            assertFalse(body.contains(GOOD_KEY), body);

            JsonNode changed = client.await("model");
            assertEquals("other-model", changed.path("model").path("name").asText());
            assertFalse(changed.path("model").path("demo").asBoolean());

            running.releaseAll();
            WsClient.Answer rest = client.collect(first, 1);
            assertEquals("completed", rest.done().path("status").asText());
            assertEquals("on the first", rest.text(), "the running answer finished on the model it began with");

            String second = ask(client, "the next question").path("completionId").asText();
            assertEquals("from the other server", client.collect(second, 0).text());
            FakeOpenAiServer.RecordedRequest asked = OTHER.requests().stream()
                    .filter(request -> request.body().contains("the next question")).findFirst().orElseThrow();
            assertEquals("other-model", WsClient.JSON.readTree(asked.body()).path("model").asText());
        }
        try (WsClient fresh = WsClient.connect(base.toString(), TOKEN)) {
            assertEquals("other-model", fresh.await("welcome").path("model").path("name").asText());
        }
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(FILE));
        assertTrue(Files.readString(FILE).contains(GOOD_KEY));
    }

    @Test
    void forgettingTheSettingsGoesBackToTheEnvironment() {
        api().contentType(ContentType.JSON).body(other(GOOD_KEY)).put("/api/model").then().statusCode(200);

        api().delete("/api/model").then().statusCode(200).body("model.name", equalTo("fake-gpt"))
                .body("source", equalTo("environment"));

        assertFalse(Files.exists(FILE));
    }

    @Test
    void theDemoModelNeedsNoServerAndIsSaidToBeTheDemo() {
        api().contentType(ContentType.JSON).body(Map.of("provider", "demo")).put("/api/model").then().statusCode(200)
                .body("model.provider", equalTo("demo")).body("model.demo", equalTo(true));

        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            assertTrue(client.await("welcome").path("model").path("demo").asBoolean());
        }
    }

    @Test
    void theModelListOffersTheDemoModelAndWhatTheProvidersServe() {
        FakeModelResource.server().route("GET", "/v1/models", request -> Reply.json(200, "{\"object\":\"list\","
                + "\"data\":[{\"id\":\"fake-gpt\",\"object\":\"model\",\"created\":1,\"owned_by\":\"me\"},"
                + "{\"id\":\"fake-gpt-mini\",\"object\":\"model\",\"created\":1,\"owned_by\":\"me\"}]}"));

        api().get("/api/model/models").then().statusCode(200)
                .body("models.find { it.provider == 'demo' }.name", equalTo("mooring-demo"))
                .body("models.find { it.provider == 'demo' }.demo", equalTo(true))
                .body("models.findAll { it.provider == 'openai' }.name", equalTo(java.util.List.of("fake-gpt",
                        "fake-gpt-mini")))
                .body("models.find { it.current }.name", equalTo("fake-gpt"))
                .body("problems.provider", not(hasItem("openai")));
    }

    @Test
    void malformedSettingsAreATyped400() {
        for (Map<String, String> bad : java.util.List.of(Map.of("provider", "gemini"),
                Map.of("provider", "openai", "baseUrl", "localhost:8000"),
                Map.of("provider", "openai", "baseUrl", OTHER.baseUrl(), "apiKey", "two words"),
                Map.of("provider", "anthropic"))) {
            api().contentType(ContentType.JSON).body(bad).put("/api/model").then().statusCode(400)
                    .body("code", equalTo("bad_request"));
        }
        api().contentType(ContentType.JSON).body("[]").put("/api/model").then().statusCode(400);
        assertFalse(Files.exists(FILE));
    }
}
