package dev.mooring.completion;

import dev.mooring.model.ModelError;
import dev.mooring.model.ModelStream;
import dev.mooring.model.ModelStreamListener;

import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Owns one completion while it runs and for a while after: numbers the model's deltas, keeps them in memory, hands
 * them to the subscribers, and ends once. Every event of this completion (delta, subscribe, resume, end) happens
 * under this object's own monitor, so a replay and the live subscription that follows it can never miss a chunk;
 * no lock is shared between completions.
 */
final class CompletionRun implements ModelStreamListener {

    private enum Phase { RUNNING, ENDING, ENDED }

    private static final Subscriber[] NONE = new Subscriber[0];

    private final UUID id;
    private final UUID conversationId;
    private final UUID messageId;
    private final BiConsumer<CompletionRun, FinalState> onEnd;

    private final StringBuilder text = new StringBuilder(256);
    private final StringBuilder chunkLengths = new StringBuilder(64);
    /** offsets[s] is where chunk s+1 ends in {@link #text}. */
    private int[] offsets = new int[32];
    private long lastSeq;
    private Phase phase = Phase.RUNNING;
    private Subscriber[] subscribers = NONE;
    private long checkpointedSeq;
    private CompletionEnd end;
    private long endedAtMillis;
    private ModelStream stream;
    private final CompletableFuture<CompletionStatus> finished = new CompletableFuture<>();

    CompletionRun(UUID id, UUID conversationId, UUID messageId, BiConsumer<CompletionRun, FinalState> onEnd) {
        this.id = id;
        this.conversationId = conversationId;
        this.messageId = messageId;
        this.onEnd = onEnd;
    }

    UUID id() {
        return id;
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
            long seq = ++lastSeq;
            text.append(delta);
            if (seq > offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[(int) seq - 1] = text.length();
            if (seq > 1) {
                chunkLengths.append(',');
            }
            chunkLengths.append(delta.length());
            if (subscribers.length == 0) {
                return;
            }
            Chunk chunk = new Chunk(id, seq, delta);
            for (Subscriber s : subscribers) {
                s.chunk(chunk);
            }
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
            state = new FinalState(id, conversationId, status, text.toString(), lastSeq, chunkLengths.toString(), error);
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        onEnd.accept(this, state);
    }

    /** Called once the final state is stored: tells every subscriber how the completion ended. */
    void published(FinalState state) {
        synchronized (this) {
            phase = Phase.ENDED;
            endedAtMillis = System.currentTimeMillis();
            end = new CompletionEnd(id, state.status(), state.lastSeq(), messageId, state.error());
            Subscriber[] targets = subscribers;
            subscribers = NONE;
            for (Subscriber s : targets) {
                s.end(end);
            }
        }
        finished.complete(state.status());
    }

    /** Completes with the final status once every subscriber was told. */
    CompletableFuture<CompletionStatus> finished() {
        return finished;
    }

    /** Replays every chunk after {@code afterSeq}, then follows live (or tells the end if it has ended). */
    synchronized void subscribe(Subscriber subscriber, long afterSeq) {
        for (long seq = afterSeq + 1; seq <= lastSeq; seq++) {
            subscriber.chunk(new Chunk(id, seq, chunk(seq)));
        }
        if (phase == Phase.ENDED) {
            subscriber.end(end);
            return;
        }
        Subscriber[] next = Arrays.copyOf(subscribers, subscribers.length + 1);
        next[subscribers.length] = subscriber;
        subscribers = next;
    }

    /** Follows from the chunk that comes next: the subscriber hears of no earlier chunk, only of later ones and the end. */
    synchronized void subscribeFromNow(Subscriber subscriber) {
        subscribe(subscriber, lastSeq);
    }

    /** How many chunks a resume from {@code afterSeq} replays from memory. */
    synchronized long backlog(long afterSeq) {
        return Math.max(0, lastSeq - afterSeq);
    }

    synchronized void unsubscribe(Subscriber subscriber) {
        for (int i = 0; i < subscribers.length; i++) {
            if (subscribers[i] == subscriber) {
                Subscriber[] next = new Subscriber[subscribers.length - 1];
                System.arraycopy(subscribers, 0, next, 0, i);
                System.arraycopy(subscribers, i + 1, next, i, subscribers.length - i - 1);
                subscribers = next;
                return;
            }
        }
    }

    /**
     * The progress to write, if any chunk arrived since the last stored checkpoint (or {@code always}, to renew a
     * lease). It stays due until {@link #checkpointed} reports it stored, so a failed pass is written by the next;
     * an ending run's progress is written too (its lease held) until its end is stored.
     */
    synchronized Progress progress(boolean always) {
        if (phase == Phase.ENDED || (!always && lastSeq == checkpointedSeq)) {
            return null;
        }
        return new Progress(id, text.toString(), lastSeq, chunkLengths.toString());
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
        return new CompletionView(id, conversationId, CompletionStatus.RUNNING.label(), lastSeq, text.toString(),
                checkpointedSeq, null);
    }

    /** Whether it ended (and told its subscribers) before {@code millis}. */
    synchronized boolean endedBefore(long millis) {
        return phase == Phase.ENDED && endedAtMillis < millis;
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    private String chunk(long seq) {
        int start = seq == 1 ? 0 : offsets[(int) seq - 2];
        return text.substring(start, offsets[(int) seq - 1]);
    }
}
