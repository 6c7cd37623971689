package dev.mooring.model;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.mooring.config.ChatConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Builds the {@link ChatModelGateway} of the configured provider ({@code chat.model.*}) at start-up. */
@ApplicationScoped
public class ModelProducer {

    static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
    static final String OPENAI_MODEL = "gpt-4o-mini";
    static final String ANTHROPIC_BASE_URL = "https://api.anthropic.com/v1/";
    static final String ANTHROPIC_MODEL = "claude-sonnet-4-5";
    static final String OLLAMA_BASE_URL = "http://localhost:11434";
    static final String OLLAMA_MODEL = "llama3.2";
    /** Sent to OpenAI-compatible servers that need no key; the client library insists on one. */
    static final String NO_API_KEY = "no-key";

    private static final Logger LOG = Logger.getLogger(ModelProducer.class);

    private final ChatConfig config;

    ModelProducer(ChatConfig config) {
        this.config = config;
    }

    @Produces
    @ApplicationScoped
    @Startup
    ChatModelGateway gateway() {
        LangChain4jModelGateway gateway = create(config.model(), config.demo(), PromptBuilder.of(config.prompt()));
        ModelInfo info = gateway.info();
        LOG.infof("Model: provider %s, model %s%s", info.provider(), info.name(),
                info.demo() ? " (offline demo: set CHAT_MODEL_PROVIDER to use a real model)" : "");
        return gateway;
    }

    void close(@Disposes ChatModelGateway gateway) {
        if (gateway instanceof LangChain4jModelGateway closeable) {
            closeable.close();
        }
    }

    /**
     * The gateway for a model configuration.
     *
     * @throws IllegalStateException when the configuration cannot work: an unknown provider, or a provider's
     *                               public API without an API key
     */
    static LangChain4jModelGateway create(ChatConfig.Model model, ChatConfig.Demo demo, PromptBuilder prompts) {
        String provider = model.provider().map(p -> p.strip().toLowerCase(Locale.ROOT)).filter(p -> !p.isEmpty())
                .orElse("demo");
        Duration timeout = model.timeout();
        ModelCallLimits calls = new ModelCallLimits(model.maxConcurrentCalls(), model.queuedCalls());
        Optional<String> apiKey = model.apiKey().map(String::strip).filter(key -> !key.isEmpty());
        switch (provider) {
            case "demo" -> {
                return new LangChain4jModelGateway(
                        new DemoStreamingChatModel(demo.replyTokens(), demo.tokensPerSecond()),
                        new ModelInfo("demo", DemoStreamingChatModel.MODEL_NAME, true), DemoStreamingChatModel.PROMPT,
                        new ModelErrorClassifier(null, DemoStreamingChatModel.MODEL_NAME, timeout), true, null, calls);
            }
            case "openai" -> {
                String baseUrl = baseUrl(model, OPENAI_BASE_URL);
                String name = model.name().orElse(OPENAI_MODEL);
                boolean official = "api.openai.com".equalsIgnoreCase(URI.create(baseUrl).getHost());
                if (official && apiKey.isEmpty()) {
                    throw new IllegalStateException("CHAT_MODEL_PROVIDER=openai calls " + baseUrl + ", which needs "
                            + "CHAT_MODEL_API_KEY. For a local OpenAI-compatible server set CHAT_MODEL_BASE_URL.");
                }
                OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder builder = OpenAiStreamingChatModel.builder()
                        .httpClientBuilder(httpClient())
                        .baseUrl(baseUrl)
                        .apiKey(apiKey.orElse(NO_API_KEY))
                        .modelName(name)
                        .timeout(timeout);
                // OpenAI's newer models refuse max_tokens; many compatible servers only know max_tokens
                if (official) {
                    builder.maxCompletionTokens(model.maxTokens());
                } else {
                    builder.maxTokens(model.maxTokens());
                }
                return gateway(builder.build(), "openai", name, baseUrl, timeout, prompts, true, calls);
            }
            case "anthropic" -> {
                String baseUrl = baseUrl(model, ANTHROPIC_BASE_URL);
                String name = model.name().orElse(ANTHROPIC_MODEL);
                if (apiKey.isEmpty()) {
                    throw new IllegalStateException("CHAT_MODEL_PROVIDER=anthropic needs CHAT_MODEL_API_KEY.");
                }
                AnthropicStreamingChatModel anthropic = AnthropicStreamingChatModel.builder()
                        .httpClientBuilder(httpClient())
                        .baseUrl(baseUrl)
                        .apiKey(apiKey.get())
                        .modelName(name)
                        .maxTokens(model.maxTokens())
                        .timeout(timeout)
                        .build();
                return gateway(anthropic, "anthropic", name, baseUrl, timeout, prompts, true, calls);
            }
            case "ollama" -> {
                String baseUrl = baseUrl(model, OLLAMA_BASE_URL);
                String name = model.name().orElse(OLLAMA_MODEL);
                OllamaStreamingChatModel ollama = OllamaStreamingChatModel.builder()
                        .httpClientBuilder(httpClient())
                        .baseUrl(baseUrl)
                        .modelName(name)
                        .numPredict(model.maxTokens())
                        .timeout(timeout)
                        .build();
                // Ollama ends a stream with "done": true, but older servers leave out done_reason
                return gateway(ollama, "ollama", name, baseUrl, timeout, prompts, false, calls);
            }
            default -> throw new IllegalStateException("Unknown CHAT_MODEL_PROVIDER '" + provider
                    + "': use openai (or any OpenAI-compatible server), anthropic, ollama or demo.");
        }
    }

    private static LangChain4jModelGateway gateway(StreamingChatModel model, String provider, String name,
            String baseUrl, Duration timeout, PromptBuilder prompts, boolean finishReasonRequired,
            ModelCallLimits calls) {
        return new LangChain4jModelGateway(model, new ModelInfo(provider, name, false), prompts,
                new ModelErrorClassifier(baseUrl, name, timeout), finishReasonRequired, timeout, calls);
    }

    private static String baseUrl(ChatConfig.Model model, String fallback) {
        String url = model.baseUrl().map(String::strip).filter(u -> !u.isEmpty()).orElse(fallback);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("CHAT_MODEL_BASE_URL '" + url + "' is not a URL.");
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalStateException("CHAT_MODEL_BASE_URL '" + url + "' must be an http:// or https:// URL.");
        }
        return url;
    }

    /**
     * LangChain4j's JDK HTTP client, on HTTP/1.1: over plain http:// the JDK's default HTTP/2 tries an h2c upgrade,
     * and some local model servers (uvicorn, under vLLM for one) then drop the request body. The timeouts are set
     * on each model, which overrides the client's.
     */
    private static JdkHttpClientBuilder httpClient() {
        return JdkHttpClient.builder().httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
    }
}
