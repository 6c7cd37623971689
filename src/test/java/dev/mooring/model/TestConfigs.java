package dev.mooring.model;

import dev.mooring.config.ChatConfig;

import java.time.Duration;
import java.util.Optional;

/** Plain values for the configuration groups the model layer reads. */
final class TestConfigs {

    private TestConfigs() {
    }

    record Model(Optional<String> provider, Optional<String> name, Optional<String> baseUrl, Optional<String> apiKey,
            Duration timeout, int maxTokens, boolean titles, int maxConcurrentCalls, int queuedCalls)
            implements ChatConfig.Model {

        Model(Optional<String> provider, Optional<String> name, Optional<String> baseUrl, Optional<String> apiKey,
              Duration timeout, int maxTokens) {
            this(provider, name, baseUrl, apiKey, timeout, maxTokens, false, 4, 16);
        }
    }

    record Demo(double tokensPerSecond, int replyTokens) implements ChatConfig.Demo {
    }

    static Model openAi(String baseUrl, Duration timeout) {
        return new Model(Optional.of("openai"), Optional.of("gpt-fake"), Optional.of(baseUrl), Optional.empty(),
                timeout, 256);
    }

    static Model provider(String provider) {
        return new Model(Optional.ofNullable(provider), Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(60), 256);
    }

    static Demo demo(double tokensPerSecond, int replyTokens) {
        return new Demo(tokensPerSecond, replyTokens);
    }

    /** The gateway the factory builds for these settings. */
    static LangChain4jModelGateway gateway(Model model, Demo demo) {
        return ModelFactory.create(ModelSetup.of(model), model, demo, prompts()).gateway();
    }

    static PromptBuilder prompts() {
        return new PromptBuilder(24_000, 12_000);
    }
}
