package dev.mooring.completion;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.api.Ids;
import dev.mooring.config.ChatConfig;
import dev.mooring.model.ModelRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one door to answers: begins them, follows, resumes and cancels them, shows them. An answer runs here
 * independently of any connection; once it ends it is served from the store. A subscriber is made only after the
 * completion it follows is known to exist.
 */
@ApplicationScoped
public class CompletionService {

    private final CompletionRunner runner;
    private final CompletionStore store;
    private final LiveCompletions live;
    private final CompletionMetrics metrics;
    private final ChatConfig config;
    private final TransactionSynchronizationRegistry transactions;

    CompletionService(CompletionRunner runner, CompletionStore store, LiveCompletions live, CompletionMetrics metrics,
                      ChatConfig config, TransactionSynchronizationRegistry transactions) {
        this.runner = runner;
        this.store = store;
        this.live = live;
        this.metrics = metrics;
        this.config = config;
        this.transactions = transactions;
    }

    /** Whether the service is shutting down and begins no new completion. */
    public boolean stopping() {
        return runner.stopping();
    }

    /**
     * Records a running completion that answers {@code requestMessageId} in the caller's transaction (the one that
     * stores the question) and starts it once that commits; if it rolls back, nothing of it remains. The run is
     * held in memory before the commit, so a resume can never find the row without its run.
     *
     * @return the new completion's id
     * @throws ApiException rate_limited when this node runs as many answers as it may
     */
    public UUID begin(UUID conversationId, UUID requestMessageId, UUID messageId, ModelRequest request) {
        if (transactions.getTransactionKey() == null) {
            throw new IllegalStateException("a completion begins inside the transaction that stores its question");
        }
        UUID id = UUID.randomUUID();
        CompletionRun run = runner.hold(id, conversationId, messageId);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    runner.start(run, request);
                } else {
                    runner.release(run);
                }
            }
        });
        store.insert(id, conversationId, requestMessageId, messageId, config.nodeName(),
                Instant.now().plus(config.completions().lease()));
        return id;
    }

    /** Whether the completion runs on this node (or ended and its end is not stored yet). */
    public boolean runsHere(UUID id) {
        CompletionRun run = live.find(id);
        return run != null && run.running();
    }

    /** Follows a completion from its first chunk: the asking connection, right after its question was accepted. */
    public void follow(UUID id, Supplier<? extends Subscriber> subscribe) {
        attach(id, 0, subscribe);
    }

    /**
     * Sends the subscriber every chunk after {@code afterSeq}, then the live ones and the end.
     *
     * @throws ApiException not_found for an unknown completion, unavailable for one another node runs
     */
    public void resume(UUID id, long afterSeq, Supplier<? extends Subscriber> subscribe) {
        metrics.resumed(attach(id, afterSeq, subscribe));
    }

    /** Tells the subscriber how the completion ends, and no chunk: for a client that cancels what it does not follow. */
    public void tellEnd(UUID id, Supplier<? extends Subscriber> subscribe) {
        CompletionRun run = live.find(id);
        if (run != null) {
            run.subscribeFromNow(subscribe.get());
        } else {
            CompletionEnd end = settled(id).end();
            subscribe.get().end(end);
        }
    }

    /** Stops the subscriber's delivery; the completion goes on. */
    public void unsubscribe(UUID id, Subscriber subscriber) {
        CompletionRun run = live.find(id);
        if (run != null) {
            run.unsubscribe(subscriber);
        }
    }

    /**
     * Cancels a completion that runs here; it ends {@code cancelled}. One that already ended stays as it ended.
     *
     * @throws ApiException not_found for an unknown completion, unavailable for one another node runs
     */
    public void cancel(UUID id) {
        CompletionRun run = live.find(id);
        if (run != null) {
            run.cancel();
        } else {
            settled(id);
        }
    }

    /** Cancels every completion of a conversation that runs here, and waits until each end is stored. */
    public void cancelAll(UUID conversationId) {
        for (CompletionSummary summary : store.listByConversation(conversationId)) {
            CompletionRun run = live.find(summary.id());
            if (run != null) {
                run.cancel();
                run.finished().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            }
        }
    }

    /**
     * A completion as REST shows it: from memory while it runs here (also while the store is unreachable), the
     * stored state otherwise.
     */
    public CompletionView view(UUID id) {
        CompletionRun run = live.find(id);
        if (run != null && run.running()) {
            return run.view();
        }
        StoredCompletion stored = settled(id);
        return new CompletionView(id, stored.conversationId(), stored.status().label(), stored.lastSeq(),
                stored.text(), stored.lastSeq(), stored.error());
    }

    /** The completion that answers a user message, if any. */
    public Optional<CompletionSummary> findByRequest(UUID requestMessageId) {
        return store.findByRequest(requestMessageId);
    }

    /** Every completion of a conversation, as stored. */
    public List<CompletionSummary> listByConversation(UUID conversationId) {
        return store.listByConversation(conversationId);
    }

    /** Begins nothing new and ends every running completion {@code interrupted}, its text stored, before returning. */
    public void stop() {
        runner.stop();
    }

    /** Attaches a subscriber from {@code afterSeq}; returns how many chunks it was sent again. */
    private long attach(UUID id, long afterSeq, Supplier<? extends Subscriber> subscribe) {
        CompletionRun run = live.find(id);
        if (run != null) {
            long backlog = run.backlog(afterSeq);
            run.subscribe(subscribe.get(), afterSeq);
            return backlog;
        }
        return settled(id).replayTo(subscribe.get(), afterSeq);
    }

    /**
     * The stored completion of one that does not run here, marked interrupted first if it says running but its
     * owner's lease ran out. Callers look in memory first: a run of this node is never settled here (start-up
     * settles what this node name left running before it started).
     */
    private StoredCompletion settled(UUID id) {
        StoredCompletion stored = store.find(id).orElseThrow(() -> Ids.unknown("completion", id));
        if (stored.status() != CompletionStatus.RUNNING) {
            return stored;
        }
        boolean orphan = stored.leaseUntil() == null || stored.leaseUntil().isBefore(Instant.now());
        if (!orphan) {
            throw new ApiException(ErrorCode.UNAVAILABLE, "this answer is being written by another service instance",
                    true);
        }
        StoredCompletion interrupted = stored.interrupted();
        store.finish(new FinalState(stored.id(), stored.conversationId(), interrupted.status(), stored.text(),
                stored.lastSeq(), stored.chunkLengths(), interrupted.error()));
        return interrupted;
    }
}
