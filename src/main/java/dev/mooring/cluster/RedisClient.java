package dev.mooring.cluster;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Optional;

/**
 * The Redis client of a deployment of several nodes, made from Quarkus's own key {@code quarkus.redis.hosts}
 * ({@code QUARKUS_REDIS_HOSTS}) and only when it is set. Made here rather than injected from the Redis extension:
 * the extension starts every client that some bean injects at start-up, and fails the start when no host is
 * configured, which is how a single node runs.
 */
@ApplicationScoped
class RedisClient {

    /** The Redis client's bound on replies waited for (the extension's default). */
    static final int MAX_WAITING_HANDLERS = 2048;

    private final Vertx vertx;
    private Redis redis;

    RedisClient(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Whether a Redis is configured: several nodes share it. */
    static boolean configured() {
        return hosts().isPresent();
    }

    private static Optional<String> hosts() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class)
                .map(String::trim).filter(hosts -> !hosts.isEmpty());
    }

    /** The client (connections are opened when used). */
    synchronized Redis redis() {
        if (redis == null) {
            String url = hosts().orElseThrow(() -> new IllegalStateException("quarkus.redis.hosts is not set"));
            redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url.split(",")[0].trim())
                    .setMaxWaitingHandlers(MAX_WAITING_HANDLERS));
        }
        return redis;
    }

    @PreDestroy
    synchronized void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
