package dev.mooring.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the factory builds for each setup, and the setups it refuses with what to fix. */
class ModelFactoryTest {

    private static ModelInfo infoOf(TestConfigs.Model model) {
        try (LangChain4jModelGateway gateway = TestConfigs.gateway(model, TestConfigs.demo(20, 60))) {
            return gateway.info();
        }
    }

    @Test
    void noProviderMeansTheDemoModel() {
        assertEquals(new ModelInfo("demo", DemoStreamingChatModel.MODEL_NAME, true),
                infoOf(TestConfigs.provider(null)));
        assertEquals(new ModelInfo("demo", DemoStreamingChatModel.MODEL_NAME, true),
                infoOf(TestConfigs.provider("  ")));
    }

    @Test
    void providersGetTheirDefaultModels() {
        assertEquals(new ModelInfo("ollama", "llama3.2", false), infoOf(TestConfigs.provider("Ollama")));
        assertEquals(new ModelInfo("openai", "gpt-4o-mini", false), infoOf(new TestConfigs.Model(
                Optional.of("openai"), Optional.empty(), Optional.of("http://localhost:8000/v1"), Optional.empty(),
                Duration.ofSeconds(60), 100)));
        assertEquals(new ModelInfo("anthropic", "claude-sonnet-4-5", false), infoOf(new TestConfigs.Model(
                Optional.of("anthropic"), Optional.empty(), Optional.empty(), Optional.of("key"),
                Duration.ofSeconds(60), 100)));
    }

    @Test
    void unknownProviderFailsWithTheChoices() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> infoOf(TestConfigs.provider("gemini")));

        assertTrue(failure.getMessage().contains("'gemini'"));
        assertTrue(failure.getMessage().contains("openai"));
    }

    @Test
    void officialOpenAiWithoutKeyFails() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> infoOf(TestConfigs.provider("openai")));

        assertTrue(failure.getMessage().contains("CHAT_MODEL_API_KEY"));
    }

    @Test
    void anthropicWithoutKeyFails() {
        assertThrows(IllegalStateException.class, () -> infoOf(TestConfigs.provider("anthropic")));
    }

    @Test
    void malformedBaseUrlFails() {
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> infoOf(new TestConfigs.Model(
                Optional.of("ollama"), Optional.empty(), Optional.of("localhost:11434"), Optional.empty(),
                Duration.ofSeconds(60), 100)));

        assertTrue(failure.getMessage().contains("CHAT_MODEL_BASE_URL"));
    }
}
