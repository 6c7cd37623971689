package dev.mooring.chat;

import dev.mooring.config.ChatConfig;
import dev.mooring.protocol.FrameCodec;
import dev.mooring.protocol.ServerFrame;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Application heartbeats: one sweep over every open connection every {@code min(interval, timeout)/4} (at most
 * 1 s) closes the silent ones with 4408 and pings the others when due. It runs on Quarkus's scheduled executor: the
 * scheduler extension checks its triggers only once a second, too coarse for short test heartbeats.
 */
@ApplicationScoped
class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);
    static final int HEARTBEAT_TIMEOUT = 4408;

    private final OpenConnections connections;
    private final FrameCodec codec;
    private final ChannelMetrics metrics;
    private final long intervalMs;
    private final long timeoutMs;
    private volatile ScheduledFuture<?> sweeps;

    Heartbeats(OpenConnections connections, FrameCodec codec, ChannelMetrics metrics, ChatConfig config) {
        this.connections = connections;
        this.codec = codec;
        this.metrics = metrics;
        this.intervalMs = config.heartbeat().interval().toMillis();
        this.timeoutMs = config.heartbeat().timeout().toMillis();
    }

    long intervalMs() {
        return intervalMs;
    }

    long timeoutMs() {
        return timeoutMs;
    }

    void onStart(@Observes StartupEvent event, ScheduledExecutorService executor) {
        long period = Math.max(20, Math.min(1000, Math.min(intervalMs, timeoutMs) / 4));
        sweeps = executor.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    void stop() {
        ScheduledFuture<?> current = sweeps;
        if (current != null) {
            current.cancel(false);
        }
    }

    /** One pass over every connection: close the silent ones with 4408, ping the others when due. */
    private void sweep() {
        try {
            long now = System.currentTimeMillis();
            String ping = null;
            for (WebSocketConnection connection : connections) {
                ChatSession session = ChatSession.of(connection);
                if (session == null) {
                    continue;
                }
                if (now - session.lastFrameAt > timeoutMs) {
                    metrics.heartbeatClose();
                    session.close(HEARTBEAT_TIMEOUT, "no frame for " + timeoutMs + " ms");
                } else if (now - session.lastPingAt >= intervalMs) {
                    if (ping == null) {
                        ping = codec.encode(new ServerFrame.Ping(now));
                    }
                    session.lastPingAt = now;
                    session.send(ping);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat sweep failed", e);
        }
    }
}
