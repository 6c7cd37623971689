package dev.mooring.settings;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mooring.model.ModelInfo;

import java.util.List;

/** The REST shapes of the model settings; no key ever appears in them, only whether one is set and its end. */
public final class ModelSettingsViews {

    private ModelSettingsViews() {
    }

    /**
     * {@code GET /api/model}: the model in use, whether it comes from the panel's settings or the environment, and
     * what each provider would use.
     */
    public record Settings(ModelInfo model, String source, List<Provider> providers) {
    }

    /** One provider's setup; {@code apiKeyFrom} is {@code settings} or {@code environment} when a key is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Provider(String provider, String name, String baseUrl, boolean demo, boolean apiKeySet,
                           String apiKeyEnd, String apiKeyFrom) {
    }

    /** {@code GET /api/model/models}: every model the service can reach, and why some provider could not be asked. */
    public record Models(List<Option> models, List<Problem> problems) {
    }

    /** A model to pick; {@code current} marks the one in use. */
    public record Option(String provider, String name, boolean demo, boolean current) {
    }

    /** A provider whose models could not be listed, in words. */
    public record Problem(String provider, String message) {
    }

    /**
     * {@code PUT /api/model}: the provider to use and, for it, any of the model's name, the base URL and the API key.
     * An absent part stays as it was; an empty one goes back to the environment's or the default.
     */
    public record Change(String provider, String name, String baseUrl, String apiKey) {

        @Override
        public String toString() {
            return "Change[provider=" + provider + ", name=" + name + ", baseUrl=" + baseUrl + ", apiKey="
                    + (apiKey == null ? "unchanged" : "(given)") + "]";
        }
    }
}
