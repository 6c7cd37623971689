package dev.mooring.completion;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.api.Ids;
import dev.mooring.config.ChatConfig;
import dev.mooring.model.ModelRequest;
import dev.mooring.model.ToolResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one door to answers: begins them, follows, resumes and cancels them, shows them, for their own user only
 * (another user's answer reads as an unknown one). An answer runs here independently of any connection; once it ends
 * it is served from the store. A subscriber is made only after the completion it follows is known to exist.
 */
@ApplicationScoped
public class CompletionService {

    private final CompletionRunner runner;
    private final CompletionStore store;
    private final AgentStore agentStore;
    private final LiveCompletions live;
    private final RemoteAnswers remote;
    private final CompletionMetrics metrics;
    private final ChatConfig config;
    private final TransactionSynchronizationRegistry transactions;

    CompletionService(CompletionRunner runner, CompletionStore store, AgentStore agentStore, LiveCompletions live,
                      RemoteAnswers remote, CompletionMetrics metrics, ChatConfig config, TransactionSynchronizationRegistry transactions) {
        this.runner = runner;
        this.store = store;
        this.agentStore = agentStore;
        this.live = live;
        this.remote = remote;
        this.metrics = metrics;
        this.config = config;
        this.transactions = transactions;
    }

    /** Whether the service is shutting down and begins no new completion. */
    public boolean stopping() {
        return runner.stopping();
    }

    /**
     * Records a running completion of {@code user} that answers {@code requestMessageId} in the caller's transaction (the one that
     * stores the question) and starts it once that commits; if it rolls back, nothing of it remains. The run is
     * held in memory before the commit, so a resume can never find the row without its run.
     *
     * @return the new completion's id
     * @throws ApiException rate_limited when this node runs as many answers as it may
     */
    public UUID begin(UUID conversationId, UUID requestMessageId, UUID messageId, String user, ModelRequest request) {
        if (transactions.getTransactionKey() == null) {
            throw new IllegalStateException("a completion begins inside the transaction that stores its question");
        }
        UUID id = UUID.randomUUID();
        CompletionRun run = runner.hold(id, conversationId, messageId, user, request);
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
        runner.recordRequest(id, request);
        return id;
    }

    /**
     * Takes the notebook's result of a tool call of an agent answer, on any connection and any node, once: it is
     * stored, then sent to every subscriber as a {@code tool_result} event; the last result a model turn waited for
     * starts the next turn.
     *
     * @return true when the call already had its result (nothing changed)
     * @throws ApiException not_found for an unknown completion or call, another user's, or an answer that has ended
     */
    public boolean takeToolResult(UUID completionId, String user, UUID callId, String output, boolean error) {
        CompletionRun run = runOf(completionId, user);
        if (run == null) {
            settled(completionId, user);
            throw ApiException.notFound("this answer has ended: its tool calls take no more results");
        }
        ToolResult result = new ToolResult(callId.toString(), cut(output, config.agent().maxResultChars()), error);
        CompletionRun.ResultTaken taken = run.takeResult(result, (event, last) -> agentStore.addResult(event,
                last ? config.nodeName() : null, Instant.now().plus(config.completions().lease())));
        if (taken == CompletionRun.ResultTaken.CONTINUE) {
            runner.continueRun(run);
        }
        return taken == CompletionRun.ResultTaken.DUPLICATE;
    }

    /** At most {@code max} characters of a tool's output, saying how much was cut; never half a surrogate pair. */
    static String cut(String output, int max) {
        if (output.length() <= max) {
            return output;
        }
        int end = Character.isHighSurrogate(output.charAt(max - 1)) ? max - 1 : max;
        return output.substring(0, end) + "\n[... " + (output.length() - end) + " characters cut]";
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
     * Sends the subscriber every chunk after {@code afterSeq}, then the live ones and the end; those of an answer
     * another live node runs come through the relay.
     *
     * @throws ApiException not_found for an unknown completion or another user's, unavailable for one another node
     *                      runs when there is no relay
     */
    public void resume(UUID id, long afterSeq, String user, Supplier<? extends Subscriber> subscribe) {
        metrics.resumed(attach(id, afterSeq, user, subscribe));
    }

    /** Tells the subscriber how the completion ends, and no chunk: for a client that cancels what it does not follow. */
    public void tellEnd(UUID id, String user, Supplier<? extends Subscriber> subscribe) {
        CompletionRun run = runOf(id, user);
        StoredCompletion stored = run == null ? find(id, user) : null;
        if (run != null) {
            run.subscribeFromNow(subscribe.get());
        } else if (remote.runsElsewhere(stored)) {
            remote.follow(id, Long.MAX_VALUE, subscribe.get());
        } else {
            CompletionEnd end = settled(id, user).end();
            subscribe.get().end(end);
        }
    }

    /** Stops the subscriber's delivery; the completion goes on. */
    public void unsubscribe(UUID id, Subscriber subscriber) {
        CompletionRun run = live.find(id);
        if (run != null) {
            run.unsubscribe(subscriber);
        }
        remote.stop(subscriber);
    }

    /**
     * Cancels a completion; it ends {@code cancelled}. One that another live node runs is cancelled there, asked
     * through the relay. One that already ended stays as it ended.
     *
     * @throws ApiException not_found for an unknown completion or another user's, unavailable for one another node
     *                      runs when there is no relay
     */
    public void cancel(UUID id, String user) {
        CompletionRun run = runOf(id, user);
        StoredCompletion stored = run == null ? find(id, user) : null;
        if (run != null) {
            run.cancel();
        } else if (remote.runsElsewhere(stored)) {
            remote.cancel(stored);
        } else {
            settled(id, user);
        }
    }

    /**
     * Cancels every running completion of a conversation, here or on the other live node that runs it (through the
     * relay), and every one waiting for tool results (no node holds those), and waits until each end is stored (5 s
     * at most each). Its followers on this node are told {@code cancelled} before its rows go; those on a third node
     * read the end from the store at their next tick, and may find the rows gone (then they stop without a done).
     */
    public void cancelAll(UUID conversationId) {
        for (CompletionSummary summary : store.listByConversation(conversationId)) {
            CompletionRun run = live.find(summary.id());
            if (run == null && summary.status() == CompletionStatus.WAITING) {
                run = store.find(summary.id()).map(runner::restore).orElse(null);
            }
            if (run != null) {
                run.cancel();
                run.finished().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            } else if (summary.status() == CompletionStatus.RUNNING) {
                store.find(summary.id()).filter(remote::runsElsewhere)
                        .ifPresent(stored -> remote.cancelled(stored, Duration.ofSeconds(5)).join());
            }
            remote.settleFollows(summary.id());
        }
    }

    /**
     * A completion as REST shows it: from memory while it runs here (also while the store is unreachable), its stored
     * progress while another node's lease on it holds, the stored state otherwise.
     *
     * @throws ApiException not_found for an unknown completion or another user's
     */
    public CompletionView view(UUID id, String user) {
        CompletionRun run = ownRun(id, user);
        if (run != null && run.running() && (run.waitingSince() == null || !remote.live())) {
            return run.view();
        }
        StoredCompletion stored = find(id, user);
        if (!stored.leaseHolds(Instant.now())) {
            stored = settled(id, user);
        }
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

    /** Begins nothing new, and lets running completions end on their own for up to {@code chat.completions.drain}. */
    public void drain() {
        runner.drain();
    }

    /** Begins nothing new and ends every running completion {@code interrupted}, its text stored, before returning. */
    public void stop() {
        runner.stop();
    }

    /** Attaches a subscriber from {@code afterSeq}; returns how many chunks it was sent again. */
    private long attach(UUID id, long afterSeq, String user, Supplier<? extends Subscriber> subscribe) {
        CompletionRun run = runOf(id, user);
        if (run != null && run.waitingSince() != null && remote.live()) {
            return remote.follow(id, afterSeq, subscribe.get()); // another node may run its next turn
        }
        if (run != null) {
            long backlog = run.backlog(afterSeq);
            run.subscribe(subscribe.get(), afterSeq);
            return backlog;
        }
        if (remote.runsElsewhere(find(id, user))) {
            return remote.follow(id, afterSeq, subscribe.get());
        }
        return settled(id, user).replayTo(subscribe.get(), afterSeq, agentStore.events(id));
    }

    /**
     * The run of a completion held in memory here, or of one that waits for tool results, restored from the store
     * (after a restart, or once its run was retired), if it is {@code user}'s; null for any other.
     */
    private CompletionRun runOf(UUID id, String user) {
        CompletionRun run = ownRun(id, user);
        if (run != null) {
            return run;
        }
        return store.find(id).filter(stored -> stored.status() == CompletionStatus.WAITING)
                .filter(stored -> stored.ownerUser().equals(user)).map(runner::restore).orElse(null);
    }

    /** The run held in memory here, if it is {@code user}'s; null when none is held. */
    private CompletionRun ownRun(UUID id, String user) {
        CompletionRun run = live.find(id);
        if (run != null && !run.ownerUser().equals(user)) {
            throw Ids.unknown("completion", id);
        }
        return run;
    }

    /**
     * The stored completion of {@code user}, one that does not run here, marked interrupted first if it says running
     * but its owner's lease ran out (a fenced write: it changes nothing once the owner renewed, or another node ended
     * it first). Callers look in memory first: a run of this node is never settled here (start-up settles what this
     * node name left running before it started).
     *
     * @throws ApiException not_found for an unknown completion or another user's, unavailable while another node's
     *                      lease on it holds (there is no relay to follow it through)
     */
    private StoredCompletion settled(UUID id, String user) {
        StoredCompletion stored = find(id, user);
        Instant now = Instant.now();
        if (stored.status() == CompletionStatus.RUNNING && !stored.leaseHolds(now)) {
            store.interruptIfExpired(id, now);
            stored = find(id, user);
        }
        if (stored.status() == CompletionStatus.RUNNING) {
            throw new ApiException(ErrorCode.UNAVAILABLE, "this answer is being written by another service instance",
                    true);
        }
        return stored;
    }

    private StoredCompletion find(UUID id, String user) {
        return store.find(id).filter(c -> c.ownerUser().equals(user)).orElseThrow(() -> Ids.unknown("completion", id));
    }
}
