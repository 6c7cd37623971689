package dev.mooring.completion;

import dev.mooring.api.ErrorCode;
import dev.mooring.chat.FrameCodec;
import dev.mooring.chat.ServerFrame;
import dev.mooring.model.ModelError;
import dev.mooring.model.ModelStream;
import dev.mooring.model.ModelStreamListener;

import java.util.Arrays;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Owns one completion while it runs and for a while after: numbers the model's deltas, keeps them in memory, hands
 * them to the subscribers, and ends once. Every event of this completion (delta, subscribe, resume, end) happens
 * under this object's own monitor, so a replay and the live subscription that follows it can never miss a chunk;
 * no lock is shared between completions.
 */
public final class CompletionRun implements ModelStreamListener {

    private enum Phase { RUNNING, ENDING, ENDED }

    private static final Subscriber[] NONE = new Subscriber[0];

    private final UUID id;
    private final String wireId;
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
    private String doneFrame;
    private ModelStream stream;
    private final java.util.concurrent.CompletableFuture<CompletionStatus> finished =
            new java.util.concurrent.CompletableFuture<>();

    CompletionRun(UUID id, UUID conversationId, UUID messageId, BiConsumer<CompletionRun, FinalState> onEnd) {
        this.id = id;
        this.wireId = id.toString();
        this.conversationId = conversationId;
        this.messageId = messageId;
        this.onEnd = onEnd;
    }

    public UUID id() {
        return id;
    }

    public UUID messageId() {
        return messageId;
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
        Subscriber[] targets;
        long seq;
        synchronized (this) {
            if (phase != Phase.RUNNING) {
                return;
            }
            seq = ++lastSeq;
            text.append(delta);
            if (seq > offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[(int) seq - 1] = text.length();
            if (seq > 1) {
                chunkLengths.append(',');
            }
            chunkLengths.append(delta.length());
            targets = subscribers;
            if (targets.length == 0) {
                return;
            }
            String frame = FrameCodec.chunk(wireId, seq, delta);
            for (Subscriber s : targets) {
                s.deliver(seq, frame);
            }
        }
    }

    @Override
    public void onComplete() {
        end(CompletionStatus.COMPLETED, null);
    }

    @Override
    public void onError(ModelError error) {
        end(CompletionStatus.FAILED, new ServerFrame.ErrorBody(ErrorCode.MODEL_ERROR, error.message(), error.retryable()));
    }

    /** Stops the provider's stream and ends the completion {@code cancelled}. */
    public void cancel() {
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
    void end(CompletionStatus status, ServerFrame.ErrorBody error) {
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

    /** Called once the final state is stored: sends {@code done} to every subscriber. */
    void published(CompletionStatus status, String done) {
        Subscriber[] targets;
        synchronized (this) {
            phase = Phase.ENDED;
            doneFrame = done;
            targets = subscribers;
            subscribers = NONE;
            for (Subscriber s : targets) {
                s.end(done);
            }
        }
        finished.complete(status);
    }

    /** Completes with the final status once {@code done} was sent. */
    public java.util.concurrent.CompletableFuture<CompletionStatus> finished() {
        return finished;
    }

    /** Replays every chunk after {@code afterSeq}, then follows live (or sends {@code done} if it has ended). */
    public void subscribe(Subscriber subscriber, long afterSeq) {
        synchronized (this) {
            for (long seq = afterSeq + 1; seq <= lastSeq; seq++) {
                subscriber.deliver(seq, FrameCodec.chunk(wireId, seq, chunk(seq)));
            }
            if (phase == Phase.ENDED) {
                subscriber.end(doneFrame);
                return;
            }
            Subscriber[] next = Arrays.copyOf(subscribers, subscribers.length + 1);
            next[subscribers.length] = subscriber;
            subscribers = next;
        }
    }

    /** How many chunks a resume from {@code afterSeq} replays from memory. */
    public synchronized long backlog(long afterSeq) {
        return Math.max(0, lastSeq - afterSeq);
    }

    public synchronized void unsubscribe(Subscriber subscriber) {
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
     * lease). It stays due until {@link #checkpointed} reports it stored, so a failed pass is written by the next.
     */
    synchronized Progress progress(boolean always) {
        if (phase != Phase.RUNNING || (!always && lastSeq == checkpointedSeq)) {
            return null;
        }
        return new Progress(id, text.toString(), lastSeq, chunkLengths.toString());
    }

    /** Notes that the progress up to {@code seq} is stored. */
    synchronized void checkpointed(long seq) {
        checkpointedSeq = Math.max(checkpointedSeq, seq);
    }

    public synchronized boolean running() {
        return phase != Phase.ENDED;
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    public synchronized String text() {
        return text.toString();
    }

    private String chunk(long seq) {
        int start = seq == 1 ? 0 : offsets[(int) seq - 2];
        return text.substring(start, offsets[(int) seq - 1]);
    }
}
