package dev.mooring.completion;

import dev.mooring.config.ChatConfig;
import dev.mooring.model.ChatModelGateway;
import dev.mooring.model.ModelRequest;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The life of every run on this node: holds it in memory, starts its model call, stores how it ended before its
 * subscribers hear of it, retires it from memory a while after, and ends every running one {@code interrupted} when
 * the service stops.
 */
@ApplicationScoped
class CompletionRunner {

    private static final Logger LOG = Logger.getLogger(CompletionRunner.class);
    private static final int FINISH_ATTEMPTS = 5;

    private final ChatModelGateway model;
    private final CompletionStore store;
    private final LiveCompletions live;
    private final CompletionMetrics metrics;
    private final ChatConfig config;
    /** Quarkus's worker pool: the end is stored there, never on the provider's thread. */
    private final Executor executor;
    private volatile boolean stopping;

    CompletionRunner(ChatModelGateway model, CompletionStore store, LiveCompletions live, CompletionMetrics metrics,
                     ChatConfig config, Executor executor) {
        this.model = model;
        this.store = store;
        this.live = live;
        this.metrics = metrics;
        this.config = config;
        this.executor = executor;
    }

    boolean stopping() {
        return stopping;
    }

    /** A new run, held in memory at once (so that a resume finds it) but not started. */
    CompletionRun hold(UUID id, UUID conversationId, UUID messageId) {
        CompletionRun run = new CompletionRun(id, conversationId, messageId, this::ended);
        live.add(run);
        return run;
    }

    /** Lets go of a run that will never start (the question it answers was not stored). */
    void release(CompletionRun run) {
        live.remove(run.id());
    }

    void start(CompletionRun run, ModelRequest request) {
        if (stopping) {
            run.end(CompletionStatus.INTERRUPTED, CompletionError.interrupted());
            return;
        }
        try {
            run.attach(model.stream(request, run));
        } catch (RuntimeException e) {
            LOG.errorf(e, "model call for completion %s could not start", run.id());
            run.end(CompletionStatus.FAILED, CompletionError.model("the model could not be called; see the service log",
                    true));
        }
    }

    private void ended(CompletionRun run, FinalState state) {
        try {
            executor.execute(() -> publish(run, state));
        } catch (RejectedExecutionException e) {
            publish(run, state);
        }
    }

    private void publish(CompletionRun run, FinalState state) {
        for (int attempt = 1; ; attempt++) {
            try {
                store.finish(state);
                break;
            } catch (RuntimeException e) {
                if (attempt == FINISH_ATTEMPTS) {
                    LOG.errorf(e, "could not store the end of completion %s; it will read as interrupted", run.id());
                    break;
                }
                LOG.warnf("storing the end of completion %s failed (attempt %d), retrying", run.id(), attempt);
                try {
                    Thread.sleep(100L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        run.published(state);
        metrics.completionEnded(state.status());
    }

    /** Forgets runs that ended longer than {@code chat.completions.retain-after-end} ago: the store serves them. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retireEnded() {
        long cutoff = System.currentTimeMillis() - config.completions().retainAfterEnd().toMillis();
        for (CompletionRun run : live.all()) {
            if (run.endedBefore(cutoff)) {
                live.remove(run.id());
            }
        }
    }

    /** Starts no new run and ends every running one {@code interrupted}, its text stored, before returning. */
    void stop() {
        stopping = true;
        List<CompletableFuture<CompletionStatus>> endings = new ArrayList<>();
        for (CompletionRun run : live.all()) {
            if (run.running()) {
                run.end(CompletionStatus.INTERRUPTED, CompletionError.interrupted());
                endings.add(run.finished());
            }
        }
        try {
            CompletableFuture.allOf(endings.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("some completions could not be stored as interrupted before shutdown; start-up will mark them");
        }
    }
}
