package dev.mooring.completion;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.api.Ids;
import dev.mooring.cluster.AnswerRelay;
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
 * The one door to answers: begins them, follows, resumes and cancels them, shows them, for their own user only
 * (another user's answer reads as an unknown one). An answer runs on the node that began it, independently of any
 * connection; another node follows it through the relay and the database ({@link RemoteFollowers}) and asks its owner
 * to cancel it; once it ends it is served from the store. A subscriber is made only after the completion it follows
 * is known to exist.
 */
@ApplicationScoped
public class CompletionService {

    private final CompletionRunner runner;
    private final CompletionStore store;
    private final LiveCompletions live;
    private final RemoteFollowers remote;
    private final AnswerRelay relay;
    private final CompletionMetrics metrics;
    private final ChatConfig config;
    private final TransactionSynchronizationRegistry transactions;

    CompletionService(CompletionRunner runner, CompletionStore store, LiveCompletions live, RemoteFollowers remote,
                      AnswerRelay relay, CompletionMetrics metrics, ChatConfig config,
                      TransactionSynchronizationRegistry transactions) {
        this.runner = runner;
        this.store = store;
        this.live = live;
        this.remote = remote;
        this.relay = relay;
        this.metrics = metrics;
        this.config = config;
        this.transactions = transactions;
    }

    /** Whether the service is shutting down and begins no new completion. */
    public boolean stopping() {
        return runner.stopping();
    }

    /** Whether a stop lets running answers finish while the sockets close first (their clients resume elsewhere). */
    public boolean drains() {
        return runner.drains();
    }

    /**
     * Records a running completion of {@code user} that answers {@code requestMessageId} in the caller's transaction
     * (the one that stores the question) and starts it once that commits; if it rolls back, nothing of it remains.
     * The run is held in memory before the commit, so a resume can never find the row without its run.
     *
     * @return the new completion's id
     * @throws ApiException rate_limited when this node runs as many answers as it may
     */
    public UUID begin(UUID conversationId, UUID requestMessageId, UUID messageId, String user, ModelRequest request) {
        if (transactions.getTransactionKey() == null) {
            throw new IllegalStateException("a completion begins inside the transaction that stores its question");
        }
        UUID id = UUID.randomUUID();
        CompletionRun run = runner.hold(id, conversationId, messageId, user);
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
        store.insert(id, conversationId, requestMessageId, messageId, user, config.nodeName(),
                Instant.now().plus(config.completions().lease()));
        return id;
    }

    /** Whether the completion runs on this node (or ended and its end is not stored yet). */
    public boolean runsHere(UUID id) {
        CompletionRun run = live.find(id);
        return run != null && run.running();
    }

    /** Follows a completion from its first chunk: the asking connection, right after its question was accepted. */
    public void follow(UUID id, String user, Supplier<? extends Subscriber> subscribe) {
        attach(id, 0, user, subscribe);
    }

    /**
     * Sends the subscriber every chunk after {@code afterSeq}, then the live ones and the end, whichever node runs it.
     *
     * @throws ApiException not_found for an unknown completion or another user's
     */
    public void resume(UUID id, long afterSeq, String user, Supplier<? extends Subscriber> subscribe) {
        metrics.resumed(attach(id, afterSeq, user, subscribe));
    }

    /** Tells the subscriber how the completion ends, and no chunk: for a client that cancels what it does not follow. */
    public void tellEnd(UUID id, String user, Supplier<? extends Subscriber> subscribe) {
        CompletionRun run = runningHere(id, user);
        if (run != null) {
            run.subscribeFromNow(subscribe.get());
            return;
        }
        StoredCompletion stored = stored(id, user);
        if (stored.runsElsewhere(Instant.now())) {
            remote.followFromNow(stored, subscribe.get());
        } else {
            subscribe.get().end(stored.end());
        }
    }

    /** Stops the subscriber's delivery; the completion goes on. */
    public void unsubscribe(UUID id, Subscriber subscriber) {
        CompletionRun run = live.find(id);
        if (run != null) {
            run.unsubscribe(subscriber);
        } else {
            remote.unsubscribe(id, subscriber);
        }
    }

    /**
     * Cancels a running completion, on this node or on the node that runs it; it ends {@code cancelled}. One that
     * already ended stays as it ended.
     *
     * @throws ApiException not_found for an unknown completion or another user's
     */
    public void cancel(UUID id, String user) {
        CompletionRun run = runningHere(id, user);
        if (run != null) {
            run.cancel();
        } else {
            cancelElsewhere(stored(id, user));
        }
    }

    /** Asks the node that runs an answer to cancel it: through the relay now, and in the database should that fail. */
    private void cancelElsewhere(StoredCompletion stored) {
        if (stored.runsElsewhere(Instant.now())) {
            store.requestCancel(stored.id());
            relay.cancel(stored.ownerNode(), stored.id());
        }
    }

    /** Cancels every running completion of a conversation; waits until each that runs here has its end stored. */
    public void cancelAll(UUID conversationId) {
        for (CompletionSummary summary : store.listByConversation(conversationId)) {
            CompletionRun run = live.find(summary.id());
            if (run != null) {
                run.cancel();
                run.finished().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            } else if (summary.status() == CompletionStatus.RUNNING) {
                store.find(summary.id()).ifPresent(this::cancelElsewhere);
            }
        }
    }

    /**
     * A completion as REST shows it: from memory while it runs here (also while the store is unreachable), its stored
     * progress while another node runs it, the stored state otherwise.
     *
     * @throws ApiException not_found for an unknown completion or another user's
     */
    public CompletionView view(UUID id, String user) {
        CompletionRun run = runningHere(id, user);
        if (run != null && run.running()) {
            return run.view();
        }
        StoredCompletion stored = stored(id, user);
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

    /** Begins nothing new and ends every running completion (after the drain time), its text stored, before returning. */
    public void stop() {
        runner.stop();
    }

    /** Attaches a subscriber from {@code afterSeq}; returns how many chunks it was sent again. */
    private long attach(UUID id, long afterSeq, String user, Supplier<? extends Subscriber> subscribe) {
        CompletionRun run = runningHere(id, user);
        if (run != null) {
            long backlog = run.backlog(afterSeq);
            run.subscribe(subscribe.get(), afterSeq);
            return backlog;
        }
        StoredCompletion stored = stored(id, user);
        if (stored.runsElsewhere(Instant.now())) {
            return remote.follow(stored, afterSeq, subscribe.get());
        }
        return stored.replayTo(subscribe.get(), afterSeq);
    }

    /** The run held here (running or lately ended), if it is {@code user}'s; null when none is held. */
    private CompletionRun runningHere(UUID id, String user) {
        CompletionRun run = live.find(id);
        if (run != null && !run.ownerUser().equals(user)) {
            throw Ids.unknown("completion", id);
        }
        return run;
    }

    /**
     * The stored completion of {@code user}, one that this node does not hold: marked interrupted first if it says
     * running but its owner's lease ran out (fenced: whichever node does it first, and never while the owner renews).
     */
    private StoredCompletion stored(UUID id, String user) {
        StoredCompletion stored = find(id, user);
        Instant now = Instant.now();
        if (stored.status() == CompletionStatus.RUNNING && !stored.runsElsewhere(now)
                && store.interruptIfExpired(id, now)) {
            stored = find(id, user);
        }
        return stored;
    }

    private StoredCompletion find(UUID id, String user) {
        return store.find(id).filter(c -> c.ownerUser().equals(user)).orElseThrow(() -> Ids.unknown("completion", id));
    }
}
