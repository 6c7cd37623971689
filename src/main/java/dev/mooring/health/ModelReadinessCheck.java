package dev.mooring.health;

import dev.mooring.config.ChatConfig;
import dev.mooring.model.ChatModelGateway;
import dev.mooring.model.ModelInfo;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the model is configured well enough to be called (the database has its own check). */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    private final ChatModelGateway model;
    private final ChatConfig config;

    public ModelReadinessCheck(ChatModelGateway model, ChatConfig config) {
        this.model = model;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        ModelInfo info = model.info();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("model")
                .withData("provider", info.provider()).withData("name", info.name()).withData("demo", info.demo());
        String problem = problem(info.provider());
        return problem == null ? response.up().build() : response.down().withData("problem", problem).build();
    }

    private String problem(String provider) {
        boolean hostedDefault = config.model().baseUrl().filter(u -> !u.isBlank()).isEmpty();
        boolean noKey = config.model().apiKey().filter(k -> !k.isBlank()).isEmpty();
        if (("openai".equals(provider) || "anthropic".equals(provider)) && hostedDefault && noKey) {
            return "CHAT_MODEL_API_KEY is not set for the " + provider + " provider";
        }
        return null;
    }
}
