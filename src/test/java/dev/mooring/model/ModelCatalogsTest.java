package dev.mooring.model;

import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model lists through LangChain4j's real catalog clients, against a local server speaking each provider's format. */
class ModelCatalogsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String OPENAI_LIST = "{\"object\":\"list\",\"data\":["
            + "{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"system\"},"
            + "{\"id\":\"fake-gpt\",\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"system\"}]}";

    private final FakeOpenAiServer server = FakeOpenAiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private void openAiModelsFor(String key) {
        server.route("GET", "/v1/models", request -> ("Bearer " + key).equals(request.header("authorization"))
                ? Reply.json(200, OPENAI_LIST) : Reply.error(401));
    }

    @Test
    void anOpenAiCompatibleServerListsItsModels() {
        openAiModelsFor("sk-good");

        ModelCatalogs.ModelListing listing = ModelCatalogs.list(
                new ModelSetup("openai", null, server.baseUrl(), "sk-good"), TIMEOUT);

        assertTrue(listing.ok(), listing.problem());
        assertEquals(List.of("fake-gpt", "gpt-4o"), listing.models());
    }

    @Test
    void aWrongKeyIsSaidInWords() {
        openAiModelsFor("sk-good");

        ModelCatalogs.ModelListing listing = ModelCatalogs.list(
                new ModelSetup("openai", null, server.baseUrl(), "sk-wrong-key-1234"), TIMEOUT);

        assertFalse(listing.ok());
        assertTrue(listing.problem().startsWith("The provider refused the API key (HTTP 401)"), listing.problem());
        assertFalse(listing.problem().contains("sk-wrong"), "never the key");
        assertEquals(List.of(), listing.models());
    }

    @Test
    void anthropicsModelsApiIsReadWithItsKeyHeader() {
        server.route("GET", "/v1/models", request -> "sk-ant-good".equals(request.header("x-api-key"))
                ? Reply.json(200, "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\","
                        + "\"display_name\":\"Claude Sonnet 4.5\",\"created_at\":\"2025-09-29T00:00:00Z\"}],"
                        + "\"has_more\":false,\"first_id\":\"claude-sonnet-4-5\",\"last_id\":\"claude-sonnet-4-5\"}")
                : Reply.json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                        + "\"message\":\"invalid x-api-key\"}}"));

        ModelCatalogs.ModelListing good = ModelCatalogs.list(
                new ModelSetup("anthropic", null, server.baseUrl() + "/", "sk-ant-good"), TIMEOUT);
        ModelCatalogs.ModelListing refused = ModelCatalogs.list(
                new ModelSetup("anthropic", null, server.baseUrl() + "/", "sk-ant-bad"), TIMEOUT);

        assertEquals(List.of("claude-sonnet-4-5"), good.models(), good.problem());
        assertTrue(refused.problem().startsWith("The provider refused the API key (HTTP 401)"), refused.problem());
    }

    @Test
    void ollamasTagsAreItsModels() {
        server.route("GET", "/api/tags", request -> Reply.json(200, "{\"models\":[{\"name\":\"llama3.2:latest\","
                + "\"model\":\"llama3.2:latest\",\"modified_at\":\"2024-10-01T12:00:00.000000000-07:00\","
                + "\"size\":2019393189,\"digest\":\"a80c4f17acd5\",\"details\":{\"format\":\"gguf\","
                + "\"family\":\"llama\",\"parameter_size\":\"3.2B\",\"quantization_level\":\"Q4_K_M\"}}]}"));

        ModelCatalogs.ModelListing listing = ModelCatalogs.list(
                new ModelSetup("ollama", null, "http://127.0.0.1:" + server.port(), null), TIMEOUT);

        assertEquals(List.of("llama3.2:latest"), listing.models(), listing.problem());
    }

    @Test
    void aServerThatIsNotThereIsUnreachable() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        ModelCatalogs.ModelListing listing = ModelCatalogs.list(
                new ModelSetup("ollama", null, "http://127.0.0.1:" + port, null), TIMEOUT);

        assertFalse(listing.ok());
        assertTrue(listing.problem().contains("unreachable"), listing.problem());
    }

    @Test
    void setupsThatCannotWorkAreNotCalled() {
        assertTrue(ModelCatalogs.list(new ModelSetup("anthropic", null, server.baseUrl(), null), TIMEOUT).problem()
                .contains("API key"));
        assertTrue(ModelCatalogs.list(new ModelSetup("openai", null, "localhost:8000", "k"), TIMEOUT).problem()
                .contains("http://"));
        assertEquals(0, server.requestCount());
        assertEquals(List.of(DemoStreamingChatModel.MODEL_NAME),
                ModelCatalogs.list(new ModelSetup("demo", null, null, null), TIMEOUT).models());
    }
}
