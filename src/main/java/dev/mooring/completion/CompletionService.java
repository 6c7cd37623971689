package dev.mooring.completion;

import dev.mooring.support.DaemonThreads;
import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.chat.FrameCodec;
import dev.mooring.chat.ServerFrame;
import dev.mooring.config.ChatConfig;
import dev.mooring.conversation.Acceptance;
import dev.mooring.conversation.ConversationViews;
import dev.mooring.metrics.ChatMetrics;
import dev.mooring.model.ChatModelGateway;
import dev.mooring.model.ModelStream;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs completions independently of any connection, serves resumes from memory or from the store, cancels, and ends
 * every running completion {@code interrupted} when the service stops.
 */
@ApplicationScoped
public class CompletionService {

    private static final Logger LOG = Logger.getLogger(CompletionService.class);
    private static final int FINISH_ATTEMPTS = 5;

    private final ChatModelGateway model;
    private final CompletionStore store;
    private final LiveCompletions live;
    private final FrameCodec codec;
    private final ChatMetrics metrics;
    private final ChatConfig config;
    private final ExecutorService finisher = Executors.newFixedThreadPool(2, DaemonThreads.named("mooring-finish"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("mooring-retire"));
    private volatile boolean stopping;

    public CompletionService(ChatModelGateway model, CompletionStore store, LiveCompletions live, FrameCodec codec,
                             ChatMetrics metrics, ChatConfig config) {
        this.model = model;
        this.store = store;
        this.live = live;
        this.codec = codec;
        this.metrics = metrics;
        this.config = config;
    }

    /** Whether the service is shutting down and takes no new completion. */
    public boolean stopping() {
        return stopping;
    }

    /** Starts the accepted completion, with {@code first} (the asking connection) subscribed from its start. */
    public void begin(Acceptance accepted, Subscriber first) {
        CompletionRun run = new CompletionRun(accepted.completionId(), accepted.conversationId(),
                accepted.assistantMessageId(), this::ended);
        live.add(run);
        run.subscribe(first, 0);
        if (stopping) {
            run.end(CompletionStatus.INTERRUPTED, interruptedError());
            return;
        }
        try {
            ModelStream stream = model.stream(accepted.request(), run);
            run.attach(stream);
        } catch (RuntimeException e) {
            LOG.errorf(e, "model call for completion %s could not start", run.id());
            run.end(CompletionStatus.FAILED, new ServerFrame.ErrorBody(ErrorCode.MODEL_ERROR,
                    "the model could not be called; see the service log", true));
        }
    }

    /**
     * Replays to {@code subscriber} every chunk after {@code afterSeq}, then the live ones and one {@code done}.
     *
     * @throws ApiException not_found for an unknown completion
     */
    public void resume(UUID id, long afterSeq, Subscriber subscriber) {
        CompletionRun run = live.find(id);
        if (run != null) {
            metrics.resumed(run.backlog(afterSeq));
            run.subscribe(subscriber, afterSeq);
            return;
        }
        StoredCompletion stored = settled(id);
        long replayed = 0;
        ChunkCursor cursor = stored.chunks();
        String wireId = id.toString();
        for (String chunk = cursor.next(); chunk != null; chunk = cursor.next()) {
            if (cursor.seq() > afterSeq) {
                subscriber.deliver(cursor.seq(), FrameCodec.chunk(wireId, cursor.seq(), chunk));
                replayed++;
            }
        }
        metrics.resumed(replayed);
        subscriber.end(doneFrame(stored));
    }

    /**
     * Cancels a running completion. Returns the run if it is live here (its {@code done} follows to subscribers),
     * or the stored, already final, state.
     */
    public Optional<CompletionRun> cancel(UUID id) {
        CompletionRun run = live.find(id);
        if (run != null) {
            run.cancel();
            return Optional.of(run);
        }
        settled(id);
        return Optional.empty();
    }

    /** Cancels the completion if it runs here; does nothing otherwise. */
    public void cancelIfRunning(UUID id) {
        CompletionRun run = live.find(id);
        if (run != null) {
            run.cancel();
            run.finished().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    /** The encoded {@code done} of a completion that has ended and is no longer held in memory. */
    public String storedDone(UUID id) {
        return doneFrame(settled(id));
    }

    /** A completion as REST shows it: live text while it runs here, the stored state otherwise. */
    public ConversationViews.CompletionView view(UUID id) {
        CompletionRun run = live.find(id);
        StoredCompletion stored = store.find(id).orElseThrow(() -> unknown(id));
        if (run != null && run.running()) {
            return new ConversationViews.CompletionView(id, stored.conversationId(), CompletionStatus.RUNNING.wire(),
                    run.lastSeq(), run.text(), stored.lastSeq(), null);
        }
        stored = settle(stored);
        return new ConversationViews.CompletionView(id, stored.conversationId(), stored.status().wire(),
                stored.lastSeq(), stored.text(), stored.lastSeq(), stored.error());
    }

    /** The stored completion, marked interrupted first if it says running but no live process owns it. */
    private StoredCompletion settled(UUID id) {
        return settle(store.find(id).orElseThrow(() -> unknown(id)));
    }

    private StoredCompletion settle(StoredCompletion stored) {
        if (stored.status() != CompletionStatus.RUNNING) {
            return stored;
        }
        boolean orphan = config.nodeName().equals(stored.ownerNode()) || stored.ownerNode() == null
                || stored.leaseUntil() == null || stored.leaseUntil().isBefore(Instant.now());
        if (!orphan) {
            throw new ApiException(ErrorCode.UNAVAILABLE, "this answer is being written by another service instance",
                    true);
        }
        FinalState state = new FinalState(stored.id(), stored.conversationId(), CompletionStatus.INTERRUPTED,
                stored.text(), stored.lastSeq(), stored.chunkLengths(), interruptedError());
        store.finish(state);
        return new StoredCompletion(stored.id(), stored.conversationId(), stored.messageId(),
                CompletionStatus.INTERRUPTED, stored.text(), stored.lastSeq(), stored.chunkLengths(), state.error(),
                null, null);
    }

    private void ended(CompletionRun run, FinalState state) {
        finisher.execute(() -> publish(run, state));
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
        run.published(state.status(), codec.encode(new ServerFrame.Done(run.id().toString(), state.status().wire(),
                state.lastSeq(), run.messageId().toString(), state.error())));
        metrics.completionEnded(state.status());
        long retain = config.completions().retainAfterEnd().toMillis();
        if (!timers.isShutdown()) {
            timers.schedule(() -> live.remove(run.id()), retain, TimeUnit.MILLISECONDS);
        }
    }

    private String doneFrame(StoredCompletion stored) {
        return codec.encode(new ServerFrame.Done(stored.id().toString(), stored.status().wire(), stored.lastSeq(),
                stored.messageId().toString(), stored.error()));
    }

    /** Takes no new completion and ends every running one {@code interrupted}, its text stored, before returning. */
    public void stop() {
        stopping = true;
        List<CompletableFuture<CompletionStatus>> endings = new ArrayList<>();
        for (CompletionRun run : live.all()) {
            if (run.running()) {
                run.end(CompletionStatus.INTERRUPTED, interruptedError());
                endings.add(run.finished());
            }
        }
        try {
            CompletableFuture.allOf(endings.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("some completions could not be stored as interrupted before shutdown; start-up will mark them");
        }
    }

    @PreDestroy
    void close() {
        timers.shutdownNow();
        finisher.shutdown();
    }

    static ServerFrame.ErrorBody interruptedError() {
        return new ServerFrame.ErrorBody(ErrorCode.UNAVAILABLE, JdbcCompletionStore.INTERRUPTED_MESSAGE, true);
    }

    private static ApiException unknown(UUID id) {
        return ApiException.notFound("no completion has the id '" + id + "'");
    }
}
