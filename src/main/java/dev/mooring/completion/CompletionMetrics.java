package dev.mooring.completion;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;

/** The completions' Prometheus meters: resumes, replayed chunks, completions by final status. */
@ApplicationScoped
class CompletionMetrics {

    private final Counter resumes;
    private final Counter replayedChunks;
    private final Map<CompletionStatus, Counter> completions = new EnumMap<>(CompletionStatus.class);

    CompletionMetrics(MeterRegistry registry) {
        resumes = Counter.builder("mooring.resumes").description("resume frames served").register(registry);
        replayedChunks = Counter.builder("mooring.chunks.replayed").description("chunks sent again by a resume")
                .register(registry);
        for (CompletionStatus status : CompletionStatus.values()) {
            if (status != CompletionStatus.RUNNING) {
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

    void completionEnded(CompletionStatus status) {
        Counter c = completions.get(status);
        if (c != null) {
            c.increment();
        }
    }
}
