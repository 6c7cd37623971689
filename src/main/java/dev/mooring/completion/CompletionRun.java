package dev.mooring.completion;

import dev.mooring.model.ModelError;
import dev.mooring.model.ModelStream;
import dev.mooring.model.ModelStreamListener;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Owns one completion while it runs and for a while after: numbers the model's deltas, keeps them in memory, hands
 * them to the subscribers, and ends once. Every event of this completion (delta, subscribe, resume, end) happens
 * under this object's own monitor, so a replay and the live subscription that follows it can never miss a chunk;
 * no lock is shared between completions. Chunks are handed out only while this node's lease on the answer holds
 * ({@link #leaseRenewed}): a node that was paused past its lease says nothing more until it knows the answer is
 * still its own, and if another node ended it meanwhile, its subscribers hear only the stored end.
 */
final class CompletionRun implements ModelStreamListener {

    private enum Phase { RUNNING, ENDING, ENDED }

    private final UUID id;
    private final UUID conversationId;
    private final UUID messageId;
    private final String ownerUser;
    private final BiConsumer<CompletionRun, FinalState> onEnd;

    private final ChunkLog log = new ChunkLog();
    /** The last seq handed to the subscribers; above it chunks wait for a renewed lease. */
    private long deliveredSeq;
    private long deliverUntilMillis;
    private Phase phase = Phase.RUNNING;
    private final Subscribers subscribers = new Subscribers();
    private long checkpointedSeq;
    private CompletionEnd end;
    private long endedAtMillis;
    private ModelStream stream;
    private final CompletableFuture<CompletionStatus> finished = new CompletableFuture<>();

    /**
     * A run of {@code ownerUser}'s answer that may hand out chunks until {@code deliverUntilMillis} (its lease, less
     * a margin for clocks), and later as {@link #leaseRenewed} allows.
     */
    CompletionRun(UUID id, UUID conversationId, UUID messageId, String ownerUser, long deliverUntilMillis,
                  BiConsumer<CompletionRun, FinalState> onEnd) {
        this.id = id;
        this.conversationId = conversationId;
        this.messageId = messageId;
        this.ownerUser = ownerUser;
        this.deliverUntilMillis = deliverUntilMillis;
        this.onEnd = onEnd;
    }

    /**
     * Until when a run whose lease was renewed at {@code renewedAt} may hand out chunks: the lease less a tenth, a
     * margin for the clocks of the nodes that would take the answer over once it runs out.
     */
    static long deliverUntil(long renewedAt, Duration lease) {
        return renewedAt + lease.toMillis() - lease.toMillis() / 10;
    }

    UUID id() {
        return id;
    }

    /** Whose answer it is. */
    String ownerUser() {
        return ownerUser;
    }

    /** Binds the provider's stream, cancelling it at once if the completion already ended. */
    void attach(ModelStream modelStream) {
        boolean ended;
        synchronized (this) {
            stream = modelStream;
            ended = phase != Phase.RUNNING;
        }
        if (ended) {
            modelStream.cancel();
        }
    }

    @Override
    public void onDelta(String delta) {
        if (delta == null || delta.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (phase != Phase.RUNNING) {
                return;
            }
            deliver(log.append(delta));
        }
    }

    /** Hands the subscribers every chunk up to {@code upTo} they were not given, if the lease allows. */
    private void deliver(long upTo) {
        if (System.currentTimeMillis() >= deliverUntilMillis) {
            return;
        }
        if (subscribers.isEmpty()) {
            deliveredSeq = Math.max(deliveredSeq, upTo);
            return;
        }
        for (long seq = deliveredSeq + 1; seq <= upTo; seq++) {
            subscribers.chunk(new Chunk(id, seq, log.chunk(seq)));
        }
        deliveredSeq = Math.max(deliveredSeq, upTo);
    }

    /** The lease on this answer was renewed (its progress stored under this process's token): until then, at most. */
    synchronized void leaseRenewed(long deliverUntil) {
        deliverUntilMillis = Math.max(deliverUntilMillis, deliverUntil);
        if (phase == Phase.RUNNING) {
            deliver(log.lastSeq());
        }
    }

    @Override
    public void onComplete() {
        end(CompletionStatus.COMPLETED, null);
    }

    @Override
    public void onError(ModelError error) {
        end(CompletionStatus.FAILED, error.busy() ? CompletionError.busy(error.message())
                : CompletionError.model(error.message(), error.retryable()));
    }

    /** Stops the provider's stream and ends the completion {@code cancelled}. */
    void cancel() {
        ModelStream current;
        synchronized (this) {
            current = phase == Phase.RUNNING ? stream : null;
        }
        if (current != null) {
            current.cancel();
        }
        end(CompletionStatus.CANCELLED, null);
    }

    /** Ends the completion with {@code status} unless it ended already; its final state goes to {@code onEnd}. */
    void end(CompletionStatus status, CompletionError error) {
        FinalState state;
        ModelStream toCancel = null;
        synchronized (this) {
            if (phase != Phase.RUNNING) {
                return;
            }
            phase = Phase.ENDING;
            if (status == CompletionStatus.INTERRUPTED) {
                toCancel = stream;
            }
            state = new FinalState(id, conversationId, status, log.text(), log.lastSeq(), log.chunkLengths(), error);
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        onEnd.accept(this, state);
    }

    /**
     * Called once the final state is stored (its own, or the one another node stored after this node lost the
     * answer): tells every subscriber the chunks it holds up to that end, then how the completion ended.
     */
    void published(FinalState state) {
        synchronized (this) {
            deliverUntilMillis = Long.MAX_VALUE;
            deliver(Math.min(log.lastSeq(), state.lastSeq()));
            phase = Phase.ENDED;
            endedAtMillis = System.currentTimeMillis();
            end = new CompletionEnd(id, state.status(), state.lastSeq(), messageId, state.error());
            subscribers.end(end);
        }
        finished.complete(state.status());
    }

    /** Completes with the final status once every subscriber was told. */
    CompletableFuture<CompletionStatus> finished() {
        return finished;
    }

    /** Replays every chunk handed out after {@code afterSeq}, then follows live (or tells the end if it has ended). */
    synchronized void subscribe(Subscriber subscriber, long afterSeq) {
        long upTo = phase == Phase.ENDED ? Math.min(deliveredSeq, end.lastSeq()) : deliveredSeq;
        for (long seq = afterSeq + 1; seq <= upTo; seq++) {
            subscriber.chunk(new Chunk(id, seq, log.chunk(seq)));
        }
        if (phase == Phase.ENDED) {
            subscriber.end(end);
            return;
        }
        subscribers.add(subscriber);
    }

    /** Follows from the chunk that comes next: the subscriber hears of no earlier chunk, only of later ones and the end. */
    synchronized void subscribeFromNow(Subscriber subscriber) {
        subscribe(subscriber, deliveredSeq);
    }

    /** How many chunks a resume from {@code afterSeq} replays from memory. */
    synchronized long backlog(long afterSeq) {
        return Math.max(0, deliveredSeq - afterSeq);
    }

    synchronized void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    /**
     * The progress to write, if any chunk arrived since the last stored checkpoint (or {@code always}, to renew a
     * lease). It stays due until {@link #checkpointed} reports it stored, so a failed pass is written by the next;
     * an ending run's progress is written too (its lease held) until its end is stored.
     */
    synchronized Progress progress(boolean always) {
        if (phase == Phase.ENDED || (!always && log.lastSeq() == checkpointedSeq)) {
            return null;
        }
        return new Progress(id, log.text(), log.lastSeq(), log.chunkLengths());
    }

    /** Notes that the progress up to {@code seq} is stored. */
    synchronized void checkpointed(long seq) {
        checkpointedSeq = Math.max(checkpointedSeq, seq);
    }

    /** Whether it runs, or ended and its end is not stored yet: either way no subscriber has been told it ended. */
    synchronized boolean running() {
        return phase != Phase.ENDED;
    }

    /** The live state as REST shows it while it runs; {@code durableSeq} is what the last checkpoint stored. */
    synchronized CompletionView view() {
        return new CompletionView(id, conversationId, CompletionStatus.RUNNING.label(), log.lastSeq(), log.text(),
                checkpointedSeq, null);
    }

    /** Whether it ended (and told its subscribers) before {@code millis}. */
    synchronized boolean endedBefore(long millis) {
        return phase == Phase.ENDED && endedAtMillis < millis;
    }

    synchronized long lastSeq() {
        return log.lastSeq();
    }
}
