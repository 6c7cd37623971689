package dev.mooring.metrics;

import dev.mooring.completion.CompletionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The service's Prometheus meters: connections, resumes, replayed chunks, completions by status, heartbeat closes. */
@ApplicationScoped
public class ChatMetrics {

    private final AtomicInteger openConnections = new AtomicInteger();
    private final Counter resumes;
    private final Counter replayedChunks;
    private final Counter heartbeatCloses;
    private final Counter rejectedFrames;
    private final Map<CompletionStatus, Counter> completions = new EnumMap<>(CompletionStatus.class);

    public ChatMetrics(MeterRegistry registry) {
        registry.gauge("mooring.connections.open", openConnections);
        resumes = Counter.builder("mooring.resumes").description("resume frames served").register(registry);
        replayedChunks = Counter.builder("mooring.chunks.replayed").description("chunks sent again by a resume")
                .register(registry);
        heartbeatCloses = Counter.builder("mooring.heartbeat.closes")
                .description("connections closed with 4408 after heartbeat silence").register(registry);
        rejectedFrames = Counter.builder("mooring.frames.rejected").description("client frames answered with an error")
                .register(registry);
        for (CompletionStatus status : CompletionStatus.values()) {
            if (status != CompletionStatus.RUNNING) {
                completions.put(status, Counter.builder("mooring.completions").tag("status", status.wire())
                        .description("completions ended, by final status").register(registry));
            }
        }
    }

    public void connectionOpened() {
        openConnections.incrementAndGet();
    }

    public void connectionClosed() {
        openConnections.decrementAndGet();
    }

    public void resumed(long replayed) {
        resumes.increment();
        if (replayed > 0) {
            replayedChunks.increment(replayed);
        }
    }

    public void heartbeatClose() {
        heartbeatCloses.increment();
    }

    public void frameRejected() {
        rejectedFrames.increment();
    }

    public void completionEnded(CompletionStatus status) {
        Counter c = completions.get(status);
        if (c != null) {
            c.increment();
        }
    }
}
