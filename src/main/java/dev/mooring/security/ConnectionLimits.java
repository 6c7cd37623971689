package dev.mooring.security;

import dev.mooring.config.ChatConfig;
import io.quarkus.arc.Unremovable;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The header timeout, as the HTTP server enforces it: a connection to which the service wrote nothing for
 * {@code chat.connections.header-timeout} is closed. Before its headers end, a request or upgrade is never answered,
 * so one that trickles them in byte by byte is closed too (the server's idle timeout restarts with every byte read).
 * Open chat sockets are written to (protocol pings) more often; the check at start-up makes sure of it.
 */
@ApplicationScoped
@Unremovable
public class ConnectionLimits implements HttpServerOptionsCustomizer {

    private final Duration headerTimeout;

    public ConnectionLimits(ChatConfig config,
                            @ConfigProperty(name = "quarkus.websockets-next.server.auto-ping-interval")
                            Optional<Duration> protocolPings) {
        this.headerTimeout = config.connections().headerTimeout();
        Duration pings = protocolPings.filter(p -> p.compareTo(config.heartbeat().interval()) < 0)
                .orElse(config.heartbeat().interval());
        if (headerTimeout.compareTo(pings) <= 0) {
            throw new IllegalStateException("chat.connections.header-timeout (" + headerTimeout + ") must be longer "
                    + "than the chat sockets' pings (every " + pings + "), or idle chat sockets would be closed");
        }
        if (config.connections().maxHttp() <= config.connections().max()) {
            throw new IllegalStateException("chat.connections.max-http must be larger than chat.connections.max");
        }
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        long idleMillis = options.getIdleTimeoutUnit().toMillis(options.getIdleTimeout());
        options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        options.setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idleMillis));
        options.setWriteIdleTimeout((int) headerTimeout.toMillis());
        // Before its first bytes tell HTTP/1 from HTTP/2 without TLS (h2c), Vert.x closes an idle connection on the
        // all-idle timeout only, so a silent one would be held for it (30 min). No client of Mooring speaks h2c.
        options.setHttp2ClearTextEnabled(false);
    }
}
