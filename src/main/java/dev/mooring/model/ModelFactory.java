package dev.mooring.model;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.mooring.config.ChatConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Builds the model a {@link ModelSetup} describes: the streaming gateway that answers and, where the model can name
 * conversations, the {@link Titler} that does.
 */
public final class ModelFactory {

    /** Sent to OpenAI-compatible servers that need no key; the client library insists on one. */
    static final String NO_API_KEY = "no-key";
    /** The longest a title may take: a short call, not worth a long wait. */
    private static final Duration TITLE_TIMEOUT = Duration.ofSeconds(20);
    private static final int TITLE_TOKENS = 32;

    private ModelFactory() {
    }

    /**
     * The model for a setup; {@code limits} gives the timeout, the answer size, the call limits and whether
     * titles are asked for.
     *
     * @throws IllegalStateException when the setup cannot work: an unknown provider, a base URL that is not an
     *                               http(s) URL, or a provider's public API without an API key
     */
    public static BuiltModel create(ModelSetup setup, ChatConfig.Model limits, ChatConfig.Demo demo,
                                    PromptBuilder prompts) {
        Duration timeout = limits.timeout();
        Duration titleTimeout = timeout.compareTo(TITLE_TIMEOUT) < 0 ? timeout : TITLE_TIMEOUT;
        String name = setup.effectiveName();
        ModelCallLimits calls = new ModelCallLimits(limits.maxConcurrentCalls(), limits.queuedCalls());
        switch (setup.provider()) {
            case ModelSetup.DEMO -> {
                return new BuiltModel(new LangChain4jModelGateway(
                        new DemoStreamingChatModel(demo.replyTokens(), demo.tokensPerSecond()),
                        new ModelInfo(ModelSetup.DEMO, DemoStreamingChatModel.MODEL_NAME, true),
                        DemoStreamingChatModel.PROMPT,
                        new ModelErrorClassifier(null, DemoStreamingChatModel.MODEL_NAME, timeout), true, null, calls),
                        null);
            }
            case ModelSetup.OPENAI -> {
                String baseUrl = baseUrl(setup);
                boolean official = setup.officialOpenAi();
                if (official && !setup.hasApiKey()) {
                    throw new IllegalStateException("OpenAI's API at " + baseUrl + " needs an API key "
                            + "(CHAT_MODEL_API_KEY, or the panel's model settings). For a local OpenAI-compatible "
                            + "server set its base URL (CHAT_MODEL_BASE_URL).");
                }
                String key = setup.hasApiKey() ? setup.apiKey() : NO_API_KEY;
                OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder builder = OpenAiStreamingChatModel.builder()
                        .httpClientBuilder(httpClient())
                        .baseUrl(baseUrl)
                        .apiKey(key)
                        .modelName(name)
                        .timeout(timeout);
                OpenAiChatModel.OpenAiChatModelBuilder titles = OpenAiChatModel.builder()
                        .httpClientBuilder(httpClient())
                        .baseUrl(baseUrl)
                        .apiKey(key)
                        .modelName(name)
                        .timeout(titleTimeout)
                        .maxRetries(0);
                // OpenAI's newer models refuse max_tokens; many compatible servers only know max_tokens
                if (official) {
                    builder.maxCompletionTokens(limits.maxTokens());
                    titles.maxCompletionTokens(TITLE_TOKENS);
                } else {
                    builder.maxTokens(limits.maxTokens());
                    titles.maxTokens(TITLE_TOKENS);
                }
                return built(builder.build(), limits.titles() ? titles.build() : null, setup, timeout, prompts, true,
                        calls);
            }
            case ModelSetup.ANTHROPIC -> {
                String baseUrl = baseUrl(setup);
                if (!setup.hasApiKey()) {
                    throw new IllegalStateException("Anthropic's API needs an API key (CHAT_MODEL_API_KEY, or the "
                            + "panel's model settings).");
                }
                AnthropicStreamingChatModel anthropic = AnthropicStreamingChatModel.builder()
                        .httpClientBuilder(httpClient())
                        .baseUrl(baseUrl)
                        .apiKey(setup.apiKey())
                        .modelName(name)
                        .maxTokens(limits.maxTokens())
                        .timeout(timeout)
                        .build();
                ChatModel titles = limits.titles() ? AnthropicChatModel.builder()
                        .httpClientBuilder(httpClient())
                        .baseUrl(baseUrl)
                        .apiKey(setup.apiKey())
                        .modelName(name)
                        .maxTokens(TITLE_TOKENS)
                        .timeout(titleTimeout)
                        .maxRetries(0)
                        .build() : null;
                return built(anthropic, titles, setup, timeout, prompts, true, calls);
            }
            case ModelSetup.OLLAMA -> {
                String baseUrl = baseUrl(setup);
                OllamaStreamingChatModel ollama = OllamaStreamingChatModel.builder()
                        .httpClientBuilder(httpClient())
                        .baseUrl(baseUrl)
                        .modelName(name)
                        .numPredict(limits.maxTokens())
                        .timeout(timeout)
                        .build();
                ChatModel titles = limits.titles() ? OllamaChatModel.builder()
                        .httpClientBuilder(httpClient())
                        .baseUrl(baseUrl)
                        .modelName(name)
                        .numPredict(TITLE_TOKENS)
                        .timeout(titleTimeout)
                        .maxRetries(0)
                        .build() : null;
                // Ollama ends a stream with "done": true, but older servers leave out done_reason
                return built(ollama, titles, setup, timeout, prompts, false, calls);
            }
            default -> throw new IllegalStateException("Unknown model provider '" + setup.provider()
                    + "' (CHAT_MODEL_PROVIDER): use openai (or any OpenAI-compatible server), anthropic, ollama or "
                    + "demo.");
        }
    }

    private static BuiltModel built(StreamingChatModel model, ChatModel titles, ModelSetup setup, Duration timeout,
                                    PromptBuilder prompts, boolean finishReasonRequired, ModelCallLimits calls) {
        String name = setup.effectiveName();
        String baseUrl = setup.effectiveBaseUrl();
        ModelErrorClassifier errors = new ModelErrorClassifier(baseUrl, name, timeout);
        LangChain4jModelGateway gateway = new LangChain4jModelGateway(model,
                new ModelInfo(setup.provider(), name, false), prompts, errors, finishReasonRequired, timeout,
                calls);
        return new BuiltModel(gateway, titles == null ? null : new Titler(titles, errors));
    }

    /** The setup's base URL, checked to be an http(s) URL with a host. */
    static String baseUrl(ModelSetup setup) {
        String url = setup.effectiveBaseUrl();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The base URL '" + url + "' (CHAT_MODEL_BASE_URL) is not a URL.");
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalStateException("The base URL '" + url + "' (CHAT_MODEL_BASE_URL) must be an http:// "
                    + "or https:// URL.");
        }
        return url;
    }

    /**
     * LangChain4j's JDK HTTP client, on HTTP/1.1: over plain http:// the JDK's default HTTP/2 tries an h2c upgrade,
     * and some local model servers (uvicorn, under vLLM for one) then drop the request body. The timeouts are set
     * on each model, which overrides the client's.
     */
    static JdkHttpClientBuilder httpClient() {
        return JdkHttpClient.builder().httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
    }
}
