package dev.mooring.health;

import dev.mooring.model.ChatModelGateway;
import dev.mooring.model.ModelInfo;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Names the model in use. A model setup that cannot be called (an unknown provider, a public API without a key) is
 * refused before it is used, at start-up and when the panel saves one, so the model in use is always ready.
 */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    private final ChatModelGateway model;

    public ModelReadinessCheck(ChatModelGateway model) {
        this.model = model;
    }

    @Override
    public HealthCheckResponse call() {
        ModelInfo info = model.info();
        return HealthCheckResponse.named("model").withData("provider", info.provider()).withData("name", info.name())
                .withData("demo", info.demo()).up().build();
    }
}
