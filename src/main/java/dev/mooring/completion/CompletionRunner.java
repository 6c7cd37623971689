package dev.mooring.completion;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.api.RedactedFailure;
import dev.mooring.cluster.AnswerRelay;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The life of every run on this node: holds it in memory (within the bound on running answers), feeds it to the
 * relay for the other nodes, starts its model call, stores how it ended before its subscribers hear of it (retrying
 * for as long as the store refuses, the run kept in memory meanwhile; if another node ended it first, the stored end
 * is what they hear), cancels it when another node asks, retires it from memory a while after, and on shutdown lets
 * running answers finish for the drain time, then ends the rest {@code interrupted}.
 */
@ApplicationScoped
class CompletionRunner {

    private static final Logger LOG = Logger.getLogger(CompletionRunner.class);
    private static final long FIRST_RETRY_MS = 100;
    private static final long LAST_RETRY_MS = 2000;

    private final ChatModelGateway model;
    private final CompletionStore store;
    private final LiveCompletions live;
    private final CompletionMetrics metrics;
    private final ChatConfig config;
    /** Quarkus's worker pool: the end is stored there, never on the provider's thread. */
    private final Executor executor;
    private final ScheduledExecutorService retries;
    /** One permit per answer running (or ending) on this node. */
    private final Semaphore running;
    private final AnswerRelay relay;
    private volatile boolean stopping;

    CompletionRunner(ChatModelGateway model, CompletionStore store, LiveCompletions live, CompletionMetrics metrics,
                     ChatConfig config, Executor executor, ScheduledExecutorService retries, AnswerRelay relay) {
        this.model = model;
        this.store = store;
        this.live = live;
        this.metrics = metrics;
        this.config = config;
        this.executor = executor;
        this.retries = retries;
        this.running = new Semaphore(config.completions().maxRunning());
        this.relay = relay;
        relay.onCancel(live::cancel);
    }

    /** Whether a stop lets running answers finish (several nodes) rather than ending them at once. */
    boolean drains() {
        return config.shutdown().drain().toMillis() > 0;
    }


    boolean stopping() {
        return stopping;
    }

    /**
     * A new run, held in memory at once (so that a resume finds it) but not started.
     *
     * @throws ApiException rate_limited when as many answers as allowed are running already
     */
    CompletionRun hold(UUID id, UUID conversationId, UUID messageId, String user) {
        if (!running.tryAcquire()) {
            throw new ApiException(ErrorCode.RATE_LIMITED, "the service is writing as many answers as it may ("
                    + config.completions().maxRunning() + "); send this again once one has ended", true);
        }
        CompletionRun run = new CompletionRun(id, conversationId, messageId, user,
                CompletionRun.deliverUntil(System.currentTimeMillis(), config.completions().lease()), this::ended);
        if (relay.live()) {
            run.subscribe(new RelayFeed(relay), 0);
        }
        live.add(run);
        return run;
    }

    /** Lets go of a run that will never start (the question it answers was not stored). */
    void release(CompletionRun run) {
        live.remove(run.id());
        running.release();
    }

    void start(CompletionRun run, ModelRequest request) {
        if (stopping) {
            run.end(CompletionStatus.INTERRUPTED, CompletionError.interrupted());
            return;
        }
        try {
            run.attach(model.stream(request, run));
        } catch (RuntimeException e) {
            LOG.errorf(RedactedFailure.of(e), "model call for completion %s could not start", run.id());
            run.end(CompletionStatus.FAILED, CompletionError.model("the model could not be called; see the service log",
                    true));
        }
    }

    private void ended(CompletionRun run, FinalState state) {
        metrics.endPending();
        storeEnd(run, state, 1);
    }

    private void storeEnd(CompletionRun run, FinalState state, int attempt) {
        try {
            executor.execute(() -> tryStoreEnd(run, state, attempt));
        } catch (RejectedExecutionException e) {
            tryStoreEnd(run, state, attempt);
        }
    }

    /**
     * Stores the end, then tells it; if the store refuses, tries again with backoff, for as long as it takes. The
     * run stays in memory meanwhile, so a resume or a REST read sees it still running, never an end that the
     * database does not hold.
     */
    private void tryStoreEnd(CompletionRun run, FinalState state, int attempt) {
        FinalState told;
        try {
            told = store.finish(state) ? state : storedEnd(state);
        } catch (RuntimeException e) {
            long delay = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt - 1, 10));
            if (attempt == 1) {
                LOG.warnf(RedactedFailure.of(e), "storing the end of completion %s failed; trying again every %d ms "
                        + "at most, and telling its end only once it is stored", run.id(), LAST_RETRY_MS);
            }
            try {
                retries.schedule(() -> storeEnd(run, state, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                LOG.warnf("the end of completion %s was not stored before shutdown; start-up marks it interrupted",
                        run.id());
            }
            return;
        }
        if (attempt > 1) {
            LOG.infof("the end of completion %s is stored (attempt %d)", run.id(), attempt);
        }
        metrics.endStored();
        running.release();
        run.published(told);
        metrics.completionEnded(told.status());
    }

    /**
     * The end another node stored after this node lost the answer (its lease ran out: paused, or cut off from the
     * database); the run's own state if the answer is gone altogether (its conversation was deleted).
     */
    private FinalState storedEnd(FinalState own) {
        FinalState stored = store.find(own.id()).map(StoredCompletion::finalState).orElse(own);
        LOG.infof("completion %s was ended %s by another node while this one had lost its lease; its subscribers "
                + "here are told that stored end, not this node's %s", own.id(), stored.status().label(),
                own.status().label());
        return stored;
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

    /**
     * Starts no new run, lets the running ones go on for the drain time (their followers are on other nodes by now),
     * then ends every one still running {@code interrupted}, its text stored, before returning.
     */
    void stop() {
        stopping = true;
        if (drains()) {
            List<CompletableFuture<CompletionStatus>> running = live.all().stream().filter(CompletionRun::running)
                    .map(CompletionRun::finished).toList();
            LOG.infof("stopping: %d answer(s) may finish within %s", running.size(), config.shutdown().drain());
            try {
                CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                        .get(config.shutdown().drain().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.info("the drain time is over: the answers still running end interrupted");
            }
        }
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
