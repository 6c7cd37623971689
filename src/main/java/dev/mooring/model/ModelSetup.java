package dev.mooring.model;

import dev.mooring.config.ChatConfig;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * A choice of model: the provider and, for it, the model's name, the API's base URL and the API key; a blank part
 * means the provider's default. Its text form never shows the key.
 */
public record ModelSetup(String provider, String name, String baseUrl, String apiKey) {

    public static final String DEMO = "demo";
    public static final String OPENAI = "openai";
    public static final String ANTHROPIC = "anthropic";
    public static final String OLLAMA = "ollama";
    /** Every provider the service can call, the demo model first. */
    public static final List<String> PROVIDERS = List.of(DEMO, OPENAI, ANTHROPIC, OLLAMA);

    static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
    static final String OPENAI_MODEL = "gpt-4o-mini";
    static final String ANTHROPIC_BASE_URL = "https://api.anthropic.com/v1/";
    static final String ANTHROPIC_MODEL = "claude-sonnet-4-5";
    static final String OLLAMA_BASE_URL = "http://localhost:11434";
    static final String OLLAMA_MODEL = "llama3.2";

    /** The provider in lower case ({@code demo} when blank); blank parts become null. */
    public ModelSetup {
        provider = provider == null || provider.isBlank() ? DEMO : provider.strip().toLowerCase(Locale.ROOT);
        name = blankToNull(name);
        baseUrl = blankToNull(baseUrl);
        apiKey = blankToNull(apiKey);
    }

    /** The setup of the {@code chat.model.*} settings (the environment's {@code CHAT_MODEL_*}). */
    public static ModelSetup of(ChatConfig.Model config) {
        return new ModelSetup(config.provider().orElse(null), config.name().orElse(null),
                config.baseUrl().orElse(null), config.apiKey().orElse(null));
    }

    public boolean demo() {
        return DEMO.equals(provider);
    }

    public boolean hasApiKey() {
        return apiKey != null;
    }

    /** The model's name, or the provider's default one. */
    public String effectiveName() {
        if (name != null && !demo()) {
            return name;
        }
        return switch (provider) {
            case OPENAI -> OPENAI_MODEL;
            case ANTHROPIC -> ANTHROPIC_MODEL;
            case OLLAMA -> OLLAMA_MODEL;
            default -> DemoStreamingChatModel.MODEL_NAME;
        };
    }

    /** The API's base URL, or the provider's public one; null for the demo model. */
    public String effectiveBaseUrl() {
        if (baseUrl != null && !demo()) {
            return baseUrl;
        }
        return switch (provider) {
            case OPENAI -> OPENAI_BASE_URL;
            case ANTHROPIC -> ANTHROPIC_BASE_URL;
            case OLLAMA -> OLLAMA_BASE_URL;
            default -> null;
        };
    }

    /** Whether it calls OpenAI's own API (rather than a compatible server), which needs a key. */
    boolean officialOpenAi() {
        String url = effectiveBaseUrl();
        try {
            return OPENAI.equals(provider) && url != null && "api.openai.com".equalsIgnoreCase(URI.create(url).getHost());
        } catch (IllegalArgumentException notAUrl) {
            return false;
        }
    }

    /** Whether it can be called at all without asking the user for more: a key where the public API needs one. */
    public boolean complete() {
        return switch (provider) {
            case OPENAI -> hasApiKey() || !officialOpenAi();
            case ANTHROPIC -> hasApiKey();
            default -> true;
        };
    }

    public ModelSetup withName(String newName) {
        return new ModelSetup(provider, newName, baseUrl, apiKey);
    }

    @Override
    public String toString() {
        return "ModelSetup[provider=" + provider + ", name=" + name + ", baseUrl=" + baseUrl + ", apiKey="
                + (apiKey == null ? "none" : "(set)") + "]";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
