package dev.mooring.completion;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The completions' Prometheus meters: resumes, replayed chunks, completions by final status, and the completions
 * that ended but whose end is not stored yet (above zero while the database refuses writes).
 */
@ApplicationScoped
class CompletionMetrics {

    private final AtomicInteger ending = new AtomicInteger();
    private final Counter resumes;
    private final Counter replayedChunks;
    private final Map<CompletionStatus, Counter> completions = new EnumMap<>(CompletionStatus.class);

    CompletionMetrics(MeterRegistry registry) {
        Gauge.builder("mooring.completions.ending", ending, AtomicInteger::get)
                .description("completions that ended and wait for their end to be stored").register(registry);
        resumes = Counter.builder("mooring.resumes").description("resume frames served").register(registry);
        replayedChunks = Counter.builder("mooring.chunks.replayed").description("chunks sent again by a resume")
                .register(registry);
        for (CompletionStatus status : CompletionStatus.values()) {
            if (status.ended()) {
                completions.put(status, Counter.builder("mooring.completions").tag("status", status.label())
                        .description("completions ended, by final status").register(registry));
            }
        }
    }

    void resumed(long replayed) {
        resumes.increment();
        if (replayed > 0) {
            replayedChunks.increment(replayed);
        }
    }

    void endPending() {
        ending.incrementAndGet();
    }

    void endStored() {
        ending.decrementAndGet();
    }

    void completionEnded(CompletionStatus status) {
        Counter c = completions.get(status);
        if (c != null) {
            c.increment();
        }
    }
}
