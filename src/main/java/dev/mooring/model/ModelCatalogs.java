package dev.mooring.model;

import dev.langchain4j.model.anthropic.AnthropicModelCatalog;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.ollama.OllamaModel;
import dev.langchain4j.model.ollama.OllamaModels;
import dev.langchain4j.model.openai.OpenAiModelCatalog;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Lists the models a provider offers through LangChain4j's catalogs: an OpenAI-compatible server's {@code /models},
 * Anthropic's models API, Ollama's {@code /api/tags}. A failure comes back in words ("The provider refused the API
 * key (HTTP 401)…"), never as an exception.
 */
public final class ModelCatalogs {

    private ModelCatalogs() {
    }

    /** The models of {@code setup}'s provider, sorted, or the problem that kept them from being listed. */
    public static ModelListing list(ModelSetup setup, Duration timeout) {
        if (setup.demo()) {
            return ModelListing.of(setup.provider(), List.of(DemoStreamingChatModel.MODEL_NAME));
        }
        String baseUrl;
        try {
            baseUrl = ModelFactory.baseUrl(setup);
        } catch (IllegalStateException e) {
            return ModelListing.failed(setup.provider(), e.getMessage());
        }
        if (!setup.complete()) {
            return ModelListing.failed(setup.provider(), "An API key is needed to reach " + baseUrl + ".");
        }
        try {
            return ModelListing.of(setup.provider(), names(setup, baseUrl, timeout));
        } catch (RuntimeException e) {
            ModelErrorClassifier errors = new ModelErrorClassifier(baseUrl, setup.effectiveName(), timeout);
            return ModelListing.failed(setup.provider(), errors.classify(e).message());
        }
    }

    private static List<String> names(ModelSetup setup, String baseUrl, Duration timeout) {
        return switch (setup.provider()) {
            case ModelSetup.OPENAI -> OpenAiModelCatalog.builder()
                    .httpClientBuilder(ModelFactory.httpClient())
                    .baseUrl(baseUrl)
                    .apiKey(setup.hasApiKey() ? setup.apiKey() : ModelFactory.NO_API_KEY)
                    .connectTimeout(timeout)
                    .readTimeout(timeout)
                    .build().listModels().stream().map(ModelDescription::name).toList();
            case ModelSetup.ANTHROPIC -> AnthropicModelCatalog.builder()
                    .httpClientBuilder(ModelFactory.httpClient())
                    .baseUrl(baseUrl)
                    .apiKey(setup.apiKey())
                    .timeout(timeout)
                    .build().listModels().stream().map(ModelDescription::name).toList();
            case ModelSetup.OLLAMA -> OllamaModels.builder()
                    .httpClientBuilder(ModelFactory.httpClient())
                    .baseUrl(baseUrl)
                    .timeout(timeout)
                    .maxRetries(0)
                    .build().availableModels().content().stream().map(OllamaModel::getName).toList();
            default -> throw new IllegalStateException("Unknown model provider '" + setup.provider() + "'.");
        };
    }

    /** The models one provider offers (sorted, without blanks), or why they could not be listed. */
    public record ModelListing(String provider, List<String> models, String problem) {

        static ModelListing of(String provider, List<String> names) {
            return new ModelListing(provider, names.stream().filter(Objects::nonNull).map(String::strip)
                    .filter(n -> !n.isEmpty()).distinct().sorted().toList(), null);
        }

        static ModelListing failed(String provider, String problem) {
            return new ModelListing(provider, List.of(), problem);
        }

        public boolean ok() {
            return problem == null;
        }
    }
}
