package dev.mooring.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts a {@link FakeOpenAiServer} before the application and points the service's {@code openai} provider at it,
 * so every test runs the real LangChain4j client over HTTP.
 */
public class FakeModelResource implements QuarkusTestResourceLifecycleManager {

    private static volatile FakeOpenAiServer server;

    /** The running fake model of the current test application. */
    public static FakeOpenAiServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = FakeOpenAiServer.start();
        return Map.of(
                "chat.model.provider", "openai",
                "chat.model.name", "fake-gpt",
                "chat.model.base-url", server.baseUrl(),
                "chat.model.api-key", "sk-test",
                "chat.model.timeout", "3s");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
