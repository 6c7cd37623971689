package dev.mooring.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicInteger;

/** The chat channel's Prometheus meters: open connections, heartbeat closes, slow-reader closes, refused frames. */
@ApplicationScoped
class ChannelMetrics {

    private final AtomicInteger openConnections = new AtomicInteger();
    private final Counter heartbeatCloses;
    private final Counter slowCloses;
    private final Counter rejectedFrames;

    ChannelMetrics(MeterRegistry registry) {
        registry.gauge("mooring.connections.open", openConnections);
        heartbeatCloses = Counter.builder("mooring.heartbeat.closes")
                .description("connections closed with 4408 after heartbeat silence").register(registry);
        slowCloses = Counter.builder("mooring.slow.closes")
                .description("connections closed with 1013 for leaving too many frames unread").register(registry);
        rejectedFrames = Counter.builder("mooring.frames.rejected").description("client frames answered with an error")
                .register(registry);
    }

    void connectionOpened() {
        openConnections.incrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    void heartbeatClose() {
        heartbeatCloses.increment();
    }

    void slowClose() {
        slowCloses.increment();
    }

    void frameRejected() {
        rejectedFrames.increment();
    }
}
