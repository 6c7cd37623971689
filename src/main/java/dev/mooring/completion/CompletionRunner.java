package dev.mooring.completion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.api.RedactedFailure;
import dev.mooring.config.ChatConfig;
import dev.mooring.model.ChatModelGateway;
import dev.mooring.model.ModelRequest;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The life of every run on this node: holds it in memory (within the bound on running answers), starts its model
 * call (in agent mode, each model turn, and stores its tool calls before they are told), stores how it ended before
 * its subscribers hear of it (retrying for as long as the store refuses, the run kept in memory meanwhile; if another
 * node ended it first, after this one lost its lease, the stored end is what they hear), hands it to the
 * {@link HotWindow} that retires it from memory, and ends every running one {@code interrupted} when the service stops (an answer
 * waiting for tool results runs no model call: it is left to wait, and is restored from the store when touched).
 */
@ApplicationScoped
class CompletionRunner implements RunOwner {

    private static final Logger LOG = Logger.getLogger(CompletionRunner.class);
    private static final long FIRST_RETRY_MS = 100;
    private static final long LAST_RETRY_MS = 2000;

    private final ChatModelGateway model;
    private final CompletionStore store;
    private final AgentStore agentStore;
    private final LiveCompletions live;
    private final HotWindow hot;
    private final RelayedRuns relayed;
    private final CompletionMetrics metrics;
    private final ChatConfig config;
    /** Quarkus's worker pool: the end is stored there, never on the provider's thread. */
    private final Executor executor;
    private final ScheduledExecutorService retries;
    /** One permit per answer running (or ending) on this node; an answer waiting for tool results holds none. */
    private final Semaphore running;
    /** The runs that hold a permit. */
    private final Set<UUID> permits = ConcurrentHashMap.newKeySet();
    private final ObjectMapper json;
    private volatile boolean stopping;

    CompletionRunner(ChatModelGateway model, CompletionStore store, AgentStore agentStore, LiveCompletions live,
                     HotWindow hot, RelayedRuns relayed, CompletionMetrics metrics, ChatConfig config,
                     Executor executor, ScheduledExecutorService retries, ObjectMapper json) {
        this.model = model;
        this.store = store;
        this.agentStore = agentStore;
        this.json = json;
        this.live = live;
        this.hot = hot;
        this.relayed = relayed;
        this.metrics = metrics;
        this.config = config;
        this.executor = executor;
        this.retries = retries;
        this.running = new Semaphore(config.completions().maxRunning());
    }

    boolean stopping() {
        return stopping;
    }

    /**
     * A new run, held in memory at once (so that a resume finds it) but not started.
     *
     * @throws ApiException rate_limited when as many answers as allowed are running already
     */
    CompletionRun hold(UUID id, UUID conversationId, UUID messageId, String user, ModelRequest request) {
        if (!acquire(id)) {
            throw new ApiException(ErrorCode.RATE_LIMITED, "the service is writing as many answers as it may ("
                    + config.completions().maxRunning() + "); send this again once one has ended", true);
        }
        CompletionRun run = new CompletionRun(id, conversationId, messageId, user, this, request);
        relayed.publish(run);
        live.add(run);
        return run;
    }

    /** Lets go of a run that will never start (the question it answers was not stored). */
    void release(CompletionRun run) {
        live.remove(run.id());
        releasePermit(run.id());
    }

    private boolean acquire(UUID id) {
        if (!running.tryAcquire()) {
            return false;
        }
        permits.add(id);
        return true;
    }

    private void releasePermit(UUID id) {
        if (permits.remove(id)) {
            running.release();
        }
    }

    /** Stores the request of an agent answer with it (inside the transaction that inserts it). */
    void recordRequest(UUID id, ModelRequest request) {
        if (request.agent()) {
            try {
                agentStore.recordRequest(id, json.writeValueAsString(request));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the request of completion " + id, e);
            }
        }
    }

    /**
     * The run of a completion that waits for tool results, restored from the store into memory (after a restart,
     * or once its run was retired), or the one another thread restored first; null when it does not wait.
     */
    CompletionRun restore(StoredCompletion stored) {
        String request = agentStore.request(stored.id());
        if (stored.status() != CompletionStatus.WAITING || request == null) {
            return null;
        }
        ModelRequest agentRequest;
        try {
            agentRequest = json.readValue(request, ModelRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored request of completion " + stored.id() + " does not read", e);
        }
        CompletionRun run = CompletionRun.waiting(stored, agentStore.events(stored.id()), agentRequest,
                agentStore.waitingSince(stored.id()), this);
        relayed.publish(run);
        return live.addIfAbsent(run);
    }

    @Override
    public int maxSteps() {
        return config.agent().maxSteps();
    }

    /** The last tool result the turn waited for is stored: the next model turn starts (with a permit). */
    void continueRun(CompletionRun run) {
        if (!acquire(run.id())) {
            run.end(CompletionStatus.FAILED, CompletionError.busy("the service is writing as many answers as it may ("
                    + config.completions().maxRunning() + "); ask again once one has ended"));
            return;
        }
        start(run, run.nextTurn());
    }

    /** Stores a turn's tool calls (retrying while the store refuses), then tells them; the run waits, holding no permit. */
    @Override
    public void paused(CompletionRun run, Progress progress, List<ToolEvent> calls) {
        retrying(() -> {
            if (agentStore.pause(progress, calls, Instant.now())) {
                releasePermit(run.id());
                run.paused(calls);
                relayed.waiting(run);
            }
        }, "storing the tool calls of completion " + run.id(), 1);
    }

    /** Runs {@code work} on the worker pool, and again with backoff for as long as it throws. */
    private void retrying(Runnable work, String what, int attempt) {
        Runnable task = () -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                if (attempt == 1) {
                    LOG.warnf(RedactedFailure.of(e), "%s failed; trying again every %d ms at most", what, LAST_RETRY_MS);
                }
                long delay = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt - 1, 10));
                try {
                    retries.schedule(() -> retrying(work, what, attempt + 1), delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException shuttingDown) {
                    LOG.warnf("%s was given up at shutdown", what);
                }
            }
        };
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
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

    @Override
    public void ended(CompletionRun run, FinalState state) {
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
        releasePermit(run.id());
        run.published(told);
        hot.ended(run);
        metrics.completionEnded(told.status());
    }

    /**
     * The end another node stored after this process lost the answer (its lease ran out: paused, or cut off from the
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
        hot.retireExpired(System.currentTimeMillis());
    }

    /**
     * Starts no new run, and waits up to {@code chat.completions.drain} until every running one has ended on its own
     * (its end stored) or paused for tool results: a node stopped for a rolling restart finishes its answers.
     */
    void drain() {
        stopping = true;
        Duration drain = config.completions().drain();
        int all = config.completions().maxRunning();
        if (drain.isZero() || permits.isEmpty()) {
            return;
        }
        LOG.infof("stopping: %d running answers have up to %s to end", permits.size(), drain);
        try {
            if (running.tryAcquire(all, drain.toMillis(), TimeUnit.MILLISECONDS)) {
                running.release(all);
            } else {
                LOG.warnf("stopping: %d answers still running after %s end interrupted", permits.size(), drain);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts no new run and ends every running one {@code interrupted}, its text stored, before returning. Runs that
     * wait for tool results are left as they are stored: waiting.
     */
    void stop() {
        stopping = true;
        List<CompletableFuture<CompletionStatus>> endings = new ArrayList<>();
        for (CompletionRun run : live.all()) {
            if (run.running() && run.waitingSince() == null) {
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
